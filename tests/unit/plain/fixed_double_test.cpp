//===- fixed_double_test.cpp - fixed point from and to floating point -----===//
//
// Construction from double is exact quantization of the double's exact
// value (a dyadic rational); the tie cases of every mode are named here,
// with out-of-range values, -0.0, NaN, infinities and subnormals as
// ap_fixed reads them. Conversion back rounds once, to nearest even.
//
//===----------------------------------------------------------------------===//
#include "ariadne/fixed.h"

#include "fixed_reference.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using namespace ariadne;

namespace {

double doubleFromBits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

std::uint64_t bitsOfDouble(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof(bits));
  return bits;
}

std::uint32_t bitsOfFloat(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

// One ulp of T is 2^-3: ties are odd multiples of 2^-4.
template <QuantMode Q> using Q3 = fixed<8, 5, Q, WRAP>;

} // namespace

TEST_CASE("TRN rounds toward minus infinity", "[fixed][double]") {
  CHECK(Q3<TRN>(0.1875).raw() == 1); // 1.5 ulp
  CHECK(Q3<TRN>(-0.1875).raw() == -2);
  CHECK(Q3<TRN>(0.24).raw() == 1);
  CHECK(Q3<TRN>(-0.01).raw() == -1);
}

TEST_CASE("TRN_ZERO rounds toward zero", "[fixed][double]") {
  CHECK(Q3<TRN_ZERO>(0.1875).raw() == 1);
  CHECK(Q3<TRN_ZERO>(-0.1875).raw() == -1);
  CHECK(Q3<TRN_ZERO>(-0.01).raw() == 0);
  CHECK(Q3<TRN_ZERO>(-0.125).raw() == -1);
}

TEST_CASE("RND rounds 0.5 ulp ties toward plus infinity", "[fixed][double]") {
  CHECK(Q3<RND>(0.1875).raw() == 2);   // 1.5 -> 2
  CHECK(Q3<RND>(-0.1875).raw() == -1); // -1.5 -> -1
  CHECK(Q3<RND>(0.0625).raw() == 1);   // 0.5 -> 1
  CHECK(Q3<RND>(-0.0625).raw() == 0);  // -0.5 -> 0
  CHECK(Q3<RND>(0.18).raw() == 1);     // below the tie
  CHECK(Q3<RND>(-0.19).raw() == -2);   // beyond the tie
}

TEST_CASE("RND_ZERO rounds 0.5 ulp ties toward zero", "[fixed][double]") {
  CHECK(Q3<RND_ZERO>(0.1875).raw() == 1);
  CHECK(Q3<RND_ZERO>(-0.1875).raw() == -1);
  CHECK(Q3<RND_ZERO>(0.19).raw() == 2);
  CHECK(Q3<RND_ZERO>(-0.19).raw() == -2);
}

TEST_CASE("RND_MIN_INF rounds 0.5 ulp ties toward minus infinity",
          "[fixed][double]") {
  CHECK(Q3<RND_MIN_INF>(0.1875).raw() == 1);
  CHECK(Q3<RND_MIN_INF>(-0.1875).raw() == -2);
  CHECK(Q3<RND_MIN_INF>(0.19).raw() == 2);
  CHECK(Q3<RND_MIN_INF>(-0.18).raw() == -1);
}

TEST_CASE("RND_INF rounds 0.5 ulp ties away from zero", "[fixed][double]") {
  CHECK(Q3<RND_INF>(0.1875).raw() == 2);
  CHECK(Q3<RND_INF>(-0.1875).raw() == -2);
  CHECK(Q3<RND_INF>(0.0625).raw() == 1);
  CHECK(Q3<RND_INF>(-0.0625).raw() == -1);
  CHECK(Q3<RND_INF>(-0.06).raw() == 0);
}

TEST_CASE("RND_CONV rounds 0.5 ulp ties to even", "[fixed][double]") {
  CHECK(Q3<RND_CONV>(0.0625).raw() == 0);  // 0.5 -> 0
  CHECK(Q3<RND_CONV>(0.1875).raw() == 2);  // 1.5 -> 2
  CHECK(Q3<RND_CONV>(0.3125).raw() == 2);  // 2.5 -> 2
  CHECK(Q3<RND_CONV>(-0.0625).raw() == 0); // -0.5 -> 0
  CHECK(Q3<RND_CONV>(-0.1875).raw() == -2);
  CHECK(Q3<RND_CONV>(-0.3125).raw() == -2);
  CHECK(Q3<RND_CONV>(0.0626).raw() == 1); // not a tie
  // A tie decided by the last of 53 mantissa bits.
  const double justAbove = 0.0625 + std::ldexp(1.0, -56);
  CHECK(Q3<RND_CONV>(justAbove).raw() == 1);
  CHECK(Q3<RND_MIN_INF>(justAbove).raw() == 1);
}

TEST_CASE("values beyond the range wrap or saturate", "[fixed][double]") {
  // fixed<8,4>: [-8, 7.9375] in steps of 1/16.
  CHECK(fixed<8, 4>(8.0).raw() == -128);
  CHECK(fixed<8, 4>(9.5).raw() == -104);
  CHECK(fixed<8, 4, TRN, SAT>(9.5).raw() == 127);
  CHECK(fixed<8, 4, TRN, SAT>(-9.5).raw() == -128);
  CHECK(fixed<8, 4, TRN, SAT_SYM>(-9.5).raw() == -127);
  CHECK(fixed<8, 4, TRN, SAT_ZERO>(-9.5).raw() == 0);
  CHECK(ufixed<8, 4, TRN, SAT>(-0.5).raw() == 0);
  CHECK(ufixed<8, 4, TRN, SAT>(16.0).raw() == 255);
  CHECK(ufixed<8, 4>(-0.5).raw() == 248);
  // Rounding up to the first value past the top.
  CHECK(fixed<8, 4, RND, SAT>(7.97).raw() == 127);
  CHECK(fixed<8, 4, RND, WRAP>(7.97).raw() == -128);
}

TEST_CASE("huge doubles wrap to the low bits of their exact value",
          "[fixed][double]") {
  // 2^52 + 5 is a double; its low 8 integer bits are 5.
  CHECK(fixed<8, 8>(std::ldexp(1.0, 52) + 5).raw() == 5);
  CHECK(fixed<8, 8>(-(std::ldexp(1.0, 52) + 5)).raw() == -5);
  // 1e30 is a multiple of 2^47: no bit below 2^16 is set.
  CHECK(fixed<16, 6>(1e30).raw() == 0);
  CHECK(fixed<16, 6, TRN, SAT>(1e30).raw() == 32767);
  CHECK(fixed<16, 6, TRN, SAT>(-1e300).raw() == -32768);
  CHECK(fixed<64, 64>(std::ldexp(1.0, 63)).raw() == INT64_MIN);
  CHECK(fixed<64, 64, TRN, SAT>(std::ldexp(1.0, 63)).raw() == INT64_MAX);
  CHECK(ufixed<64, 64>(std::ldexp(1.0, 63)).raw() == UINT64_C(1) << 63);
  CHECK(ufixed<64, 64>(std::ldexp(3.0, 62) + std::ldexp(1.0, 11)).raw() ==
        (UINT64_C(3) << 62) + (UINT64_C(1) << 11));
}

TEST_CASE("negative zero converts to zero", "[fixed][double]") {
  CHECK(fixed<8, 4>(-0.0).raw() == 0);
  CHECK(fixed<8, 4, TRN_ZERO, SAT_SYM>(-0.0).raw() == 0);
  CHECK(ufixed<8, 4, TRN, SAT>(-0.0).raw() == 0);
  CHECK(fixed<8, 4>(-0.0f).raw() == 0);
  // -0.0 has no magnitude to round: not even TRN gives -ulp.
  CHECK(fixed<8, 4, TRN>(-0.0).raw() == 0);
}

TEST_CASE("NaN and infinities behave as ap_fixed: huge values of their sign",
          "[fixed][double]") {
  const double posNaN = doubleFromBits(0x7ff8000000000000ull);
  const double negNaN = doubleFromBits(0xfff8000000000000ull);
  const double inf = std::numeric_limits<double>::infinity();
  // WRAP keeps the low bits of +-(1.f) * 2^1024: zero.
  CHECK(fixed<16, 6>(posNaN).raw() == 0);
  CHECK(fixed<16, 6>(negNaN).raw() == 0);
  CHECK(fixed<16, 6>(inf).raw() == 0);
  CHECK(ufixed<16, 6>(-inf).raw() == 0);
  // Saturation follows the sign bit, also for NaN.
  CHECK(fixed<16, 6, TRN, SAT>(posNaN).raw() == 32767);
  CHECK(fixed<16, 6, TRN, SAT>(negNaN).raw() == -32768);
  CHECK(fixed<16, 6, TRN, SAT>(inf).raw() == 32767);
  CHECK(fixed<16, 6, TRN, SAT>(-inf).raw() == -32768);
  CHECK(fixed<16, 6, RND, SAT_SYM>(-inf).raw() == -32767);
  CHECK(fixed<16, 6, TRN, SAT_ZERO>(inf).raw() == 0);
  CHECK(ufixed<16, 6, TRN, SAT>(negNaN).raw() == 0);
  CHECK(ufixed<16, 6, TRN, SAT>(posNaN).raw() == 65535);
  // A float NaN goes through double first, keeping its sign.
  CHECK(
      fixed<16, 6, TRN, SAT>(-std::numeric_limits<float>::quiet_NaN()).raw() ==
      -32768);
  // A type whose range reaches 2^1024 sees the mantissa bits: NaN payloads
  // differ from infinity.
  using Enormous = fixed<8, 1030>; // m * 2^1022
  CHECK(Enormous(inf).raw() == 4);
  CHECK(Enormous(doubleFromBits(0x7ff8000000000000ull)).raw() == 6);
}

TEST_CASE("subnormal doubles are read as ap_fixed reads them",
          "[fixed][double]") {
  // ap_fixed sets the hidden bit of a subnormal: the smallest subnormal
  // 2^-1074 is read as 2^-1023. Types with fewer than 1023 fractional bits
  // see a tiny value either way.
  const double denormMin = std::numeric_limits<double>::denorm_min();
  CHECK(fixed<16, 6>(denormMin).raw() == 0);
  CHECK(fixed<16, 6>(-denormMin).raw() == -1);
  CHECK(fixed<16, 6, RND_CONV>(-denormMin).raw() == 0);
  // m * 2^-1030: 2^-1023 is 128 ulps (read exactly, 2^-1074 would be
  // 2^-44 ulp and give 0), beyond fixed<8,-1022>'s max of 127.
  using Deep = fixed<8, -1022>;
  CHECK(Deep(denormMin).raw() == -128);
  CHECK(fixed<8, -1022, TRN, SAT>(denormMin).raw() == 127);
  CHECK(fixed<10, -1020>(denormMin).raw() == 128);
  CHECK(fixed<10, -1020>(doubleFromBits(0x0008000000000000ull)).raw() == 192);
  // The smallest normal double, 2^-1022, is read exactly.
  CHECK(fixed<10, -1020>(std::numeric_limits<double>::min()).raw() == 256);
}

TEST_CASE("random doubles quantize like the exact model", "[fixed][double]") {
  std::mt19937_64 rng(7);
  const QuantMode quants[] = {TRN,         TRN_ZERO, RND,     RND_ZERO,
                              RND_MIN_INF, RND_INF,  RND_CONV};
  const OverflowMode overflows[] = {WRAP, SAT, SAT_ZERO, SAT_SYM};
  std::uint64_t cases = 0, mismatches = 0;
  std::string first;
  for (int round = 0; round < 20000; ++round) {
    // k * 2^e with |k| < 2^20: exact in double and as a rational.
    const std::int64_t k =
        static_cast<std::int64_t>(rng() % (1 << 21)) - (1 << 20);
    const int e = static_cast<int>(rng() % 60) - 40;
    const double d = std::ldexp(static_cast<double>(k), e);
    const ref::Type to{static_cast<int>(rng() % 64) + 1,
                       static_cast<int>(rng() % 80) - 30, (rng() & 1) != 0};
    for (QuantMode q : quants)
      for (OverflowMode o : overflows) {
        bool overflowed = false, refOverflowed = false;
        const std::uint64_t got = bitsFromDouble(
            d, FixedSpec{to.width, to.intWidth, to.isSigned, q, o},
            &overflowed);
        const ref::i128 want = ref::castValue(k, -e, to, q, o, refOverflowed);
        ++cases;
        if (ref::integerOf(got, to.isSigned) != want ||
            overflowed != refOverflowed) {
          if (mismatches++ == 0)
            first = std::to_string(d) + " -> " + to.str() + " " +
                    ref::quantName(q) + " " + ref::overflowName(o);
        }
      }
  }
  INFO(first);
  CHECK(mismatches == 0);
  CHECK(cases == 20000 * 28);
}

TEST_CASE("float input goes through double", "[fixed][double]") {
  CHECK(fixed<8, 4>(1.5f).raw() == 24);
  CHECK(fixed<8, 5, RND_CONV>(0.1875f).raw() == 2);
  CHECK(fixed<8, 5, RND_CONV>(0.0625f).raw() == 0);
  // Subnormal floats are normal doubles: read exactly.
  const float tinyF = std::numeric_limits<float>::denorm_min(); // 2^-149
  CHECK(fixed<8, -145>(tinyF).raw() == 16);
}

TEST_CASE("to_double is exact for every value of every small type",
          "[fixed][double]") {
  std::uint64_t cases = 0, mismatches = 0;
  for (int w = 1; w <= 8; ++w)
    for (int i : {-40, -2, 0, 3, w, w + 30})
      for (bool isSigned : {true, false}) {
        const FixedSpec spec{w, i, isSigned};
        const std::int64_t lo = isSigned ? -(1 << (w - 1)) : 0;
        const std::int64_t hi = isSigned ? (1 << (w - 1)) - 1 : (1 << w) - 1;
        for (std::int64_t m = lo; m <= hi; ++m) {
          const double want = std::ldexp(static_cast<double>(m), i - w);
          const std::uint64_t bits = static_cast<std::uint64_t>(m);
          cases += 2;
          mismatches += bitsToDouble(bits, spec) != want;
          mismatches += bitsToFloat(bits, spec) != static_cast<float>(want);
        }
      }
  CHECK(mismatches == 0);
  CHECK(cases > 10000);
  CHECK(fixed<8, 4>(-3.25).to_double() == -3.25);
  CHECK(static_cast<double>(ufixed<8, 10>(1020.0)) == 1020.0);
  CHECK(static_cast<float>(fixed<8, -2>(-0.03125)) == -0.03125f);
}

TEST_CASE("to_double rounds more than 53 bits to nearest even",
          "[fixed][double]") {
  using Int64 = fixed<64, 64>;
  const double two53 = std::ldexp(1.0, 53);
  CHECK(Int64::fromRaw((INT64_C(1) << 53) + 1).to_double() == two53); // tie
  CHECK(Int64::fromRaw((INT64_C(1) << 53) + 3).to_double() == two53 + 4);
  CHECK(Int64::fromRaw(-(INT64_C(1) << 53) - 1).to_double() == -two53);
  CHECK(Int64::fromRaw(INT64_MIN).to_double() == -std::ldexp(1.0, 63));
  CHECK(Int64::fromRaw(INT64_MAX).to_double() == std::ldexp(1.0, 63));
  CHECK(ufixed<64, 64>::fromRaw(UINT64_MAX).to_double() == std::ldexp(1.0, 64));
  CHECK(ufixed<64, 0>::fromRaw((UINT64_C(1) << 63) + 1).to_double() == 0.5);
}

TEST_CASE("to_float rounds once, not through double", "[fixed][double]") {
  // 2^24 + 1 + 2^-30 is above the midpoint between 2^24 and 2^24 + 2;
  // through double it would first round to 2^24 + 1, a tie, and then to
  // 2^24.
  using T = fixed<64, 26>; // m * 2^-38
  const T x = T::fromRaw((((INT64_C(1) << 24) + 1) << 38) + (1 << 8));
  CHECK(x.to_float() == 16777218.0f);
  CHECK(static_cast<float>(x.to_double()) == 16777216.0f);
  CHECK(fixed<32, 32>::fromRaw((1 << 24) + 1).to_float() == 16777216.0f);
  CHECK(fixed<32, 32>::fromRaw((1 << 24) + 3).to_float() == 16777220.0f);
}

TEST_CASE("to_double and to_float reach subnormals and infinity "
          "correctly rounded",
          "[fixed][double]") {
  using Deep = fixed<8, -1070>;               // m * 2^-1078
  CHECK(Deep::fromRaw(8).to_double() == 0.0); // 2^-1075: tie to even 0
  CHECK(Deep::fromRaw(9).to_double() ==
        std::numeric_limits<double>::denorm_min());
  CHECK(Deep::fromRaw(24).to_double() ==
        2 * std::numeric_limits<double>::denorm_min()); // 1.5: tie to 2
  CHECK(Deep::fromRaw(-40).to_double() ==
        -2 * std::numeric_limits<double>::denorm_min()); // 2.5: tie to 2
  CHECK(std::signbit(Deep::fromRaw(-1).to_double()));
  using Big = fixed<8, 1030>; // m * 2^1022
  CHECK(Big::fromRaw(1).to_double() == std::ldexp(1.0, 1022));
  CHECK(Big::fromRaw(3).to_double() == std::ldexp(3.0, 1022));
  CHECK(Big::fromRaw(4).to_double() == std::numeric_limits<double>::infinity());
  CHECK(Big::fromRaw(-128).to_double() ==
        -std::numeric_limits<double>::infinity());
  // Float: m * 2^-150 and m * 2^126.
  const float floatDenormMin = std::numeric_limits<float>::denorm_min();
  CHECK(fixed<8, -142>::fromRaw(1).to_float() == 0.0f); // tie to even 0
  CHECK(fixed<8, -142>::fromRaw(3).to_float() == 2 * floatDenormMin);
  CHECK(fixed<8, -142>::fromRaw(-5).to_float() == -2 * floatDenormMin);
  CHECK(fixed<8, 134>::fromRaw(4).to_float() ==
        std::numeric_limits<float>::infinity());
  CHECK(bitsOfFloat(fixed<8, 134>::fromRaw(1).to_float()) == 0x7e800000u);
  // The rounding bit is bit 63 of the raw value: m * 2^-1138, m >= 2^63.
  using Edge = ufixed<64, -1074>;
  CHECK(Edge::fromRaw(UINT64_C(1) << 63).to_double() == 0.0);
  CHECK(Edge::fromRaw((UINT64_C(1) << 63) + 1).to_double() ==
        std::numeric_limits<double>::denorm_min());
  using EdgeF = ufixed<64, -149>; // m * 2^-213
  CHECK(EdgeF::fromRaw(UINT64_C(1) << 63).to_float() == 0.0f);
  CHECK(EdgeF::fromRaw(UINT64_MAX).to_float() == floatDenormMin);
  // A 64-bit value just below 2^1024 rounds up to infinity.
  using Top = ufixed<64, 1024>; // m * 2^960
  CHECK(Top::fromRaw(UINT64_MAX).to_double() ==
        std::numeric_limits<double>::infinity());
  CHECK(bitsOfDouble(Top::fromRaw(UINT64_MAX >> 11 << 11).to_double()) ==
        0x7fefffffffffffffull);
}
