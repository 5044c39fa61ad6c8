//===- Passes.td - ariadnec passes -------------------------*- tablegen -*-===//
#ifndef ARIADNE_TRANSFORMS_PASSES
#define ARIADNE_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"nn-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Fold constant subgraphs and canonicalize nn ops";
  let description = [{
    Evaluates ops whose operands are all constants (through the ops'
    folders), removes identity reshapes and transposes, merges a reshape of
    a reshape and a transpose of a transpose into one op, and rewrites a
    matrix product with a constant right-hand side (ONNX Gemm and MatMul +
    Add as PyTorch exports them, and a following scale by a constant) into
    one `nn.dense` with the weights as attributes:

    - `matmul(x, W)` with `x` of rank >= 2 and a constant `W` of shape
      [K, N] becomes `dense(x)` with `weight = W^T` ([N, K]);
    - `add`, `sub`, `mul` of a dense layer and a constant that broadcasts
      along the last axis only (a scalar, [N], [1, N], [1, ..., 1, N]), in
      either operand order, and `div` of such a dense layer by a non-zero
      constant, fold into the dense layer's weight and bias, when the dense
      layer has no fused activation and no other user.

    Folded values are computed in double precision and rounded once to the
    element type: for one +, -, *, / of float32 values that is exactly the
    float32 result.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def FoldBatchNorm : Pass<"nn-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNorm into the preceding dense layer";
  let description = [{
    `batch_norm(dense(x, W, b))` with constant parameters becomes
    `dense(x, W', b')` with `W'[n,:] = W[n,:] * s[n]` and
    `b'[n] = (b[n] - mean[n]) * s[n] + bias[n]`,
    `s = scale / sqrt(var + epsilon)`, when the dense layer has a rank-2
    result (so that batch_norm's axis 1 is its feature axis), no fused
    activation and no other user, and every `s[n]` is finite. The values are
    computed in double precision and rounded once, which can differ by one
    ulp from a step-by-step float32 evaluation. Any other batch_norm is left
    as it is.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def FuseActivations : Pass<"nn-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise activations into the preceding dense layer";
  let description = [{
    `nn.activation` applied to the only use of an `nn.dense` without an
    activation becomes that dense layer's `activation`, `alpha` and `beta`
    attributes.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def RemoveDeadCode : Pass<"nn-remove-dead-code", "mlir::func::FuncOp"> {
  let summary = "Remove ops whose results are never used";
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

#endif // ARIADNE_TRANSFORMS_PASSES
