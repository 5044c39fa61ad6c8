//===- fixed_bits.h - fixed-point arithmetic on raw integers ----*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The arithmetic of ariadne::fixed on raw integers, for types known only at
// run time: the compiler quantizes weights with it, the emulator interprets
// the quantized IR with it, and the ariadne::fixed template (fixed.h) calls
// the same functions with constant specs, which the optimizer folds into a
// few shifts and compares. One implementation for all three is what keeps
// them bit-identical.
//
// Semantics are those of Vitis HLS ap_fixed (UG1399, and Xilinx's
// ap_fixed.h where UG1399 is silent):
//
//  * A type is (W, I, S, Q, O). Its value is m * 2^-(W-I), m a W-bit two's
//    complement (S) or unsigned integer. I may be negative or exceed W.
//  * A cast first quantizes the exact source value onto the target's grid
//    with Q, then handles values outside the target's range with O.
//  * Products, sums and differences are exact; their types (productSpec,
//    sumSpec, differenceSpec) are those of ap_fixed.
//
// Where ap_fixed does something surprising, these functions do the same:
//  * SAT_SYM on a signed type maps the most negative value to -max even when
//    it is the exact result (the range is made symmetric); on an unsigned
//    type SAT_SYM is SAT. A signed type of width 1 has no symmetric range
//    (max is 0); ap_fixed then keeps the most negative value, so there
//    SAT_SYM is SAT too.
//  * SAT_ZERO turns any overflow, in either direction, into 0.
//  * From double: the exact value of the double is quantized, so a double
//    far outside the range wraps to its low W bits (usually 0: 1e30 in
//    fixed<16,6> is 0 under WRAP) or saturates. -0.0 is 0. NaN and +-Inf
//    are read as +-(1.f) * 2^1024 with the sign bit of the double (ap_fixed
//    reads the exponent field as if the number were finite): huge, so they
//    wrap to 0 and saturate to max or min by their sign bit. Note that the
//    NaN of 0.0/0.0 on x86 has its sign bit set and saturates to min.
//    Subnormal doubles are read like ap_fixed reads them, with the hidden
//    bit set: (1.f) * 2^-1023 instead of (0.f) * 2^-1022. Only types with
//    more than 1022 fractional bits can tell the difference.
//  * To double and float: correctly rounded (to nearest, ties to even), so
//    exact where representable, as ap_fixed.
//
// Two departures, where ap_fixed's answer is wrong and no kernel should
// depend on it:
//  * Values outside the normal range of the floating type (types with |I|
//    or W-I beyond about 1000 for double, 120 for float): ap_fixed writes
//    a wrapped exponent field; this code returns the correctly rounded
//    subnormal, zero or infinity.
//  * Comparisons of a signed with an unsigned operand of 32 bits or more:
//    ap_fixed follows C's integer rules (-3 < 5u is false); these are exact
//    (see compareBits).
//
// Raw values travel as uint64_t holding the W-bit integer m sign-extended
// (signed types) or zero-extended (unsigned types) to 64 bits, so that
// static_cast<int64_t>(bits) is m for a signed type and bits is m for an
// unsigned one. Widths are 1 to 64; callers check isValidSpec on specs that
// come from outside and on the specs of products and sums, which can exceed
// 64 bits.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_FIXED_BITS_H
#define ARIADNE_RUNTIME_FIXED_BITS_H

#include "ariadne/platform.h"

#include <cstdint>
#include <cstring>

namespace ariadne {

/// Quantization modes of ap_fixed (UG1399), applied to the exact value when
/// it has more fractional bits than the target.
enum QuantMode : unsigned char {
  TRN,         ///< Toward -infinity (drop the bits); the default.
  TRN_ZERO,    ///< Toward zero.
  RND,         ///< To nearest, ties toward +infinity.
  RND_ZERO,    ///< To nearest, ties toward zero.
  RND_MIN_INF, ///< To nearest, ties toward -infinity.
  RND_INF,     ///< To nearest, ties away from zero.
  RND_CONV,    ///< To nearest, ties to even.
};

/// Overflow modes of ap_fixed, applied after quantization.
enum OverflowMode : unsigned char {
  WRAP,     ///< Keep the low W bits; the default.
  SAT,      ///< Clamp to the range.
  SAT_ZERO, ///< Any overflow gives 0.
  SAT_SYM,  ///< Clamp to [-max, max] (signed) or [0, max] (unsigned).
};

/// Integer widths (I) are limited so that no bit position computed from
/// them overflows an int; ap_fixed has no such limit, no real type needs it.
constexpr int kMaxFixedIntWidth = 1 << 20;

/// A fixed-point type known at run time: ap_fixed<W, I, Q, O> (isSigned) or
/// ap_ufixed<W, I, Q, O>.
struct FixedSpec {
  int width;
  int intWidth;
  bool isSigned;
  QuantMode quant = TRN;
  OverflowMode overflow = WRAP;

  ARIADNE_HD constexpr int fracWidth() const { return width - intWidth; }
};

/// Whether the raw-value functions support `spec`: width 1 to 64 and a
/// bounded integer width.
ARIADNE_HD constexpr bool isValidSpec(const FixedSpec &spec) {
  return spec.width >= 1 && spec.width <= 64 &&
         spec.intWidth > -kMaxFixedIntWidth &&
         spec.intWidth < kMaxFixedIntWidth;
}

namespace detail {

ARIADNE_INLINE constexpr int maxInt(int a, int b) { return a > b ? a : b; }

/// Keeps the low `width` bits of v, extended from bit width-1 (signed) or
/// with zeros (unsigned).
ARIADNE_INLINE constexpr std::uint64_t normalizeBits(std::uint64_t v, int width,
                                                     bool isSigned) {
  if (width >= 64)
    return v;
  // Two shifts, and no branch: the right shift of int64_t is arithmetic on
  // every compiler the runtime supports (and by definition since C++20).
  const int unused = 64 - width;
  return isSigned ? static_cast<std::uint64_t>(
                        static_cast<std::int64_t>(v << unused) >> unused)
                  : (v << unused) >> unused;
}

/// The largest raw value of a type, as extended bits.
ARIADNE_INLINE constexpr std::uint64_t maxBits(int width, bool isSigned) {
  const int valueBits = isSigned ? width - 1 : width;
  return valueBits >= 64 ? ~std::uint64_t(0)
                         : (std::uint64_t(1) << valueBits) - 1;
}

/// The smallest raw value of a type, as extended bits.
ARIADNE_INLINE constexpr std::uint64_t minBits(int width, bool isSigned) {
  return isSigned ? ~std::uint64_t(0) << (width - 1) : 0;
}

/// The element an index names on an axis of `size` elements, negative
/// indices counting from the end, or -1 when it lies outside [-size, size):
/// what every gather (reads 0) and scatter (drops the update) does with it.
ARIADNE_HD constexpr long long indexElement(long long index, long long size) {
  return index < -size || index >= size ? -1 : index < 0 ? index + size : index;
}

/// Compares the integers held by two extended raw values: -1, 0 or 1.
ARIADNE_INLINE constexpr int compareIntegers(std::uint64_t a, bool aSigned,
                                             std::uint64_t b, bool bSigned) {
  const bool aNeg = aSigned && (a >> 63);
  const bool bNeg = bSigned && (b >> 63);
  if (aNeg != bNeg)
    return aNeg ? -1 : 1;
  // Same sign: two's complement order equals unsigned order of the bits.
  return a < b ? -1 : (a > b ? 1 : 0);
}

/// Number of significant bits of v (0 for 0).
ARIADNE_INLINE int bitLength(std::uint64_t v) {
#if defined(__CUDA_ARCH__)
  return 64 - __clzll(static_cast<long long>(v));
#elif defined(__GNUC__)
  return v ? 64 - __builtin_clzll(v) : 0;
#else
  int n = 0;
  for (; v; v >>= 1)
    ++n;
  return n;
#endif
}

template <typename T> struct FloatFormat;
template <> struct FloatFormat<double> {
  using Bits = std::uint64_t;
  static constexpr int digits = 53;
  static constexpr int minNormalExp = -1022;
  static constexpr int minExp = -1074; // smallest subnormal
  static constexpr int maxExp = 1023;
  static constexpr Bits infBits = 0x7ff0000000000000ull;
};
template <> struct FloatFormat<float> {
  using Bits = std::uint32_t;
  static constexpr int digits = 24;
  static constexpr int minNormalExp = -126;
  static constexpr int minExp = -149;
  static constexpr int maxExp = 127;
  static constexpr Bits infBits = 0x7f800000u;
};

template <typename T>
ARIADNE_INLINE T floatFromBits(typename FloatFormat<T>::Bits bits) {
  T value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// 2^e, exactly, for FloatFormat<T>::minExp <= e <= maxExp.
template <typename T> ARIADNE_INLINE T pow2(int e) {
  using Format = FloatFormat<T>;
  using Bits = typename Format::Bits;
  if (e >= Format::minNormalExp)
    return floatFromBits<T>(Bits(e + Format::maxExp) << (Format::digits - 1));
  return floatFromBits<T>(Bits(1) << (e - Format::minExp));
}

/// The value of a raw integer as T, rounded to nearest even.
template <typename T>
ARIADNE_INLINE T bitsToFloating(std::uint64_t bits, const FixedSpec &spec) {
  using Format = FloatFormat<T>;
  const int frac = spec.fracWidth();
  const bool neg = spec.isSigned && (bits >> 63);
  // Every value of the type is 0 or normal and finite in T: one rounding in
  // the integer conversion, then an exact scaling.
  if (frac <= -Format::minNormalExp && spec.width - frac <= Format::maxExp)
    return (neg ? T(static_cast<std::int64_t>(bits)) : T(bits)) *
           pow2<T>(-frac);
  if (bits == 0)
    return T(0);
  // Round the magnitude by hand to the precision T has at its exponent,
  // so that subnormal results are rounded once.
  const std::uint64_t mag = neg ? std::uint64_t(0) - bits : bits;
  const int exp = bitLength(mag) - 1 - frac;
  T result;
  if (exp > Format::maxExp) {
    result = floatFromBits<T>(Format::infBits);
  } else {
    const int quantumExp =
        detail::maxInt(exp - (Format::digits - 1), Format::minExp);
    const int drop = quantumExp + frac;
    std::uint64_t kept;
    if (drop <= 0) {
      kept = mag << -drop;
    } else {
      kept = drop >= 64 ? 0 : mag >> drop;
      const bool half = drop <= 64 && ((mag >> (drop - 1)) & 1);
      const bool sticky =
          drop > 64 ||
          (drop >= 2 && (mag & ((~std::uint64_t(0)) >> (65 - drop))) != 0);
      if (half && (sticky || (kept & 1)))
        ++kept;
    }
    // kept <= 2^digits, so the conversion is exact, and so is the product
    // unless it overflows, which is the correct rounding to infinity.
    result = T(kept) * pow2<T>(quantumExp);
  }
  return neg ? -result : result;
}

} // namespace detail

/// Casts a raw value of type `from` into type `to`: quantization with
/// to.quant on the exact value, then overflow handling with to.overflow.
/// When `overflowed` is given, it is set to whether the quantized value lay
/// outside the target's range (for SAT_SYM on a signed type of width > 1:
/// the symmetric range), i.e. whether the overflow mode changed it.
ARIADNE_INLINE constexpr std::uint64_t castBits(std::uint64_t bits,
                                                const FixedSpec &from,
                                                const FixedSpec &to,
                                                bool *overflowed = nullptr) {
  const bool neg = from.isSigned && (bits >> 63);
  const int shift = from.fracWidth() - to.fracWidth();
  std::uint64_t wrapped = 0;
  bool over = false;
  bool under = false;
  if (shift > 0) {
    // q0 = floor(m / 2^shift) fits in int64 (also for unsigned m), and the
    // quantized value is q0 + inc with inc 0 or 1.
    std::int64_t q0 = 0;
    bool half = false;
    bool sticky = false;
    if (shift >= 64) {
      q0 = neg ? -1 : 0;
      half = shift == 64 ? (bits >> 63) != 0 : neg;
      sticky = shift == 64 ? (bits << 1) != 0 : bits != 0;
    } else {
      q0 = from.isSigned ? static_cast<std::int64_t>(bits) >> shift
                         : static_cast<std::int64_t>(bits >> shift);
      half = (bits >> (shift - 1)) & 1;
      sticky = shift >= 2 && (bits << (65 - shift)) != 0;
    }
    bool inc = false;
    switch (to.quant) {
    case TRN:
      break;
    case TRN_ZERO:
      inc = neg && (half || sticky);
      break;
    case RND:
      inc = half;
      break;
    case RND_ZERO:
      inc = half && (neg || sticky);
      break;
    case RND_MIN_INF:
      inc = half && sticky;
      break;
    case RND_INF:
      inc = half && (!neg || sticky);
      break;
    case RND_CONV:
      inc = half && ((q0 & 1) || sticky);
      break;
    }
    wrapped = static_cast<std::uint64_t>(q0) + inc;
    // Compare q0 + inc with the range without forming q0 + inc, which can
    // be 2^63.
    if (to.isSigned) {
      if (to.width >= 64) {
        over = inc && q0 == INT64_MAX;
      } else {
        const std::int64_t hi = (std::int64_t(1) << (to.width - 1)) - 1;
        over = q0 > hi - inc;
        under = q0 < -hi - 1 - inc;
      }
    } else {
      under = q0 < -static_cast<std::int64_t>(inc);
      if (to.width < 64)
        over =
            q0 >
            static_cast<std::int64_t>(detail::maxBits(to.width, false)) - inc;
    }
  } else {
    // No fractional bits are lost: the value is m * 2^k, exactly.
    const int k = -shift;
    wrapped = k >= 64 ? 0 : bits << k;
    if (bits != 0) {
      if (!neg) {
        over = k >= 64 || bits > (detail::maxBits(to.width, to.isSigned) >> k);
      } else if (!to.isSigned) {
        under = true;
      } else {
        // m * 2^k >= -2^(W-1) iff m >= -2^(W-1-k).
        const int lim = to.width - 1 - k;
        under =
            lim < 0 || static_cast<std::int64_t>(bits) <
                           static_cast<std::int64_t>(~std::uint64_t(0) << lim);
      }
    }
  }
  std::uint64_t result = detail::normalizeBits(wrapped, to.width, to.isSigned);
  const std::uint64_t lo = detail::minBits(to.width, to.isSigned);
  const bool symmetric = to.overflow == SAT_SYM && to.isSigned && to.width > 1;
  // SAT_SYM leaves [-max, max]: the most negative value is out of range.
  if (symmetric && !over && !under && result == lo)
    under = true;
  if (over || under) {
    switch (to.overflow) {
    case WRAP:
      break;
    case SAT:
      result = over ? detail::maxBits(to.width, to.isSigned) : lo;
      break;
    case SAT_ZERO:
      result = 0;
      break;
    case SAT_SYM:
      result = over ? detail::maxBits(to.width, to.isSigned)
                    : (symmetric ? lo + 1 : lo);
      break;
    }
  }
  if (overflowed)
    *overflowed = over || under;
  return result;
}

/// The raw value of `to` nearest to `value` under to.quant and to.overflow
/// (see the file comment for NaN, infinities and subnormals).
ARIADNE_HD inline std::uint64_t
bitsFromDouble(double value, const FixedSpec &to, bool *overflowed = nullptr) {
  std::uint64_t d = 0;
  std::memcpy(&d, &value, sizeof(d));
  if ((d << 1) == 0) { // +-0.0
    if (overflowed)
      *overflowed = false;
    return 0;
  }
  const int exp = static_cast<int>((d >> 52) & 0x7ff) - 1023;
  const std::uint64_t mantissa =
      (d & ((std::uint64_t(1) << 52) - 1)) | (std::uint64_t(1) << 52);
  // The double is m * 2^(exp-52) with m a 54-bit signed integer, the view
  // ap_fixed takes of it (also for exponent fields 0 and 0x7ff).
  const std::uint64_t m = (d >> 63) ? std::uint64_t(0) - mantissa : mantissa;
  const FixedSpec from{54, exp + 2, true};
  return castBits(m, from, to, overflowed);
}

/// The value of a raw integer of type `spec`, rounded to nearest even.
ARIADNE_INLINE double bitsToDouble(std::uint64_t bits, const FixedSpec &spec) {
  return detail::bitsToFloating<double>(bits, spec);
}

/// The value of a raw integer of type `spec`, rounded once to nearest even
/// (not through double, which could round twice).
ARIADNE_INLINE float bitsToFloat(std::uint64_t bits, const FixedSpec &spec) {
  return detail::bitsToFloating<float>(bits, spec);
}

/// The exact type of a * b: W1+W2 bits, I1+I2 integer bits.
ARIADNE_HD constexpr FixedSpec productSpec(const FixedSpec &a,
                                           const FixedSpec &b) {
  return FixedSpec{a.width + b.width, a.intWidth + b.intWidth,
                   a.isSigned || b.isSigned};
}

namespace detail {
/// Integer bits of a sum or difference: one more than the operands, where
/// an unsigned operand next to a signed one counts one bit more for the
/// sign (ap_fixed's rule).
ARIADNE_HD constexpr int sumIntWidth(const FixedSpec &a, const FixedSpec &b) {
  return maxInt(a.intWidth + (b.isSigned && !a.isSigned),
                b.intWidth + (a.isSigned && !b.isSigned)) +
         1;
}
} // namespace detail

/// The exact type of a + b.
ARIADNE_HD constexpr FixedSpec sumSpec(const FixedSpec &a, const FixedSpec &b) {
  const int intWidth = detail::sumIntWidth(a, b);
  return FixedSpec{intWidth + detail::maxInt(a.fracWidth(), b.fracWidth()),
                   intWidth, a.isSigned || b.isSigned};
}

/// The exact type of a - b: as a + b, but always signed.
ARIADNE_HD constexpr FixedSpec differenceSpec(const FixedSpec &a,
                                              const FixedSpec &b) {
  const int intWidth = detail::sumIntWidth(a, b);
  return FixedSpec{intWidth + detail::maxInt(a.fracWidth(), b.fracWidth()),
                   intWidth, true};
}

/// The exact type of -a: one bit wider, signed.
ARIADNE_HD constexpr FixedSpec negationSpec(const FixedSpec &a) {
  return FixedSpec{a.width + 1, a.intWidth + 1, true};
}

/// a * b as a raw value of productSpec(sa, sb), which must be valid.
ARIADNE_INLINE constexpr std::uint64_t mulBits(std::uint64_t a,
                                               const FixedSpec &sa,
                                               std::uint64_t b,
                                               const FixedSpec &sb) {
  const bool isSigned = sa.isSigned || sb.isSigned;
  // A 32-bit multiply where the product fits: much cheaper on GPUs.
  if (sa.width + sb.width <= 32)
    return detail::normalizeBits(static_cast<std::uint32_t>(a) *
                                     static_cast<std::uint32_t>(b),
                                 32, isSigned);
  // The low 64 bits of the product of the extended values are the extended
  // product, which fits.
  return a * b;
}

/// a + b as a raw value of sumSpec(sa, sb), which must be valid.
ARIADNE_INLINE constexpr std::uint64_t addBits(std::uint64_t a,
                                               const FixedSpec &sa,
                                               std::uint64_t b,
                                               const FixedSpec &sb) {
  const int frac = detail::maxInt(sa.fracWidth(), sb.fracWidth());
  // The aligned operands and their sum fit in the result's <= 64 bits.
  return (a << (frac - sa.fracWidth())) + (b << (frac - sb.fracWidth()));
}

/// a - b as a raw value of differenceSpec(sa, sb), which must be valid.
ARIADNE_INLINE constexpr std::uint64_t subBits(std::uint64_t a,
                                               const FixedSpec &sa,
                                               std::uint64_t b,
                                               const FixedSpec &sb) {
  const int frac = detail::maxInt(sa.fracWidth(), sb.fracWidth());
  return (a << (frac - sa.fracWidth())) - (b << (frac - sb.fracWidth()));
}

/// -a as a raw value of negationSpec(sa), which must be valid.
ARIADNE_INLINE constexpr std::uint64_t negBits(std::uint64_t a) {
  return std::uint64_t(0) - a;
}

/// Compares the exact values of two raw values: -1, 0 or 1.
///
/// This is where ariadne departs from ap_fixed on purpose. ap_fixed aligns
/// the binary points and then compares the integers with C's rules for
/// mixed signedness: when one operand is signed, the other unsigned, the
/// unsigned one at least as wide and either 32 bits or wider, < and > see
/// a negative value as huge (ap_fixed<8,8>(-3) < ap_ufixed<32,32>(5) is
/// false), and == compares bit patterns extended to the wider width
/// (ap_fixed<8,8>(-1) == ap_ufixed<40,40>(2^40-1) is true). Comparisons of
/// operands of the same signedness, or of narrower ones, are exact in both.
/// Generated code that must agree with ap_fixed compares such operands.
ARIADNE_INLINE constexpr int compareBits(std::uint64_t a, const FixedSpec &sa,
                                         std::uint64_t b, const FixedSpec &sb) {
  const int fa = sa.fracWidth();
  const int fb = sb.fracWidth();
  if (fa == fb)
    return detail::compareIntegers(a, sa.isSigned, b, sb.isSigned);
  // Compare the operand with fewer fractional bits, x, with y / 2^d written
  // as floor(y / 2^d) + r, 0 <= r < 1: x < floor -> less; x > floor ->
  // greater (x >= floor + 1 > y / 2^d); equal floors -> less iff r != 0.
  const bool swap = fa > fb;
  const std::uint64_t x = swap ? b : a;
  const std::uint64_t y = swap ? a : b;
  const bool xSigned = swap ? sb.isSigned : sa.isSigned;
  const bool ySigned = swap ? sa.isSigned : sb.isSigned;
  const int d = swap ? fa - fb : fb - fa;
  const bool yNeg = ySigned && (y >> 63);
  std::int64_t yFloor = 0;
  bool yRest = false;
  if (d >= 64) {
    yFloor = yNeg ? -1 : 0;
    yRest = yNeg ? true : y != 0;
  } else {
    yFloor = ySigned ? static_cast<std::int64_t>(y) >> d
                     : static_cast<std::int64_t>(y >> d);
    yRest = (y << (64 - d)) != 0;
  }
  int c = detail::compareIntegers(x, xSigned,
                                  static_cast<std::uint64_t>(yFloor), true);
  if (c == 0 && yRest)
    c = -1;
  return swap ? -c : c;
}

//===----------------------------------------------------------------------===//
// The integer meaning of the fx ops beyond casts and arithmetic. Every
// software component computes them through these functions: the
// bit-accurate emulator (emulator/FixedSteps.cpp) and the C++ and CUDA
// kernels (fixed_kernels.h). The HLS and Verilog targets are independent
// implementations checked against them bit for bit.
//===----------------------------------------------------------------------===//

namespace detail {
/// Whether raw value a is less than raw value b of a type of signedness
/// `isSigned`.
ARIADNE_INLINE constexpr bool rawLess(std::uint64_t a, std::uint64_t b,
                                      bool isSigned) {
  return isSigned ? static_cast<std::int64_t>(a) < static_cast<std::int64_t>(b)
                  : a < b;
}
} // namespace detail

/// fx.table, and softmax's reciprocal table: the bin of raw value x,
/// clamp(floor((x - low) / 2^shift), 0, last), with x and low raw values
/// of one type of signedness `isSigned` (the op's verifier makes input_low
/// one). The difference x - low >= 0 is exact in uint64_t for any such
/// type, so every width up to 64 bits is exact.
ARIADNE_INLINE constexpr int tableIndex(std::uint64_t x, std::uint64_t low,
                                        bool isSigned, int shift, int last) {
  if (detail::rawLess(x, low, isSigned))
    return 0;
  const std::uint64_t bin = (x - low) >> shift;
  return bin < static_cast<std::uint64_t>(last) ? static_cast<int>(bin) : last;
}

/// fx.leaky_relu: x for x >= 0, x * alpha otherwise, exact, then one cast
/// into `to`. A non-negative x is cast from its own type: its value is
/// that of x * 2^frac(alpha) on the product's grid, which is all a cast
/// reads. The product of `in` and `alphaSpec` fits 64 bits (the op's
/// verifier).
ARIADNE_INLINE constexpr std::uint64_t
leakyReluBits(std::uint64_t x, const FixedSpec &in, std::uint64_t alpha,
              const FixedSpec &alphaSpec, const FixedSpec &to,
              bool *overflowed = nullptr) {
  if (in.isSigned && (x >> 63))
    return castBits(mulBits(x, in, alpha, alphaSpec),
                    productSpec(in, alphaSpec), to, overflowed);
  return castBits(x, in, to, overflowed);
}

/// fx.scale of one value: x * scale + offset, with the offset already on
/// the product's grid (shifted to frac(in) + frac(scale) fractional bits),
/// exact in `sum` (64 bits wide with that many fractional bits; the op's
/// verifier keeps it within 63), then one cast into `to`.
ARIADNE_INLINE constexpr std::uint64_t
scaleBits(std::uint64_t x, std::uint64_t scale, std::uint64_t offset,
          const FixedSpec &sum, const FixedSpec &to,
          bool *overflowed = nullptr) {
  return castBits(x * scale + offset, sum, to, overflowed);
}

/// fx.add, fx.sub and fx.mul of one pair of raw values: addBits, subBits or
/// mulBits, whose results are raw values of sumSpec, differenceSpec and
/// productSpec, the result types of these ops (exact; their verifiers keep
/// them within 64 bits).
enum class ArithKind { Add, Sub, Mul };

ARIADNE_INLINE constexpr std::uint64_t
arithBits(ArithKind kind, std::uint64_t a, const FixedSpec &sa, std::uint64_t b,
          const FixedSpec &sb) {
  return kind == ArithKind::Add   ? addBits(a, sa, b, sb)
         : kind == ArithKind::Sub ? subBits(a, sa, b, sb)
                                  : mulBits(a, sa, b, sb);
}

/// One element of fx.matmul: the sum of the k exact products
/// a[i * strideA] * b[i * strideB] (mulBits; their productSpec fits 64
/// bits), kept modulo 2^W of the accumulator type `acc` (TRN, WRAP). The
/// sum is taken modulo 2^64 and then reduced, which gives the same
/// integer in any order of the additions.
ARIADNE_INLINE constexpr std::uint64_t dotBits(const std::uint64_t *a,
                                               int strideA, const FixedSpec &sa,
                                               const std::uint64_t *b,
                                               int strideB, const FixedSpec &sb,
                                               int k, const FixedSpec &acc) {
  std::uint64_t sum = 0;
  for (int i = 0; i < k; ++i)
    sum += mulBits(a[i * strideA], sa, b[i * strideB], sb);
  return detail::normalizeBits(sum, acc.width, acc.isSigned);
}

/// The tables and their bins of one fx.softmax.
template <typename Entry> struct SoftmaxTables {
  const Entry *exp;
  int expSize, expShift;
  FixedSpec expSpec;
  const Entry *inv;
  int invSize, invShift;
  std::uint64_t invLow;
  FixedSpec invSpec;
};

/// fx.softmax of one row of `length` values of a type of signedness
/// `inSigned`, element j at x[j * stride] (y likewise; y may be x): m =
/// max x_j, e_j = exp[min((m - x_j) >> expShift, expSize - 1)], s = sum
/// e_j, r = inv[tableIndex(s, invLow, signed, invShift, invSize - 1)], y_j
/// = e_j * r exact, cast into `to`. The inputs are at most 62 bits wide, so
/// m - x_j is exact, and s is below 2^62. Returns how many values the cast
/// overflowed.
template <typename Entry>
ARIADNE_INLINE int
softmaxRow(const std::uint64_t *x, std::uint64_t *y, int length, int stride,
           bool inSigned, const SoftmaxTables<Entry> &t, const FixedSpec &to) {
  std::uint64_t maximum = x[0];
  for (int j = 1; j < length; ++j)
    maximum = detail::rawLess(maximum, x[j * stride], inSigned) ? x[j * stride]
                                                                : maximum;
  // The exponentials go into y (which may be x, read just before).
  const std::uint64_t lastExp = static_cast<std::uint64_t>(t.expSize - 1);
  std::uint64_t sum = 0;
  for (int j = 0; j < length; ++j) {
    const std::uint64_t bin = (maximum - x[j * stride]) >> t.expShift;
    const std::uint64_t e =
        static_cast<std::uint64_t>(t.exp[bin < lastExp ? bin : lastExp]);
    y[j * stride] = e;
    sum += e;
  }
  const std::uint64_t r = static_cast<std::uint64_t>(
      t.inv[tableIndex(sum, t.invLow, true, t.invShift, t.invSize - 1)]);
  const FixedSpec product = productSpec(t.expSpec, t.invSpec);
  int overflowed = 0;
  for (int j = 0; j < length; ++j) {
    bool over = false;
    y[j * stride] = castBits(mulBits(y[j * stride], t.expSpec, r, t.invSpec),
                             product, to, &over);
    overflowed += over;
  }
  return overflowed;
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_FIXED_BITS_H
