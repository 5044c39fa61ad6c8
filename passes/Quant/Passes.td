//===- Passes.td - quantization passes ---------------------*- tablegen -*-===//
//
// From the float nn dialect to the fx dialect: first every layer is given
// its fixed-point types (fx-assign-precision), then the layers are rewritten
// into integer operations with quantized weights and filled lookup tables
// (fx-lower). The types chosen by the first pass are attributes on the nn
// ops, so that they can be read, tested and overridden between the two.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_QUANT_PASSES
#define ARIADNE_QUANT_PASSES

include "mlir/Pass/PassBase.td"

def AssignPrecision : Pass<"fx-assign-precision", "mlir::func::FuncOp"> {
  let summary = "Choose the fixed-point types of every layer and tensor role";
  let description = [{
    Records on each op an `fx.precision` dictionary with the types of its
    roles (`result`, and where the op has them `weight`, `bias`,
    `accumulator`) and the settings of its lookup tables (`table`,
    `exp_table`, `inv_table`: `size`, `low`, `high`, `entry`), and on each
    model input an `fx.precision` argument attribute with its `result` type.

    The types come from `precision` (a type such as `fixed<16,6>`, or
    `auto`), refined by the TOML file `config`: model defaults, then per
    layer type, then per layer name. An accumulator is left out unless the
    config names one; fx-lower then makes it exactly as wide as the
    quantized weights need.

    With `auto`, types come from the calibration ranges that `fx.range`
    attributes (`[min, max]` of the float values over the calibration
    events) give on the ops and inputs: every value and weight gets
    `max-width` bits, with the integer bits its range needs so that nothing
    overflows on the calibration set (RND, SAT). Lookup tables cover the
    range of their input where the function still changes.
  }];
  let options = [
    Option<"precision", "precision", "std::string", "\"\"",
           "model-wide precision: a fixed-point type or auto (empty: the config's, else fixed<16,6>)">,
    Option<"configPath", "config", "std::string", "\"\"",
           "TOML file of per-layer and per-role precisions">,
    Option<"maxWidth", "max-width", "int", "0",
           "width budget of auto precision (0: the config's, else 16)">,
  ];
  let dependentDialects = ["ariadne::fx::FXDialect"];
}

def LowerToFx : Pass<"fx-lower", "mlir::func::FuncOp"> {
  let summary = "Rewrite nn layers into fx integer ops";
  let description = [{
    Follows the `fx.precision` attributes of fx-assign-precision: inputs are
    quantized (`fx.quantize`) and outputs dequantized (`fx.dequantize`);
    weights and biases are quantized once, with their types' modes, into
    integer attributes of `fx.dense`, whose accumulator is exact (its width
    from interval arithmetic over the actual integer weights and the input
    type's range) unless the config gave one; tanh, sigmoid, softsign are
    lookup tables (`fx.table`) indexed by the accumulator, filled in double
    precision at the centre of each bin and quantized with the entry type;
    softmax is `fx.softmax` with an exp and a reciprocal table; ReLU, leaky
    ReLU, clip and hard-sigmoid are exact integer ops; every change of type
    is an explicit `fx.cast`. Reshape, transpose, slice and concat keep
    their nn ops on fixed-point tensors.
  }];
  let dependentDialects = ["ariadne::fx::FXDialect"];
}

#endif // ARIADNE_QUANT_PASSES
