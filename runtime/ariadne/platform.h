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

// ARIADNE_UNROLL unrolls the loop after it completely. The register-blocked
// kernels index arrays of vectors (accumulators, inputs) with loop
// counters; only once the loops are unrolled do the arrays become
// registers. GCC unrolls such constant-trip loops at -O3 but not at -O2,
// where the arrays stay in memory and each multiply-add loads and stores
// its accumulator (the batched 27-81-2 took twice its -O3 time).
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define ARIADNE_UNROLL _Pragma("GCC unroll 64")
#else
#define ARIADNE_UNROLL
#endif

namespace ariadne {

/// A compile-time copy of a configuration's integer array. CUDA device code
/// may read the elements of a host `static constexpr` array only inside a
/// constant expression, so kernels that index such an array with a runtime
/// index copy it first: `constexpr auto shape = constInts(Config::shape);`
/// is a local value on the host and on the device alike.
template <int N> struct ConstInts {
  int values[N];
  ARIADNE_HD constexpr int operator[](int i) const { return values[i]; }
};

template <int N>
ARIADNE_HD constexpr ConstInts<N> constInts(const int (&array)[N]) {
  ConstInts<N> copy{};
  for (int i = 0; i < N; ++i)
    copy.values[i] = array[i];
  return copy;
}

/// `p`, with its value hidden from the optimizer; the generated C++ reads
/// its static (per-thread) scratch arena through it. GCC 12.2 clones
/// kernels whose pointer arguments are constant addresses in that array
/// and, vectorizing with 512-bit registers (-march=x86-64-v4, or native on
/// some AVX-512 machines), computes a matrix product over such addresses
/// wrongly. A pointer the compiler cannot see through leaves nothing to
/// clone; the 64-byte alignment is restated.
template <class T> inline T *opaqueScratch(T *p) {
#if defined(__GNUC__)
  __asm__("" : "+r"(p));
  return static_cast<T *>(__builtin_assume_aligned(p, 64));
#else
  return p;
#endif
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_PLATFORM_H
