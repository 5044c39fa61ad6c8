//===- NNOps.td - nn dialect operations ---------------------*- tablegen -*-===//
//
// Operations of the nn dialect. Weights of dense layers are attributes, so
// that passes can rewrite them (BatchNorm folding, quantization) and
// backends can emit them as constants.
//
//===----------------------------------------------------------------------===//

#ifndef ARIADNE_NN_OPS
#define ARIADNE_NN_OPS

include "passes/NN/NNDialect.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Activation kinds
//===----------------------------------------------------------------------===//

def NN_ActNone : I32EnumAttrCase<"none", 0>;
def NN_ActRelu : I32EnumAttrCase<"relu", 1>;
def NN_ActLeakyRelu : I32EnumAttrCase<"leaky_relu", 2>;
def NN_ActTanh : I32EnumAttrCase<"tanh", 3>;
def NN_ActSigmoid : I32EnumAttrCase<"sigmoid", 4>;
def NN_ActSoftsign : I32EnumAttrCase<"softsign", 5>;
def NN_ActHardSigmoid : I32EnumAttrCase<"hard_sigmoid", 6>;
def NN_ActClip : I32EnumAttrCase<"clip", 7>;
def NN_ActAbs : I32EnumAttrCase<"abs", 8>;
def NN_ActElu : I32EnumAttrCase<"elu", 9>;
def NN_ActSelu : I32EnumAttrCase<"selu", 10>;
def NN_ActSoftplus : I32EnumAttrCase<"softplus", 11>;
def NN_ActErf : I32EnumAttrCase<"erf", 12>;
def NN_ActGelu : I32EnumAttrCase<"gelu", 13>;
def NN_ActGeluTanh : I32EnumAttrCase<"gelu_tanh", 14>;
def NN_ActRsqrt : I32EnumAttrCase<"rsqrt", 15>;
def NN_ActReciprocal : I32EnumAttrCase<"reciprocal", 16>;

def NN_ActivationKind : I32EnumAttr<"ActivationKind",
    "element-wise activation function",
    [NN_ActNone, NN_ActRelu, NN_ActLeakyRelu, NN_ActTanh, NN_ActSigmoid,
     NN_ActSoftsign, NN_ActHardSigmoid, NN_ActClip, NN_ActAbs, NN_ActElu,
     NN_ActSelu, NN_ActSoftplus, NN_ActErf, NN_ActGelu, NN_ActGeluTanh,
     NN_ActRsqrt, NN_ActReciprocal]> {
  let cppNamespace = "::ariadne::nn";
  let genSpecializedAttr = 0;
}

def NN_ActivationKindAttr : EnumAttr<NN_Dialect, NN_ActivationKind, "act">;

// The predicate of nn.compare.
def NN_PredEq : I32EnumAttrCase<"eq", 0>;
def NN_PredNe : I32EnumAttrCase<"ne", 1>;
def NN_PredLt : I32EnumAttrCase<"lt", 2>;
def NN_PredLe : I32EnumAttrCase<"le", 3>;
def NN_PredGt : I32EnumAttrCase<"gt", 4>;
def NN_PredGe : I32EnumAttrCase<"ge", 5>;

// Stored as an integer attribute and printed as its keyword
// (`nn.compare gt %x, %y`), as arith.cmpi does.
def NN_PredicateAttr : I32EnumAttr<"Predicate", "comparison predicate",
    [NN_PredEq, NN_PredNe, NN_PredLt, NN_PredLe, NN_PredGt, NN_PredGe]> {
  let cppNamespace = "::ariadne::nn";
}

// The parameters of an activation: alpha and beta mean
//   leaky_relu:   x < 0 ? alpha * x : x
//   hard_sigmoid: max(0, min(1, alpha * x + beta))
//   clip:         min(beta, max(alpha, x))
//   elu:          x < 0 ? alpha * (exp(x) - 1) : x
//   selu:         beta * (x < 0 ? alpha * (exp(x) - 1) : x)   (beta: gamma)
//   softplus:     log(1 + exp(x))
//   erf:          erf(x)
//   gelu:         x * (1 + erf(x / sqrt(2))) / 2
//   gelu_tanh:    x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) / 2
//   rsqrt:        1 / sqrt(alpha * x + beta)   (a layer norm's scale)
//   reciprocal:   1 / x                        (division by an activation)
// and are ignored by the other kinds.
defvar NN_ActivationArgs = (ins
    DefaultValuedAttr<NN_ActivationKindAttr, "ActivationKind::none">:$activation,
    DefaultValuedAttr<F32Attr, "0.0f">:$alpha,
    DefaultValuedAttr<F32Attr, "0.0f">:$beta);

def NN_Tensor : RankedTensorOf<[AnyType]>;

//===----------------------------------------------------------------------===//
// Constants and layers
//===----------------------------------------------------------------------===//

def NN_ConstantOp : NN_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "output"]>]> {
  let summary = "constant tensor";
  let description = [{
    A tensor known at compile time (an ONNX initializer or Constant node).

    ```mlir
    %w = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def NN_DenseOp : NN_Op<"dense", [Pure]> {
  let summary = "fully connected layer with an optional fused activation";
  let description = [{
    `output[..., n] = act(sum_k input[..., k] * weight[n, k] + bias[n])`.
    The weight has shape [N, K] (PyTorch's Linear layout) and the optional
    bias shape [N]. The activation is applied last; `none` leaves the affine
    result.

    ```mlir
    %y = nn.dense %x {weight = dense<...> : tensor<81x27xf32>,
                      bias = dense<...> : tensor<81xf32>,
                      activation = #nn<act tanh>}
        : (tensor<?x27xf32>) -> tensor<?x81xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input, ElementsAttr:$weight,
                           OptionalAttr<ElementsAttr>:$bias),
                       NN_ActivationArgs);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getInFeatures();
    int64_t getOutFeatures();
  }];
}

def NN_MatMulOp : NN_Op<"matmul", [Pure]> {
  let summary = "matrix product with numpy semantics (ONNX MatMul)";
  let description = [{
    Batched matrix product of two runtime tensors with numpy broadcasting of
    the leading dimensions; a 1-D operand is promoted to a matrix and the
    promoted dimension removed from the result. A product with a constant
    right-hand side is rewritten to `nn.dense` by `nn-fold-constants`.
  }];
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ActivationOp : NN_Op<"activation", [Pure, SameOperandsAndResultType]> {
  let summary = "element-wise activation function";
  let description = [{
    Applies one of the activation kinds element-wise.

    ```mlir
    %y = nn.activation %x {activation = #nn<act leaky_relu>, alpha = 0.01 : f32}
        : tensor<?x16xf32>
    ```
  }];
  let arguments = !con((ins NN_Tensor:$input), NN_ActivationArgs);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def NN_SoftmaxOp : NN_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (non-negative, never the
    dynamic batch axis).
  }];
  let arguments = (ins NN_Tensor:$input, I64Attr:$axis);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def NN_BatchNormOp : NN_Op<"batch_norm", [Pure]> {
  let summary = "inference batch normalization along axis 1";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias` with the parameters,
    of shape [C], broadcast along axis 1 of the input. With constant
    parameters after a dense layer it is folded away by `nn-fold-batchnorm`.
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$scale, NN_Tensor:$bias,
                       NN_Tensor:$mean, NN_Tensor:$variance,
                       F32Attr:$epsilon);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise binary arithmetic with numpy broadcasting
//===----------------------------------------------------------------------===//

class NN_BinaryOp<string mnemonic, string expr> : NN_Op<mnemonic, [Pure]> {
  let summary = "element-wise " # mnemonic # " with numpy broadcasting";
  let description = "`output = " # expr # "` with the operands broadcast "
                    # "to the result shape.";
  let arguments = (ins NN_Tensor:$lhs, NN_Tensor:$rhs);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_AddOp : NN_BinaryOp<"add", "lhs + rhs">;
def NN_SubOp : NN_BinaryOp<"sub", "lhs - rhs">;
def NN_MulOp : NN_BinaryOp<"mul", "lhs * rhs">;
def NN_DivOp : NN_BinaryOp<"div", "lhs / rhs">;
def NN_MaxOp : NN_BinaryOp<"max", "max(lhs, rhs)">;
def NN_MinOp : NN_BinaryOp<"min", "min(lhs, rhs)">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def NN_ReshapeOp : NN_Op<"reshape", [Pure]> {
  let summary = "reshape to the result type";
  let description = [{
    Reinterprets the elements in C order with the result's shape. Flatten,
    Squeeze, Unsqueeze and ONNX Reshape all import as this op. A dynamic
    leading dimension stays the batch: one event keeps its element count.
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_TransposeOp : NN_Op<"transpose", [Pure]> {
  let summary = "permutation of the dimensions";
  let description = "`output` dimension i is `input` dimension `perm[i]`.";
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def NN_ConcatOp : NN_Op<"concat", [Pure]> {
  let summary = "concatenation along one axis";
  let arguments = (ins Variadic<NN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_SliceOp : NN_Op<"slice", [Pure]> {
  let summary = "strided slice with one start, end and step per dimension";
  let description = [{
    Output dimension d takes the input indices `starts[d] + i * steps[d]`
    for `i` in `[0, output dim d)`. Starts are normalized (in range); steps
    may be negative. The frontend resolves ONNX's clamping rules.
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_WindowOp : NN_Op<"window", [Pure]> {
  let summary = "receptive fields of a convolution or pooling layer";
  let description = [{
    Gathers the receptive fields of a sliding window over the spatial
    dimensions of a channels-first input `[N?, C, in_1, ..., in_r]`
    (r = 1, 2 or 3) into `[N?, out_1, ..., out_r, C, K]`,
    K = prod(kernel_shape): element (p, c, k) is the input element at
    `p_d * strides_d - pads_d + k_d * dilations_d` in each spatial dimension
    d, or the padding value where that lies outside the input: 0, or with
    `pad_lowest` the lowest value of the element type (-inf for floats),
    which a maximum never picks. `pads` holds the r begin paddings then the
    r end paddings (ONNX order); out_d = floor((in_d + begin_d + end_d -
    dilations_d * (kernel_d - 1) - 1) / strides_d) + 1.

    A convolution imports as a window, a dense layer over `C * K` and a
    transpose back to channels first; a pooling layer as a window and a
    reduction over K. The window only moves values: on fixed-point tensors
    it keeps the input's type, and padding with 0 is exact.

    ```mlir
    %w = nn.window %x {kernel_shape = array<i64: 3, 3>,
                       strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                       pads = array<i64: 1, 1, 1, 1>}
        : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2x9xf32>
    ```
  }];
  let arguments = (ins NN_Tensor:$input, DenseI64ArrayAttr:$kernel_shape,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$pads, UnitAttr:$pad_lowest);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The spatial output size of every dimension, from the attributes and
    /// the input's spatial sizes.
    llvm::SmallVector<int64_t, 3> getOutputSpatial();
  }];
}

def NN_ReduceMaxOp : NN_Op<"reduce_max", [Pure]> {
  let summary = "maximum over the last axis";
  let description = [{
    `output[...] = max_k input[..., k]`: the result drops the last axis.
    Max pooling imports as an nn.window (padded with the lowest value) and
    this op; GlobalMaxPool as a reshape and this op. A maximum only selects
    one of its inputs: on fixed-point tensors it keeps the input's type and
    is exact.
  }];
  let arguments = (ins NN_Tensor:$input);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Index ops (graph networks)
//===----------------------------------------------------------------------===//

def NN_GatherElementsOp : NN_Op<"gather_elements", [Pure]> {
  let summary = "gather along one axis at run-time indices";
  let description = [{
    `output[i] = input[i with j at axis]`, `j = indices[i]` (an index
    dimension of size 1 broadcasts over the output's). ONNX GatherElements imports as this op, and Gather
    at run-time indices with the indices reshaped so that they broadcast.
    `indices` is an index tensor (`nn.index`): f32 holding integers in the
    float model, an integral fixed-point type once quantized. An index in
    `[-n, 0)` counts from the end of the axis (n its size); one outside
    `[-n, n)` reads 0 on every target, and the emulator counts it. The op
    only selects values: on fixed-point tensors it keeps `input`'s type.
  }];
  let arguments = (ins NN_Tensor:$input, NN_Tensor:$indices, I64Attr:$axis);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def NN_ScatterElementsOp : NN_Op<"scatter_elements", [Pure]> {
  let summary = "scatter along one axis at run-time indices";
  let description = [{
    The result starts as `input`, or as zeros without one (`input`'s
    leading dimension may be 1 when the result's is the dynamic batch: the
    same start for every event); then, for every element `u` of `updates`
    in C order, with `j = indices[u]`, `output[u with j at axis]` becomes
    `updates[u]` (`add` false: the last one wins) or grows by it (`add`
    true: ONNX ScatterElements with reduction add, PyTorch's scatter_add).
    `indices` and `updates` have one shape; every dimension but `axis` fits
    in the result's. Negative indices count from the end as in
    nn.gather_elements; an update whose index lies outside `[-n, n)` is
    dropped on every target, and the emulator counts it.

    In fixed point the updates, `input` and the result share one type: a
    sum is then exact when the type holds the start plus
    `updates.shape[axis]` updates, which fx-lower guarantees by choosing
    that exact type and casting once after the op.
  }];
  let arguments = (ins NN_Tensor:$indices, NN_Tensor:$updates,
                       Optional<NN_Tensor>:$input, I64Attr:$axis,
                       UnitAttr:$add);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $indices `,` $updates (`into` $input^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Conditions (masks)
//===----------------------------------------------------------------------===//

def NN_CompareOp : NN_Op<"compare", [Pure]> {
  let summary = "element-wise comparison giving a condition of 0 and 1";
  let description = [{
    `output = lhs <predicate> rhs ? 1 : 0`, with `rhs` of `lhs`'s shape, or
    without `rhs` the constant `value`. ONNX Equal, Greater, Less,
    GreaterOrEqual and LessOrEqual of run-time tensors import as this op,
    and Not, And, Or and Xor of conditions as comparisons and selects.

    The result is a condition: integers like an index tensor (f32 holding
    0 and 1 in the float model, the index type in fixed point) that
    nn.select reads. In fixed point the comparison is exact: two operands
    of different types compare their values, and a constant compares as
    the real number it is (`x > 0.3` on a grid of 1/8 is `x > 2/8`), so
    every target agrees on every element.
  }];
  let arguments = (ins NN_Tensor:$lhs, Optional<NN_Tensor>:$rhs,
                       NN_PredicateAttr:$predicate,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $predicate $lhs (`,` $rhs^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def NN_SelectOp : NN_Op<"select", [Pure, AttrSizedOperandSegments]> {
  let summary = "element-wise choice between two tensors by a condition";
  let description = [{
    `output = condition != 0 ? x : y` (ONNX Where). The condition is an
    integer tensor like an index tensor (a model's bool input or an
    nn.compare; a float holding a fraction counts as its floor) whose
    dimensions equal the result's or are 1 (broadcast); `x` and `y` have
    the result's shape. A missing `x` or `y` is the constant `x_value` or
    `y_value` (masked_fill's fill, a cast's 1 and 0).

    In fixed point the op selects and never rounds: `x` and `y` are cast
    into the result type first (one cast each, where the config or `auto`
    says), and a constant is converted into it rounding to nearest and
    saturating whatever the type's modes, so that a fill of -1e9 becomes
    the type's most negative value instead of wrapping.
  }];
  let arguments = (ins NN_Tensor:$condition, Optional<NN_Tensor>:$x,
                       Optional<NN_Tensor>:$y,
                       DefaultValuedAttr<F64Attr, "0.0">:$x_value,
                       DefaultValuedAttr<F64Attr, "0.0">:$y_value);
  let results = (outs NN_Tensor:$output);
  let assemblyFormat = [{
    $condition (`then` $x^)? (`else` $y^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // ARIADNE_NN_OPS
