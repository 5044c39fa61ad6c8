//===- Pipeline.cpp - the default pass pipeline ---------------------------===//
#include "passes/Transforms/Passes.h"

void ariadne::buildOptimizationPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &fn = pm.nest<mlir::func::FuncOp>();
  fn.addPass(createFoldConstants());
  fn.addPass(createFoldBatchNorm());
  fn.addPass(createFuseActivations());
  fn.addPass(createRemoveDeadCode());
}
