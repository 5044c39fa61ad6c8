//===- fixed.h - ap_fixed-compatible fixed point ----------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// ariadne::fixed<W, I, Q, O> and ariadne::ufixed<W, I, Q, O> behave like
// Vitis HLS ap_fixed and ap_ufixed (same template parameters and defaults,
// same quantization, overflow and result types; see fixed_bits.h for the
// rules and ap_fixed's surprises), so that the C++ and CUDA kernels compute
// the same integers as the HLS code compiled against the real ap_fixed.h.
//
// Usable in host and CUDA device code. The raw integer is stored in an
// int64_t (signed types) or uint64_t (unsigned types), so W is 1 to 64.
// Products and sums are exact and typed as in ap_fixed; one that would need
// more than 64 bits (say the product of two 40-bit types) does not compile:
// cast an operand to a narrower type first. Compound assignment (a += b) is
// a = a + b, so the same limit applies to a + b.
//
// Not provided: division, shifts, bit and range access, the N parameter of
// ap_fixed and its WRAP_SM mode, arithmetic with C numbers (write
// fixed<..>(3)), implicit conversions to C integers (use raw(), or
// to_int() for ap_fixed's integer part).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_FIXED_H
#define ARIADNE_RUNTIME_FIXED_H

#include "ariadne/fixed_bits.h"
#include "ariadne/platform.h"

#include <cstdint>
#include <type_traits>

namespace ariadne {

template <int W, int I, bool S, QuantMode Q = TRN, OverflowMode O = WRAP>
class FixedPoint;

/// Signed fixed point, as ap_fixed<W, I, Q, O>.
template <int W, int I, QuantMode Q = TRN, OverflowMode O = WRAP>
using fixed = FixedPoint<W, I, true, Q, O>;

/// Unsigned fixed point, as ap_ufixed<W, I, Q, O>.
template <int W, int I, QuantMode Q = TRN, OverflowMode O = WRAP>
using ufixed = FixedPoint<W, I, false, Q, O>;

namespace detail {
/// The FixedPoint type (default modes) of a spec computed at compile time.
template <typename Spec> struct FixedOfSpec {
  static constexpr FixedSpec spec = Spec::value();
  using type = FixedPoint<spec.width, spec.intWidth, spec.isSigned>;
};

template <typename A, typename B> struct ProductSpecOf {
  static constexpr FixedSpec value() {
    return productSpec(A::spec(), B::spec());
  }
};
template <typename A, typename B> struct SumSpecOf {
  static constexpr FixedSpec value() { return sumSpec(A::spec(), B::spec()); }
};
template <typename A, typename B> struct DifferenceSpecOf {
  static constexpr FixedSpec value() {
    return differenceSpec(A::spec(), B::spec());
  }
};

/// The spec of a C integer type, which converts like the ap_int of its
/// width (bool like a 1-bit unsigned).
template <typename T> ARIADNE_HD constexpr FixedSpec integerSpec() {
  constexpr int bits =
      std::is_same<T, bool>::value ? 1 : static_cast<int>(8 * sizeof(T));
  return FixedSpec{bits, bits, std::is_signed<T>::value};
}

template <typename T>
using EnableIfInteger =
    typename std::enable_if<std::is_integral<T>::value, int>::type;

/// The integer ap_fixed's to_int() takes from a raw value of `spec`, as
/// extended bits whose low 32 are the result: the value truncated toward
/// zero, except that a negative value of a type without integer bits gives
/// -1. ap_fixed truncates into an integer of max(I, 1) bits and adds one to
/// a negative value with fraction bits; for I = 0 that integer is a 1-bit 0,
/// which the one makes -1. (For I < 0 ap_fixed adds the one to an integer
/// it never initializes, so its result is undefined; this gives what it
/// gives for I = 0.)
ARIADNE_INLINE constexpr std::uint64_t integerPartBits(std::uint64_t bits,
                                                       const FixedSpec &spec) {
  const bool negative = spec.isSigned && (bits >> 63);
  if (spec.intWidth <= 0)
    return negative ? ~std::uint64_t(0) : 0;
  const int frac = spec.fracWidth();
  if (frac <= 0)
    return frac <= -64 ? 0 : bits << -frac;
  // 0 < frac < 64: floor, then one up for a negative value with a fraction.
  const std::uint64_t floor =
      spec.isSigned
          ? static_cast<std::uint64_t>(static_cast<std::int64_t>(bits) >> frac)
          : bits >> frac;
  const bool hasFraction = (bits << (64 - frac)) != 0;
  return floor + (negative && hasFraction);
}

/// Builds a FixedPoint from bits already normalized to its width (the exact
/// results of arithmetic), skipping fromRaw's normalization.
struct FixedAccess {
  template <typename T>
  ARIADNE_INLINE static constexpr T fromBits(std::uint64_t bits) {
    return T(typename T::RawTag{}, bits);
  }
};
} // namespace detail

/// Whether T is an ariadne::fixed or ufixed, for kernels that also run on
/// float.
template <typename T> struct IsFixedPoint : std::false_type {};
template <int W, int I, bool S, QuantMode Q, OverflowMode O>
struct IsFixedPoint<FixedPoint<W, I, S, Q, O>> : std::true_type {};

/// The exact type of a * b, as ap_fixed: W1+W2 bits, I1+I2 integer bits,
/// signed if either is.
template <typename A, typename B>
using ProductType =
    typename detail::FixedOfSpec<detail::ProductSpecOf<A, B>>::type;

/// The exact type of a + b, as ap_fixed: max(I1, I2) + 1 integer bits,
/// where an unsigned operand added to a signed one counts one bit more (for
/// the sign), and the finer of the two fractions; signed if either is.
template <typename A, typename B>
using SumType = typename detail::FixedOfSpec<detail::SumSpecOf<A, B>>::type;

/// The exact type of a - b: as SumType, always signed.
template <typename A, typename B>
using DifferenceType =
    typename detail::FixedOfSpec<detail::DifferenceSpecOf<A, B>>::type;

template <int W, int I, bool S, QuantMode Q, OverflowMode O> class FixedPoint {
  static_assert(W >= 1 && W <= 64,
                "ariadne::fixed holds 1 to 64 bits; narrow a wide product or "
                "sum by casting an operand to a smaller type first");
  static_assert(I > -kMaxFixedIntWidth && I < kMaxFixedIntWidth,
                "ariadne::fixed integer width out of range");

  friend struct detail::FixedAccess;
  struct RawTag {};
  ARIADNE_INLINE constexpr FixedPoint(RawTag, std::uint64_t bits)
      : rawBits(static_cast<RawType>(bits)) {}

public:
  /// The storage of m: the W-bit integer, sign- or zero-extended.
  using RawType =
      typename std::conditional<S, std::int64_t, std::uint64_t>::type;

  // The names of ap_fixed's static members, so kernels can query either.
  static constexpr int width = W;
  static constexpr int iwidth = I;
  static constexpr QuantMode qmode = Q;
  static constexpr OverflowMode omode = O;
  static constexpr int fwidth = W - I;
  static constexpr bool isSigned = S;

  ARIADNE_HD static constexpr FixedSpec spec() {
    return FixedSpec{W, I, S, Q, O};
  }

  /// Uninitialized, like ap_fixed and int (and so usable in CUDA __shared__
  /// arrays); fixed<..>{} and fixed<..>() are zero.
  FixedPoint() = default;

  /// Converts from any fixed-point type with this type's Q and O.
  template <int W2, int I2, bool S2, QuantMode Q2, OverflowMode O2>
  ARIADNE_INLINE constexpr FixedPoint(const FixedPoint<W2, I2, S2, Q2, O2> &x)
      : rawBits(static_cast<RawType>(
            castBits(static_cast<std::uint64_t>(x.raw()),
                     FixedPoint<W2, I2, S2, Q2, O2>::spec(), spec()))) {}

  /// Converts from a C integer with this type's O.
  template <typename T, detail::EnableIfInteger<T> = 0>
  ARIADNE_INLINE constexpr FixedPoint(T value)
      : rawBits(
            static_cast<RawType>(castBits(static_cast<std::uint64_t>(value),
                                          detail::integerSpec<T>(), spec()))) {}

  /// Converts the exact value of a double with this type's Q and O.
  ARIADNE_HD FixedPoint(double value)
      : rawBits(static_cast<RawType>(bitsFromDouble(value, spec()))) {}

  /// Converts the exact value of a float (as ap_fixed: through double).
  ARIADNE_HD FixedPoint(float value) : FixedPoint(static_cast<double>(value)) {}

  /// m, the integer the value is m * 2^-(W-I) of.
  ARIADNE_INLINE constexpr RawType raw() const { return rawBits; }

  /// The value m * 2^-(W-I); bits of `m` above W are dropped (it wraps).
  ARIADNE_INLINE static constexpr FixedPoint fromRaw(RawType m) {
    return FixedPoint(
        RawTag{}, detail::normalizeBits(static_cast<std::uint64_t>(m), W, S));
  }

  // to_double, to_float and to_int carry ap_fixed's names so that kernels
  // shared with the HLS target compile with either type.

  /// The value, rounded to nearest even where it has more than 53 bits.
  ARIADNE_INLINE double to_double() const {
    return bitsToDouble(static_cast<std::uint64_t>(rawBits), spec());
  }

  /// The value, rounded once to nearest even where it has more than 24 bits.
  ARIADNE_INLINE float to_float() const {
    return bitsToFloat(static_cast<std::uint64_t>(rawBits), spec());
  }

  /// The integer part as ap_fixed's to_int() gives it: the value truncated
  /// toward zero, kept modulo 2^32 (its low 32 bits as an int), and -1 for
  /// every negative value of a type with I <= 0 (ap_fixed's rule for I = 0,
  /// kept so that code shared with the HLS target computes the same
  /// integers; ap_fixed's result for I < 0 is undefined).
  ARIADNE_INLINE constexpr int to_int() const {
    return static_cast<int>(static_cast<std::uint32_t>(detail::integerPartBits(
        static_cast<std::uint64_t>(rawBits), spec())));
  }

  ARIADNE_INLINE explicit operator double() const { return to_double(); }
  ARIADNE_INLINE explicit operator float() const { return to_float(); }

  ARIADNE_INLINE constexpr FixedPoint operator+() const { return *this; }

  /// -x, exact: one bit wider and signed, as ap_fixed.
  ARIADNE_INLINE constexpr FixedPoint<W + 1, I + 1, true> operator-() const {
    return detail::FixedAccess::fromBits<FixedPoint<W + 1, I + 1, true>>(
        negBits(static_cast<std::uint64_t>(rawBits)));
  }

  // x op= y is x = x op y: the exact result, then this type's Q and O.
  template <int W2, int I2, bool S2, QuantMode Q2, OverflowMode O2>
  ARIADNE_INLINE constexpr FixedPoint &
  operator+=(const FixedPoint<W2, I2, S2, Q2, O2> &y) {
    return *this = FixedPoint(*this + y);
  }
  template <int W2, int I2, bool S2, QuantMode Q2, OverflowMode O2>
  ARIADNE_INLINE constexpr FixedPoint &
  operator-=(const FixedPoint<W2, I2, S2, Q2, O2> &y) {
    return *this = FixedPoint(*this - y);
  }
  template <int W2, int I2, bool S2, QuantMode Q2, OverflowMode O2>
  ARIADNE_INLINE constexpr FixedPoint &
  operator*=(const FixedPoint<W2, I2, S2, Q2, O2> &y) {
    return *this = FixedPoint(*this * y);
  }

private:
  RawType rawBits;
};

template <int W1, int I1, bool S1, QuantMode Q1, OverflowMode O1, int W2,
          int I2, bool S2, QuantMode Q2, OverflowMode O2>
ARIADNE_INLINE constexpr auto operator*(const FixedPoint<W1, I1, S1, Q1, O1> &a,
                                        const FixedPoint<W2, I2, S2, Q2, O2> &b)
    -> ProductType<FixedPoint<W1, I1, S1, Q1, O1>,
                   FixedPoint<W2, I2, S2, Q2, O2>> {
  using Result = ProductType<FixedPoint<W1, I1, S1, Q1, O1>,
                             FixedPoint<W2, I2, S2, Q2, O2>>;
  return detail::FixedAccess::fromBits<Result>(
      mulBits(static_cast<std::uint64_t>(a.raw()), a.spec(),
              static_cast<std::uint64_t>(b.raw()), b.spec()));
}

template <int W1, int I1, bool S1, QuantMode Q1, OverflowMode O1, int W2,
          int I2, bool S2, QuantMode Q2, OverflowMode O2>
ARIADNE_INLINE constexpr auto operator+(const FixedPoint<W1, I1, S1, Q1, O1> &a,
                                        const FixedPoint<W2, I2, S2, Q2, O2> &b)
    -> SumType<FixedPoint<W1, I1, S1, Q1, O1>, FixedPoint<W2, I2, S2, Q2, O2>> {
  using Result =
      SumType<FixedPoint<W1, I1, S1, Q1, O1>, FixedPoint<W2, I2, S2, Q2, O2>>;
  return detail::FixedAccess::fromBits<Result>(
      addBits(static_cast<std::uint64_t>(a.raw()), a.spec(),
              static_cast<std::uint64_t>(b.raw()), b.spec()));
}

template <int W1, int I1, bool S1, QuantMode Q1, OverflowMode O1, int W2,
          int I2, bool S2, QuantMode Q2, OverflowMode O2>
ARIADNE_INLINE constexpr auto operator-(const FixedPoint<W1, I1, S1, Q1, O1> &a,
                                        const FixedPoint<W2, I2, S2, Q2, O2> &b)
    -> DifferenceType<FixedPoint<W1, I1, S1, Q1, O1>,
                      FixedPoint<W2, I2, S2, Q2, O2>> {
  using Result = DifferenceType<FixedPoint<W1, I1, S1, Q1, O1>,
                                FixedPoint<W2, I2, S2, Q2, O2>>;
  return detail::FixedAccess::fromBits<Result>(
      subBits(static_cast<std::uint64_t>(a.raw()), a.spec(),
              static_cast<std::uint64_t>(b.raw()), b.spec()));
}

namespace detail {
/// Exact comparison of a fixed-point value or C integer with another.
template <typename A, typename B>
ARIADNE_INLINE constexpr int compareValues(const A &a, const B &b) {
  return compareBits(static_cast<std::uint64_t>(a.raw()), A::spec(),
                     static_cast<std::uint64_t>(b.raw()), B::spec());
}
template <typename A, typename T>
ARIADNE_INLINE constexpr int compareWithInteger(const A &a, T b) {
  return compareBits(static_cast<std::uint64_t>(a.raw()), A::spec(),
                     static_cast<std::uint64_t>(b), integerSpec<T>());
}
} // namespace detail

// Comparisons are exact between any two types, and with C integers (which
// ap_fixed's are not for some mixed-signedness operands: see compareBits).
#define ARIADNE_FIXED_COMPARISON(OP)                                           \
  template <int W1, int I1, bool S1, QuantMode Q1, OverflowMode O1, int W2,    \
            int I2, bool S2, QuantMode Q2, OverflowMode O2>                    \
  ARIADNE_INLINE constexpr bool operator OP(                                   \
      const FixedPoint<W1, I1, S1, Q1, O1> &a,                                 \
      const FixedPoint<W2, I2, S2, Q2, O2> &b) {                               \
    return detail::compareValues(a, b) OP 0;                                   \
  }                                                                            \
  template <int W, int I, bool S, QuantMode Q, OverflowMode O, typename T,     \
            detail::EnableIfInteger<T> = 0>                                    \
  ARIADNE_INLINE constexpr bool operator OP(                                   \
      const FixedPoint<W, I, S, Q, O> &a, T b) {                               \
    return detail::compareWithInteger(a, b) OP 0;                              \
  }                                                                            \
  template <int W, int I, bool S, QuantMode Q, OverflowMode O, typename T,     \
            detail::EnableIfInteger<T> = 0>                                    \
  ARIADNE_INLINE constexpr bool operator OP(                                   \
      T a, const FixedPoint<W, I, S, Q, O> &b) {                               \
    return 0 OP detail::compareWithInteger(b, a);                              \
  }

ARIADNE_FIXED_COMPARISON(==)
ARIADNE_FIXED_COMPARISON(!=)
ARIADNE_FIXED_COMPARISON(<)
ARIADNE_FIXED_COMPARISON(<=)
ARIADNE_FIXED_COMPARISON(>)
ARIADNE_FIXED_COMPARISON(>=)
#undef ARIADNE_FIXED_COMPARISON

} // namespace ariadne

#endif // ARIADNE_RUNTIME_FIXED_H
