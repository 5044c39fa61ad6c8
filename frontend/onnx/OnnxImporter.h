//===- OnnxImporter.h - ONNX to the nn dialect ------------------*- C++ -*-===//
//
// Reads an ONNX model with libonnx, runs ONNX shape inference and builds a
// module holding one func.func in the nn dialect.
//
// The function's arguments and results are the graph's inputs and outputs in
// graph order; each carries its ONNX name as the `nn.name` argument/result
// attribute. Only the leading dimension of an input may be dynamic: it is the
// event batch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_ONNX_ONNXIMPORTER_H
#define ARIADNE_FRONTEND_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace ariadne {

struct OnnxImportOptions {
  /// Symbol name of the imported function; empty derives it from the file
  /// name (a C identifier: the generated kernel's name).
  std::string functionName;
  /// The leading dimension of every graph input and output is the event
  /// batch, whatever size the file gives it: the size becomes dynamic
  /// before shape inference, and Reshape shape constants that name it (an
  /// export traced with a fixed batch) keep the input's batch instead.
  bool dynamicBatch = false;
};

/// Imports the ONNX file at `path`. Errors are one line naming the file, the
/// node (name and op type) where there is one, and the reason.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path,
               const OnnxImportOptions &options = {});

/// Imports an ONNX model held in memory, in binary protobuf or, when
/// `isText` is set, protobuf text format; `sourceName` names it in errors.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxBuffer(mlir::MLIRContext &context, llvm::StringRef bytes,
                 llvm::StringRef sourceName, bool isText,
                 const OnnxImportOptions &options = {});

/// The attribute name carrying ONNX tensor names on function arguments and
/// results.
inline constexpr llvm::StringLiteral kNameAttr = "nn.name";

} // namespace ariadne

#endif // ARIADNE_FRONTEND_ONNX_ONNXIMPORTER_H
