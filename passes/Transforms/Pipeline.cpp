//===- Pipeline.cpp - the default pass pipeline ---------------------------===//
#include "passes/Transforms/Passes.h"

void ariadne::buildOptimizationPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &fn = pm.nest<mlir::func::FuncOp>();
  fn.addPass(createFoldConstants());
  fn.addPass(createFoldBatchNorm());
  fn.addPass(createFuseActivations());
  // Fusion moves activations off the transposes of convolutions, which may
  // leave pairs that cancel (channel-last exports).
  fn.addPass(createFoldConstants());
  fn.addPass(createRemoveDeadCode());
}
