//===- Naming.h - identifiers, locations and errors of every target -*- C++
//-*-===//
//
// What every target's emitter needs about names: identifiers unique within
// a package (from ONNX node names), the names and files of locations for
// reports and messages, the product of a shape, and the capture of the
// first error diagnostic as the one-line error a package writer returns.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_NAMING_H
#define ARIADNE_BACKENDS_COMMON_NAMING_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace ariadne {

/// The product of `shape` (1 for a scalar).
int64_t product(llvm::ArrayRef<int64_t> shape);

/// A C identifier made of the letters and digits of `text`.
std::string sanitizeIdentifier(llvm::StringRef text);

/// The ONNX node name of a location, or "".
std::string locationName(mlir::Location loc);

/// Identifiers unique within the files of one package: sanitized ONNX node
/// names, else op names, numbered on a clash.
class IdentifierTable {
public:
  /// Keeps `name` from being handed out.
  void reserve(llvm::StringRef name) { used.insert(name); }
  /// A fresh identifier from `base`.
  std::string unique(llvm::StringRef base);
  /// A fresh identifier for `op`: its ONNX node name, else its op name.
  std::string identifier(mlir::Operation *op);
  /// The name `op` has in reports: its ONNX node name, else its op name.
  static std::string layerName(mlir::Operation *op);

private:
  llvm::StringSet<> used;
};

/// The source file of a location, or "".
std::string locationFile(mlir::Location loc);

/// "file:line:col: node 'NAME'" (the parts the location has), for errors.
std::string describeLocation(mlir::Location loc);

/// Keeps the first error diagnostic emitted in a context while it lives,
/// as one line prefixed with describeLocation: how the package writers
/// turn a failed prepare or pattern into the returned error.
class FirstErrorCapture {
public:
  explicit FirstErrorCapture(mlir::MLIRContext *context);
  /// The captured error, or `fallback` when none was emitted.
  llvm::Error take(llvm::StringRef fallback) const;

private:
  std::string first;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_NAMING_H
