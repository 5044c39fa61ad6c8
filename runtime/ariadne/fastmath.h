//===- fastmath.h - vectorizable exp, tanh, sigmoid, erf ---------*- C++
//-*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The float path must agree with PyTorch within float rounding, and the
// kernels must vectorize without -ffast-math. libm's expf/tanhf are calls
// with branches, so loops over them stay scalar. These versions are
// straight-line code (polynomials, selects and bit operations) that the
// compiler turns into SIMD, and each is within a few ulp of the correctly
// rounded result over the whole float range (tests/unit/plain sweeps them).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_FASTMATH_H
#define ARIADNE_RUNTIME_FASTMATH_H

#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <cstdint>
#include <cstring>

#if ARIADNE_SIMD_WIDTH > 1 && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

namespace ariadne {
namespace math {

// Every function is written once for a float and for a vector of floats
// (simd::Vec, GNU vector extensions): `T` is either, IntOf<T> the 32-bit
// integers of the same shape, and a comparison gives a bool or a vector of
// all-ones / zero masks, which select() accepts alike. The scalar versions
// vectorize in loops; the vector ones run on values already in registers
// (the epilogue of a dense layer). A vector divides through a reciprocal
// estimate (divideFinite), which adds up to an ulp to tanh and sigmoid
// where the target has no fused multiply-add.

namespace detail {
template <class T> struct IntShape;
template <> struct IntShape<float> { using type = std::int32_t; };
#if ARIADNE_SIMD_WIDTH > 1
template <> struct IntShape<simd::Vec> { using type = simd::IntVec; };
#endif
} // namespace detail

template <class T> using IntOf = typename detail::IntShape<T>::type;

template <class T> ARIADNE_INLINE IntOf<T> toBits(T x) {
  IntOf<T> bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return bits;
}

template <class T> ARIADNE_INLINE T fromBits(IntOf<T> bits) {
  T x;
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}

ARIADNE_INLINE float bitsToFloat(std::int32_t bits) {
  return fromBits<float>(bits);
}

ARIADNE_INLINE std::int32_t floatToBits(float f) { return toBits(f); }

/// A comparison's result as a mask of all ones (true) or zeros.
ARIADNE_INLINE std::int32_t maskOf(bool c) {
  return -static_cast<std::int32_t>(c);
}
#if ARIADNE_SIMD_WIDTH > 1
ARIADNE_INLINE simd::IntVec maskOf(simd::IntVec c) { return c; }
#endif

/// |x| by clearing the sign bit (vectorizes as an and-not).
template <class T> ARIADNE_INLINE T absBits(T x) {
  return fromBits<T>(toBits(x) & 0x7fffffff);
}

/// c ? a : b without a branch, for a float and a vector alike; either of
/// a and b may be a float constant beside a vector. GCC lowers a
/// conditional expression to control flow and, without AVX-512 masking,
/// refuses to vectorize a loop once a later float operation has been
/// duplicated into its arms (the operation could trap); a bit mask keeps
/// the loop straight-line.
template <class C, class A, class B>
ARIADNE_INLINE auto select(C c, A a, B b) -> decltype(a + b) {
  using T = decltype(a + b);
  // x - 0 is x for every x, -0 included: a float becomes a broadcast.
  const T ta = a - T{}, tb = b - T{};
  const IntOf<T> mask = maskOf(c);
  return fromBits<T>((toBits(ta) & mask) | (toBits(tb) & ~mask));
}

/// The magnitude of `magnitude` with the sign of `sign`.
template <class T> ARIADNE_INLINE T copySignBits(T magnitude, T sign) {
  return fromBits<T>((toBits(magnitude) & 0x7fffffff) |
                     (toBits(sign) & static_cast<std::int32_t>(0x80000000u)));
}

/// a / b for finite b with 2^-126 <= |b| <= 2^126 (NaN propagates). A
/// float, or a vector without a reciprocal estimate, divides; a vector
/// refines the estimate by one Newton step and corrects the quotient by
/// its residual, which is within an ulp of the correctly rounded quotient
/// at a fraction of a division's cost.
ARIADNE_INLINE float divideFinite(float a, float b) { return a / b; }
#if ARIADNE_SIMD_WIDTH > 1
ARIADNE_INLINE simd::Vec divideFinite(simd::Vec a, simd::Vec b) {
#if ARIADNE_SIMD_WIDTH == 16 && defined(__AVX512F__)
  // 14 bits; the zero-masking form, as GCC 12 reports the plain one's
  // undefined pass-through operand.
  simd::Vec r = reinterpret_cast<simd::Vec>(_mm512_maskz_rcp14_ps(
      static_cast<__mmask16>(0xffff), reinterpret_cast<__m512>(b)));
#elif ARIADNE_SIMD_WIDTH == 8 && defined(__AVX__)
  simd::Vec r = // 12 bits
      reinterpret_cast<simd::Vec>(_mm256_rcp_ps(reinterpret_cast<__m256>(b)));
#elif ARIADNE_SIMD_WIDTH == 4 && defined(__SSE__)
  simd::Vec r =
      reinterpret_cast<simd::Vec>(_mm_rcp_ps(reinterpret_cast<__m128>(b)));
#else
#define ARIADNE_DIVIDE_EXACTLY 1
  return a / b;
#endif
#if !defined(ARIADNE_DIVIDE_EXACTLY)
  r = r + r * (1.0f - b * r); // 24 bits and more
  const simd::Vec q = a * r;
  return q + r * (a - q * b);
#endif
}
#endif

namespace detail {

// ln 2 split so that n * kLn2Hi is exact for |n| <= 256 (kLn2Hi has 15
// significant bits), which keeps the reduced argument exact.
constexpr float kLog2e = 0x1.715476p+0f;
constexpr float kLn2Hi = 0x1.62e4p-1f;
constexpr float kLn2Lo = 0x1.7f7d1cp-20f;
// Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer held
// in the low mantissa bits.
constexpr float kRoundShifter = 0x1.8p23f;

/// Splits x into n * ln 2 + r with n an integer and |r| <= ln(2) / 2 (plus
/// rounding); `x` must satisfy |x| < 2^21.
template <class T> ARIADNE_INLINE void reduceLn2(T x, T &r, IntOf<T> &n) {
  const T shifted = x * kLog2e + kRoundShifter;
  n = toBits(shifted) - floatToBits(kRoundShifter);
  const T nf = shifted - kRoundShifter;
  r = x - nf * kLn2Hi;
  r = r - nf * kLn2Lo;
}

/// expm1(r) - r - r^2/2 for |r| <= ln(2)/2 without the two leading terms,
/// as r^3 * q(r): the Taylor series to r^8, whose remainder is below
/// 2e-10 relative to expm1(r) on that interval.
template <class T> ARIADNE_INLINE T expm1Tail(T r) {
  T q = r * (1.0f / 40320.0f) + 1.0f / 5040.0f;
  q = q * r + 1.0f / 720.0f;
  q = q * r + 1.0f / 120.0f;
  q = q * r + 1.0f / 24.0f;
  q = q * r + 1.0f / 6.0f;
  return q * (r * r * r);
}

/// expm1(r) for |r| <= ln(2)/2 with a small relative error.
template <class T> ARIADNE_INLINE T expm1Reduced(T r) {
  return r + (r * r * 0.5f + expm1Tail(r));
}

/// 2^n as a float for n in [-126, 127].
template <class T> ARIADNE_INLINE T pow2(IntOf<T> n) {
  return fromBits<T>((n + 127) << 23);
}

} // namespace detail

/// e^x within 1 ulp, including the subnormal range, overflow to +inf and
/// NaN propagation.
template <class T> ARIADNE_INLINE T exp(T x) {
  // Clamp into the range where the result is not trivially 0 or inf. The
  // comparisons are false for NaN, which passes through and makes the
  // polynomial NaN.
  T clamped = select(x < -104.0f, -104.0f, x);
  clamped = select(clamped > 89.0f, 89.0f, clamped);
  T r;
  IntOf<T> n;
  detail::reduceLn2(clamped, r, n);
  const T p = 1.0f + detail::expm1Reduced(r);
  // n lies in [-150, 129]: scale in two steps so that both factors are
  // normal and the product can underflow gradually or overflow to inf.
  const IntOf<T> half = n >> 1;
  return p * detail::pow2<T>(half) * detail::pow2<T>(n - half);
}

/// e^x - 1 with a small relative error near 0 too (the polynomial where
/// |x| <= ln(2)/2, e^x - 1 beyond), with NaN propagation.
template <class T> ARIADNE_INLINE T expm1(T x) {
  const T small =
      detail::expm1Reduced(select(absBits(x) <= 0.34657359f, x, 0.0f));
  return select(absBits(x) <= 0.34657359f, small, exp(x) - 1.0f);
}

/// tanh(x) within 2 ulp, odd, with NaN propagation.
template <class T> ARIADNE_INLINE T tanh(T x) {
  // For |x| >= 9.02 tanh rounds to 1; the clamp keeps e^{2|x|} finite and
  // lets NaN through.
  T a = absBits(x);
  a = select(a > 9.5f, 9.5f, a);
  T r;
  IntOf<T> n;
  detail::reduceLn2(2.0f * a, r, n);
  // expm1(2a) = 2^n * expm1(r) + (2^n - 1) keeps full relative precision
  // near 0, where 1 - 2 / (e^{2a} + 1) would cancel.
  const T scale = detail::pow2<T>(n);
  const T em = scale * detail::expm1Reduced(r) + (scale - 1.0f);
  // The quotient is >= 0 (or NaN): xor-ing x's sign bit in makes it odd.
  const T t = divideFinite(em, em + 2.0f);
  return fromBits<T>(toBits(t) ^
                     (toBits(x) & static_cast<std::int32_t>(0x80000000u)));
}

/// The logistic function 1 / (1 + e^{-x}) within 2 ulp, with NaN
/// propagation.
template <class T> ARIADNE_INLINE T sigmoid(T x) {
  // e^{-|x|} never overflows; for x < 0 the result is e^x / (1 + e^x),
  // which keeps the relative precision of tiny results.
  const T e = exp(-absBits(x));
  const T numerator = select(x < 0.0f, e, 1.0f);
  return divideFinite(numerator, 1.0f + e);
}

/// softplus(x) = log(1 + e^x) as max(x, 0) + log1p(e^{-|x|}), with NaN
/// propagation. The logarithm of w = 1 + u, u = e^{-|x|} in (0, 1], is
/// 2 atanh(s) with s = u / (2 + u) <= 1/3: its odd series to s^13 is within
/// 2e-8 of it.
template <class T> ARIADNE_INLINE T softplus(T x) {
  const T u = exp(-absBits(x));
  const T s = divideFinite(u, 2.0f + u);
  const T s2 = s * s;
  const T series =
      1.0f + s2 * (1.0f / 3 +
                   s2 * (1.0f / 5 +
                         s2 * (1.0f / 7 +
                               s2 * (1.0f / 9 + s2 * (1.0f / 11 + s2 / 13)))));
  return select(x > 0.0f, x, 0.0f) + 2.0f * s * series;
}

namespace detail {

/// erfc(a) for a >= 0.5 with a relative error below 1.2e-7: the Chebyshev
/// fit of Numerical Recipes, t e^{-a^2 + p(t)} with t = 1 / (1 + a / 2).
template <class T> ARIADNE_INLINE T erfcLarge(T a) {
  const T t = 1.0f / (1.0f + 0.5f * a);
  const T p = -1.26551223f +
              t * (1.00002368f +
                   t * (0.37409196f +
                        t * (0.09678418f +
                             t * (-0.18628806f +
                                  t * (0.27886807f +
                                       t * (-1.13520398f +
                                            t * (1.48851587f +
                                                 t * (-0.82215223f +
                                                      t * 0.17087277f))))))));
  return t * exp(p - a * a);
}

/// erf(x) for |x| <= 0.5: its odd Taylor series to x^15, within 2e-9.
template <class T> ARIADNE_INLINE T erfSmall(T x) {
  const T x2 = x * x;
  const T series =
      1.0f - x2 * (1.0f / 3 -
                   x2 * (1.0f / 10 -
                         x2 * (1.0f / 42 -
                               x2 * (1.0f / 216 -
                                     x2 * (1.0f / 1320 -
                                           x2 * (1.0f / 9360 - x2 / 75600))))));
  return 1.1283791671f * x * series;
}

/// erfc(|x|): the series near 0, the fit beyond.
template <class T> ARIADNE_INLINE T erfcAbs(T x) {
  const T a = absBits(x);
  return select(a <= 0.5f, 1.0f - erfSmall(select(a <= 0.5f, a, 0.0f)),
                erfcLarge(select(a <= 0.5f, 0.5f, a)));
}

} // namespace detail

/// erf(x) within 2e-7 (absolute; relative near 0), odd, with NaN
/// propagation.
template <class T> ARIADNE_INLINE T erf(T x) {
  const T a = absBits(x);
  const T small = detail::erfSmall(select(a <= 0.5f, x, 0.0f));
  const T large = copySignBits(1.0f - detail::erfcAbs(x), x);
  return select(a <= 0.5f, small, large);
}

/// GELU, x * Phi(x) = x * erfc(-x / sqrt 2) / 2: from erfc on the negative
/// side, where 1 + erf(x / sqrt 2) would cancel.
template <class T> ARIADNE_INLINE T gelu(T x) {
  const T e = detail::erfcAbs(x * 0.70710678f);
  return 0.5f * x * select(x < 0.0f, e, 2.0f - e);
}

/// The tanh approximation of GELU, 0.5 x (1 + tanh(u)) = x * sigmoid(2u)
/// with u = sqrt(2 / pi) (x + 0.044715 x^3).
template <class T> ARIADNE_INLINE T geluTanh(T x) {
  const T u = 0.79788456f * (x + 0.044715f * x * x * x);
  return x * sigmoid(2.0f * u);
}

} // namespace math
} // namespace ariadne

#endif // ARIADNE_RUNTIME_FASTMATH_H
