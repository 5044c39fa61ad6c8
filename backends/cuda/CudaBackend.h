//===- CudaBackend.h - CUDA packages ----------------------------*- C++ -*-===//
//
// Emits the CUDA package of `ariadnec compile --target cuda`: NAME.cuh with
// the per-event host/device function and the weights, NAME.cu with the
// batched kernel and its launcher, the runtime headers, CMakeLists.txt
// (static library and test bench `tb`), tb.cu and README.md. The layers are
// the C++ target's: its prepare step and emission patterns at one event
// per call.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_CUDA_CUDABACKEND_H
#define ARIADNE_BACKENDS_CUDA_CUDABACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ariadne {

/// The most weight and table bytes the package keeps in __constant__
/// memory (64 KiB on every CUDA device); larger models use global memory.
constexpr int64_t kCudaConstantBytes = 64 * 1024;

/// Threads per block of the package's launchers.
constexpr int kCudaBlockSize = 128;

/// Runs the C++ target's prepare step on `module` (which may change it) and
/// writes the CUDA package into the existing, empty directory `outDir`. The
/// module holds one func.func, whose name is the kernel's name.
llvm::Error emitCudaPackage(mlir::ModuleOp module, llvm::StringRef outDir);

/// The ops the CUDA target emits: the device code is the cpp target's,
/// from the same patterns (for the op-coverage test).
std::vector<std::string> cudaEmitterOpNames();

} // namespace ariadne

#endif // ARIADNE_BACKENDS_CUDA_CUDABACKEND_H
