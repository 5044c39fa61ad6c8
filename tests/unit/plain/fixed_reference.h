//===- fixed_reference.h - exact model of fixed-point rules -----*- C++ -*-===//
//
// An independent model of the fixed-point rules for the tests: values are
// exact rationals N / D with __int128 integers, quantization is a floor
// division and a comparison of the remainder with D / 2, overflow is a
// comparison with the range. It shares nothing with the runtime's bit
// manipulation except the mode enums.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_FIXED_REFERENCE_H
#define ARIADNE_TESTS_FIXED_REFERENCE_H

#include "ariadne/fixed_bits.h"

#include <cstdint>
#include <string>

namespace ref {

using i128 = __int128;

/// A fixed-point type as the tests describe it.
struct Type {
  int width;
  int intWidth;
  bool isSigned;
  int frac() const { return width - intWidth; }
  i128 lo() const { return isSigned ? -(i128(1) << (width - 1)) : 0; }
  i128 hi() const {
    return isSigned ? (i128(1) << (width - 1)) - 1 : (i128(1) << width) - 1;
  }
  std::string str() const {
    return std::string(isSigned ? "fixed<" : "ufixed<") +
           std::to_string(width) + "," + std::to_string(intWidth) + ">";
  }
};

inline const char *quantName(ariadne::QuantMode q) {
  static const char *names[] = {"TRN",      "TRN_ZERO",    "RND",
                                "RND_ZERO", "RND_MIN_INF", "RND_INF",
                                "RND_CONV"};
  return names[q];
}

inline const char *overflowName(ariadne::OverflowMode o) {
  static const char *names[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
  return names[o];
}

/// The integer m of a raw value held as extended 64-bit bits.
inline i128 integerOf(std::uint64_t bits, bool isSigned) {
  return isSigned ? i128(static_cast<std::int64_t>(bits)) : i128(bits);
}

/// floor(n / d) for d > 0.
inline i128 floorDiv(i128 n, i128 d) {
  i128 q = n / d;
  if (n % d != 0 && n < 0)
    --q;
  return q;
}

/// Rounds the rational n / d (d > 0) to an integer with mode q.
inline i128 quantize(i128 n, i128 d, ariadne::QuantMode q) {
  const i128 fl = floorDiv(n, d);
  const i128 rem = n - fl * d; // 0 <= rem < d
  if (rem == 0)
    return fl;
  const bool negative = n < 0;
  const i128 twice = 2 * rem;
  const bool below = twice < d, tie = twice == d;
  switch (q) {
  case ariadne::TRN:
    return fl;
  case ariadne::TRN_ZERO:
    return negative ? fl + 1 : fl;
  case ariadne::RND:
    return below ? fl : fl + 1;
  case ariadne::RND_ZERO:
    return below || (tie && !negative) ? fl : fl + 1;
  case ariadne::RND_MIN_INF:
    return below || tie ? fl : fl + 1;
  case ariadne::RND_INF:
    return below || (tie && negative) ? fl : fl + 1;
  case ariadne::RND_CONV:
    if (tie)
      return (fl % 2 == 0) ? fl : fl + 1;
    return below ? fl : fl + 1;
  }
  return fl;
}

/// The integer of type `to` that the quantized integer q becomes under
/// overflow mode o. `overflowed` is whether q was outside the range (for
/// SAT_SYM: the symmetric range).
inline i128 handleOverflow(i128 q, const Type &to, ariadne::OverflowMode o,
                           bool &overflowed) {
  i128 lo = to.lo();
  const i128 hi = to.hi();
  // SAT_SYM clamps signed types to [-max, max]; for width 1, max is 0 and
  // ap_fixed keeps [-1, 0] (documented in fixed_bits.h).
  if (o == ariadne::SAT_SYM && to.isSigned && to.width > 1)
    lo = -hi;
  overflowed = q < lo || q > hi;
  if (!overflowed)
    return q;
  switch (o) {
  case ariadne::WRAP: {
    const i128 modulus = i128(1) << to.width;
    i128 r = q % modulus;
    if (r < 0)
      r += modulus;
    if (to.isSigned && r > to.hi())
      r -= modulus;
    return r;
  }
  case ariadne::SAT:
  case ariadne::SAT_SYM:
    return q > hi ? hi : lo;
  case ariadne::SAT_ZERO:
    return 0;
  }
  return q;
}

/// Casts the value m * 2^-fromFrac into `to` under q and o. Exact for
/// |m| < 2^64 and any fracs: a shift by more than 72 bits behaves like one
/// by 72 (right: |value| < 2^-8 ulp) or is handled directly (left: every
/// non-zero m overflows a type of at most 64 bits, and wraps to 0).
inline i128 castValue(i128 m, int fromFrac, const Type &to,
                      ariadne::QuantMode q, ariadne::OverflowMode o,
                      bool &overflowed) {
  const int shift = to.frac() - fromFrac; // value * 2^toFrac = m * 2^shift
  if (shift >= 64) {
    if (m == 0) {
      overflowed = false;
      return 0;
    }
    // |m * 2^shift| >= 2^64 exceeds every range; any multiple of 2^64 is a
    // multiple of 2^width.
    const i128 huge = m > 0 ? to.hi() + 1 : to.lo() - 1;
    const i128 r = handleOverflow(huge, to, o, overflowed);
    return o == ariadne::WRAP ? 0 : r;
  }
  i128 n = m, d = 1;
  if (shift >= 0)
    n = m * (i128(1) << shift);
  else
    d = i128(1) << (-shift > 72 ? 72 : -shift);
  return handleOverflow(quantize(n, d, q), to, o, overflowed);
}

/// The exact comparison of m1 * 2^-f1 with m2 * 2^-f2 (|f1 - f2| < 60).
inline int compareValues(i128 m1, int f1, i128 m2, int f2) {
  const int f = f1 > f2 ? f1 : f2;
  const i128 a = m1 * (i128(1) << (f - f1));
  const i128 b = m2 * (i128(1) << (f - f2));
  return a < b ? -1 : (a > b ? 1 : 0);
}

} // namespace ref

#endif // ARIADNE_TESTS_FIXED_REFERENCE_H
