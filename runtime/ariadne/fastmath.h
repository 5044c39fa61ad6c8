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

namespace ariadne {
namespace math {

ARIADNE_INLINE float bitsToFloat(std::int32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

ARIADNE_INLINE std::int32_t floatToBits(float f) {
  std::int32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

namespace detail {

/// The 32-bit integers as many as the floats of T: one for a float, a
/// vector of them for a simd vector. The functions below are one text for
/// both, so that a vector gives the scalar form's values lane by lane.
template <class T> struct IntsOf { using type = std::int32_t; };
#if ARIADNE_SIMD_WIDTH > 1
template <> struct IntsOf<simd::Vec> { using type = simd::Mask; };
#endif

/// The bits of `from` as a To of the same size.
template <class To, class From> ARIADNE_INLINE To bitsAs(From from) {
  static_assert(sizeof(To) == sizeof(From), "bitsAs keeps the size");
  To to;
  std::memcpy(&to, &from, sizeof(to));
  return to;
}

} // namespace detail

/// The constant c as a T: c itself for a float, every lane of a vector.
template <class T> ARIADNE_INLINE T splatAs(float c) { return c; }
#if ARIADNE_SIMD_WIDTH > 1
template <> ARIADNE_INLINE simd::Vec splatAs<simd::Vec>(float c) {
  return simd::splat(c);
}
#endif

/// |x| by clearing the sign bit (vectorizes as an and-not); a float or a
/// vector.
template <class T> ARIADNE_INLINE T absBits(T x) {
  using I = typename detail::IntsOf<T>::type;
  return detail::bitsAs<T>(detail::bitsAs<I>(x) & 0x7fffffff);
}

/// c ? a : b without a branch. GCC lowers a conditional expression to
/// control flow and, without AVX-512 masking, refuses to vectorize a loop
/// once a later float operation has been duplicated into its arms (the
/// operation could trap); a bit mask keeps the loop straight-line. On
/// vectors, c is a comparison's mask.
ARIADNE_INLINE float select(bool c, float a, float b) {
  std::int32_t mask = -static_cast<std::int32_t>(c);
  return bitsToFloat((floatToBits(a) & mask) | (floatToBits(b) & ~mask));
}
#if ARIADNE_SIMD_WIDTH > 1
ARIADNE_INLINE simd::Vec select(simd::Mask c, simd::Vec a, simd::Vec b) {
  return simd::select(c, a, b);
}
#endif

/// x < lo ? lo : x, and x > hi ? hi : x (NaN passes through); on simd
/// vectors one maxps or minps.
ARIADNE_INLINE float atLeast(float x, float lo) {
  return select(x < lo, lo, x);
}
ARIADNE_INLINE float atMost(float x, float hi) { return select(x > hi, hi, x); }
#if ARIADNE_SIMD_WIDTH > 1
ARIADNE_INLINE simd::Vec atLeast(simd::Vec x, float lo) {
  return simd::maxOf(simd::splat(lo), x);
}
ARIADNE_INLINE simd::Vec atMost(simd::Vec x, float hi) {
  return simd::minOf(simd::splat(hi), x);
}
#endif

/// The magnitude of `magnitude` with the sign of `sign` (floats or
/// vectors).
template <class T> ARIADNE_INLINE T copySignBits(T magnitude, T sign) {
  using I = typename detail::IntsOf<T>::type;
  return detail::bitsAs<T>(
      (detail::bitsAs<I>(magnitude) & 0x7fffffff) |
      (detail::bitsAs<I>(sign) & static_cast<std::int32_t>(0x80000000u)));
}

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
template <class T, class I> ARIADNE_INLINE void reduceLn2(T x, T &r, I &n) {
  T shifted = x * kLog2e + kRoundShifter;
  n = bitsAs<I>(shifted) - floatToBits(kRoundShifter);
  T nf = shifted - kRoundShifter;
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

/// 2^n as a float for n in [-126, 127] (each lane of a vector); +0 for
/// n = -127.
template <class T, class I> ARIADNE_INLINE T pow2(I n) {
  return bitsAs<T>((n + 127) << 23);
}

} // namespace detail

/// e^x within 1 ulp, including the subnormal range, overflow to +inf and
/// NaN propagation; for a float or a simd vector of floats (the softmax
/// runs it on vectors: GCC -O2 does not vectorize a loop of the scalar
/// form).
template <class T> ARIADNE_INLINE T expOf(T x) {
  using I = typename detail::IntsOf<T>::type;
  // Clamp into the range where the result is not trivially 0 or inf. The
  // comparisons are false for NaN, which passes through and makes the
  // polynomial NaN. At the lower end, -176, n is -254 and both factors
  // below are +0 (pow2(-127)): the result is 0 by a product with 0, not by
  // an underflow, which costs a microcode assist on x86 (a softmax's
  // masked entries, at -inf, took twice as long). Below -104 e^x is less
  // than half the smallest subnormal, so every x < -104 still gives +0.
  const T clamped = atMost(atLeast(x, -176.0f), 89.0f);
  T r;
  I n;
  detail::reduceLn2(clamped, r, n);
  const T p = 1.0f + detail::expm1Reduced(r);
  // n lies in [-254, 129]: scale in two steps so that both factors are
  // normal (or both +0, at n = -254) and the product can underflow
  // gradually or overflow to inf.
  const I half = n >> 1;
  return p * detail::pow2<T>(half) * detail::pow2<T>(n - half);
}

/// e^x - 1 with a small relative error near 0 too (the polynomial where
/// |x| <= ln(2)/2, e^x - 1 beyond), with NaN propagation.
template <class T> ARIADNE_INLINE T expm1Of(T x) {
  const T small = detail::expm1Reduced(
      select(absBits(x) <= 0.34657359f, x, splatAs<T>(0.0f)));
  return select(absBits(x) <= 0.34657359f, small, expOf(x) - 1.0f);
}

namespace detail {
/// tanh clamps its argument to [-kTanhClamp, kTanhClamp], where
/// tanhRational gives exactly +-1 with and without fused multiply-adds
/// (near 9 its rounded value alternates between 1 and its neighbours;
/// 9.03125 is a point where GCC's and Clang's contractions all give 1).
constexpr float kTanhClamp = 9.03125f;

/// The quotient of tanh for |a| <= kTanhClamp (see tanh): arithmetic only, so
/// that a float or a vector of floats (simd.h) gives the same values.
template <class T> ARIADNE_INLINE T tanhRational(T a) {
  // Estrin's scheme: a P(z) = a (p0 + p1 z) + a z^2 ((p2 + p3 z) + z^2 (p4 +
  // p5 z)), Q(z) likewise, the terms computed side by side: three
  // operations deep after z where Horner's rule and the product by a take
  // six. The quotient is on the critical path of a single event's layer.
  const T z = a * a;
  const T z2 = z * z;
  const T p01 = z * 0x1.181f02p-3f + 1.0f;
  const T p23 = z * 0x1.d4e074p-16f + 0x1.faab5cp-9f;
  const T p45 = z * -0x1.a8bbe8p-37f + 0x1.0555ccp-25f;
  const T ap = (a * z2) * (p45 * z2 + p23) + a * p01;
  const T q01 = z * 0x1.e164d6p-2f + 1.0f;
  const T q23 = z * 0x1.9c781ap-12f + 0x1.be3c10p-6f;
  const T q = (z2 * 0x1.5861d8p-20f + q23) * z2 + q01;
  return ap / q;
}
} // namespace detail

/// tanh(x) within 5 ulp with fused multiply-adds, 6 without (99.8% of
/// floats within 2), odd, with NaN propagation: x P(x^2) / Q(x^2) with x
/// clamped to [-9.03125, 9.03125], where the quotient gives exactly +-1 (as
/// tanh rounds to from 9.011 on). P (degree 5) and Q (degree 4) are a minimax
/// fit of tanh(x) / x in z = x^2 on [0, 9.1^2], relative error 2.2e-9,
/// their coefficients rounded to float one at a time with the others
/// fitted again; the float evaluation's rounding makes the rest of the
/// error. About fifteen operations, one of them a division, and no range
/// reduction: half the work of the exponential it replaced, and a shorter
/// dependency chain. Near 0, z underflows to 0 and the result is x itself.
template <class T> ARIADNE_INLINE T tanhOf(T x) {
  // The clamp is two selects (minps and maxps on vectors), which keep GCC
  // from splitting it into separately computed cases; a NaN compares false
  // and passes through.
  return detail::tanhRational(
      atLeast(atMost(x, detail::kTanhClamp), -detail::kTanhClamp));
}

/// The logistic function 1 / (1 + e^{-x}) within 2 ulp, with NaN
/// propagation.
template <class T> ARIADNE_INLINE T sigmoidOf(T x) {
  // e^{-|x|} never overflows; for x < 0 the result is e^x / (1 + e^x),
  // which keeps the relative precision of tiny results.
  const T e = expOf(-absBits(x));
  const T numerator = select(x < 0.0f, e, splatAs<T>(1.0f));
  return numerator / (1.0f + e);
}

/// softplus(x) = log(1 + e^x) as max(x, 0) + log1p(e^{-|x|}), with NaN
/// propagation. The logarithm of w = 1 + u, u = e^{-|x|} in (0, 1], is
/// 2 atanh(s) with s = u / (2 + u) <= 1/3: its odd series to s^13 is within
/// 2e-8 of it.
template <class T> ARIADNE_INLINE T softplusOf(T x) {
  const T u = expOf(-absBits(x));
  const T s = u / (2.0f + u);
  const T s2 = s * s;
  const T series =
      1.0f + s2 * (1.0f / 3 +
                   s2 * (1.0f / 5 +
                         s2 * (1.0f / 7 +
                               s2 * (1.0f / 9 + s2 * (1.0f / 11 + s2 / 13)))));
  return select(x > 0.0f, x, splatAs<T>(0.0f)) + 2.0f * s * series;
}

namespace detail {

/// erfc(a) for a >= 0.5 with a relative error below 1.2e-7: the Chebyshev
/// fit of Numerical Recipes, t e^{-a^2 + p(t)} with t = 1 / (1 + a / 2).
/// p by Estrin's scheme, four multiply-adds deep instead of Horner's nine:
/// a vector's chain of division, polynomial and exponential is long enough
/// that a run of independent vectors is bound by it.
template <class T> ARIADNE_INLINE T erfcLarge(T a) {
  const T t = 1.0f / (1.0f + 0.5f * a);
  const T t2 = t * t;
  const T t4 = t2 * t2;
  const T p01 = t * 1.00002368f + -1.26551223f;
  const T p23 = t * 0.09678418f + 0.37409196f;
  const T p45 = t * 0.27886807f + -0.18628806f;
  const T p67 = t * 1.48851587f + -1.13520398f;
  const T p89 = t * 0.17087277f + -0.82215223f;
  const T p03 = t2 * p23 + p01;
  const T p47 = t2 * p67 + p45;
  const T p = (t4 * t4) * p89 + (t4 * p47 + p03);
  return t * expOf(p - a * a);
}

/// erf(x) for |x| <= 0.5: its odd Taylor series to x^15, within 2e-9,
/// by Estrin's scheme in x^2 (three multiply-adds deep).
template <class T> ARIADNE_INLINE T erfSmall(T x) {
  const T z = x * x;
  const T z2 = z * z;
  const T q01 = z * (-1.0f / 3) + 1.0f;
  const T q23 = z * (-1.0f / 42) + 1.0f / 10;
  const T q45 = z * (-1.0f / 1320) + 1.0f / 216;
  const T q67 = z * (-1.0f / 75600) + 1.0f / 9360;
  const T series = (z2 * z2) * (z2 * q67 + q45) + (z2 * q23 + q01);
  return 1.1283791671f * x * series;
}

/// erfc(|x|): the series near 0, the fit beyond.
template <class T> ARIADNE_INLINE T erfcAbs(T x) {
  const T a = absBits(x);
  return select(a <= 0.5f,
                1.0f - erfSmall(select(a <= 0.5f, a, splatAs<T>(0.0f))),
                erfcLarge(select(a <= 0.5f, splatAs<T>(0.5f), a)));
}

} // namespace detail

/// erf(x) within 2e-7 (absolute; relative near 0), odd, with NaN
/// propagation.
template <class T> ARIADNE_INLINE T erfOf(T x) {
  const T a = absBits(x);
  const T small = detail::erfSmall(select(a <= 0.5f, x, splatAs<T>(0.0f)));
  const T large = copySignBits(1.0f - detail::erfcAbs(x), x);
  return select(a <= 0.5f, small, large);
}

/// GELU, x * Phi(x) = x * erfc(-x / sqrt 2) / 2: from erfc on the negative
/// side, where 1 + erf(x / sqrt 2) would cancel.
template <class T> ARIADNE_INLINE T geluOf(T x) {
  const T e = detail::erfcAbs(x * 0.70710678f);
  return 0.5f * x * select(x < 0.0f, e, 2.0f - e);
}

/// The tanh approximation of GELU, 0.5 x (1 + tanh(u)) = x * sigmoid(2u)
/// with u = sqrt(2 / pi) (x + 0.044715 x^3).
template <class T> ARIADNE_INLINE T geluTanhOf(T x) {
  const T u = 0.79788456f * (x + 0.044715f * x * x * x);
  return x * sigmoidOf(2.0f * u);
}

// Each function for a float, and on a simd vector lane by lane with the
// float's values (the same text).
ARIADNE_INLINE float exp(float x) { return expOf(x); }
ARIADNE_INLINE float expm1(float x) { return expm1Of(x); }
ARIADNE_INLINE float tanh(float x) { return tanhOf(x); }
ARIADNE_INLINE float sigmoid(float x) { return sigmoidOf(x); }
ARIADNE_INLINE float softplus(float x) { return softplusOf(x); }
ARIADNE_INLINE float erf(float x) { return erfOf(x); }
ARIADNE_INLINE float gelu(float x) { return geluOf(x); }
ARIADNE_INLINE float geluTanh(float x) { return geluTanhOf(x); }
#if ARIADNE_SIMD_WIDTH > 1
ARIADNE_INLINE simd::Vec exp(simd::Vec x) { return expOf(x); }
ARIADNE_INLINE simd::Vec expm1(simd::Vec x) { return expm1Of(x); }
ARIADNE_INLINE simd::Vec tanh(simd::Vec x) { return tanhOf(x); }
ARIADNE_INLINE simd::Vec sigmoid(simd::Vec x) { return sigmoidOf(x); }
ARIADNE_INLINE simd::Vec softplus(simd::Vec x) { return softplusOf(x); }
ARIADNE_INLINE simd::Vec erf(simd::Vec x) { return erfOf(x); }
ARIADNE_INLINE simd::Vec gelu(simd::Vec x) { return geluOf(x); }
ARIADNE_INLINE simd::Vec geluTanh(simd::Vec x) { return geluTanhOf(x); }
#endif

} // namespace math
} // namespace ariadne

#endif // ARIADNE_RUNTIME_FASTMATH_H
