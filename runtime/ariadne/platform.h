//===- platform.h - host/device portability macros --------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_PLATFORM_H
#define ARIADNE_RUNTIME_PLATFORM_H

// ARIADNE_HD marks functions callable from host and CUDA device code.
#if defined(__CUDACC__)
#define ARIADNE_HD __host__ __device__
#define ARIADNE_INLINE __host__ __device__ __forceinline__
#else
#define ARIADNE_HD
#define ARIADNE_INLINE inline __attribute__((always_inline))
#endif

#endif // ARIADNE_RUNTIME_PLATFORM_H
