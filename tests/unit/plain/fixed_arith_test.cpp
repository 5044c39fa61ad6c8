//===- fixed_arith_test.cpp - fixed-point arithmetic and comparisons ------===//
//
// Result types of +, -, * and unary minus are those of ap_fixed (checked at
// compile time); values are exact, checked on every pair of values of small
// types against integer arithmetic on the exact rationals; compound
// assignment quantizes the exact result into the left type.
//
//===----------------------------------------------------------------------===//
#include "ariadne/fixed.h"

#include "fixed_reference.h"

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <vector>

using namespace ariadne;

namespace {

template <typename A, typename B>
constexpr bool sameType = std::is_same<A, B>::value;

// Products: W1+W2, I1+I2, signed if either is.
static_assert(sameType<ProductType<fixed<8, 3>, fixed<6, -2>>, fixed<14, 1>>);
static_assert(
    sameType<ProductType<ufixed<8, 3>, ufixed<6, 9>>, ufixed<14, 12>>);
static_assert(sameType<ProductType<ufixed<8, 3>, fixed<6, 2>>, fixed<14, 5>>);
static_assert(
    sameType<ProductType<fixed<32, 16>, fixed<32, 16>>, fixed<64, 32>>);
// Sums: max integer bits + 1 (an unsigned operand next to a signed one
// counts one more), finer fraction.
static_assert(sameType<SumType<fixed<8, 3>, fixed<6, -2>>, fixed<12, 4>>);
static_assert(sameType<SumType<ufixed<8, 3>, ufixed<6, 5>>, ufixed<11, 6>>);
static_assert(sameType<SumType<ufixed<8, 3>, fixed<6, 3>>, fixed<10, 5>>);
static_assert(sameType<SumType<fixed<6, 3>, ufixed<8, 3>>, fixed<10, 5>>);
static_assert(sameType<SumType<ufixed<4, 1>, fixed<6, 5>>, fixed<9, 6>>);
// Differences: as sums, always signed.
static_assert(
    sameType<DifferenceType<ufixed<8, 3>, ufixed<6, 5>>, fixed<11, 6>>);
static_assert(
    sameType<DifferenceType<fixed<8, 3>, ufixed<6, 5>>, fixed<12, 7>>);
// The operators return these types, with TRN and WRAP whatever the
// operands' modes, and so does unary minus (one bit more, signed).
static_assert(sameType<decltype(fixed<8, 3, RND, SAT>() *
                                fixed<6, -2, RND_CONV, SAT_SYM>()),
                       fixed<14, 1>>);
static_assert(
    sameType<decltype(ufixed<8, 3>() + ufixed<6, 5>()), ufixed<11, 6>>);
static_assert(
    sameType<decltype(ufixed<8, 3>() - ufixed<6, 5>()), fixed<11, 6>>);
static_assert(sameType<decltype(-ufixed<8, 3, RND, SAT>()), fixed<9, 4>>);
static_assert(sameType<decltype(-fixed<8, 3>()), fixed<9, 4>>);

static_assert(IsFixedPoint<ufixed<3, 9, RND>>::value &&
              !IsFixedPoint<float>::value && !IsFixedPoint<int>::value);

// Arithmetic and comparisons are usable in constant expressions.
static_assert((fixed<8, 4>(3) * fixed<8, 4>(-2)).raw() == -6 * 256);
static_assert((fixed<8, 4>(3) + ufixed<4, 1>::fromRaw(1)).raw() == 3 * 16 + 2);
static_assert(fixed<8, 4>(3) > ufixed<4, 1>::fromRaw(1) &&
              fixed<8, 4>(-1) < ufixed<4, 1>::fromRaw(0));

template <typename T> struct Tag { using type = T; };
template <typename... Ts> struct TypeList {};
template <typename... Ts, typename F> void forEachType(TypeList<Ts...>, F f) {
  (f(Tag<Ts>{}), ...);
}

ref::Type typeOf(const FixedSpec &s) {
  return ref::Type{s.width, s.intWidth, s.isSigned};
}

template <typename T> ref::i128 integerOf(const T &x) {
  return ref::integerOf(static_cast<std::uint64_t>(x.raw()), T::isSigned);
}

/// Checks that raw value `got` of type `t` holds exactly n * 2^-f.
bool holdsExactly(const ref::Type &t, ref::i128 got, ref::i128 n, int f) {
  return ref::compareValues(got, t.frac(), n, f) == 0 && got >= t.lo() &&
         got <= t.hi();
}

// Signed and unsigned types with the binary point left of, inside and
// right of the bits, for the template operators.
using SmallTypes =
    TypeList<fixed<1, 1>, fixed<3, 4>, fixed<5, -2>, fixed<7, 3>, ufixed<1, -1>,
             ufixed<3, 1>, ufixed<5, 2>, ufixed<7, 9>>;

/// Every type with W <= 6, I in {-2, 0, 1, ceil(W/2), W, W+2}, signed and
/// unsigned (66 types), for the run-time functions.
std::vector<FixedSpec> runtimeSpecs() {
  std::vector<FixedSpec> specs;
  for (int w = 1; w <= 6; ++w)
    for (bool isSigned : {true, false})
      for (int i : {-2, 0, 1, (w + 1) / 2, w, w + 2}) {
        bool dup = false;
        for (const FixedSpec &s : specs)
          dup |= s.width == w && s.intWidth == i && s.isSigned == isSigned;
        if (!dup)
          specs.push_back(FixedSpec{w, i, isSigned});
      }
  return specs;
}

} // namespace

TEST_CASE("+, - and * are exact on every pair of values of small types",
          "[fixed][arith]") {
  std::uint64_t cases = 0, mismatches = 0;
  std::string first;
  forEachType(SmallTypes{}, [&](auto ta) {
    using A = typename decltype(ta)::type;
    forEachType(SmallTypes{}, [&](auto tb) {
      using B = typename decltype(tb)::type;
      for (std::uint64_t ra = 0; ra < (std::uint64_t(1) << A::width); ++ra)
        for (std::uint64_t rb = 0; rb < (std::uint64_t(1) << B::width); ++rb) {
          const A a = A::fromRaw(static_cast<typename A::RawType>(ra));
          const B b = B::fromRaw(static_cast<typename B::RawType>(rb));
          const ref::i128 ma = integerOf(a), mb = integerOf(b);
          const int fa = A::fwidth, fb = B::fwidth;
          const int f = fa > fb ? fa : fb;
          // a + b = (ma * 2^(f-fa) + mb * 2^(f-fb)) * 2^-f, etc.
          const ref::i128 sa = ma * (ref::i128(1) << (f - fa));
          const ref::i128 sb = mb * (ref::i128(1) << (f - fb));
          const auto p = a * b;
          const auto s = a + b;
          const auto d = a - b;
          const bool ok =
              holdsExactly(typeOf(p.spec()), integerOf(p), ma * mb, fa + fb) &&
              holdsExactly(typeOf(s.spec()), integerOf(s), sa + sb, f) &&
              holdsExactly(typeOf(d.spec()), integerOf(d), sa - sb, f);
          // The run-time functions give the same bits.
          const bool same =
              mulBits(static_cast<std::uint64_t>(a.raw()), A::spec(),
                      static_cast<std::uint64_t>(b.raw()),
                      B::spec()) == static_cast<std::uint64_t>(p.raw()) &&
              addBits(static_cast<std::uint64_t>(a.raw()), A::spec(),
                      static_cast<std::uint64_t>(b.raw()),
                      B::spec()) == static_cast<std::uint64_t>(s.raw()) &&
              subBits(static_cast<std::uint64_t>(a.raw()), A::spec(),
                      static_cast<std::uint64_t>(b.raw()),
                      B::spec()) == static_cast<std::uint64_t>(d.raw());
          cases += 3;
          if (!ok || !same) {
            if (mismatches++ == 0)
              first = typeOf(A::spec()).str() + " op " +
                      typeOf(B::spec()).str() + " at " + std::to_string(ra) +
                      ", " + std::to_string(rb);
          }
        }
    });
  });
  INFO(first);
  CHECK(mismatches == 0);
  // (2 + 8 + 32 + 128)^2 * 4 pairs, three operations.
  CHECK(cases == 3ull * 340 * 340);
}

TEST_CASE("mulBits, addBits, subBits and compareBits are exact on every pair "
          "of values of every type of up to 6 bits",
          "[fixed][arith]") {
  const std::vector<FixedSpec> specs = runtimeSpecs();
  REQUIRE(specs.size() == 66);
  std::uint64_t cases = 0, mismatches = 0;
  std::string first;
  for (const FixedSpec &sa : specs)
    for (const FixedSpec &sb : specs) {
      const ref::Type ta = typeOf(sa), tb = typeOf(sb);
      const ref::Type tp = typeOf(productSpec(sa, sb));
      const ref::Type ts = typeOf(sumSpec(sa, sb));
      const ref::Type td = typeOf(differenceSpec(sa, sb));
      const int f = ta.frac() > tb.frac() ? ta.frac() : tb.frac();
      for (ref::i128 ma = ta.lo(); ma <= ta.hi(); ++ma)
        for (ref::i128 mb = tb.lo(); mb <= tb.hi(); ++mb) {
          const std::uint64_t a = static_cast<std::uint64_t>(ma);
          const std::uint64_t b = static_cast<std::uint64_t>(mb);
          const ref::i128 sa2 = ma * (ref::i128(1) << (f - ta.frac()));
          const ref::i128 sb2 = mb * (ref::i128(1) << (f - tb.frac()));
          const int c = ref::compareValues(ma, ta.frac(), mb, tb.frac());
          const int got = compareBits(a, sa, b, sb);
          cases += 4;
          const bool ok =
              holdsExactly(tp,
                           ref::integerOf(mulBits(a, sa, b, sb), tp.isSigned),
                           ma * mb, ta.frac() + tb.frac()) &&
              holdsExactly(ts,
                           ref::integerOf(addBits(a, sa, b, sb), ts.isSigned),
                           sa2 + sb2, f) &&
              holdsExactly(td,
                           ref::integerOf(subBits(a, sa, b, sb), td.isSigned),
                           sa2 - sb2, f) &&
              got == c;
          if (!ok && mismatches++ == 0)
            first = ta.str() + " op " + tb.str() + " at " +
                    std::to_string(static_cast<long long>(ma)) + ", " +
                    std::to_string(static_cast<long long>(mb));
        }
    }
  INFO(first);
  CHECK(mismatches == 0);
  // 1496 values: 1496^2 pairs, four operations.
  CHECK(cases == 4ull * 1496 * 1496);
}

TEST_CASE("unary minus is exact and one bit wider", "[fixed][arith]") {
  std::uint64_t mismatches = 0;
  forEachType(SmallTypes{}, [&](auto ta) {
    using A = typename decltype(ta)::type;
    for (std::uint64_t ra = 0; ra < (std::uint64_t(1) << A::width); ++ra) {
      const A a = A::fromRaw(static_cast<typename A::RawType>(ra));
      const auto n = -a;
      mismatches +=
          integerOf(n) != -integerOf(a) || decltype(n)::fwidth != A::fwidth;
    }
  });
  CHECK(mismatches == 0);
  CHECK((-fixed<8, 8>(-128)).raw() == 128);
  CHECK((-ufixed<8, 8>(255)).raw() == -255);
  CHECK((+fixed<8, 8>(-128)).raw() == -128);
}

TEST_CASE("comparisons are exact between any two small types and integers",
          "[fixed][arith]") {
  std::uint64_t cases = 0, mismatches = 0;
  forEachType(SmallTypes{}, [&](auto ta) {
    using A = typename decltype(ta)::type;
    forEachType(SmallTypes{}, [&](auto tb) {
      using B = typename decltype(tb)::type;
      for (std::uint64_t ra = 0; ra < (std::uint64_t(1) << A::width); ++ra)
        for (std::uint64_t rb = 0; rb < (std::uint64_t(1) << B::width); ++rb) {
          const A a = A::fromRaw(static_cast<typename A::RawType>(ra));
          const B b = B::fromRaw(static_cast<typename B::RawType>(rb));
          const int c = ref::compareValues(integerOf(a), A::fwidth,
                                           integerOf(b), B::fwidth);
          ++cases;
          mismatches += (a < b) != (c < 0) || (a <= b) != (c <= 0) ||
                        (a > b) != (c > 0) || (a >= b) != (c >= 0) ||
                        (a == b) != (c == 0) || (a != b) != (c != 0);
        }
      for (int k = -20; k <= 20; ++k) {
        const A a = A::fromRaw(static_cast<typename A::RawType>(
            static_cast<std::uint64_t>(k * 3 + 1)));
        const int c = ref::compareValues(integerOf(a), A::fwidth, k, 0);
        ++cases;
        mismatches += (a < k) != (c < 0) || (a == k) != (c == 0) ||
                      (a >= k) != (c >= 0) || (k > a) != (c < 0) ||
                      (k != a) != (c != 0) || (k <= a) != (c >= 0);
      }
    });
  });
  CHECK(mismatches == 0);
  CHECK(cases > 100000);
}

TEST_CASE("comparisons of wide signed and unsigned values are exact",
          "[fixed][arith]") {
  // ap_fixed compares these with C's mixed-signedness rules (a negative
  // value is greater than an unsigned one of 32 bits or more); ariadne
  // compares values (fixed_bits.h, compareBits).
  const fixed<40, 40> minusOne(-1);
  const ufixed<40, 40> one(1);
  CHECK(minusOne < one);
  CHECK(fixed<8, 8>(-3) < ufixed<32, 32>(5));
  CHECK_FALSE(minusOne == ufixed<40, 40>::fromRaw((UINT64_C(1) << 40) - 1));
  CHECK(fixed<64, 64>(INT64_MIN) < ufixed<64, 64>(UINT64_MAX));
  CHECK(fixed<64, 0>::fromRaw(-1) < ufixed<1, -100>::fromRaw(1));
  CHECK(fixed<64, 64>(-1) < 0u);
  CHECK(ufixed<64, 64>(UINT64_MAX) > INT64_MAX);
  CHECK(ufixed<64, 64>(UINT64_MAX) > -1);
  // Binary points 100 bits apart.
  CHECK(fixed<8, -92>::fromRaw(1) > fixed<8, 8>(0));
  CHECK(fixed<8, -92>::fromRaw(-1) < fixed<8, 8>(0));
  CHECK(fixed<8, -92>::fromRaw(-1) > fixed<8, 8>(-1));
  CHECK(fixed<8, 108>::fromRaw(1) > ufixed<64, 64>(UINT64_MAX));
}

TEST_CASE("compound assignment quantizes the exact result into the left type",
          "[fixed][arith]") {
  std::uint64_t cases = 0, mismatches = 0;
  auto check = [&](auto ta, auto tb) {
    using A = typename decltype(ta)::type;
    using B = typename decltype(tb)::type;
    const ref::Type at = typeOf(A::spec());
    for (std::uint64_t ra = 0; ra < (std::uint64_t(1) << A::width); ++ra)
      for (std::uint64_t rb = 0; rb < (std::uint64_t(1) << B::width); ++rb) {
        const A a = A::fromRaw(static_cast<typename A::RawType>(ra));
        const B b = B::fromRaw(static_cast<typename B::RawType>(rb));
        const ref::i128 ma = integerOf(a), mb = integerOf(b);
        const int fa = A::fwidth, fb = B::fwidth;
        const int f = fa > fb ? fa : fb;
        const ref::i128 sa = ma * (ref::i128(1) << (f - fa));
        const ref::i128 sb = mb * (ref::i128(1) << (f - fb));
        bool unused = false;
        A x = a, y = a, z = a;
        x += b;
        y -= b;
        z *= b;
        cases += 3;
        mismatches +=
            integerOf(x) !=
                ref::castValue(sa + sb, f, at, A::qmode, A::omode, unused) ||
            integerOf(y) !=
                ref::castValue(sa - sb, f, at, A::qmode, A::omode, unused) ||
            integerOf(z) != ref::castValue(ma * mb, fa + fb, at, A::qmode,
                                           A::omode, unused);
      }
  };
  check(Tag<fixed<6, 2, RND_CONV, SAT_SYM>>{}, Tag<fixed<5, 1>>{});
  check(Tag<fixed<6, 2, RND_INF, SAT>>{}, Tag<ufixed<5, 4>>{});
  check(Tag<ufixed<6, 3, TRN_ZERO, SAT_ZERO>>{}, Tag<fixed<5, -1>>{});
  check(Tag<fixed<5, 5, RND_ZERO, WRAP>>{}, Tag<fixed<7, 2>>{});
  check(Tag<ufixed<4, 2, RND_MIN_INF, SAT_SYM>>{}, Tag<ufixed<6, 6>>{});
  check(Tag<fixed<7, 3, TRN, WRAP>>{}, Tag<fixed<7, 3>>{});
  CHECK(mismatches == 0);
  CHECK(cases ==
        3ull * (64 * 32 * 2 + 64 * 32 + 32 * 128 + 16 * 64 + 128 * 128));
}

TEST_CASE("products of 32-bit types and 64-bit sums do not overflow",
          "[fixed][arith]") {
  using S32 = fixed<32, 16>;
  using U32 = ufixed<32, 16>;
  const S32 sMin = S32::fromRaw(INT32_MIN), sMax = S32::fromRaw(INT32_MAX);
  const U32 uMax = U32::fromRaw(UINT32_MAX);
  CHECK((sMin * sMin).raw() == INT64_C(1) << 62);
  CHECK((sMin * sMax).raw() == -(INT64_C(1) << 62) + (INT64_C(1) << 31));
  CHECK((sMin * uMax).raw() == INT64_MIN + (INT64_C(1) << 31));
  CHECK((uMax * uMax).raw() == UINT64_C(0xFFFFFFFE00000001));
  static_assert(sameType<decltype(uMax * uMax), ufixed<64, 32>>);
  // Sums at exactly 64 bits: fixed<32,32> + fixed<31,0> is fixed<64,33>.
  const fixed<32, 32> big = fixed<32, 32>::fromRaw(INT32_MIN);
  const fixed<31, 0> small = fixed<31, 0>::fromRaw(-(INT64_C(1) << 30));
  const auto sum = big + small;
  static_assert(sameType<decltype(sum), const fixed<64, 33>>);
  CHECK(sum.raw() == -(INT64_C(1) << 62) - (INT64_C(1) << 30));
  CHECK(sum.to_double() == -2147483648.5);
  const auto diff = ufixed<32, 32>::fromRaw(UINT32_MAX) -
                    ufixed<31, 0>::fromRaw((INT64_C(1) << 31) - 1);
  static_assert(sameType<decltype(diff), const fixed<64, 33>>);
  CHECK(diff.raw() == (INT64_C(0xFFFFFFFF) << 31) - ((INT64_C(1) << 31) - 1));
  // An accumulator that wraps: the order of additions does not matter.
  fixed<12, 4> acc1{}, acc2{};
  const fixed<8, 4> xs[] = {fixed<8, 4>(7.5), fixed<8, 4>(6.25),
                            fixed<8, 4>(-3.0), fixed<8, 4>(7.9375)};
  for (int i = 0; i < 4; ++i)
    acc1 += xs[i] * xs[i];
  for (int i = 3; i >= 0; --i)
    acc2 += xs[i] * xs[i];
  CHECK(acc1 == acc2);
  // 14400 + 10000 + 2304 + 16129 = 42833 = 1873 mod 2^12.
  CHECK(acc1.raw() == 1873);
}
