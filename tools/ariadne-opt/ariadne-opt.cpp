//===- ariadne-opt.cpp - run ariadnec passes on MLIR text -----------------===//
#include "backends/common/Target.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "passes/FX/FXDialect.h"
#include "passes/NN/NNDialect.h"
#include "passes/Quant/Passes.h"
#include "passes/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<ariadne::nn::NNDialect, ariadne::fx::FXDialect,
                  mlir::func::FuncDialect>();
  // The targets' sections of a --config file ([hls], [verilog]).
  ariadne::registerAllTargets();
  ariadne::registerAriadnePasses();
  ariadne::registerAriadneQuantPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  // The pipeline ariadnec runs after import, by the one function that builds
  // it, so that tests of it test what the compiler does.
  mlir::PassPipelineRegistration<>(
      "nn-optimize", "the float optimization pipeline of ariadnec",
      [](mlir::OpPassManager &pm) { ariadne::buildOptimizationPipeline(pm); });
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ariadnec pass driver\n", registry));
}
