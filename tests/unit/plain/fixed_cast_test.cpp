//===- fixed_cast_test.cpp - casts between fixed-point types --------------===//
//
// Every value of every small type (W <= 8) cast into every small type under
// every quantization and overflow mode, compared with the exact rational
// model of fixed_reference.h; wide types (W up to 64, shifts beyond 64 bits)
// on random values; and the ap_fixed surprises by name.
//
//===----------------------------------------------------------------------===//
#include "ariadne/fixed.h"

#include "fixed_reference.h"

#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace ariadne;

namespace {

const QuantMode kQuantModes[] = {TRN,         TRN_ZERO, RND,     RND_ZERO,
                                 RND_MIN_INF, RND_INF,  RND_CONV};
const OverflowMode kOverflowModes[] = {WRAP, SAT, SAT_ZERO, SAT_SYM};

/// The small types of the exhaustive sweep: W = 1..8, signed and unsigned,
/// every I from -3 to W+3 (184 types). The binary point lies left of,
/// inside and right of the W bits, so relative shifts from -14 to +14
/// occur: shifts beyond both widths, exact ones, rounding with and without
/// a carry into the sign. (Shifts of 64 bits and more are the wide test's.)
std::vector<ref::Type> smallTypes() {
  std::vector<ref::Type> types;
  for (int w = 1; w <= 8; ++w)
    for (bool isSigned : {true, false})
      for (int i = -3; i <= w + 3; ++i)
        types.push_back({w, i, isSigned});
  return types;
}

FixedSpec specOf(const ref::Type &t, QuantMode q = TRN, OverflowMode o = WRAP) {
  return FixedSpec{t.width, t.intWidth, t.isSigned, q, o};
}

/// The extended raw bits of the integer m (which fits the type).
std::uint64_t bitsOf(ref::i128 m) { return static_cast<std::uint64_t>(m); }

/// All integers of a type, as extended raw bits.
std::vector<std::uint64_t> allBits(const ref::Type &t) {
  std::vector<std::uint64_t> out;
  for (ref::i128 m = t.lo(); m <= t.hi(); ++m)
    out.push_back(bitsOf(m));
  return out;
}

template <typename T> struct Tag { using type = T; };
template <typename... Ts> struct TypeList {};
template <typename... Ts, typename F> void forEachType(TypeList<Ts...>, F f) {
  (f(Tag<Ts>{}), ...);
}
} // namespace

TEST_CASE("every small type casts into every small type under every mode "
          "like the exact rational model",
          "[fixed][cast]") {
  const std::vector<ref::Type> types = smallTypes();
  REQUIRE(types.size() == 184);
  std::vector<std::vector<std::uint64_t>> values;
  for (const ref::Type &t : types)
    values.push_back(allBits(t));
  std::uint64_t cases = 0;
  for (const ref::Type &to : types)
    for (QuantMode q : kQuantModes)
      for (OverflowMode o : kOverflowModes) {
        const FixedSpec toSpec = specOf(to, q, o);
        std::uint64_t mismatches = 0;
        std::string first;
        for (size_t s = 0; s < types.size(); ++s) {
          const ref::Type &from = types[s];
          const FixedSpec fromSpec = specOf(from);
          for (std::uint64_t bits : values[s]) {
            bool overflowed = false;
            const std::uint64_t got =
                castBits(bits, fromSpec, toSpec, &overflowed);
            bool refOverflowed = false;
            const ref::i128 want =
                ref::castValue(ref::integerOf(bits, from.isSigned), from.frac(),
                               to, q, o, refOverflowed);
            ++cases;
            if (ref::integerOf(got, to.isSigned) != want ||
                overflowed != refOverflowed) {
              if (mismatches++ == 0) {
                std::ostringstream os;
                os << from.str() << " m="
                   << static_cast<long long>(
                          ref::integerOf(bits, from.isSigned))
                   << " -> got "
                   << static_cast<long long>(ref::integerOf(got, to.isSigned))
                   << " overflow " << overflowed << ", want "
                   << static_cast<long long>(want) << " overflow "
                   << refOverflowed;
                first = os.str();
              }
            }
          }
        }
        INFO(to.str() << " " << ref::quantName(q) << " " << ref::overflowName(o)
                      << ": " << first);
        CHECK(mismatches == 0);
      }
  // 14312 source values x 184 targets x 28 modes.
  CHECK(cases == 14312ull * 184 * 28);
}

// The template path (constant specs, folded by the compiler) against the
// run-time one on every value, for a set of types covering narrowing,
// widening, both signednesses and binary points outside the bits.
TEST_CASE("template casts match castBits for every value and mode",
          "[fixed][cast]") {
  using Sources = TypeList<fixed<1, 1>, fixed<5, -2>, fixed<8, 3>, ufixed<4, 6>,
                           ufixed<7, 2>, fixed<6, 9>>;
  using Targets = TypeList<fixed<3, 1>, fixed<2, -1>, ufixed<3, 2>,
                           ufixed<5, 7>, fixed<8, 8>, fixed<1, 0>>;
  std::uint64_t cases = 0, mismatches = 0;
  forEachType(Sources{}, [&](auto src) {
    using Src = typename decltype(src)::type;
    forEachType(Targets{}, [&](auto dst) {
      using Dst = typename decltype(dst)::type;
      auto check = [&](auto qc, auto oc) {
        constexpr QuantMode Q = decltype(qc)::value;
        constexpr OverflowMode O = decltype(oc)::value;
        using To = FixedPoint<Dst::width, Dst::iwidth, Dst::isSigned, Q, O>;
        for (std::uint64_t r = 0; r < (std::uint64_t(1) << Src::width); ++r) {
          const Src x = Src::fromRaw(static_cast<typename Src::RawType>(r));
          const To y = x; // the converting constructor
          To z{};
          z = x; // assignment goes through the same constructor
          const std::uint64_t want = castBits(
              static_cast<std::uint64_t>(x.raw()), Src::spec(), To::spec());
          ++cases;
          if (static_cast<std::uint64_t>(y.raw()) != want ||
              static_cast<std::uint64_t>(z.raw()) != want)
            ++mismatches;
        }
      };
      auto quantLoop = [&](auto oc) {
        check(std::integral_constant<QuantMode, TRN>{}, oc);
        check(std::integral_constant<QuantMode, TRN_ZERO>{}, oc);
        check(std::integral_constant<QuantMode, RND>{}, oc);
        check(std::integral_constant<QuantMode, RND_ZERO>{}, oc);
        check(std::integral_constant<QuantMode, RND_MIN_INF>{}, oc);
        check(std::integral_constant<QuantMode, RND_INF>{}, oc);
        check(std::integral_constant<QuantMode, RND_CONV>{}, oc);
      };
      quantLoop(std::integral_constant<OverflowMode, WRAP>{});
      quantLoop(std::integral_constant<OverflowMode, SAT>{});
      quantLoop(std::integral_constant<OverflowMode, SAT_ZERO>{});
      quantLoop(std::integral_constant<OverflowMode, SAT_SYM>{});
    });
  });
  CHECK(cases == (2 + 32 + 256 + 16 + 128 + 64) * 6 * 28);
  CHECK(mismatches == 0);
}

TEST_CASE("wide types and shifts beyond 64 bits cast like the exact model",
          "[fixed][cast]") {
  std::mt19937_64 rng(20261122);
  std::uniform_int_distribution<int> widthDist(1, 64), intDist(-90, 160);
  std::uint64_t cases = 0, mismatches = 0;
  std::string first;
  for (int round = 0; round < 4000; ++round) {
    const ref::Type from{widthDist(rng), intDist(rng), (rng() & 1) != 0};
    const ref::Type to{widthDist(rng), intDist(rng), (rng() & 1) != 0};
    for (QuantMode q : kQuantModes)
      for (OverflowMode o : kOverflowModes)
        for (int k = 0; k < 8; ++k) {
          // Random bits, short values, and values with trailing zeros that
          // put exact ties on the target's grid.
          std::uint64_t r = rng();
          if (k & 1)
            r >>= rng() % 64;
          if (k & 2)
            r <<= rng() % 64;
          if (k == 7)
            r = 0;
          const std::uint64_t bits =
              detail::normalizeBits(r, from.width, from.isSigned);
          bool overflowed = false;
          const std::uint64_t got =
              castBits(bits, specOf(from), specOf(to, q, o), &overflowed);
          bool refOverflowed = false;
          const ref::i128 want =
              ref::castValue(ref::integerOf(bits, from.isSigned), from.frac(),
                             to, q, o, refOverflowed);
          ++cases;
          if (ref::integerOf(got, to.isSigned) != want ||
              overflowed != refOverflowed) {
            if (mismatches++ == 0)
              first = from.str() + " -> " + to.str() + " " + ref::quantName(q) +
                      " " + ref::overflowName(o) + " bits " +
                      std::to_string(bits);
          }
        }
  }
  INFO(first);
  CHECK(mismatches == 0);
  CHECK(cases == 4000ull * 28 * 8);
}

TEST_CASE("shifts of 64 bits and more lose every bit or overflow",
          "[fixed][cast]") {
  // 2^-100 steps into integers: floor is -1 for negatives, rounding is 0.
  using Tiny = fixed<8, -92>; // m * 2^-100
  const Tiny tinyNeg = Tiny::fromRaw(-3);
  CHECK(fixed<8, 8>(tinyNeg).raw() == -1);
  CHECK(fixed<8, 8, TRN_ZERO>(tinyNeg).raw() == 0);
  CHECK(fixed<8, 8, RND>(tinyNeg).raw() == 0);
  CHECK(fixed<8, 8, RND_INF>(Tiny::fromRaw(3)).raw() == 0);
  CHECK(ufixed<8, 8, TRN, SAT>(tinyNeg).raw() == 0);    // floor -1 saturates
  CHECK(ufixed<8, 8, TRN, WRAP>(tinyNeg).raw() == 255); // or wraps
  // Integers scaled by 2^100 overflow every type of at most 64 bits.
  using Huge = fixed<8, 108>; // m * 2^100
  CHECK(fixed<64, 64>(Huge::fromRaw(5)).raw() == 0);
  CHECK(fixed<64, 64, TRN, SAT>(Huge::fromRaw(5)).raw() == INT64_MAX);
  CHECK(fixed<64, 64, TRN, SAT>(Huge::fromRaw(-5)).raw() == INT64_MIN);
  CHECK(fixed<64, 64, TRN, SAT_SYM>(Huge::fromRaw(-5)).raw() == -INT64_MAX);
  CHECK(ufixed<64, 64, TRN, SAT>(Huge::fromRaw(5)).raw() == UINT64_MAX);
  CHECK(ufixed<64, 64, TRN, SAT>(Huge::fromRaw(-5)).raw() == 0);
  CHECK(fixed<16, 6, TRN, SAT_ZERO>(Huge::fromRaw(1)).raw() == 0);
  CHECK(fixed<16, 6, TRN, SAT>(Huge::fromRaw(0)).raw() == 0);
  // A shift of exactly 64: the rounding bit is the source's bit 63.
  using U64 = ufixed<64, 0>; // m * 2^-64
  CHECK(ufixed<8, 8, RND>(U64::fromRaw(UINT64_C(1) << 63)).raw() == 1);
  CHECK(ufixed<8, 8, RND_MIN_INF>(U64::fromRaw(UINT64_C(1) << 63)).raw() == 0);
  CHECK(
      ufixed<8, 8, RND_MIN_INF>(U64::fromRaw((UINT64_C(1) << 63) + 1)).raw() ==
      1);
  CHECK(ufixed<8, 8, RND_CONV>(U64::fromRaw(UINT64_C(1) << 63)).raw() == 0);
}

TEST_CASE("64-bit types round without intermediate overflow", "[fixed][cast]") {
  // Rounding the largest ufixed<64> up to an integer gives 2^63... and
  // 2^64 / 2 = 2^63 fits neither int64 nor the signed target.
  using U = ufixed<64, 63>; // m / 2
  const U maxU = U::fromRaw(UINT64_MAX);
  CHECK(ufixed<64, 64, RND>(maxU).raw() == UINT64_C(1) << 63);
  CHECK(ufixed<63, 63, RND, SAT>(maxU).raw() == (UINT64_C(1) << 63) - 1);
  CHECK(ufixed<63, 63, RND, WRAP>(maxU).raw() == 0);
  CHECK(fixed<64, 64, RND, SAT>(maxU).raw() == INT64_MAX);
  CHECK(fixed<64, 64, TRN, SAT>(maxU).raw() == INT64_MAX);
  CHECK(fixed<64, 64, RND, WRAP>(maxU).raw() == INT64_MIN);
  using S = fixed<64, 63>;
  CHECK(fixed<64, 64, RND>(S::fromRaw(INT64_MIN)).raw() == INT64_MIN / 2);
  CHECK(fixed<64, 64, TRN_ZERO>(S::fromRaw(INT64_MIN + 1)).raw() ==
        INT64_MIN / 2 + 1);
}

TEST_CASE("SAT_SYM makes the range symmetric, except where ap_fixed does not",
          "[fixed][cast]") {
  using Wide = fixed<16, 8>;
  // The most negative value is replaced by -max even when it is exact.
  CHECK(fixed<4, 4, TRN, SAT_SYM>(Wide(-8)).raw() == -7);
  CHECK(fixed<4, 4, TRN, SAT_SYM>(Wide(-100)).raw() == -7);
  CHECK(fixed<4, 4, TRN, SAT_SYM>(Wide(100)).raw() == 7);
  CHECK(fixed<4, 4, TRN, SAT>(Wide(-8)).raw() == -8);
  // Rounding down into the most negative value also gives -max.
  CHECK(fixed<4, 4, TRN, SAT_SYM>(Wide(-7.5)).raw() == -7);
  CHECK(fixed<4, 4, RND_MIN_INF, SAT_SYM>(Wide(-7.5)).raw() == -7);
  // On an unsigned type SAT_SYM is SAT.
  CHECK(ufixed<4, 4, TRN, SAT_SYM>(Wide(-3)).raw() == 0);
  CHECK(ufixed<4, 4, TRN, SAT_SYM>(Wide(30)).raw() == 15);
  // A signed type of width 1 holds {-1, 0} * 2^(I-1) and has max 0; ap_fixed
  // keeps the most negative value, so there SAT_SYM is SAT.
  CHECK(fixed<1, 1, TRN, SAT_SYM>(Wide(-1)).raw() == -1);
  CHECK(fixed<1, 1, TRN, SAT_SYM>(Wide(-5)).raw() == -1);
  CHECK(fixed<1, 1, TRN, SAT_SYM>(Wide(5)).raw() == 0);
  // The flag reports the change of the exact most negative value.
  bool overflowed = false;
  castBits(static_cast<std::uint64_t>(Wide(-8).raw()), Wide::spec(),
           fixed<4, 4, TRN, SAT_SYM>::spec(), &overflowed);
  CHECK(overflowed);
}

TEST_CASE("SAT_ZERO turns overflow in either direction into zero",
          "[fixed][cast]") {
  using T = fixed<4, 2, RND, SAT_ZERO>;
  using Wide = fixed<16, 8>;
  CHECK(T(Wide(1.75)).raw() == 7);
  CHECK(T(Wide(1.875)).raw() == 0); // rounds up to 2.0: overflow
  CHECK(T(Wide(-2)).raw() == -8);
  CHECK(T(Wide(-2.25)).raw() == 0);
  CHECK(ufixed<4, 2, TRN, SAT_ZERO>(Wide(-0.25)).raw() == 0);
  CHECK(ufixed<4, 2, TRN, SAT_ZERO>(Wide(5)).raw() == 0);
}

TEST_CASE("quantization happens before overflow", "[fixed][cast]") {
  using Wide = fixed<16, 8>;
  // 3.96875 fits fixed<4,3>'s range [-4, 3.5] only after truncation.
  CHECK(fixed<4, 3, TRN, SAT>(Wide(3.96875)).raw() == 7);
  // Rounding it up reaches 4.0, which then saturates (or wraps).
  CHECK(fixed<4, 3, RND, SAT>(Wide(3.96875)).raw() == 7);
  CHECK(fixed<4, 3, RND, WRAP>(Wide(3.96875)).raw() == -8);
  // A negative value rounding up to 0 does not underflow an unsigned type.
  CHECK(ufixed<4, 3, RND, SAT>(Wide(-0.25)).raw() == 0);
  CHECK(ufixed<4, 3, TRN_ZERO, SAT>(Wide(-0.375)).raw() == 0);
  CHECK(ufixed<4, 3, TRN, SAT>(Wide(-0.375)).raw() == 0);
  bool overflowed = false;
  castBits(static_cast<std::uint64_t>(Wide(-0.25).raw()), Wide::spec(),
           ufixed<4, 3, RND, SAT>::spec(), &overflowed);
  CHECK_FALSE(overflowed);
  castBits(static_cast<std::uint64_t>(Wide(-0.375).raw()), Wide::spec(),
           ufixed<4, 3, TRN, SAT>::spec(), &overflowed);
  CHECK(overflowed);
}

TEST_CASE("integers convert like the ap_int of their width", "[fixed][cast]") {
  CHECK(fixed<8, 4>(7).raw() == 7 * 16);
  CHECK(fixed<8, 4>(8).raw() == -128); // wraps to -8
  CHECK(fixed<8, 4, TRN, SAT>(8).raw() == 127);
  CHECK(fixed<8, 4, TRN, SAT>(-9).raw() == -128);
  CHECK(ufixed<8, 4>(-1).raw() == 15 * 16);
  CHECK(ufixed<8, 4, TRN, SAT>(-1).raw() == 0);
  CHECK(fixed<8, 10>(13).raw() == 3); // 13 / 4 truncated
  CHECK(fixed<8, 10, RND>(14).raw() == 4);
  CHECK(fixed<8, 10, RND_CONV>(10).raw() == 2);
  CHECK(fixed<8, 10, RND_CONV>(14).raw() == 4);
  CHECK(fixed<64, 64>(INT64_MIN).raw() == INT64_MIN);
  CHECK(ufixed<64, 64>(UINT64_MAX).raw() == UINT64_MAX);
  CHECK(fixed<64, 64, TRN, SAT>(UINT64_MAX).raw() == INT64_MAX);
  CHECK(fixed<64, 64>(UINT64_MAX).raw() == -1);
  CHECK(fixed<4, 2>(true).raw() == 4);
  CHECK(fixed<4, 2>(static_cast<signed char>(-2)).raw() == -8);
  CHECK(ufixed<16, 16>(static_cast<unsigned short>(65535)).raw() == 65535);
  constexpr fixed<8, 4> c(3);
  static_assert(c.raw() == 48, "integer conversion is constexpr");
}

TEST_CASE("raw values are extended and fromRaw keeps the low W bits",
          "[fixed][cast]") {
  CHECK(fixed<4, 2>::fromRaw(0xF).raw() == -1);
  CHECK(fixed<4, 2>::fromRaw(0x17).raw() == 7);
  CHECK(ufixed<4, 2>::fromRaw(0xFF).raw() == 15);
  CHECK(fixed<64, 0>::fromRaw(INT64_MIN).raw() == INT64_MIN);
  CHECK(fixed<1, 0>::fromRaw(1).raw() == -1);
  CHECK(fixed<4, 2>::fromRaw(-3).to_double() == -0.75);
  static_assert(std::is_same<fixed<8, 3>::RawType, std::int64_t>::value, "");
  static_assert(std::is_same<ufixed<8, 3>::RawType, std::uint64_t>::value, "");
  static_assert(sizeof(fixed<16, 6>) == 8, "int64 storage");
  static_assert(std::is_trivially_copyable<fixed<16, 6>>::value, "");
  static_assert(std::is_trivially_default_constructible<fixed<16, 6>>::value,
                "usable in CUDA __shared__ arrays");
  static_assert(fixed<16, 6, RND, SAT>::qmode == RND &&
                    fixed<16, 6, RND, SAT>::omode == SAT &&
                    fixed<16, 6>::width == 16 && fixed<16, 6>::iwidth == 6 &&
                    fixed<16, 6>::fwidth == 10,
                "ap_fixed's static members");
  CHECK(fixed<8, 4>{}.raw() == 0);
}

TEST_CASE("runtime specs: validity and the overflow flag", "[fixed][cast]") {
  CHECK(isValidSpec(FixedSpec{64, -500, true}));
  CHECK_FALSE(isValidSpec(FixedSpec{65, 0, true}));
  CHECK_FALSE(isValidSpec(FixedSpec{0, 0, true}));
  CHECK_FALSE(isValidSpec(FixedSpec{8, kMaxFixedIntWidth, false}));
  const FixedSpec from{16, 8, true};
  const FixedSpec wrap{4, 4, true, TRN, WRAP};
  bool overflowed = true;
  CHECK(castBits(5 << 8, from, wrap, &overflowed) == 5);
  CHECK_FALSE(overflowed);
  CHECK(castBits(9 << 8, from, wrap, &overflowed) ==
        static_cast<std::uint64_t>(-7));
  CHECK(overflowed); // wrapped
  const FixedSpec sat{4, 4, true, TRN, SAT};
  CHECK(castBits(static_cast<std::uint64_t>(-9 * 256), from, sat,
                 &overflowed) == static_cast<std::uint64_t>(-8));
  CHECK(overflowed); // saturated
}
