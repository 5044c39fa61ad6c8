//===- runtime_fixed_kernels_test.cpp - the kernels of the fx dialect -----===//
//
// Each kernel of fixed_kernels.h against a scalar reference written here
// from the op semantics of FXOps.td, with exact __int128 arithmetic and
// castBits (tested exhaustively elsewhere) only as the final rounding of an
// exact value. Inputs are seeded random raw values that always include the
// extreme values of the types; every kernel runs one event at a time and
// on tiles of simd::kBatchLanes events in the lane layout, and both must
// give the reference's integers. The vector dense kernels and the vector
// quantization, and the vector table lookup, are also compiled for the
// build machine's widest vectors and checked there.
//
//===----------------------------------------------------------------------===//
#include "ariadne/fixed_kernels.h"
#include "backends/common/Resources.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <unistd.h>
#include <vector>

using namespace ariadne;

namespace {

using i128 = __int128;
using u64 = std::uint64_t;

constexpr int kLanes = simd::kBatchLanes;
/// Events per check: several tiles, so that every lane sees many values.
constexpr int kEvents = 6 * kLanes;

std::string str(i128 v) {
  if (v == 0)
    return "0";
  const bool negative = v < 0;
  std::string digits;
  // Digits from the magnitude, taken one at a time without negating the
  // most negative value.
  for (; v != 0; v /= 10) {
    const int digit = static_cast<int>(v % 10);
    digits.insert(digits.begin(), char('0' + (digit < 0 ? -digit : digit)));
  }
  return negative ? "-" + digits : digits;
}

template <class T> constexpr FixedSpec specOf() { return T::spec(); }

/// The range of T's integers.
template <class T> i128 lowest() {
  constexpr FixedSpec s = specOf<T>();
  return s.isSigned ? -(i128(1) << (s.width - 1)) : 0;
}
template <class T> i128 highest() {
  constexpr FixedSpec s = specOf<T>();
  return s.isSigned ? (i128(1) << (s.width - 1)) - 1 : (i128(1) << s.width) - 1;
}

/// The integer m held by extended raw bits of T.
template <class T> i128 integerOf(u64 bits) {
  return specOf<T>().isSigned ? i128(static_cast<std::int64_t>(bits))
                              : i128(bits);
}

/// The extended raw bits of T holding the integer m (in T's range).
template <class T> u64 bitsOf(i128 m) {
  REQUIRE(m >= lowest<T>());
  REQUIRE(m <= highest<T>());
  return static_cast<u64>(m);
}

/// m modulo 2^W as an integer of T (two's complement for signed T).
template <class T> u64 wrapInto(i128 m) {
  constexpr FixedSpec s = specOf<T>();
  const i128 modulus = i128(1) << s.width;
  i128 r = m % modulus;
  if (r < 0)
    r += modulus;
  if (r > highest<T>())
    r -= modulus;
  return bitsOf<T>(r);
}

/// floor(n / 2^shift), shift 0..63.
i128 floorShift(i128 n, int shift) {
  const i128 d = i128(1) << shift;
  i128 q = n / d;
  if (n % d != 0 && n < 0)
    --q;
  return q;
}

/// A random integer of T: the extremes first, then uniform ones, small
/// ones and ones near the ends of the range.
template <class T> std::vector<u64> sampleRaw(std::mt19937_64 &gen, size_t n) {
  const i128 lo = lowest<T>(), hi = highest<T>();
  std::vector<u64> out;
  for (i128 m :
       {lo, hi, i128(0), lo + 1, hi - 1, i128(1), i128(-1), (lo + hi) / 2})
    if (m >= lo && m <= hi && out.size() < n)
      out.push_back(bitsOf<T>(m));
  const i128 span = hi - lo + 1;
  while (out.size() < n) {
    const u64 r = gen();
    i128 m = 0;
    switch (r % 4) {
    case 0:
    case 1:
      m = lo + i128(gen()) % span;
      break;
    case 2:
      m = i128(gen() % 129) - 64;
      break;
    default:
      m = (r & 4) ? lo + i128(gen() % 64) : hi - i128(gen() % 64);
      break;
    }
    if (m < lo)
      m = lo;
    if (m > hi)
      m = hi;
    out.push_back(bitsOf<T>(m));
  }
  return out;
}

template <class T> bool same(T a, T b) { return a == b; }
bool same(float a, float b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

template <class T> std::string show(T v) { return str(i128(v)); }
std::string show(float v) {
  u64 bits = 0;
  std::memcpy(&bits, &v, sizeof(v));
  return std::to_string(v) + " (bits " + std::to_string(bits) + ")";
}

/// Compares `got` with `want` and reports the first difference.
template <class T>
void requireSame(const std::vector<T> &got, const std::vector<T> &want,
                 int eventSize, const char *what) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    if (!same(got[i], want[i])) {
      INFO(what << ": event " << i / eventSize << ", element " << i % eventSize
                << ": got " << show(got[i]) << ", want " << show(want[i]));
      REQUIRE(same(got[i], want[i]));
    }
}

/// Runs a kernel on the events of `in` (one after another) one event at a
/// time (`one`) and in tiles of kLanes events in the lane layout (`tile`);
/// both must give `want`. With `inPlace`, the tile kernel also runs with
/// `out` the same buffer as `in`.
template <class In, class Out>
void checkEvents(const std::vector<In> &in, int inSize,
                 const std::vector<Out> &want, int outSize,
                 void (*one)(const In *, Out *),
                 void (*tile)(const In *, Out *), bool inPlace = false) {
  const int count = static_cast<int>(in.size()) / inSize;
  REQUIRE(count % kLanes == 0);
  REQUIRE(want.size() == size_t(count) * outSize);
  std::vector<Out> got(want.size());
  for (int e = 0; e < count; ++e)
    one(in.data() + e * inSize, got.data() + e * outSize);
  requireSame(got, want, outSize, "one event");

  std::vector<Out> tiled(want.size());
  std::vector<In> laneIn(size_t(inSize) * kLanes);
  std::vector<Out> laneOut(size_t(outSize) * kLanes);
  for (int e0 = 0; e0 < count; e0 += kLanes) {
    for (int t = 0; t < kLanes; ++t)
      for (int i = 0; i < inSize; ++i)
        laneIn[i * kLanes + t] = in[(e0 + t) * inSize + i];
    tile(laneIn.data(), laneOut.data());
    for (int t = 0; t < kLanes; ++t)
      for (int i = 0; i < outSize; ++i)
        tiled[(e0 + t) * outSize + i] = laneOut[i * kLanes + t];
  }
  requireSame(tiled, want, outSize, "lanes");

  if constexpr (std::is_same<In, Out>::value) {
    if (inPlace) {
      REQUIRE(inSize == outSize);
      std::vector<Out> buffer(in.size());
      for (int e0 = 0; e0 < count; e0 += kLanes)
        for (int t = 0; t < kLanes; ++t)
          for (int i = 0; i < inSize; ++i)
            buffer[e0 * inSize + i * kLanes + t] = in[(e0 + t) * inSize + i];
      for (int e0 = 0; e0 < count; e0 += kLanes)
        tile(buffer.data() + e0 * inSize, buffer.data() + e0 * inSize);
      for (int e0 = 0; e0 < count; e0 += kLanes)
        for (int t = 0; t < kLanes; ++t)
          for (int i = 0; i < outSize; ++i)
            tiled[(e0 + t) * outSize + i] =
                buffer[e0 * outSize + i * kLanes + t];
      requireSame(tiled, want, outSize, "lanes, in place");
    }
  }
}

/// Calls f(q, o) with every quantization and overflow mode as
/// std::integral_constant arguments.
template <QuantMode Q, class F> void forEachOverflow(F &f) {
  f(std::integral_constant<QuantMode, Q>{},
    std::integral_constant<OverflowMode, WRAP>{});
  f(std::integral_constant<QuantMode, Q>{},
    std::integral_constant<OverflowMode, SAT>{});
  f(std::integral_constant<QuantMode, Q>{},
    std::integral_constant<OverflowMode, SAT_ZERO>{});
  f(std::integral_constant<QuantMode, Q>{},
    std::integral_constant<OverflowMode, SAT_SYM>{});
}
template <class F> void forEachMode(F f) {
  forEachOverflow<TRN>(f);
  forEachOverflow<TRN_ZERO>(f);
  forEachOverflow<RND>(f);
  forEachOverflow<RND_ZERO>(f);
  forEachOverflow<RND_MIN_INF>(f);
  forEachOverflow<RND_INF>(f);
  forEachOverflow<RND_CONV>(f);
}

/// T with the modes Q and O.
template <class T, QuantMode Q, OverflowMode O>
using WithModes = FixedPoint<T::width, T::iwidth, T::isSigned, Q, O>;

//===----------------------------------------------------------------------===//
// quantize and output
//===----------------------------------------------------------------------===//

/// Floats for a type with `frac` fractional bits and `intWidth` integer
/// bits: special values, values on and between the grid points (ties
/// included), values around the range and around 2^62 on the grid (where
/// the kernel changes paths), and random magnitudes.
std::vector<float> sampleFloats(std::mt19937_64 &gen, int frac, int intWidth,
                                size_t n) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> out = {0.0f,
                            -0.0f,
                            nan,
                            -nan,
                            inf,
                            -inf,
                            std::numeric_limits<float>::max(),
                            -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            1.0f,
                            -1.0f,
                            0.5f,
                            -0.5f};
  auto scaled = [](double m, int e) {
    return static_cast<float>(std::ldexp(m, e));
  };
  for (int e : {62, 61, 63, intWidth, intWidth - 1, intWidth + 1}) {
    const float edge = scaled(1.0, e - (e >= 61 ? frac : 0));
    for (float x :
         {edge, std::nextafter(edge, 0.0f), std::nextafter(edge, inf)})
      out.insert(out.end(), {x, -x});
  }
  std::uniform_int_distribution<int> small(-5000, 5000);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  while (out.size() < n) {
    switch (gen() % 4) {
    case 0: // on the grid or half way between grid points
      out.push_back(scaled(small(gen) + 0.5 * (gen() % 2), -frac));
      break;
    case 1: // a quarter step either side of a half
      out.push_back(
          scaled(small(gen) + 0.5 + 0.25 * (gen() % 2 ? 1 : -1), -frac));
      break;
    case 2: { // any magnitude around the type's range
      const int e = static_cast<int>(gen() % 80) - 40 + intWidth;
      out.push_back(scaled(unit(gen), e < 120 ? e : 120));
      break;
    }
    default: { // any float bits that are a number
      std::uint32_t bits = static_cast<std::uint32_t>(gen());
      float x = 0.0f;
      std::memcpy(&x, &bits, sizeof(x));
      out.push_back(std::isnan(x) ? 0.0f : x);
      break;
    }
    }
  }
  out.resize(n);
  return out;
}

template <class Out> struct QuantizeOf : fx::QuantizeConfig {
  static constexpr int size = 7;
  using OutT = Out;
};

template <class C> void checkQuantize(std::mt19937_64 &gen) {
  using Out = typename C::OutT;
  INFO("quantize into " << Out::width << "," << Out::iwidth << " signed "
                        << Out::isSigned << " Q " << int(Out::qmode) << " O "
                        << int(Out::omode));
  const std::vector<float> in =
      sampleFloats(gen, Out::fwidth, Out::iwidth, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  // The op is defined as bitsFromDouble on the float's exact value.
  for (size_t i = 0; i < in.size(); ++i)
    want[i] = bitsFromDouble(static_cast<double>(in[i]), Out::spec());
  checkEvents(in, C::size, want, C::size, fx::quantize<C, 1>,
              fx::quantize<C, kLanes>);
}

template <class T> void quantizeEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkQuantize<
        QuantizeOf<WithModes<T, decltype(q)::value, decltype(o)::value>>>(gen);
  });
}

TEST_CASE("fx quantize rounds floats like bitsFromDouble",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(1);
  quantizeEveryMode<fixed<16, 6>>(gen);
  quantizeEveryMode<ufixed<8, 3>>(gen);
  quantizeEveryMode<fixed<1, 1>>(gen);
  quantizeEveryMode<fixed<64, 40>>(gen);
  quantizeEveryMode<ufixed<64, 20>>(gen);
  quantizeEveryMode<fixed<62, 62>>(gen);
  // Binary points outside the bits, far fractions, 32-bit widths.
  checkQuantize<QuantizeOf<fixed<24, 30, RND_CONV, SAT>>>(gen);
  checkQuantize<QuantizeOf<ufixed<20, -5, RND, SAT_SYM>>>(gen);
  checkQuantize<QuantizeOf<fixed<16, -60, RND_INF, WRAP>>>(gen);
  checkQuantize<QuantizeOf<fixed<32, 1, RND_ZERO, SAT_ZERO>>>(gen);
  checkQuantize<QuantizeOf<ufixed<32, 32, TRN_ZERO, WRAP>>>(gen);
  checkQuantize<QuantizeOf<fixed<63, 1, RND, SAT>>>(gen);
  // The float path's limits: 31-bit unsigned and 32-bit signed types in,
  // a fraction of 101 bits out.
  STATIC_REQUIRE(fx::detail::quantizesInFloat<ufixed<31, 0>>());
  STATIC_REQUIRE(!fx::detail::quantizesInFloat<ufixed<32, 0>>());
  STATIC_REQUIRE(!fx::detail::quantizesInFloat<fixed<12, -89>>());
  checkQuantize<QuantizeOf<ufixed<31, 0, RND, SAT>>>(gen);
  checkQuantize<QuantizeOf<ufixed<31, 0, RND_CONV, WRAP>>>(gen);
  checkQuantize<QuantizeOf<fixed<32, 32, RND_MIN_INF, SAT_SYM>>>(gen);
  checkQuantize<QuantizeOf<fixed<12, -89, TRN, WRAP>>>(gen);
  // Grids no float reaches exactly through the fast path: bitsFromDouble
  // alone.
  checkQuantize<QuantizeOf<fixed<8, 900, RND, SAT>>>(gen);
  checkQuantize<QuantizeOf<fixed<8, -900, RND, SAT>>>(gen);
}

template <class In> struct OutputOf : fx::OutputConfig {
  static constexpr int size = 5;
  using InT = In;
};

template <class T> void checkOutput(std::mt19937_64 &gen) {
  using C = OutputOf<T>;
  INFO("output of " << T::width << "," << T::iwidth << " signed "
                    << T::isSigned);
  const std::vector<u64> in = sampleRaw<T>(gen, size_t(C::size) * kEvents);
  std::vector<float> wantFloat(in.size());
  std::vector<std::int64_t> wantRaw(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    wantFloat[i] = bitsToFloat(in[i], T::spec());
    // The integer, or for a 64-bit unsigned type its bit pattern.
    wantRaw[i] =
        static_cast<std::int64_t>(static_cast<u64>(integerOf<T>(in[i])));
  }
  checkEvents(in, C::size, wantFloat, C::size, fx::output<C, 1>,
              fx::output<C, kLanes>);
  checkEvents(in, C::size, wantRaw, C::size, fx::output<C, 1>,
              fx::output<C, kLanes>);
}

TEST_CASE("fx output gives floats and raw integers",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(2);
  checkOutput<fixed<16, 6>>(gen);
  checkOutput<ufixed<16, 6>>(gen);
  checkOutput<fixed<1, 1>>(gen);
  checkOutput<ufixed<1, 0>>(gen);
  checkOutput<fixed<32, -8>>(gen);
  checkOutput<fixed<64, 32>>(gen);
  checkOutput<ufixed<64, 64>>(gen);
  checkOutput<ufixed<40, 200>>(gen);
  // Values with more than 24 significant bits round once, ties to even.
  const std::uint64_t bits = (std::uint64_t(1) << 24) + 1;
  CHECK(bitsToFloat(bits, ufixed<30, 30>::spec()) == 16777216.0f);
  std::uint64_t raw[1] = {bits};
  float value[1] = {};
  fx::output<OutputOf<ufixed<30, 30>>>(raw, value);
  CHECK(value[0] == 16777216.0f);
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

template <class In, class Out> struct CastOf : fx::CastConfig {
  static constexpr int size = 6;
  using InT = In;
  using OutT = Out;
};

template <class C> void checkCast(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Out = typename C::OutT;
  INFO("cast " << In::width << "," << In::iwidth << " -> " << Out::width << ","
               << Out::iwidth << " Q " << int(Out::qmode) << " O "
               << int(Out::omode));
  const std::vector<u64> in = sampleRaw<In>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    want[i] = castBits(in[i], In::spec(), Out::spec());
  checkEvents(in, C::size, want, C::size, fx::cast<C, 1>, fx::cast<C, kLanes>,
              true);
}

template <class In, class Out> void castEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkCast<
        CastOf<In, WithModes<Out, decltype(q)::value, decltype(o)::value>>>(
        gen);
  });
}

TEST_CASE("fx cast applies the result type's modes",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(3);
  castEveryMode<fixed<37, 17>, fixed<16, 6>>(gen);
  castEveryMode<ufixed<64, 20>, fixed<64, 30>>(gen);
  checkCast<CastOf<fixed<16, 6>, ufixed<8, 2, RND, SAT>>>(gen);
  checkCast<CastOf<fixed<16, 6>, ufixed<8, 2, RND_CONV, SAT_SYM>>>(gen);
  checkCast<CastOf<fixed<5, 1>, fixed<1, 1, RND_INF, SAT_SYM>>>(gen);
  checkCast<CastOf<fixed<62, 2>, ufixed<32, 12, RND_ZERO, SAT_ZERO>>>(gen);
  checkCast<CastOf<ufixed<1, 0>, fixed<64, 64, RND, WRAP>>>(gen);
}

//===----------------------------------------------------------------------===//
// dense
//===----------------------------------------------------------------------===//

template <class In, class Weight, class Acc, class Raw, int K, int N, int Rows,
          bool HasBias, int Stride = 0>
struct DenseOf : fx::DenseConfig {
  static constexpr int rows = Rows;
  static constexpr int inFeatures = K;
  static constexpr int outFeatures = N;
  using InT = In;
  using WeightT = Weight;
  using AccT = Acc;
  using WeightRaw = Raw;
  static constexpr int weightStride = Stride;
  static constexpr int rowLength = Stride > 0 ? Stride : K;
  static inline Raw weightStorage[N * rowLength];
  static inline std::int64_t biasStorage[N];
  static constexpr const Raw *weights = weightStorage;
  static constexpr const std::int64_t *bias = HasBias ? biasStorage : nullptr;
};

/// A dense layer that takes in a cast into Out (void: none) and a ReLU.
template <class Base, class Out, bool Relu> struct DenseFinishOf : Base {
  using OutT = Out;
  static constexpr bool relu = Relu;
};

/// What fx.cast and fx.relu make of a dense layer's raw result, as their
/// own kernels compute it.
template <class C> u64 finishReference(u64 acc) {
  using Acc = typename C::AccT;
  constexpr bool cast = !std::is_void<typename C::OutT>::value;
  bool isSigned = Acc::isSigned;
  if constexpr (cast) {
    acc = castBits(acc, Acc::spec(), C::OutT::spec());
    isSigned = C::OutT::isSigned;
  }
  if (C::relu && isSigned && static_cast<std::int64_t>(acc) < 0)
    acc = 0;
  return acc;
}

/// Fills the weights with random raw values (extremes included) and the
/// bias with random 64-bit integers (the kernel adds them modulo 2^64).
template <class C> void fillDense(std::mt19937_64 &gen) {
  const std::vector<u64> w = sampleRaw<typename C::WeightT>(
      gen, size_t(C::outFeatures) * C::inFeatures);
  for (size_t i = 0; i < w.size(); ++i) {
    const i128 m = integerOf<typename C::WeightT>(w[i]);
    REQUIRE(m >= std::numeric_limits<typename C::WeightRaw>::min());
    REQUIRE(m <= std::numeric_limits<typename C::WeightRaw>::max());
    const size_t n = i / C::inFeatures, k = i % C::inFeatures;
    C::weightStorage[n * C::rowLength + k] =
        static_cast<typename C::WeightRaw>(m);
  }
  for (int n = 0; n < C::outFeatures; ++n)
    C::biasStorage[n] = n == 0   ? std::numeric_limits<std::int64_t>::min()
                        : n == 1 ? std::numeric_limits<std::int64_t>::max()
                        : (n % 3 == 0)
                            ? static_cast<std::int64_t>(gen())
                            : static_cast<std::int64_t>(gen() % 2001) - 1000;
}

template <class C> void checkDense(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Acc = typename C::AccT;
  constexpr int K = C::inFeatures, N = C::outFeatures, rows = C::rows;
  INFO("dense " << rows << "x" << K << "->" << N << ", input " << In::width
                << " signed " << In::isSigned << ", weight "
                << C::WeightT::width << ", accumulator " << Acc::width
                << " signed " << Acc::isSigned << ", bias "
                << (C::bias != nullptr) << ", cast "
                << !std::is_void<typename C::OutT>::value << ", relu "
                << C::relu);
  fillDense<C>(gen);
  const std::vector<u64> in = sampleRaw<In>(gen, size_t(rows) * K * kEvents);
  std::vector<u64> want(size_t(rows) * N * kEvents);
  for (int e = 0; e < kEvents; ++e)
    for (int r = 0; r < rows; ++r)
      for (int n = 0; n < N; ++n) {
        i128 sum = C::bias != nullptr ? i128(C::biasStorage[n]) : 0;
        for (int k = 0; k < K; ++k)
          sum += integerOf<In>(in[(e * rows + r) * K + k]) *
                 i128(C::weightStorage[n * C::rowLength + k]);
        want[(e * rows + r) * N + n] = finishReference<C>(wrapInto<Acc>(sum));
      }
  checkEvents(in, rows * K, want, rows * N, fx::dense<C, 1>,
              fx::dense<C, kLanes>);
  // A lane count that is no multiple of the vector width takes the
  // portable loops.
  std::vector<u64> laneIn(size_t(rows) * K * 3), laneOut(size_t(rows) * N * 3);
  for (int t = 0; t < 3; ++t)
    for (int i = 0; i < rows * K; ++i)
      laneIn[i * 3 + t] = in[t * rows * K + i];
  fx::dense<C, 3>(laneIn.data(), laneOut.data());
  for (int t = 0; t < 3; ++t)
    for (int i = 0; i < rows * N; ++i) {
      INFO("three lanes, lane " << t << " element " << i);
      REQUIRE(laneOut[i * 3 + t] == want[t * rows * N + i]);
    }
}

TEST_CASE("fx dense sums exactly and wraps into the accumulator",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(4);
  // The 27-81-2 model at fixed<16, 6>, exact accumulators.
  checkDense<DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<64, 44>, std::int16_t,
                     27, 81, 1, true>>(gen);
  checkDense<DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<38, 18>, std::int16_t,
                     81, 2, 1, true>>(gen);
  // Narrow accumulators that wrap, signed and unsigned.
  checkDense<DenseOf<fixed<16, 6>, fixed<8, 1>, fixed<20, 3>, std::int8_t, 27,
                     13, 1, true>>(gen);
  checkDense<DenseOf<ufixed<12, 4>, ufixed<8, 0>, ufixed<9, -7>, std::int16_t,
                     10, 5, 2, false>>(gen);
  // Widths at the 32-bit limit of the widening multiply: 32-bit signed and
  // 31-bit unsigned take it, a 32-bit unsigned input does not.
  checkDense<DenseOf<fixed<32, 8>, fixed<32, 2>, fixed<64, 10>, std::int32_t, 9,
                     7, 1, true>>(gen);
  checkDense<DenseOf<ufixed<31, 5>, fixed<32, 2>, fixed<64, 8>, std::int32_t, 9,
                     7, 1, true>>(gen);
  checkDense<DenseOf<ufixed<32, 32>, fixed<8, 8>, ufixed<45, 45>, std::int8_t,
                     6, 11, 1, true>>(gen);
  checkDense<DenseOf<fixed<16, 6>, ufixed<32, 0>, fixed<40, -2>, std::int64_t,
                     5, 4, 1, false>>(gen);
  // Wide operands: 64-bit multiplies, wrapping modulo 2^64.
  checkDense<DenseOf<fixed<40, 10>, fixed<24, 4>, fixed<64, 14>, std::int32_t,
                     12, 9, 3, true>>(gen);
  checkDense<DenseOf<fixed<64, 64>, fixed<8, 0>, fixed<64, 56>, std::int8_t, 4,
                     3, 1, true>>(gen);
  checkDense<DenseOf<ufixed<64, 32>, ufixed<16, 16>, ufixed<63, 31>,
                     std::int32_t, 5, 6, 1, false>>(gen);
  // One-bit types and a one-bit accumulator (the parity of the sum).
  checkDense<DenseOf<fixed<1, 1>, ufixed<1, 1>, fixed<3, 3>, std::int8_t, 7, 17,
                     2, false>>(gen);
  checkDense<DenseOf<ufixed<1, 1>, ufixed<1, 1>, ufixed<1, 1>, std::int8_t, 9,
                     3, 1, true>>(gen);
  // 16-bit products summed in 32 bits (int16_t weights in rows of even
  // length, accumulators of at most 32 bits): rows padded after an odd
  // number of features, the extremes (-2^15 * -2^15 twice in one pair is
  // 2^31, which wraps in 32 bits), signed and unsigned accumulators of 32
  // bits and fewer, several rows, a long row.
  STATIC_REQUIRE(fx::detail::denseFitsInt16<
                 DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<32, 12>,
                         std::int16_t, 27, 81, 1, true, 28>>());
  STATIC_REQUIRE(!fx::detail::denseFitsInt16<
                 DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<33, 13>,
                         std::int16_t, 27, 81, 1, true, 28>>());
  STATIC_REQUIRE(!fx::detail::denseFitsInt16<
                 DenseOf<ufixed<16, 6>, fixed<8, 6>, fixed<26, 14>,
                         std::int16_t, 4, 3, 1, true>>());
  checkDense<DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<32, 12>, std::int16_t,
                     27, 81, 1, true, 28>>(gen);
  checkDense<DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<28, 8>, std::int16_t, 81,
                     2, 1, true, 82>>(gen);
  checkDense<DenseOf<ufixed<15, 5>, fixed<16, 4>, ufixed<32, 10>, std::int16_t,
                     16, 9, 3, true>>(gen);
  checkDense<DenseOf<fixed<8, 3>, ufixed<15, 1>, fixed<23, 4>, std::int16_t, 5,
                     33, 2, false, 6>>(gen);
  checkDense<DenseOf<fixed<16, 0>, fixed<16, 0>, fixed<32, 0>, std::int16_t,
                     300, 7, 1, true>>(gen);
}

/// The int16 layer of the jet tagger taking in its cast into Out, with and
/// without the ReLU.
template <class Acc, class Out> void finishBoth(std::mt19937_64 &gen) {
  using Base =
      DenseOf<fixed<16, 6>, fixed<16, 6>, Acc, std::int16_t, 16, 20, 1, true>;
  checkDense<DenseFinishOf<Base, Out, true>>(gen);
  checkDense<DenseFinishOf<Base, Out, false>>(gen);
}

TEST_CASE("fx dense takes in a cast and a ReLU", "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(14);
  // Every mode of the cast after 16-bit products summed in 32 bits: TRN and
  // RND with WRAP and SAT are done in the 32-bit lanes, the others on the
  // 64-bit results.
  forEachMode([&](auto q, auto o) {
    finishBoth<fixed<28, 8>,
               WithModes<fixed<16, 6>, decltype(q)::value, decltype(o)::value>>(
        gen);
  });
  // RND from a 32-bit accumulator (its half would overflow 32 bits), an
  // unsigned result, a result with more fractional bits than the
  // accumulator, narrow ones that wrap and saturate.
  finishBoth<fixed<32, 12>, fixed<10, 4, RND, SAT>>(gen);
  finishBoth<fixed<28, 8>, ufixed<8, 2, RND, SAT>>(gen);
  finishBoth<fixed<28, 8>, ufixed<8, 2, TRN, WRAP>>(gen);
  finishBoth<fixed<22, 2>, fixed<30, 6>>(gen);
  finishBoth<fixed<28, 8>, fixed<3, 1, TRN, SAT>>(gen);
  finishBoth<fixed<28, 8>, fixed<32, 8, RND, WRAP>>(gen);
  // The ReLU alone, on a signed and an unsigned accumulator.
  checkDense<DenseFinishOf<DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<28, 8>,
                                   std::int16_t, 27, 81, 1, true, 28>,
                           void, true>>(gen);
  checkDense<DenseFinishOf<DenseOf<ufixed<15, 5>, fixed<16, 4>, ufixed<31, 9>,
                                   std::int16_t, 16, 9, 3, true>,
                           void, true>>(gen);
  // 64-bit accumulators: the cast on the results of the wide kernels.
  checkDense<DenseFinishOf<DenseOf<fixed<32, 8>, fixed<32, 2>, fixed<64, 10>,
                                   std::int32_t, 9, 7, 1, true>,
                           fixed<16, 6, RND, SAT>, true>>(gen);
  checkDense<DenseFinishOf<DenseOf<fixed<40, 10>, fixed<24, 4>, fixed<64, 14>,
                                   std::int32_t, 12, 9, 3, true>,
                           ufixed<12, 4>, true>>(gen);
#if defined(ARIADNE_DENSE_INT16)
  using Narrow = DenseOf<fixed<16, 6>, fixed<16, 6>, fixed<28, 8>, std::int16_t,
                         16, 20, 1, true>;
  STATIC_REQUIRE(fx::detail::finishesInt32<
                 DenseFinishOf<Narrow, fixed<16, 6, RND, SAT>, true>>());
  STATIC_REQUIRE(!fx::detail::finishesInt32<
                 DenseFinishOf<Narrow, fixed<16, 6, RND_CONV, SAT>, true>>());
  STATIC_REQUIRE(fx::detail::finishesInt32<
                 DenseFinishOf<Narrow, fixed<16, 6, TRN, SAT_SYM>, true>>());
  STATIC_REQUIRE(!fx::detail::finishesInt32<
                 DenseFinishOf<Narrow, ufixed<32, 12, TRN, SAT>, true>>());
#endif
}

/// Two ways through a few layers, `plain(x, y, lanes)` and `fused(x, y,
/// lanes)`, on the events of `in` in tiles of one, three and kLanes events
/// in the lane layout (which take different paths): both must agree.
template <class In, class Plain, class Fused>
void compareInTiles(const std::vector<In> &in, int inSize, int outSize,
                    Plain plain, Fused fused) {
  auto check = [&](auto lanes) {
    constexpr int L = decltype(lanes)::value;
    INFO(L << " lanes");
    std::vector<In> x(size_t(inSize) * L);
    std::vector<u64> want(size_t(outSize) * L), got(want.size());
    for (int e0 = 0; e0 + L <= int(in.size()) / inSize; e0 += L) {
      for (int t = 0; t < L; ++t)
        for (int i = 0; i < inSize; ++i)
          x[i * L + t] = in[(e0 + t) * inSize + i];
      plain(x.data(), want.data(), lanes);
      fused(x.data(), got.data(), lanes);
      requireSame(got, want, outSize * L, "the fused layers");
    }
  };
  check(std::integral_constant<int, 1>{});
  check(std::integral_constant<int, 3>{});
  check(std::integral_constant<int, kLanes>{});
}

/// A table from In to Out with `Entry` entries: random raw values of Out.
template <class In, class Out, std::int64_t Low, int Shift, int Size,
          class Entry>
struct TableBetween : fx::TableConfig {
  using InT = In;
  using OutT = Out;
  static constexpr int tableSize = Size;
  static constexpr std::int64_t inputLow = Low;
  static constexpr int shift = Shift;
  static inline Entry storage[Size];
  static constexpr const Entry *table = storage;
};

/// The table on its own, over `Size` values per event.
template <class T, int Size> struct TableOver : T {
  static constexpr int size = Size;
};

/// The two dense layers around a table, each its neighbour's only reader.
template <class Base, class T> struct WritesTable : Base { using Table = T; };
template <class Base, class T> struct ReadsTable : Base { using InTable = T; };

/// dense<First> then table<T> then dense<Second>, by the plain kernels,
/// against the two layers that pass the table's indices (one event, a tile
/// of kLanes and three lanes, which take different paths).
template <class First, class T, class Second>
void checkTableBetween(std::mt19937_64 &gen) {
  using FusedFirst = WritesTable<First, T>;
  using FusedSecond = ReadsTable<Second, T>;
  constexpr int rows = First::rows, K = First::inFeatures;
  constexpr int M = First::outFeatures, N = Second::outFeatures;
  static_assert(Second::inFeatures == M && Second::rows == rows, "a chain");
  INFO("dense " << K << "->" << M << ", table of " << T::tableSize << ", dense "
                << M << "->" << N << ", rows " << rows);
  fillDense<First>(gen);
  fillDense<Second>(gen);
  const std::vector<u64> entries =
      sampleRaw<typename T::OutT>(gen, T::tableSize);
  for (int i = 0; i < T::tableSize; ++i)
    T::storage[i] = static_cast<
        typename std::remove_reference<decltype(T::storage[0])>::type>(
        static_cast<std::int64_t>(entries[i]));
  const std::vector<u64> in =
      sampleRaw<typename First::InT>(gen, size_t(rows) * K * kEvents);
  auto plain = [](const u64 *x, u64 *y, auto lanes) {
    constexpr int L = decltype(lanes)::value;
    std::vector<u64> middle(size_t(rows) * M * L);
    fx::dense<First, L>(x, middle.data());
    fx::table<TableOver<T, rows * M>, L>(middle.data(), middle.data());
    fx::dense<Second, L>(middle.data(), y);
  };
  auto fused = [](const u64 *x, u64 *y, auto lanes) {
    constexpr int L = decltype(lanes)::value;
    std::vector<u64> middle(size_t(rows) * M * L);
    fx::dense<FusedFirst, L>(x, middle.data());
    fx::dense<FusedSecond, L>(middle.data(), y);
  };
  compareInTiles(in, rows * K, rows * N, plain, fused);
}

TEST_CASE("fx dense layers pass a table between them as its indices",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(15);
  using T16 = fixed<16, 6>;
  // The 27-81-2 model: 16-bit products summed in 32 bits on both sides.
  checkTableBetween<
      DenseOf<T16, T16, fixed<27, 7>, std::int16_t, 27, 81, 1, true, 28>,
      TableBetween<fixed<27, 7>, T16, -4456448, 10, 8704, std::int16_t>,
      DenseOf<T16, T16, fixed<28, 8>, std::int16_t, 81, 2, 1, true, 82>>(gen);
  // After a cast and a ReLU, over rows, a table of int64_t entries with
  // bins of one raw value.
  checkTableBetween<
      DenseFinishOf<
          DenseOf<T16, T16, fixed<28, 8>, std::int16_t, 16, 20, 3, true>,
          fixed<12, 4, RND, SAT>, true>,
      TableBetween<fixed<12, 4, RND, SAT>, T16, -100, 0, 300, std::int64_t>,
      DenseOf<T16, T16, fixed<30, 10>, std::int16_t, 20, 9, 3, false>>(gen);
  // A 32-bit accumulator whose values less the table's low end need 33
  // bits: the indices are computed on the 64-bit results.
  checkTableBetween<
      DenseOf<T16, T16, fixed<32, 12>, std::int16_t, 16, 16, 1, true>,
      TableBetween<fixed<32, 12>, ufixed<8, 2>, -(std::int64_t(1) << 31), 24,
                   200, std::uint8_t>,
      DenseOf<ufixed<8, 2>, T16, fixed<30, 14>, std::int16_t, 16, 5, 1, true>>(
      gen);
  // 64-bit products on both sides, an unsigned table input.
  checkTableBetween<
      DenseFinishOf<DenseOf<fixed<32, 8>, fixed<32, 2>, fixed<64, 10>,
                            std::int32_t, 9, 7, 1, true>,
                    ufixed<40, 10>, false>,
      TableBetween<ufixed<40, 10>, fixed<40, 4>, 12345, 30, 1000, std::int64_t>,
      DenseOf<fixed<40, 4>, fixed<24, 4>, fixed<64, 8>, std::int32_t, 7, 4, 1,
              true>>(gen);
}

/// fx.quantize into Out over `Size` values per event, in rows of `Paired`
/// features written as int16_t pairs (0: as values).
template <class Out, int Size, int Paired>
struct QuantizeInto : fx::QuantizeConfig {
  static constexpr int size = Size;
  using OutT = Out;
  static constexpr int pairedFeatures = Paired;
};

/// A dense layer that reads the pairs of a quantize.
template <class Base> struct ReadsPairs : Base {
  static constexpr bool inPairs = true;
};

/// quantize then dense<Dense> by the plain kernels, against the quantize
/// that writes pairs and the layer that reads them (one event, a tile of
/// kLanes and three lanes), on floats that include huge ones and NaN.
template <class Dense> void checkQuantizedPairs(std::mt19937_64 &gen) {
  using In = typename Dense::InT;
  constexpr int rows = Dense::rows, K = Dense::inFeatures;
  constexpr int N = Dense::outFeatures;
  using Plain = QuantizeInto<In, rows * K, 0>;
  using Paired = QuantizeInto<In, rows * K, K>;
  INFO("quantize into " << In::width << "," << In::iwidth << ", dense " << K
                        << "->" << N << ", rows " << rows);
  fillDense<Dense>(gen);
  const std::vector<float> in =
      sampleFloats(gen, In::fwidth, In::iwidth, size_t(rows) * K * kEvents);
  auto plain = [](const float *x, u64 *y, auto lanes) {
    constexpr int L = decltype(lanes)::value;
    std::vector<u64> middle(size_t(rows) * K * L);
    fx::quantize<Plain, L>(x, middle.data());
    fx::dense<Dense, L>(middle.data(), y);
  };
  auto fused = [](const float *x, u64 *y, auto lanes) {
    constexpr int L = decltype(lanes)::value;
    std::vector<u64> middle(size_t(rows) * K * L);
    fx::quantize<Paired, L>(x, middle.data());
    fx::dense<ReadsPairs<Dense>, L>(middle.data(), y);
  };
  compareInTiles(in, rows * K, rows * N, plain, fused);
}

TEST_CASE("fx quantize writes pairs that a 16-bit dense layer reads",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(16);
  // The 27-81-2 model's first layer (an odd number of features).
  checkQuantizedPairs<DenseOf<fixed<16, 6, RND, SAT>, fixed<16, 6>,
                              fixed<32, 12>, std::int16_t, 27, 9, 1, true, 28>>(
      gen);
  // Unsigned inputs over rows; WRAP.
  checkQuantizedPairs<DenseOf<ufixed<12, 4, RND_CONV, WRAP>, fixed<16, 6>,
                              fixed<31, 13>, std::int16_t, 8, 5, 3, false>>(
      gen);
  // A negative fraction: no float path, every value by bitsFromDouble.
  checkQuantizedPairs<DenseOf<fixed<16, 20, TRN, SAT_SYM>, fixed<8, 2>,
                              fixed<32, 30>, std::int16_t, 5, 4, 2, true, 6>>(
      gen);
}

//===----------------------------------------------------------------------===//
// arith and matmul (two activations)
//===----------------------------------------------------------------------===//

/// Event-major values (`size` per event) in the lane layout of `lanes`
/// events starting at event `first`.
std::vector<u64> toLaneLayout(const std::vector<u64> &events, int size,
                              int first, int lanes) {
  std::vector<u64> out(size_t(size) * lanes);
  for (int t = 0; t < lanes; ++t)
    for (int i = 0; i < size; ++i)
      out[size_t(i) * lanes + t] = events[size_t(first + t) * size + i];
  return out;
}

/// Runs a two-operand kernel one event at a time and on tiles of kLanes
/// events; both must give `want`.
template <class K1, class KL>
void checkTwoOperands(const std::vector<u64> &lhs, int lhsSize,
                      const std::vector<u64> &rhs, int rhsSize,
                      const std::vector<u64> &want, int outSize, K1 one,
                      KL tile) {
  for (int lanes : {1, kLanes}) {
    for (int first = 0; first < kEvents; first += lanes) {
      std::vector<u64> a = toLaneLayout(lhs, lhsSize, first, lanes);
      std::vector<u64> b = toLaneLayout(rhs, rhsSize, first, lanes);
      std::vector<u64> y(size_t(outSize) * lanes);
      if (lanes == 1)
        one(a.data(), b.data(), y.data());
      else
        tile(a.data(), b.data(), y.data());
      for (int t = 0; t < lanes; ++t)
        for (int i = 0; i < outSize; ++i) {
          const u64 w = want[size_t(first + t) * outSize + i];
          if (y[size_t(i) * lanes + t] != w) {
            INFO("lanes " << lanes << " event " << first + t << " element " << i
                          << ": got " << show(y[size_t(i) * lanes + t])
                          << ", want " << show(w));
            REQUIRE(y[size_t(i) * lanes + t] == w);
          }
        }
    }
  }
}

/// [4, 3] op [1, 3] (the right operand broadcast over rows), or [4, 3] op
/// [4, 3].
template <ArithKind Kind, class A, class B, bool Broadcast>
struct ArithOf : fx::ArithConfig {
  static constexpr ArithKind kind = Kind;
  using LhsT = A;
  using RhsT = B;
  static constexpr int rank = 2;
  static constexpr int shape[2] = {4, 3};
  static constexpr int lhsStrides[2] = {3, 1};
  static constexpr int rhsStrides[2] = {Broadcast ? 0 : 3, 1};
};

template <class C> void checkArith(std::mt19937_64 &gen) {
  using A = typename C::LhsT;
  using B = typename C::RhsT;
  constexpr bool broadcast = C::rhsStrides[0] == 0;
  constexpr int rhsSize = broadcast ? 3 : 12;
  constexpr FixedSpec sa = A::spec(), sb = B::spec();
  constexpr FixedSpec out = C::kind == ArithKind::Add   ? sumSpec(sa, sb)
                            : C::kind == ArithKind::Sub ? differenceSpec(sa, sb)
                                                        : productSpec(sa, sb);
  static_assert(isValidSpec(out), "the exact result fits 64 bits");
  INFO("arith " << int(C::kind) << ", " << sa.width << "/" << sa.intWidth
                << " signed " << sa.isSigned << " and " << sb.width << "/"
                << sb.intWidth << " signed " << sb.isSigned << ", broadcast "
                << broadcast);
  const std::vector<u64> a = sampleRaw<A>(gen, size_t(12) * kEvents);
  const std::vector<u64> b = sampleRaw<B>(gen, size_t(rhsSize) * kEvents);
  std::vector<u64> want(size_t(12) * kEvents);
  const int frac = std::max(sa.fracWidth(), sb.fracWidth());
  for (int e = 0; e < kEvents; ++e)
    for (int i = 0; i < 12; ++i) {
      const i128 x = integerOf<A>(a[size_t(e) * 12 + i]);
      const i128 y =
          integerOf<B>(b[size_t(e) * rhsSize + (broadcast ? i % 3 : i)]);
      i128 v;
      if (C::kind == ArithKind::Mul)
        v = x * y;
      else {
        const i128 xa = x * (i128(1) << (frac - sa.fracWidth()));
        const i128 ya = y * (i128(1) << (frac - sb.fracWidth()));
        v = C::kind == ArithKind::Add ? xa + ya : xa - ya;
      }
      // Exact: the value is in the result type's range.
      const i128 lo = out.isSigned ? -(i128(1) << (out.width - 1)) : 0;
      const i128 hi = out.isSigned ? (i128(1) << (out.width - 1)) - 1
                                   : (i128(1) << out.width) - 1;
      REQUIRE(v >= lo);
      REQUIRE(v <= hi);
      want[size_t(e) * 12 + i] = static_cast<u64>(v);
    }
  checkTwoOperands(a, 12, b, rhsSize, want, 12, fx::arith<C, 1>,
                   fx::arith<C, kLanes>);
}

TEST_CASE("fx add, sub and mul are exact in ap_fixed's result types",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(11);
  checkArith<ArithOf<ArithKind::Add, fixed<16, 6>, fixed<16, 6>, false>>(gen);
  checkArith<ArithOf<ArithKind::Add, fixed<16, 6>, ufixed<12, 2>, true>>(gen);
  checkArith<ArithOf<ArithKind::Sub, ufixed<10, 4>, ufixed<20, 2>, false>>(gen);
  checkArith<ArithOf<ArithKind::Mul, fixed<16, 6>, fixed<8, 1>, true>>(gen);
  checkArith<ArithOf<ArithKind::Mul, ufixed<8, 8>, ufixed<8, 0>, false>>(gen);
  // At the 64-bit limit: a 63-bit operand beside one with finer bits, the
  // 32-bit limit of the narrow multiply, and a 64-bit product.
  checkArith<ArithOf<ArithKind::Sub, fixed<63, 33>, fixed<40, 10>, true>>(gen);
  checkArith<ArithOf<ArithKind::Add, ufixed<62, 2>, ufixed<1, 1>, false>>(gen);
  checkArith<ArithOf<ArithKind::Mul, fixed<16, 6>, ufixed<16, 0>, false>>(gen);
  checkArith<ArithOf<ArithKind::Mul, fixed<32, 8>, ufixed<32, 4>, true>>(gen);
  checkArith<ArithOf<ArithKind::Mul, fixed<1, 1>, fixed<1, 1>, false>>(gen);
}

/// Two [2, 3] x [3, 4] products per event; the right operand shared by
/// both (broadcast) or one each.
template <class A, class B, class Acc, bool SharedRhs>
struct MatMulOf : fx::MatMulConfig {
  static constexpr int m = 2, k = 3, n = 4;
  static constexpr int batchRank = 1;
  static constexpr int batchShape[1] = {2};
  static constexpr int lhsBatchStrides[1] = {m * k};
  static constexpr int rhsBatchStrides[1] = {SharedRhs ? 0 : k * n};
  using LhsT = A;
  using RhsT = B;
  using AccT = Acc;
};

template <class C> void checkMatMul(std::mt19937_64 &gen) {
  using A = typename C::LhsT;
  using B = typename C::RhsT;
  using Acc = typename C::AccT;
  constexpr int m = C::m, k = C::k, n = C::n;
  constexpr bool shared = C::rhsBatchStrides[0] == 0;
  constexpr int lhsSize = 2 * m * k, rhsSize = (shared ? 1 : 2) * k * n;
  constexpr int outSize = 2 * m * n;
  INFO("matmul into " << Acc::width << "/" << Acc::spec().intWidth << " signed "
                      << Acc::isSigned << ", shared right operand " << shared);
  const std::vector<u64> a = sampleRaw<A>(gen, size_t(lhsSize) * kEvents);
  const std::vector<u64> b = sampleRaw<B>(gen, size_t(rhsSize) * kEvents);
  std::vector<u64> want(size_t(outSize) * kEvents);
  for (int e = 0; e < kEvents; ++e)
    for (int batch = 0; batch < 2; ++batch)
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
          i128 sum = 0;
          for (int kk = 0; kk < k; ++kk)
            sum += integerOf<A>(
                       a[size_t(e) * lhsSize + (batch * m + i) * k + kk]) *
                   integerOf<B>(b[size_t(e) * rhsSize +
                                  (shared ? 0 : batch * k * n) + kk * n + j]);
          want[size_t(e) * outSize + (batch * m + i) * n + j] =
              wrapInto<Acc>(sum);
        }
  checkTwoOperands(a, lhsSize, b, rhsSize, want, outSize, fx::matmul<C, 1>,
                   fx::matmul<C, kLanes>);
}

TEST_CASE("fx matmul sums exactly and wraps into the accumulator",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(12);
  // The exact accumulator of fixed<16, 6> x fixed<12, 2> over K = 3, and
  // narrower ones that wrap, signed and unsigned.
  checkMatMul<MatMulOf<fixed<16, 6>, fixed<12, 2>, fixed<29, 9>, false>>(gen);
  checkMatMul<MatMulOf<fixed<16, 6>, fixed<12, 2>, fixed<24, 4>, true>>(gen);
  checkMatMul<MatMulOf<ufixed<10, 2>, ufixed<6, 6>, ufixed<9, 1>, false>>(gen);
  // 64-bit products wrapping modulo 2^64.
  checkMatMul<MatMulOf<fixed<40, 10>, ufixed<24, 4>, fixed<64, 14>, true>>(gen);
}

//===----------------------------------------------------------------------===//
// table
//===----------------------------------------------------------------------===//

/// The table index of FXOps.td, exactly: clamp(floor((x - low) / 2^shift),
/// 0, size - 1).
i128 tableIndex(i128 x, i128 low, int shift, i128 size) {
  const i128 bin = floorShift(x - low, shift);
  return bin < 0 ? 0 : (bin > size - 1 ? size - 1 : bin);
}

template <class T>
void checkBinIndex(std::mt19937_64 &gen, std::uint64_t &cases) {
  const std::vector<u64> xs = sampleRaw<T>(gen, 200);
  const std::vector<u64> lows = sampleRaw<T>(gen, 40);
  for (u64 low : lows)
    for (int shift : {0, 1, 7, 31, 32, 62, 63, int(gen() % 64)})
      for (int size : {1, 2, 5, 1024, std::numeric_limits<int>::max()}) {
        for (u64 x : xs) {
          const i128 want =
              tableIndex(integerOf<T>(x), integerOf<T>(low), shift, size);
          const int got =
              ariadne::tableIndex(x, low, T::isSigned, shift, size - 1);
          if (i128(got) != want) {
            INFO("width " << T::width << " signed " << T::isSigned << " x "
                          << str(integerOf<T>(x)) << " low "
                          << str(integerOf<T>(low)) << " shift " << shift
                          << " size " << size);
            REQUIRE(i128(got) == want);
          }
          ++cases;
        }
      }
}

TEST_CASE("the table index is exact for every input width",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(5);
  std::uint64_t cases = 0;
  checkBinIndex<fixed<1, 1>>(gen, cases);
  checkBinIndex<ufixed<1, 1>>(gen, cases);
  checkBinIndex<fixed<16, 6>>(gen, cases);
  checkBinIndex<ufixed<16, 6>>(gen, cases);
  checkBinIndex<fixed<32, 6>>(gen, cases);
  checkBinIndex<ufixed<33, 6>>(gen, cases);
  checkBinIndex<fixed<62, 6>>(gen, cases);
  checkBinIndex<fixed<63, 6>>(gen, cases);
  checkBinIndex<ufixed<63, 6>>(gen, cases);
  checkBinIndex<fixed<64, 6>>(gen, cases);
  checkBinIndex<ufixed<64, 6>>(gen, cases);
  CHECK(cases == 11ull * 200 * 40 * 8 * 5);
}

template <class In, class Out, std::int64_t Low, int Shift, int Size>
struct TableOf : fx::TableConfig {
  static constexpr int size = 9;
  using InT = In;
  using OutT = Out;
  static constexpr int tableSize = Size;
  static constexpr std::int64_t inputLow = Low;
  static constexpr int shift = Shift;
  static inline std::int64_t storage[Size];
  static constexpr const std::int64_t *table = storage;
};

template <class C> void checkTable(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Out = typename C::OutT;
  INFO("table over " << In::width << " signed " << In::isSigned << ", low "
                     << C::inputLow << ", shift " << C::shift << ", size "
                     << C::tableSize);
  const std::vector<u64> entries = sampleRaw<Out>(gen, C::tableSize);
  for (int i = 0; i < C::tableSize; ++i)
    C::storage[i] = static_cast<std::int64_t>(entries[i]);
  const std::vector<u64> in = sampleRaw<In>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  const u64 lowBits = static_cast<u64>(C::inputLow);
  for (size_t i = 0; i < in.size(); ++i) {
    const i128 index = tableIndex(integerOf<In>(in[i]), integerOf<In>(lowBits),
                                  C::shift, C::tableSize);
    want[i] = entries[static_cast<size_t>(index)];
  }
  checkEvents(in, C::size, want, C::size, fx::table<C, 1>, fx::table<C, kLanes>,
              true);
}

TEST_CASE("fx table looks up the bin of each value",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(6);
  checkTable<TableOf<fixed<16, 6>, fixed<8, 1>, -512, 8, 5>>(gen);
  checkTable<TableOf<fixed<16, 6>, ufixed<16, 0>, -32768, 6, 1024>>(gen);
  checkTable<TableOf<ufixed<12, 2>, fixed<10, 3>, 100, 0, 37>>(gen);
  checkTable<TableOf<fixed<1, 1>, fixed<1, 1>, -1, 0, 2>>(gen);
  checkTable<TableOf<fixed<8, 8>, ufixed<4, 4>, 127, 3, 3>>(gen);
  checkTable<
      TableOf<fixed<40, 10>, fixed<18, 2>, -(std::int64_t(1) << 38), 31, 300>>(
      gen);
  checkTable<TableOf<fixed<64, 10>, fixed<64, 3>,
                     std::numeric_limits<std::int64_t>::min(), 63, 3>>(gen);
  checkTable<TableOf<fixed<64, 10>, fixed<16, 3>, 12345, 40, 1000>>(gen);
  // A 64-bit unsigned low value from 2^63 up is a negative i64 attribute.
  checkTable<TableOf<ufixed<64, 64>, ufixed<64, 1>,
                     std::numeric_limits<std::int64_t>::min() + 5, 60, 17>>(
      gen);
  checkTable<TableOf<ufixed<64, 64>, fixed<8, 1>, 0, 63, 2>>(gen);
  checkTable<TableOf<fixed<32, 6>, fixed<8, 1>, 0, 0, 1>>(gen);
}

//===----------------------------------------------------------------------===//
// relu and clamp
//===----------------------------------------------------------------------===//

template <class In> struct ReluOf : fx::ReluConfig {
  static constexpr int size = 10;
  using InT = In;
};

template <class T> void checkRelu(std::mt19937_64 &gen) {
  using C = ReluOf<T>;
  INFO("relu of " << T::width << " signed " << T::isSigned);
  const std::vector<u64> in = sampleRaw<T>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const i128 m = integerOf<T>(in[i]);
    want[i] = bitsOf<T>(m < 0 ? 0 : m);
  }
  checkEvents(in, C::size, want, C::size, fx::relu<C, 1>, fx::relu<C, kLanes>,
              true);
}

TEST_CASE("fx relu keeps the non-negative values", "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(7);
  checkRelu<fixed<16, 6>>(gen);
  checkRelu<fixed<1, 1>>(gen);
  checkRelu<fixed<8, -3>>(gen);
  checkRelu<fixed<32, 32>>(gen);
  checkRelu<fixed<62, 2>>(gen);
  checkRelu<fixed<64, 2>>(gen);
  checkRelu<ufixed<1, 1>>(gen);
  checkRelu<ufixed<16, 6>>(gen);
  checkRelu<ufixed<64, 64>>(gen);
}

template <class In, std::int64_t Low, std::int64_t High>
struct ClampOf : fx::ClampConfig {
  static constexpr int size = 8;
  using InT = In;
  static constexpr std::int64_t low = Low;
  static constexpr std::int64_t high = High;
};

template <class C> void checkClamp(std::mt19937_64 &gen) {
  using T = typename C::InT;
  const i128 low = integerOf<T>(static_cast<u64>(C::low));
  const i128 high = integerOf<T>(static_cast<u64>(C::high));
  INFO("clamp of " << T::width << " signed " << T::isSigned << " to ["
                   << str(low) << ", " << str(high) << "]");
  REQUIRE(low <= high);
  const std::vector<u64> in = sampleRaw<T>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const i128 m = integerOf<T>(in[i]);
    want[i] = bitsOf<T>(m < low ? low : (m > high ? high : m));
  }
  checkEvents(in, C::size, want, C::size, fx::clamp<C, 1>, fx::clamp<C, kLanes>,
              true);
}

TEST_CASE("fx clamp bounds the values", "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(8);
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  checkClamp<ClampOf<fixed<16, 6>, -1024, 1024>>(gen);
  checkClamp<ClampOf<fixed<16, 6>, 0, 6144>>(gen);
  checkClamp<ClampOf<fixed<16, 6>, -5, -5>>(gen);
  checkClamp<ClampOf<fixed<1, 1>, -1, 0>>(gen);
  checkClamp<ClampOf<ufixed<10, 2>, 3, 1000>>(gen);
  checkClamp<ClampOf<fixed<64, 3>, kMin + 1, kMax - 3>>(gen);
  // Bounds of a 64-bit unsigned type from 2^63 up: negative attributes.
  checkClamp<ClampOf<ufixed<64, 64>, 5, kMin + 7>>(gen);
  checkClamp<ClampOf<ufixed<64, 64>, kMin, -1>>(gen);
}

//===----------------------------------------------------------------------===//
// leaky_relu
//===----------------------------------------------------------------------===//

template <class In, class Alpha, std::int64_t A, class Out>
struct LeakyOf : fx::LeakyReluConfig {
  static constexpr int size = 7;
  using InT = In;
  using AlphaT = Alpha;
  using OutT = Out;
  static constexpr std::int64_t alpha = A;
};

template <class C> void checkLeaky(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Alpha = typename C::AlphaT;
  using Out = typename C::OutT;
  INFO("leaky_relu " << In::width << "," << In::iwidth << " alpha " << C::alpha
                     << " of " << Alpha::width << "," << Alpha::iwidth << " -> "
                     << Out::width << "," << Out::iwidth << " Q "
                     << int(Out::qmode) << " O " << int(Out::omode));
  const std::vector<u64> in = sampleRaw<In>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  const int fracIn = In::fwidth, fracAlpha = Alpha::fwidth;
  const i128 alpha = integerOf<Alpha>(static_cast<u64>(C::alpha));
  for (size_t i = 0; i < in.size(); ++i) {
    const i128 x = integerOf<In>(in[i]);
    // v with F = frac(input) + frac(alpha) fractional bits; for a negative
    // frac(alpha) x * 2^frac(alpha) is no integer, and v is x itself with
    // frac(input) fractional bits, the same value.
    i128 v = 0;
    int frac = fracIn + fracAlpha;
    if (x < 0) {
      v = x * alpha;
    } else if (fracAlpha >= 0) {
      v = x * (i128(1) << fracAlpha);
    } else {
      v = x;
      frac = fracIn;
    }
    REQUIRE(v >= std::numeric_limits<std::int64_t>::min());
    REQUIRE(v <= std::numeric_limits<std::int64_t>::max());
    want[i] = castBits(static_cast<u64>(v), FixedSpec{64, 64 - frac, true},
                       Out::spec());
  }
  checkEvents(in, C::size, want, C::size, fx::leakyRelu<C, 1>,
              fx::leakyRelu<C, kLanes>, true);
}

template <class In, class Alpha, std::int64_t A, class Out>
void leakyEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkLeaky<LeakyOf<In, Alpha, A,
                       WithModes<Out, decltype(q)::value, decltype(o)::value>>>(
        gen);
  });
}

TEST_CASE("fx leaky_relu scales the negative values and casts once",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(9);
  leakyEveryMode<fixed<16, 6>, fixed<8, 1>, 13, fixed<16, 6>>(gen);
  checkLeaky<
      LeakyOf<fixed<16, 6>, fixed<8, 1>, -128, fixed<12, 8, RND_MIN_INF, SAT>>>(
      gen);
  checkLeaky<LeakyOf<fixed<12, 3>, ufixed<8, 0>, 255,
                     ufixed<10, 4, RND_CONV, SAT_ZERO>>>(gen);
  checkLeaky<LeakyOf<fixed<16, 6>, fixed<8, 1>, 0, fixed<16, 6>>>(gen);
  checkLeaky<LeakyOf<fixed<16, 6>, fixed<8, 1>, 127, fixed<16, 6, RND>>>(gen);
  // A negative frac(alpha), and one beyond alpha's width.
  checkLeaky<LeakyOf<fixed<16, 6>, fixed<8, 10>, 3, fixed<20, 12, RND, SAT>>>(
      gen);
  checkLeaky<LeakyOf<fixed<16, 6>, fixed<8, -4>, -77,
                     fixed<24, 6, RND_CONV, SAT_SYM>>>(gen);
  checkLeaky<LeakyOf<ufixed<16, 6>, fixed<8, 1>, -100, fixed<16, 6, RND, SAT>>>(
      gen);
  // Widths adding up to 63.
  checkLeaky<LeakyOf<fixed<40, 20>, ufixed<23, 0>, (1 << 23) - 1,
                     fixed<24, 8, RND_INF, SAT_ZERO>>>(gen);
  checkLeaky<
      LeakyOf<fixed<55, 5>, fixed<8, 0>, -128, fixed<64, 10, RND_ZERO, WRAP>>>(
      gen);
  checkLeaky<LeakyOf<fixed<1, 1>, fixed<1, 1>, -1, fixed<2, 2, RND, SAT>>>(gen);
}

//===----------------------------------------------------------------------===//
// scale
//===----------------------------------------------------------------------===//

template <class In, class Scale, class Offset, class Out, int Channels,
          int Size, bool HasOffset>
struct ScaleOf : fx::ScaleConfig {
  static constexpr int size = Size;
  static constexpr int channels = Channels;
  using InT = In;
  using ScaleT = Scale;
  using OffsetT = Offset;
  using OutT = Out;
  static inline std::int64_t scaleStorage[Channels];
  static inline std::int64_t offsetStorage[Channels];
  static constexpr const std::int64_t *scale = scaleStorage;
  static constexpr const std::int64_t *offset =
      HasOffset ? offsetStorage : nullptr;
};

template <class C> void checkScale(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Scale = typename C::ScaleT;
  using Offset = typename C::OffsetT;
  using Out = typename C::OutT;
  constexpr bool hasOffset = C::offset != nullptr;
  INFO("scale " << In::width << "," << In::iwidth << " by " << Scale::width
                << "," << Scale::iwidth << " offset " << hasOffset << " "
                << Offset::width << "," << Offset::iwidth << " -> "
                << Out::width << "," << Out::iwidth << " Q " << int(Out::qmode)
                << " O " << int(Out::omode));
  const std::vector<u64> scales = sampleRaw<Scale>(gen, C::channels);
  const std::vector<u64> offsets = sampleRaw<Offset>(gen, C::channels);
  for (int c = 0; c < C::channels; ++c) {
    C::scaleStorage[c] = static_cast<std::int64_t>(scales[c]);
    C::offsetStorage[c] = static_cast<std::int64_t>(offsets[c]);
  }
  const std::vector<u64> in = sampleRaw<In>(gen, size_t(C::size) * kEvents);
  std::vector<u64> want(in.size());
  const int frac = In::fwidth + Scale::fwidth;
  for (size_t i = 0; i < in.size(); ++i) {
    const int c = static_cast<int>(i % C::size) % C::channels;
    i128 v = integerOf<In>(in[i]) * integerOf<Scale>(scales[c]);
    if (hasOffset)
      v += integerOf<Offset>(offsets[c]) * (i128(1) << (frac - Offset::fwidth));
    REQUIRE(v >= std::numeric_limits<std::int64_t>::min());
    REQUIRE(v <= std::numeric_limits<std::int64_t>::max());
    want[i] = castBits(static_cast<u64>(v), FixedSpec{64, 64 - frac, true},
                       Out::spec());
  }
  checkEvents(in, C::size, want, C::size, fx::scale<C, 1>, fx::scale<C, kLanes>,
              true);
}

template <class In, class Scale, class Offset, class Out>
void scaleEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkScale<ScaleOf<In, Scale, Offset,
                       WithModes<Out, decltype(q)::value, decltype(o)::value>,
                       4, 12, true>>(gen);
  });
}

TEST_CASE("fx scale applies per-channel factors and offsets",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(10);
  scaleEveryMode<fixed<16, 6>, fixed<8, 0>, fixed<8, 1>, fixed<16, 6>>(gen);
  checkScale<ScaleOf<ufixed<10, 4>, fixed<6, 2>, ufixed<9, 9>,
                     ufixed<8, 5, RND_ZERO, SAT_SYM>, 4, 12, true>>(gen);
  // No offset; one channel broadcast over the event.
  checkScale<ScaleOf<ufixed<20, 4>, ufixed<10, 2>, fixed<8, 1>,
                     ufixed<12, 6, RND, SAT>, 1, 7, false>>(gen);
  // Wide operands, an offset far left of the grid and one with negative
  // fractional bits.
  checkScale<ScaleOf<fixed<32, 8>, fixed<30, 2>, fixed<16, 4>,
                     fixed<40, 12, RND_INF, WRAP>, 3, 6, true>>(gen);
  checkScale<ScaleOf<fixed<24, 8>, fixed<12, 2>, fixed<8, 12>,
                     fixed<20, 10, RND_CONV, SAT_SYM>, 5, 10, true>>(gen);
  checkScale<ScaleOf<fixed<1, 1>, fixed<1, 1>, fixed<1, 2>,
                     fixed<3, 2, RND, SAT>, 2, 4, true>>(gen);
}

//===----------------------------------------------------------------------===//
// softmax
//===----------------------------------------------------------------------===//

template <class In, class Exp, class Inv, class Out, int Rows, int Length,
          int ExpSize, int ExpShift, int InvSize, std::int64_t InvLow,
          int InvShift>
struct SoftmaxOf : fx::SoftmaxConfig {
  static constexpr int rows = Rows;
  static constexpr int length = Length;
  using InT = In;
  using ExpT = Exp;
  using InvT = Inv;
  using OutT = Out;
  static inline std::int64_t expStorage[ExpSize];
  static inline std::int64_t invStorage[InvSize];
  static constexpr const std::int64_t *expTable = expStorage;
  static constexpr int expSize = ExpSize;
  static constexpr int expShift = ExpShift;
  static constexpr const std::int64_t *invTable = invStorage;
  static constexpr int invSize = InvSize;
  static constexpr std::int64_t invLow = InvLow;
  static constexpr int invShift = InvShift;
};

template <class C> void checkSoftmax(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Exp = typename C::ExpT;
  using Inv = typename C::InvT;
  using Out = typename C::OutT;
  constexpr int rows = C::rows, length = C::length;
  INFO("softmax " << rows << "x" << length << " of " << In::width << " signed "
                  << In::isSigned << ", exp " << Exp::width << " inv "
                  << Inv::width << " signed " << Inv::isSigned << " -> "
                  << Out::width << "," << Out::iwidth << " Q "
                  << int(Out::qmode) << " O " << int(Out::omode));
  // Random table entries (the kernel only indexes them), extremes
  // included.
  const std::vector<u64> exps = sampleRaw<Exp>(gen, C::expSize);
  const std::vector<u64> invs = sampleRaw<Inv>(gen, C::invSize);
  for (int i = 0; i < C::expSize; ++i)
    C::expStorage[i] = static_cast<std::int64_t>(exps[i]);
  for (int i = 0; i < C::invSize; ++i)
    C::invStorage[i] = static_cast<std::int64_t>(invs[i]);
  std::vector<u64> in = sampleRaw<In>(gen, size_t(rows) * length * kEvents);
  // Some rows of equal values, and rows whose values are close to their
  // maximum, so that small differences and exact zeros occur too.
  for (int e = 0; e < kEvents; e += 5)
    for (int j = 0; j < length; ++j)
      in[e * rows * length + j] = in[e * rows * length];
  const i128 invLow = C::invLow;
  std::vector<u64> want(in.size());
  const FixedSpec product = productSpec(Exp::spec(), Inv::spec());
  for (int e = 0; e < kEvents; ++e)
    for (int r = 0; r < rows; ++r) {
      const int base = (e * rows + r) * length;
      i128 m = integerOf<In>(in[base]);
      for (int j = 1; j < length; ++j)
        if (integerOf<In>(in[base + j]) > m)
          m = integerOf<In>(in[base + j]);
      std::vector<i128> ej(length);
      i128 s = 0;
      for (int j = 0; j < length; ++j) {
        const i128 index =
            floorShift(m - integerOf<In>(in[base + j]), C::expShift);
        ej[j] = integerOf<Exp>(exps[static_cast<size_t>(
            index < C::expSize - 1 ? index : C::expSize - 1)]);
        s += ej[j];
      }
      const i128 r2 = integerOf<Inv>(invs[static_cast<size_t>(
          tableIndex(s, invLow, C::invShift, C::invSize))]);
      for (int j = 0; j < length; ++j) {
        const i128 y = ej[j] * r2;
        REQUIRE(y >= std::numeric_limits<std::int64_t>::min());
        REQUIRE(y <= std::numeric_limits<std::int64_t>::max());
        want[base + j] = castBits(static_cast<u64>(y), product, Out::spec());
      }
    }
  checkEvents(in, rows * length, want, rows * length, fx::softmax<C, 1>,
              fx::softmax<C, kLanes>, true);
}

template <class In, class Out> void softmaxEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkSoftmax<
        SoftmaxOf<In, ufixed<18, 1>, ufixed<18, 1>,
                  WithModes<Out, decltype(q)::value, decltype(o)::value>, 2, 5,
                  1024, 0, 64, 0, 12>>(gen);
  });
}

TEST_CASE("fx softmax follows the exp and reciprocal tables",
          "[runtime][fixed-kernels]") {
  std::mt19937_64 gen(11);
  softmaxEveryMode<fixed<16, 6>, ufixed<16, 1>>(gen);
  checkSoftmax<
      SoftmaxOf<ufixed<8, 3>, ufixed<18, 1>, ufixed<18, 1>,
                fixed<10, 2, RND_INF, SAT_ZERO>, 2, 5, 1024, 0, 64, 0, 12>>(
      gen);
  // Signed reciprocals, an inv_low above and below zero, shifts that clamp.
  checkSoftmax<SoftmaxOf<fixed<16, 6>, ufixed<18, 1>, fixed<20, 4>,
                         fixed<16, 2, RND, SAT>, 1, 10, 300, 2, 50, 1000, 9>>(
      gen);
  checkSoftmax<
      SoftmaxOf<fixed<16, 6>, ufixed<12, 0>, ufixed<12, 1>,
                ufixed<8, 1, RND_CONV, SAT>, 3, 4, 17, 0, 7, -5000, 0>>(gen);
  // The widest inputs, and exp and inv widths adding up to 63 with a sum
  // of 40 exps reaching 62 bits.
  checkSoftmax<SoftmaxOf<fixed<62, 30>, ufixed<56, 8>, ufixed<7, 0>,
                         ufixed<32, 8, RND_INF, SAT_SYM>, 1, 40, 200, 55, 100,
                         12345, 55>>(gen);
  checkSoftmax<SoftmaxOf<ufixed<62, 0>, ufixed<30, 1>, fixed<33, 1>,
                         fixed<64, 4, TRN_ZERO, WRAP>, 2, 3, 64, 61, 5, 0, 63>>(
      gen);
  // One value per row: always the first exp entry.
  checkSoftmax<SoftmaxOf<fixed<1, 1>, ufixed<8, 1>, ufixed<8, 1>,
                         ufixed<8, 1, RND, SAT>, 4, 1, 3, 0, 3, 0, 7>>(gen);
}

//===----------------------------------------------------------------------===//
// The vector kernels at the build machine's width
//===----------------------------------------------------------------------===//

/// Dense layers and quantization compiled with the target flags under
/// test, checked against exact references computed in the program.
const char *const kVectorCheck = R"(
#include "ariadne/fixed_kernels.h"
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <type_traits>

namespace fx = ariadne::fx;
using i128 = __int128;
constexpr int kLanes = ariadne::simd::kBatchLanes;

template <class In, class W, class Acc, class Raw, int K, int N, bool Bias,
          int Stride = 0>
struct Dense : fx::DenseConfig {
  static constexpr int inFeatures = K, outFeatures = N;
  using InT = In; using WeightT = W; using AccT = Acc; using WeightRaw = Raw;
  static constexpr int weightStride = Stride, row = Stride > 0 ? Stride : K;
  static inline Raw w[N * row];
  static inline std::int64_t b[N];
  static constexpr const Raw *weights = w;
  static constexpr const std::int64_t *bias = Bias ? b : nullptr;
};

template <class Base, class Out, bool Relu> struct Finish : Base {
  using OutT = Out;
  static constexpr bool relu = Relu;
};

template <class T> i128 value(std::uint64_t bits) {
  return T::isSigned ? i128(std::int64_t(bits)) : i128(bits);
}

/// The cast and ReLU a dense layer takes in, as fx.cast and fx.relu do.
template <class C> std::uint64_t finish(std::uint64_t acc) {
  bool isSigned = C::AccT::isSigned;
  if constexpr (!std::is_void<typename C::OutT>::value) {
    acc = ariadne::castBits(acc, C::AccT::spec(), C::OutT::spec());
    isSigned = C::OutT::isSigned;
  }
  return C::relu && isSigned && std::int64_t(acc) < 0 ? 0 : acc;
}

template <class T> std::uint64_t raw(std::mt19937_64 &gen, int i) {
  constexpr int w = T::width;
  const i128 lo = T::isSigned ? -(i128(1) << (w - 1)) : 0;
  const i128 hi = T::isSigned ? (i128(1) << (w - 1)) - 1 : (i128(1) << w) - 1;
  if (i % 7 == 0) return std::uint64_t(lo);
  if (i % 7 == 1) return std::uint64_t(hi);
  return std::uint64_t(lo + i128(gen()) % (hi - lo + 1));
}

template <class C> bool dense(unsigned seed) {
  using In = typename C::InT; using Acc = typename C::AccT;
  constexpr int K = C::inFeatures, N = C::outFeatures;
  std::mt19937_64 gen(seed);
  for (int i = 0; i < N * K; ++i)
    C::w[i / K * C::row + i % K] = typename C::WeightRaw(
        value<typename C::WeightT>(raw<typename C::WeightT>(gen, i)));
  for (int n = 0; n < N; ++n) C::b[n] = std::int64_t(gen());
  static std::uint64_t x[K * kLanes], y[N * kLanes];
  for (int i = 0; i < K * kLanes; ++i) x[i] = raw<In>(gen, i);
  fx::dense<C, kLanes>(x, y);
  for (int n = 0; n < N; ++n)
    for (int t = 0; t < kLanes; ++t) {
      i128 sum = C::bias != nullptr ? i128(C::b[n]) : 0;
      for (int k = 0; k < K; ++k)
        sum += value<In>(x[k * kLanes + t]) * i128(C::w[n * C::row + k]);
      // The low W bits, extended.
      const int u = 64 - Acc::width;
      std::uint64_t want = std::uint64_t(sum) << u;
      want = Acc::isSigned ? std::uint64_t(std::int64_t(want) >> u) : want >> u;
      want = finish<C>(want);
      if (y[n * kLanes + t] != want) {
        std::printf("dense %d->%d: output %d lane %d differs\n", K, N, n, t);
        return false;
      }
    }
  return true;
}

template <class In, class Entry, int Size, long long Low, int Shift>
struct Table : fx::TableConfig {
  static constexpr int size = 16;
  using InT = In;
  static constexpr int tableSize = Size, shift = Shift;
  static constexpr std::int64_t inputLow = Low;
  static inline Entry t[Size];
  static constexpr const Entry *table = t;
};

template <class C> bool table(unsigned seed) {
  using In = typename C::InT;
  using Entry = typename std::remove_cv<
      typename std::remove_pointer<decltype(C::table)>::type>::type;
  std::mt19937_64 gen(seed);
  for (int i = 0; i < C::tableSize; ++i)
    C::t[i] = i % 5 == 0 ? std::numeric_limits<Entry>::min()
            : i % 5 == 1 ? std::numeric_limits<Entry>::max()
            : Entry(gen());
  static std::uint64_t x[16 * kLanes], y[16 * kLanes];
  for (int i = 0; i < 16 * kLanes; ++i)
    x[i] = i % 3 == 0 ? raw<In>(gen, i)
           // Near the table: below it, in its first and last bins, above.
           : std::uint64_t(C::inputLow + (std::int64_t(gen() % (C::tableSize + 4)) - 2) *
                                             (std::int64_t(1) << C::shift) +
                           std::int64_t(gen() % 3) - 1);
  for (int i = 0; i < 16 * kLanes; ++i)
    if (!In::isSigned) x[i] = (x[i] << (64 - In::width)) >> (64 - In::width);
    else x[i] = std::uint64_t(std::int64_t(x[i] << (64 - In::width)) >> (64 - In::width));
  fx::table<C, kLanes>(x, y);
  for (int i = 0; i < 16 * kLanes; ++i) {
    const int index = ariadne::tableIndex(x[i], std::uint64_t(C::inputLow),
                                          In::isSigned, C::shift, C::tableSize - 1);
    if (y[i] != std::uint64_t(std::int64_t(C::t[index]))) {
      std::printf("table of %d: element %d (index %d) differs\n", C::tableSize, i, index);
      return false;
    }
  }
  return true;
}

template <class T> struct Quantize : fx::QuantizeConfig {
  static constexpr int size = 64;
  using OutT = T;
};

template <class T> bool quantize(unsigned seed) {
  using C = Quantize<T>;
  std::mt19937_64 gen(seed);
  static float x[64 * kLanes];
  static std::uint64_t y[64 * kLanes];
  std::uniform_int_distribution<int> m(-3000, 3000);
  for (int i = 0; i < 64 * kLanes; ++i)
    x[i] = i % 5 == 0 ? std::ldexp(float(m(gen)) + 0.5f, -T::fwidth)
         : i % 5 == 1 ? std::ldexp(float(m(gen)), 50 - T::fwidth)
         : i == 2 ? std::numeric_limits<float>::infinity()
         : i == 3 ? std::numeric_limits<float>::quiet_NaN()
         : std::ldexp(float(m(gen)) / 1000.0f, int(gen() % 12));
  fx::quantize<C, kLanes>(x, y);
  for (int i = 0; i < 64 * kLanes; ++i)
    if (y[i] != ariadne::bitsFromDouble(double(x[i]), T::spec())) {
      std::printf("quantize: element %d (%a) differs\n", i, double(x[i]));
      return false;
    }
  return true;
}

using T16 = ariadne::fixed<16, 6>;
int main() {
  using namespace ariadne;
  bool ok =
      dense<Dense<T16, T16, fixed<37, 17>, std::int16_t, 27, 81, true>>(1) &&
      dense<Dense<T16, T16, fixed<38, 18>, std::int16_t, 81, 2, true>>(2) &&
      dense<Dense<T16, fixed<8, 1>, fixed<20, 3>, std::int8_t, 27, 13, false>>(3) &&
      dense<Dense<ufixed<31, 5>, fixed<32, 2>, fixed<64, 8>, std::int32_t, 9, 7, true>>(4) &&
      dense<Dense<ufixed<32, 32>, fixed<8, 8>, ufixed<45, 45>, std::int8_t, 6, 11, true>>(5) &&
      dense<Dense<fixed<40, 10>, fixed<24, 4>, fixed<64, 14>, std::int32_t, 12, 9, true>>(6) &&
      // 16-bit dot products: padded rows, 32-bit unsigned sums, long rows.
      dense<Dense<T16, T16, fixed<32, 12>, std::int16_t, 27, 81, true, 28>>(14) &&
      dense<Dense<ufixed<15, 5>, fixed<16, 4>, ufixed<32, 10>, std::int16_t, 16, 9, true>>(15) &&
      dense<Dense<fixed<16, 0>, fixed<16, 0>, fixed<32, 0>, std::int16_t, 300, 7, true>>(16) &&
      dense<Dense<fixed<8, 3>, ufixed<15, 1>, fixed<23, 4>, std::int16_t, 5, 33, false, 6>>(17) &&
      // The cast and ReLU taken in: in the 32-bit lanes (TRN or RND, WRAP
      // or SAT), on the 64-bit results (other modes, wide sums).
      dense<Finish<Dense<T16, T16, fixed<28, 8>, std::int16_t, 16, 64, true>, T16, true>>(23) &&
      dense<Finish<Dense<T16, T16, fixed<28, 8>, std::int16_t, 16, 64, true>,
                   fixed<10, 4, RND, SAT>, true>>(24) &&
      dense<Finish<Dense<T16, T16, fixed<28, 8>, std::int16_t, 16, 64, true>,
                   ufixed<8, 2, RND_CONV, SAT_SYM>, false>>(25) &&
      dense<Finish<Dense<T16, T16, fixed<22, 2>, std::int16_t, 16, 64, true>,
                   fixed<30, 6>, true>>(26) &&
      dense<Finish<Dense<fixed<40, 10>, fixed<24, 4>, fixed<64, 14>, std::int32_t, 12, 9, true>,
                   fixed<16, 6, RND, SAT>, true>>(27) &&
      // Tables of every entry size, signed and unsigned.
      table<Table<fixed<27, 7>, std::int16_t, 8704, -4456448, 10>>(18) &&
      table<Table<fixed<16, 6>, std::int8_t, 100, -2000, 5>>(19) &&
      table<Table<ufixed<20, 4>, std::int32_t, 1000, 5000, 7>>(20) &&
      table<Table<fixed<62, 10>, std::int64_t, 33, -(1LL << 40), 36>>(21) &&
      table<Table<fixed<16, 6>, std::int16_t, 1, 0, 0>>(22) &&
      table<Table<ufixed<16, 6>, std::uint8_t, 300, 40, 4>>(28) &&
      quantize<fixed<16, 6, RND, SAT>>(7) && quantize<fixed<16, 6>>(8) &&
      quantize<ufixed<12, 4, RND_CONV, SAT_SYM>>(9) &&
      quantize<fixed<24, 2, RND_ZERO, SAT_ZERO>>(10) &&
      quantize<fixed<10, 4, RND_INF, WRAP>>(11) &&
      quantize<fixed<10, 4, RND_MIN_INF, SAT>>(12) &&
      quantize<fixed<10, 4, TRN_ZERO, SAT>>(13);
  std::printf("vector width %d: %s\n", simd::kWidth, ok ? "agree" : "DISAGREE");
  return ok ? 0 : 1;
}
)";

std::string compiler() {
  const char *cxx = std::getenv("CXX");
  return cxx && *cxx ? cxx : "c++";
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("fx vector kernels agree at the build machine's vector widths",
          "[runtime][fixed-kernels]") {
  std::vector<const Resource *> headers = resourcesUnder("runtime/ariadne/");
  REQUIRE(findResource("runtime/ariadne/fixed_kernels.h") != nullptr);
  char dirTemplate[] = "/tmp/ariadne-fx-kernels-XXXXXX";
  REQUIRE(mkdtemp(dirTemplate) != nullptr);
  const std::string dir = dirTemplate;
  REQUIRE(std::system(("mkdir -p " + dir + "/ariadne").c_str()) == 0);
  for (const Resource *header : headers)
    std::ofstream(dir + "/ariadne/" + std::string(header->path).substr(16))
        << header->text();
  const std::string source = dir + "/check.cpp";
  std::ofstream(source) << kVectorCheck;
  // The native target, and the narrower vector units this machine has
  // (each picks another multiply in the dense kernel).
  std::vector<std::string> targets = {"-march=native"};
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512bw"))
    targets.push_back("-mavx512bw");
  if (__builtin_cpu_supports("avx2"))
    targets.push_back("-mavx2");
  if (__builtin_cpu_supports("sse4.1"))
    targets.push_back("-msse4.1");
  if (__builtin_cpu_supports("avx"))
    targets.push_back("-mavx");
#endif
  for (const std::string &flags : targets) {
    const std::string binary = dir + "/check";
    const std::string command =
        compiler() + " -std=c++17 -O2 -Wall -Wextra -Werror " + flags + " -I" +
        dir + " " + source + " -o " + binary + " > " + dir + "/log 2>&1 && " +
        binary + " >> " + dir + "/log 2>&1";
    const bool ok = std::system(command.c_str()) == 0;
    INFO(command << "\n" << readFile(dir + "/log"));
    CHECK(ok);
  }
  std::system(("rm -rf " + dir).c_str());
}
