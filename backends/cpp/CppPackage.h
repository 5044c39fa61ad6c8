//===- CppPackage.h - what the cpp and cuda packages describe ---*- C++ -*-===//
//
// The C++ and CUDA packages are written from the same emission: this is the
// description both give of it, the event layout (offsets, shapes and types
// of the inputs and outputs, as header comments, README lists and macros)
// and report.json.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_CPP_CPPPACKAGE_H
#define ARIADNE_BACKENDS_CPP_CPPPACKAGE_H

#include "backends/cpp/CppEmitter.h"

#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace ariadne {
namespace cpp {

/// A model input or output as one event sees it.
struct TensorInfo {
  std::string name;
  llvm::SmallVector<int64_t> shape;
  int64_t offset = 0, size = 1;
  /// The fixed-point type the value has inside the kernel (the quantized
  /// input, the output before dequantization), or "".
  std::string fixedType;
};

/// The event layout of the emitted function.
struct EventLayout {
  std::vector<TensorInfo> inputs, outputs;
  /// Floats per event in `in` and in `out`.
  int64_t inputSize = 0, outputSize = 0;
  /// One comment line per tensor, each starting with the comment prefix
  /// given, the last without a newline.
  std::string table;
  /// One Markdown list item per tensor.
  std::string list;
  /// NAME_IN0_OFFSET, NAME_IN0_SIZE, NAME_IN0_SHAPE, ... one per line.
  std::string macros;
  /// What one event is, to finish the sentence "One event is ...".
  std::string definition;
};

/// Describes the inputs and outputs of the emission's function;
/// `commentPrefix` starts every line of `table` (" *" or "//").
EventLayout describeEventLayout(CppEmission &emission,
                                llvm::StringRef commentPrefix);

/// `float[3][4]`, or `float (a scalar)`.
std::string shapeDecl(llvm::ArrayRef<int64_t> shape);

/// report.json of a package: the kernel, its inputs and outputs and, per
/// layer, the types, multiplications, parameters and bytes; `target` is
/// "cpp" or "cuda", `scratchBytes` the scratch space of one event, and
/// `targetFields` are added at the top level.
std::string packageReport(CppEmission &emission, llvm::StringRef source,
                          llvm::StringRef target, const EventLayout &layout,
                          int64_t scratchBytes,
                          llvm::json::Object targetFields);

} // namespace cpp
} // namespace ariadne

#endif // ARIADNE_BACKENDS_CPP_CPPPACKAGE_H
