//===- CppBackend.h - standalone C++ packages -------------------*- C++ -*-===//
//
// Emits the generated C++ package of DESIGN.md: NAME.h / NAME.cpp with the
// weights compiled in, the runtime headers, CMakeLists.txt (static library
// and test bench `tb`), tb.cpp and report.json.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_CPP_CPPBACKEND_H
#define ARIADNE_BACKENDS_CPP_CPPBACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace ariadne {

/// Runs the prepare step on `module` (which may change it) and writes the
/// package into the existing, empty directory `outDir`. The module holds one
/// func.func, whose name is the kernel's name.
llvm::Error emitCppPackage(mlir::ModuleOp module, llvm::StringRef outDir);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_CPP_CPPBACKEND_H
