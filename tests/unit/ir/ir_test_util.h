//===- ir_test_util.h - a module parsed from MLIR text ----------*- C++ -*-===//
#ifndef ARIADNE_TESTS_IR_TEST_UTIL_H
#define ARIADNE_TESTS_IR_TEST_UTIL_H

#include "passes/NN/NNDialect.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <catch2/catch.hpp>

#include <string>

namespace irtest {

/// A module parsed from nn-dialect text (unregistered ops allowed, for the
/// tests of what a component does with an op it does not know) and its last
/// func.func, if any.
struct ParsedModule {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp fn;

  explicit ParsedModule(const std::string &text) {
    mlir::DialectRegistry registry;
    registry.insert<ariadne::nn::NNDialect, mlir::func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    context.allowUnregisteredDialects();
    module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context, "model.mlir");
    REQUIRE(module);
    for (auto f : module->getOps<mlir::func::FuncOp>())
      fn = f;
  }
};

} // namespace irtest

#endif // ARIADNE_TESTS_IR_TEST_UTIL_H
