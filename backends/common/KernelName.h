//===- KernelName.h - names a generated kernel may take ---------*- C++ -*-===//
//
// The kernel's name becomes a C function with C linkage, a CUDA kernel, an
// HLS top function, a Verilog module, file names beside the package's own
// files and a CMake target. One rule serves every target, so that a model
// that compiles for one compiles for all: a C identifier that is no keyword
// of C, C++, CUDA or Verilog, no reserved identifier, no C library function
// and no name the packages use themselves. No LLVM here.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_KERNELNAME_H
#define ARIADNE_BACKENDS_COMMON_KERNELNAME_H

#include <string>

namespace ariadne {

/// Why `name` cannot name a kernel, or "" when it can.
std::string kernelNameProblem(const std::string &name);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_KERNELNAME_H
