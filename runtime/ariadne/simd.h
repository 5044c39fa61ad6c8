//===- simd.h - native-width float vectors for the hot kernels --*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// Compilers vectorize the loops of a dense layer only some of the time:
// whether a block of accumulators stays in registers depends on unrolling
// heuristics that change with the trip counts. The dense kernel therefore
// spells its register blocking with GNU vector extensions (GCC, Clang) at
// the native width of the target it is compiled for; everywhere else
// (CUDA, HLS, other compilers, or ARIADNE_NO_SIMD) the portable loops run.
// A vector type wider than the target would be split through memory, which
// is why the width follows the compiler's target macros.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_SIMD_H
#define ARIADNE_RUNTIME_SIMD_H

#include "ariadne/platform.h"

#include <cstdint>

#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__) &&       \
    !defined(__SYNTHESIS__) && !defined(ARIADNE_NO_SIMD)
#if defined(__AVX512F__)
#define ARIADNE_SIMD_WIDTH 16
#elif defined(__AVX__)
#define ARIADNE_SIMD_WIDTH 8
#elif defined(__SSE2__) || defined(__ARM_NEON)
#define ARIADNE_SIMD_WIDTH 4
#endif
#endif

#ifndef ARIADNE_SIMD_WIDTH
#define ARIADNE_SIMD_WIDTH 1
#endif

#if ARIADNE_SIMD_WIDTH > 1 && (defined(__x86_64__) || defined(__i386__))
#define ARIADNE_SIMD_X86 1
#include <immintrin.h>
#endif

// GCC vectorizes loops at 256 bits on AVX-512 targets unless told
// otherwise; the transcendental passes (tanh, sigmoid, exp: a polynomial
// and a division per value) then take twice the instructions of the 512-bit
// dense layers around them. Functions marked ARIADNE_FULL_WIDTH ask for the
// full width: they are not inlined, since an always-inlined function may
// not differ from its caller in target options.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__) &&        \
    !defined(__CUDACC__) && !defined(__SYNTHESIS__)
#define ARIADNE_FULL_WIDTH                                                     \
  __attribute__((noinline, target("prefer-vector-width=512")))
#else
#define ARIADNE_FULL_WIDTH inline
#endif

namespace ariadne {
namespace simd {

/// Floats per native vector; 1 when the vector kernels are off.
constexpr int kWidth = ARIADNE_SIMD_WIDTH;
constexpr bool kEnabled = kWidth > 1;

/// Events per tile of a package's batched entry point: two vectors per
/// lane row, so that a dense layer keeps eight independent accumulator
/// chains (see dense.h).
constexpr int kBatchLanes = kWidth > 1 ? 2 * kWidth : 8;

/// The widest padding any target needs: dense weights and biases padded to
/// a multiple of this many outputs can be read in whole vectors.
constexpr int kPadding = 16;

#if ARIADNE_SIMD_WIDTH > 1
// An alias template would drop the attribute in GCC, a nested typedef keeps
// it.
template <int Width> struct VectorOf {
  typedef float type __attribute__((vector_size(Width * sizeof(float))));
};
using Vec = VectorOf<kWidth>::type;
/// The mask a comparison of two Vecs gives: -1 where true, 0 where false.
typedef std::int32_t Mask __attribute__((vector_size(kWidth * 4)));

/// mask ? a : b lane by lane, by bit operations (GCC and Clang alike).
ARIADNE_INLINE Vec select(Mask mask, Vec a, Vec b) {
  return reinterpret_cast<Vec>((mask & reinterpret_cast<Mask>(a)) |
                               (~mask & reinterpret_cast<Mask>(b)));
}

/// a < b ? a : b and a > b ? a : b lane by lane: b where either is NaN, a
/// where they are equal (-0 and +0 included). These are x86's minps and
/// maxps, one instruction where a comparison and a blend take two in
/// sequence (GCC does not recognize the conditional form).
ARIADNE_INLINE Vec minOf(Vec a, Vec b) {
#if defined(ARIADNE_SIMD_X86) && ARIADNE_SIMD_WIDTH == 16
  return _mm512_maskz_min_ps(0xffff, a, b);
#elif defined(ARIADNE_SIMD_X86) && ARIADNE_SIMD_WIDTH == 8
  return _mm256_min_ps(a, b);
#elif defined(ARIADNE_SIMD_X86)
  return _mm_min_ps(a, b);
#else
  return a < b ? a : b;
#endif
}

ARIADNE_INLINE Vec maxOf(Vec a, Vec b) {
#if defined(ARIADNE_SIMD_X86) && ARIADNE_SIMD_WIDTH == 16
  return _mm512_maskz_max_ps(0xffff, a, b);
#elif defined(ARIADNE_SIMD_X86) && ARIADNE_SIMD_WIDTH == 8
  return _mm256_max_ps(a, b);
#elif defined(ARIADNE_SIMD_X86)
  return _mm_max_ps(a, b);
#else
  return a > b ? a : b;
#endif
}

ARIADNE_INLINE Vec load(const float *p) {
  Vec v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

ARIADNE_INLINE void store(float *p, Vec v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

/// Every lane x. (x - 0 is x for every x, -0 included, so it folds to a
/// plain broadcast; 0 + x would not, as 0 + -0 is +0.)
ARIADNE_INLINE Vec splat(float x) { return x - Vec{}; }

#ifndef ARIADNE_HAS_SHUFFLEVECTOR
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define ARIADNE_HAS_SHUFFLEVECTOR 1
#endif
#endif
#endif
#ifndef ARIADNE_HAS_SHUFFLEVECTOR
#define ARIADNE_HAS_SHUFFLEVECTOR 0
#endif

/// The sum of the lanes of a vector of `Width` floats, as a tree of
/// half-width additions (a loop over the lanes would be a serial chain).
/// Where the compiler has __builtin_shufflevector (GCC 12, Clang) the halves
/// are taken in registers: copied out of memory, the compiler stores the
/// vector and loads the halves back, which stalls on the store.
template <int Width>
ARIADNE_INLINE float sumLanes(typename VectorOf<Width>::type v) {
  if constexpr (Width == 2) {
    return v[0] + v[1];
  } else {
#if ARIADNE_HAS_SHUFFLEVECTOR
    if constexpr (Width == 16)
      return sumLanes<8>(
          __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
          __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
    else if constexpr (Width == 8)
      return sumLanes<4>(__builtin_shufflevector(v, v, 0, 1, 2, 3) +
                         __builtin_shufflevector(v, v, 4, 5, 6, 7));
    else
      return sumLanes<2>(__builtin_shufflevector(v, v, 0, 1) +
                         __builtin_shufflevector(v, v, 2, 3));
#else
    using Half = typename VectorOf<Width / 2>::type;
    Half low, high;
    __builtin_memcpy(&low, &v, sizeof(low));
    __builtin_memcpy(&high, reinterpret_cast<const char *>(&v) + sizeof(low),
                     sizeof(high));
    return sumLanes<Width / 2>(low + high);
#endif
  }
}
#endif

} // namespace simd
} // namespace ariadne

#endif // ARIADNE_RUNTIME_SIMD_H
