//===- CppTarget.h - the cpp target and its package runner ------*- C++ -*-===//
//
// The cpp target (and, by the same runner, the cuda target): a CMake
// package with a static library and a test bench `tb IN.csv OUT.csv
// [--raw]`, built and run on the job's events.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_CPP_CPPTARGET_H
#define ARIADNE_BACKENDS_CPP_CPPTARGET_H

#include "backends/common/Target.h"

namespace ariadne {

/// A target whose package is a CMake project with a `tb` test bench.
class TestBenchTarget : public Target {
public:
  llvm::Expected<TargetRun> run(const TargetJob &job, llvm::StringRef dir,
                                llvm::StringRef work) const override;

protected:
  /// Extra CMake configure flags (the CUDA compiler).
  virtual llvm::Expected<std::vector<std::string>> configureFlags() const {
    return std::vector<std::string>();
  }
  /// Lines about the run, read from its log, printed before the
  /// comparison.
  virtual std::vector<std::string> notes(const std::string &log) const {
    return {};
  }
};

void registerCppTarget();

} // namespace ariadne

#endif // ARIADNE_BACKENDS_CPP_CPPTARGET_H
