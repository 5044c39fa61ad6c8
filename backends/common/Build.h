//===- Build.h - building and running a package -----------------*- C++ -*-===//
//
// What the targets share to build a package and run it: a step that runs a
// tool in its own process group with its output in a log (Process.h), a
// CMake configure-and-build, and the readers of a test bench's outputs.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_BUILD_H
#define ARIADNE_BACKENDS_COMMON_BUILD_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ariadne {

/// Runs `argv` (argv[0] looked up on PATH), its output appended to `log`,
/// in `cwd` when given; fails naming the step and the log.
llvm::Error runStep(const std::string &step, llvm::ArrayRef<std::string> argv,
                    const std::string &log, const std::string &cwd = "");

/// Configures and builds the CMake project in `source` into `build` (a
/// Release build, two jobs), logging to `log`; errors name `what`.
llvm::Error buildWithCMake(const std::string &source, const std::string &build,
                           const std::string &log, const std::string &what,
                           llvm::ArrayRef<std::string> configureFlags = {});

/// A test bench's raw output integers: `width` per row.
llvm::Expected<std::vector<int64_t>> readRawCsv(const std::string &path,
                                                size_t width);

/// A test bench's float outputs: `width` per row.
llvm::Expected<std::vector<float>> readFloatCsv(const std::string &path,
                                                size_t width);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_BUILD_H
