//===- ariadne-opt.cpp - run ariadnec passes on MLIR text -----------------===//
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "passes/NN/NNDialect.h"
#include "passes/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<ariadne::nn::NNDialect, mlir::func::FuncDialect>();
  ariadne::registerAriadnePasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ariadnec pass driver\n", registry));
}
