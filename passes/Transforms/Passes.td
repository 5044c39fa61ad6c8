//===- Passes.td - ariadnec passes -------------------------*- tablegen -*-===//
#ifndef ARIADNE_TRANSFORMS_PASSES
#define ARIADNE_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FoldConstants : Pass<"nn-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Fold constant subgraphs and canonicalize nn ops";
  let description = [{
    Evaluates ops whose operands are all constants, removes identity
    reshapes and transposes, and rewrites a matrix product with a constant
    right-hand side (ONNX Gemm and MatMul + Add as PyTorch exports them, and
    a following scale by a constant) into one `nn.dense` with the weights as
    attributes.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def FoldBatchNorm : Pass<"nn-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference BatchNorm into the preceding dense layer";
  let description = [{
    `batch_norm(dense(x, W, b))` with constant parameters becomes
    `dense(x, W', b')` with `W'[n,:] = W[n,:] * s[n]` and
    `b'[n] = (b[n] - mean[n]) * s[n] + bias[n]`,
    `s = scale / sqrt(var + epsilon)`, when the dense layer has no fused
    activation and no other user.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def FuseActivations : Pass<"nn-fuse-activations", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise activations into the preceding dense layer";
  let description = [{
    `nn.activation` applied to the only use of an `nn.dense` without an
    activation becomes that dense layer's `activation` attribute.
  }];
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

def RemoveDeadCode : Pass<"nn-remove-dead-code", "mlir::func::FuncOp"> {
  let summary = "Remove ops whose results are never used";
  let dependentDialects = ["ariadne::nn::NNDialect"];
}

#endif // ARIADNE_TRANSFORMS_PASSES
