//===- Passes.h - quantization passes ---------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_QUANT_PASSES_H
#define ARIADNE_PASSES_QUANT_PASSES_H

#include "passes/FX/FXOps.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace ariadne {

#define GEN_PASS_DECL
#include "passes/Quant/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Quant/Passes.h.inc"

namespace quant {

/// Attribute names shared by the passes, the driver and the tests.
/// `fx.precision` on an op (and as an argument attribute on an input): the
/// dictionary of its chosen types and table settings.
constexpr llvm::StringLiteral kPrecisionAttr = "fx.precision";
/// `fx.range` on an op or input: [min, max] of its float values over the
/// calibration events (a DenseF64ArrayAttr).
constexpr llvm::StringLiteral kRangeAttr = "fx.range";

/// What the driver gives the quantization pipeline.
struct QuantizeOptions {
  std::string precision = "fixed<16,6>"; // a type or "auto"
  std::string configPath;                // TOML, optional
  int maxWidth = 0;                      // 0: the config's, else 16
};

/// fx-assign-precision then fx-lower.
void buildQuantizationPipeline(mlir::OpPassManager &pm,
                               const QuantizeOptions &options);

/// The nn ops fx-lower has a fixed-point implementation of.
std::vector<std::string> loweredOpNames();
/// Those of them that stay nn ops on fixed-point tensors (data movement):
/// every fixed-point component handles them beside the fx ops.
std::vector<std::string> keptOpNames();

} // namespace quant
} // namespace ariadne

#endif // ARIADNE_PASSES_QUANT_PASSES_H
