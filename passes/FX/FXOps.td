//===- FXOps.td - fx dialect operations ---------------------*- tablegen -*-===//
//
// The quantized operations: what a model computes once its tensors hold
// fixed-point values. Each op's semantics are stated on raw integers, so
// that the emulator, the runtime and the HLS code can agree bit for bit.
//
// Raw values in attributes are i64: the W-bit integer m of the type (see
// FX_FixedType), sign-extended for `fixed`; for a `ufixed` of 64 bits the
// attribute holds the bit pattern, so values from 2^63 up are negative i64,
// as fixed_bits.h carries them in uint64_t.
//
//===----------------------------------------------------------------------===//

#ifndef ARIADNE_FX_OPS
#define ARIADNE_FX_OPS

include "passes/FX/FXTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class FX_Op<string mnemonic, list<Trait> traits = []>
    : Op<FX_Dialect, mnemonic, traits>;

// Only the leading dimension may be dynamic (it is then the event batch);
// the ops' verifiers check that, a constraint cannot.
def FX_FixedElement : Type<CPred<"::llvm::isa<::ariadne::fx::FixedType>($_self)">,
                            "fixed-point (!fx.fixed or !fx.ufixed)",
                            "::ariadne::fx::FixedType">;
def FX_FixedTensor : RankedTensorOf<[FX_FixedElement]>;
def FX_FloatTensor : RankedTensorOf<[F32]>;
def FX_FixedTypeAttr : TypeAttrOf<FX_FixedElement>;

//===----------------------------------------------------------------------===//
// The model boundary
//===----------------------------------------------------------------------===//

def FX_QuantizeOp : FX_Op<"quantize", [Pure]> {
  let summary = "float tensor to fixed-point tensor";
  let description = [{
    Converts each f32 value into the result's element type with that type's
    quantization mode, then its overflow mode, applied to the exact value of
    the float (fixed_bits.h `bitsFromDouble`; NaN and infinities as there).
    This is where a model's float inputs enter the quantized graph.

    ```mlir
    %q = fx.quantize %x : (tensor<?x16xf32>) -> tensor<?x16x!fx.fixed<16, 6, RND, SAT>>
    ```
  }];
  let arguments = (ins FX_FloatTensor:$input);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def FX_DequantizeOp : FX_Op<"dequantize", [Pure]> {
  let summary = "fixed-point tensor to float tensor";
  let description = [{
    Converts each value to the nearest f32 (ties to even), from the exact
    value and in one rounding (fixed_bits.h `bitsToFloat`); exact wherever
    f32 holds the value. This is where the model's outputs leave the
    quantized graph.

    ```mlir
    %y = fx.dequantize %q : (tensor<?x5x!fx.fixed<16, 6>>) -> tensor<?x5xf32>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input);
  let results = (outs FX_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def FX_CastOp : FX_Op<"cast", [Pure]> {
  let summary = "requantization into another fixed-point type";
  let description = [{
    Casts each value into the result's element type as ap_fixed does
    (fixed_bits.h `castBits`): the exact value is first rounded onto the
    result's grid with the result's quantization mode, then brought into its
    range with the result's overflow mode. The modes of the input type play
    no part.

    ```mlir
    %r = fx.cast %acc : (tensor<?x8x!fx.fixed<32, 12>>) -> tensor<?x8x!fx.fixed<16, 6, RND, SAT>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def FX_DenseOp : FX_Op<"dense", [Pure]> {
  let summary = "fully connected layer into an exact or wrapping accumulator";
  let description = [{
    `output[..., n] = wrap(sum_k input[..., k] * weight[n, k] + bias[n])`
    on raw integers. The weight, of shape [N, K] (PyTorch's Linear layout),
    holds raw values of `weight_type`; the optional bias, of shape [N], raw
    values of `bias_type`. Each product is exact, with
    `frac(input) + frac(weight_type)` fractional bits, which must be the
    fractional bits of the result type; the bias, with no more fractional
    bits, is shifted left onto that grid. The sum is computed exactly and
    kept modulo 2^W of the result type (two's complement WRAP, or the low W
    bits for `ufixed`). So the result type must be TRN and WRAP: nothing is
    ever rounded, and a wrapping sum does not depend on the order of the
    additions, where a saturating one would (DESIGN.md). An accumulator from
    `exactAccumulatorType` never wraps; a narrower one wraps on purpose.
    Rounding to the layer's output type is a separate `fx.cast`.

    ```mlir
    %acc = fx.dense %x {weight = dense<[[3, -2], [0, 127]]> : tensor<2x2xi64>,
                        weight_type = !fx.fixed<8, 1>,
                        bias = dense<[5, -5]> : tensor<2xi64>,
                        bias_type = !fx.fixed<8, 2>}
        : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<28, 11>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, ElementsAttr:$weight,
                       FX_FixedTypeAttr:$weight_type,
                       OptionalAttr<ElementsAttr>:$bias,
                       OptionalAttr<FX_FixedTypeAttr>:$bias_type);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// N and K, from the weight's shape.
    int64_t getOutFeatures();
    int64_t getInFeatures();

    /// The narrowest accumulator of a dense layer with `inFeatures` (K)
    /// inputs that no input, weight and bias values of these types can make
    /// overflow; `bias` may be null. The fractional bits are F = frac(input)
    /// + frac(weight). On raw integers a product lies between the least and
    /// the greatest of the four products of the types' extreme raw values,
    /// [pmin, pmax]; a sum of K of them plus the bias shifted onto the grid
    /// lies in [lo, hi] = [K*pmin + bmin*2^(F-fb), K*pmax + bmax*2^(F-fb)].
    /// The result is `ufixed<W, W-F>` with W = bitlength(hi) (at least 1)
    /// when lo >= 0, else `fixed<W, W-F>` with the least W such that
    /// -2^(W-1) <= lo and hi < 2^(W-1); TRN and WRAP. Null when that needs
    /// more than 64 bits (or an integer width no type has), or when the bias
    /// has more fractional bits than F.
    static FixedType exactAccumulatorType(FixedType input, FixedType weight,
                                          FixedType bias, int64_t inFeatures);
  }];
}

def FX_TableOp : FX_Op<"table", [Pure]> {
  let summary = "element-wise function by table lookup";
  let description = [{
    Looks each value up in a table of T raw values of the result's element
    type. On integers only, with `raw(x)` the input's raw value:

    ```
    index  = clamp(floor((raw(x) - input_low) / 2^shift), 0, T - 1)
    raw(y) = table[index]
    ```

    i.e. an arithmetic right shift of the exact difference. Bin i covers the
    input raw values [input_low + i*2^shift, input_low + (i+1)*2^shift);
    values below the first bin take the first entry, above the last the
    last. `input_low` is a raw value of the input type; `shift` is 0 to 63;
    T need not be a power of two. The compiler fills the table (e.g. with
    tanh at the centre of each bin, quantized into the result type), so the
    result type's modes play no part here. `function` names what the table
    holds, for reports only.

    ```mlir
    %y = fx.table %x {table = dense<[-96, -64, 0, 64, 96]> : tensor<5xi64>,
                      input_low = -512 : i64, shift = 8 : i64,
                      function = "tanh"}
        : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<8, 1>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, ElementsAttr:$table,
                       I64Attr:$input_low, I64Attr:$shift,
                       OptionalAttr<StrAttr>:$function);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def FX_ReluOp : FX_Op<"relu", [Pure, SameOperandsAndResultType]> {
  let summary = "element-wise max(x, 0), exact";
  let description = [{
    `raw(y) = max(raw(x), 0)` in the same type: exact, no mode applies.

    ```mlir
    %y = fx.relu %x : tensor<?x8x!fx.fixed<16, 6>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def FX_LeakyReluOp : FX_Op<"leaky_relu", [Pure]> {
  let summary = "element-wise x >= 0 ? x : alpha * x, then one cast";
  let description = [{
    On raw integers, with F = frac(input) + frac(alpha_type):

    ```
    v      = raw(x) >= 0 ? raw(x) * 2^frac(alpha_type) : raw(x) * alpha
    raw(y) = cast of v (F fractional bits) into the result type
    ```

    The product is exact; the cast applies the result type's quantization
    and overflow modes once, as `fx.cast` does. `alpha` is a raw value of
    `alpha_type`; the input and alpha widths may add up to 63 bits at most.

    ```mlir
    %y = fx.leaky_relu %x {alpha = 13 : i64, alpha_type = !fx.fixed<8, 1>}
        : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<16, 6>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, I64Attr:$alpha,
                       FX_FixedTypeAttr:$alpha_type);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def FX_ClampOp : FX_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "element-wise min(max(x, low), high), exact";
  let description = [{
    `raw(y) = min(max(raw(x), low), high)` in the same type, with `low` and
    `high` raw values of that type, low <= high. Clip, hardtanh and ReLU6
    in fixed point.

    ```mlir
    %y = fx.clamp %x {low = -1024 : i64, high = 1024 : i64}
        : tensor<?x8x!fx.fixed<16, 6>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, I64Attr:$low, I64Attr:$high);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($output)";
  let hasVerifier = 1;
}

def FX_ScaleOp : FX_Op<"scale", [Pure]> {
  let summary = "per-channel x * scale + offset along the last axis, then one cast";
  let description = [{
    On raw integers, with c the index along the input's last axis (C
    values; `scale` and `offset` hold C values, or 1 broadcast to all) and
    F = frac(input) + frac(scale_type):

    ```
    v      = raw(x) * scale[c] + offset[c] * 2^(F - frac(offset_type))
    raw(y) = cast of v (F fractional bits) into the result type
    ```

    exact up to the one cast, which applies the result type's modes. A
    batch normalization that follows no dense layer, and the affine part of
    hard-sigmoid, in fixed point. `offset` is optional; its type may not
    have more than F fractional bits, and v must fit in 63 bits for every
    input (checked from the types' ranges).

    ```mlir
    %y = fx.scale %x {scale = dense<[51]> : tensor<1xi64>,
                      scale_type = !fx.fixed<8, 0>,
                      offset = dense<[64]> : tensor<1xi64>,
                      offset_type = !fx.fixed<8, 1>}
        : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<16, 6>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, ElementsAttr:$scale,
                       FX_FixedTypeAttr:$scale_type,
                       OptionalAttr<ElementsAttr>:$offset,
                       OptionalAttr<FX_FixedTypeAttr>:$offset_type);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def FX_SoftmaxOp : FX_Op<"softmax", [Pure]> {
  let summary = "softmax over the last axis by an exp and a reciprocal table";
  let description = [{
    For each row x_0 .. x_{N-1} along the last axis, on raw integers only:

    ```
    m      = max_j raw(x_j)
    e_j    = exp_table[min((m - raw(x_j)) >> exp_shift, T_e - 1)]
    s      = sum_j e_j
    r      = inv_table[clamp((s - inv_low) >> inv_shift, 0, T_r - 1)]
    raw(y_j) = cast of e_j * r (frac(exp_type) + frac(inv_type) fractional
               bits) into the result type
    ```

    `exp_table` holds raw values of `exp_type` (the compiler fills entry i
    with exp(-d) at the lower edge d of bin i, so the row's maximum gets
    exp(0)); `inv_table` raw values of `inv_type` (1/s over the bins of the
    sum, whose raw values are on exp_type's grid; `inv_low` is such a raw
    value). Subtracting the maximum keeps every exponent <= 0, as floating
    point implementations do. The sum is exact: exp_type is unsigned and
    its width plus bitlength(N) is at most 62; the input at most 62 bits
    wide; exp_type and inv_type widths add up to 63 at most.

    ```mlir
    %y = fx.softmax %x {exp_table = dense<[...]> : tensor<1024xi64>,
                        exp_type = !fx.ufixed<18, 1>, exp_shift = 0 : i64,
                        inv_table = dense<[...]> : tensor<1024xi64>,
                        inv_type = !fx.ufixed<18, 1>, inv_low = 0 : i64,
                        inv_shift = 8 : i64}
        : (tensor<?x5x!fx.fixed<16, 6>>) -> tensor<?x5x!fx.ufixed<16, 1>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$input, ElementsAttr:$exp_table,
                       FX_FixedTypeAttr:$exp_type, I64Attr:$exp_shift,
                       ElementsAttr:$inv_table, FX_FixedTypeAttr:$inv_type,
                       I64Attr:$inv_low, I64Attr:$inv_shift);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Arithmetic of two activations
//===----------------------------------------------------------------------===//

class FX_ArithOp<string mnemonic, string rule> : FX_Op<mnemonic, [Pure]> {
  let summary = "exact element-wise " # mnemonic # " of two fixed-point tensors";
  let description = !strconcat([{
    Element-wise over the operands broadcast (numpy's rule, right-aligned)
    to the result shape, on raw integers:

    ```
  }], rule, [{
    ```

    The result is exact, in the type ap_fixed gives the same expression
    (fixed_bits.h `sumSpec`, `differenceSpec`, `productSpec`): a sum or
    difference has the finer operand's fractional bits and one integer bit
    more than the wider operand (one more again for the sign where a signed
    operand meets an unsigned one; a difference is always signed), a
    product the widths and the integer bits added. The result type must be
    exactly that type, TRN and WRAP, and at most 64 bits wide: nothing
    rounds or overflows here. Narrowing is a separate `fx.cast`. A leading
    dynamic dimension of an operand is the event batch and lines up with
    the result's.

    ```mlir
    %s = fx.add %a, %b : (tensor<?x8x!fx.fixed<16, 6>>, tensor<?x8x!fx.fixed<12, 4>>)
        -> tensor<?x8x!fx.fixed<17, 7>>
    ```
  }]);
  let arguments = (ins FX_FixedTensor:$lhs, FX_FixedTensor:$rhs);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The exact type of the result for operands of these types (TRN,
    /// WRAP); null when it needs more than 64 bits.
    static FixedType exactType(FixedType lhs, FixedType rhs);
  }];
}

def FX_AddOp : FX_ArithOp<"add",
    "raw(y) = raw(a) * 2^(F - frac(a)) + raw(b) * 2^(F - frac(b)), F = max(frac(a), frac(b))">;
def FX_SubOp : FX_ArithOp<"sub",
    "raw(y) = raw(a) * 2^(F - frac(a)) - raw(b) * 2^(F - frac(b)), F = max(frac(a), frac(b))">;
def FX_MulOp : FX_ArithOp<"mul",
    "raw(y) = raw(a) * raw(b), with frac(a) + frac(b) fractional bits">;

def FX_MatMulOp : FX_Op<"matmul", [Pure]> {
  let summary = "matrix product of two fixed-point tensors into an exact or wrapping accumulator";
  let description = [{
    numpy's matmul (ONNX MatMul) on raw integers: with K the contracted
    dimension,

    ```
    raw(y[..., m, n]) = wrap(sum_k raw(a[..., m, k]) * raw(b[..., k, n]))
    ```

    A rank-1 operand is a vector (a row on the left, a column on the
    right); batch dimensions broadcast; a leading dynamic dimension is the
    event batch of both the operand and the result. Each product is exact
    with frac(a) + frac(b) fractional bits, the result type's, and at most
    64 bits wide (fixed_bits.h `productSpec`). The sum is kept modulo 2^W of
    the result type, which must be TRN and WRAP, as fx.dense's accumulator:
    from `exactType` (interval analysis of K products of the operand types'
    extremes) it never wraps, and a narrower one wraps on purpose, never
    depending on the order of the additions. Narrowing is a separate
    `fx.cast`.

    ```mlir
    %p = fx.matmul %q, %k : (tensor<?x4x8x!fx.fixed<10, 3>>, tensor<?x8x4x!fx.fixed<10, 3>>)
        -> tensor<?x4x4x!fx.fixed<23, 9>>
    ```
  }];
  let arguments = (ins FX_FixedTensor:$lhs, FX_FixedTensor:$rhs);
  let results = (outs FX_FixedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The contracted dimension K.
    int64_t getContracted();

    /// The narrowest accumulator that no operand values of these types can
    /// make overflow over K products; null beyond 64 bits.
    static FixedType exactType(FixedType lhs, FixedType rhs, int64_t k);
  }];
}

#endif // ARIADNE_FX_OPS
