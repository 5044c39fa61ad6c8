//===- Passes.h - ariadnec passes -------------------------------*- C++ -*-===//
#ifndef ARIADNE_PASSES_TRANSFORMS_PASSES_H
#define ARIADNE_PASSES_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "passes/NN/NNOps.h"

namespace ariadne {

#define GEN_PASS_DECL
#include "passes/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Transforms/Passes.h.inc"

/// The float optimization pipeline every backend and the emulator run after
/// import: constants folded, BatchNorm folded, activations fused, dead code
/// removed.
void buildOptimizationPipeline(mlir::OpPassManager &pm);

} // namespace ariadne

#endif // ARIADNE_PASSES_TRANSFORMS_PASSES_H
