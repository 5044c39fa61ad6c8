//===- runtime_hls_kernels_test.cpp - the kernels of the HLS target -------===//
//
// The kernels of hls_kernels.h, compiled with ariadne::fixed as generated
// HLS sources are without Vitis, against the kernels of fixed_kernels.h
// (one event, Lanes = 1), which compute the fx ops on raw integers and are
// checked against references of their own: both run on the same seeded
// random raw values, the extremes of every type included, and must give
// the same integers. The types cover signed and unsigned operands, every
// rounding and overflow mode of a cast, accumulators that wrap, and
// lookups below, inside and above a table's range. to_int() is checked
// against ap_fixed's rule computed here from the exact value.
//
//===----------------------------------------------------------------------===//
#include "ariadne/hls_types.h"

#include "ariadne/fixed_kernels.h"
#include "ariadne/hls_kernels.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace ariadne;

namespace {

using i128 = __int128;
using u64 = std::uint64_t;

/// Events per check.
constexpr int kEvents = 96;

/// The range of T's integers.
template <class T> i128 lowest() {
  return T::isSigned ? -(i128(1) << (T::width - 1)) : 0;
}
template <class T> i128 highest() {
  return T::isSigned ? (i128(1) << (T::width - 1)) - 1
                     : (i128(1) << T::width) - 1;
}

/// The integer m held by extended raw bits of T.
template <class T> i128 integerOf(u64 bits) {
  return T::isSigned ? i128(static_cast<std::int64_t>(bits)) : i128(bits);
}

template <class T> T fromBits(u64 bits) {
  return T::fromRaw(static_cast<typename T::RawType>(bits));
}

template <class T> u64 bitsOf(const T &x) { return static_cast<u64>(x.raw()); }

/// The ROM word that holds the T of raw bits `bits`, as weights.h writes it.
template <class T> hls::rom_t<T> romOf(u64 bits) {
  return static_cast<hls::rom_t<T>>(fromBits<T>(bits).raw());
}

template <class T> std::string describe() {
  std::ostringstream out;
  out << (T::isSigned ? "fixed<" : "ufixed<") << T::width << ", " << T::iwidth
      << ", Q" << int(T::qmode) << ", O" << int(T::omode) << ">";
  return out.str();
}

/// Raw values of T: the extremes and values next to them first, then
/// uniform ones, small ones and ones near the ends of the range.
template <class T> std::vector<u64> sampleRaw(std::mt19937_64 &gen, size_t n) {
  const i128 lo = lowest<T>(), hi = highest<T>();
  std::vector<u64> out;
  for (i128 m :
       {lo, hi, i128(0), lo + 1, hi - 1, i128(1), i128(-1), (lo + hi) / 2})
    if (m >= lo && m <= hi && out.size() < n)
      out.push_back(static_cast<u64>(m));
  const i128 span = hi - lo + 1;
  while (out.size() < n) {
    i128 m = 0;
    switch (gen() % 4) {
    case 0:
    case 1:
      m = lo + i128(gen()) % span;
      break;
    case 2:
      m = i128(gen() % 129) - 64;
      break;
    default:
      m = gen() % 2 ? lo + i128(gen() % 64) : hi - i128(gen() % 64);
      break;
    }
    m = m < lo ? lo : (m > hi ? hi : m);
    out.push_back(static_cast<u64>(m));
  }
  return out;
}

/// Runs `reference` (on raw values) and `kernel` (on In and Out values) on
/// every event of `in` and requires the same raw outputs.
template <class In, class Out, class Reference, class Kernel>
void compareKernels(const std::vector<u64> &in, size_t inSize, size_t outSize,
                    Reference reference, Kernel kernel) {
  REQUIRE(in.size() % inSize == 0);
  std::vector<u64> want(outSize);
  std::vector<In> x(inSize);
  std::vector<Out> y(outSize);
  for (size_t e = 0; e < in.size() / inSize; ++e) {
    reference(in.data() + e * inSize, want.data());
    for (size_t i = 0; i < inSize; ++i)
      x[i] = fromBits<In>(in[e * inSize + i]);
    kernel(x.data(), y.data());
    for (size_t i = 0; i < outSize; ++i)
      if (bitsOf(y[i]) != want[i]) {
        INFO("event " << e << ", element " << i << ": got "
                      << static_cast<std::int64_t>(bitsOf(y[i])) << ", want "
                      << static_cast<std::int64_t>(want[i]));
        REQUIRE(bitsOf(y[i]) == want[i]);
      }
  }
}

/// T with the modes Q and O.
template <class T, QuantMode Q, OverflowMode O>
using WithModes = FixedPoint<T::width, T::iwidth, T::isSigned, Q, O>;

/// Calls f with every quantization and overflow mode as
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

/// The index of a lookup in a table over a type with `frac` fractional
/// bits and bins of 2^shift steps, whose least significant bit is one bin,
/// and the unit that scales it to an integer, as the code generator
/// declares them.
template <int Bits, int Frac, int Shift> struct BinTypes {
  typedef ARIADNE_UFIXED(Bits, Bits + Shift - Frac, TRN, SAT) index_t;
  typedef ARIADNE_UFIXED(1, 1 + Frac - Shift, TRN, WRAP) unit_t;
};

/// The bits of an index into `size` entries, plus `extra`.
constexpr int indexBits(unsigned size, int extra) {
  return (hls::detail::bit_length(size - 1) > 1
              ? hls::detail::bit_length(size - 1)
              : 1) +
         extra;
}

//===----------------------------------------------------------------------===//
// to_int
//===----------------------------------------------------------------------===//

/// ap_fixed's to_int() from the exact value: the value truncated toward
/// zero, its low 32 bits as an int; -1 for a negative value without
/// integer bits, where ap_fixed adds one to a 1-bit integer 0 (I = 0; for
/// I < 0 ap_fixed's result is undefined and fixed.h extends the rule).
template <class T> int referenceToInt(u64 bits) {
  const i128 m = integerOf<T>(bits);
  if (T::iwidth <= 0)
    return m < 0 ? -1 : 0;
  using u128 = unsigned __int128;
  u128 truncated = 0;
  if (T::fwidth <= 0) {
    truncated = -T::fwidth >= 64 ? 0 : u128(m) << -T::fwidth;
  } else {
    const i128 magnitude = (m < 0 ? -m : m) >> T::fwidth;
    truncated = u128(m < 0 ? -magnitude : magnitude);
  }
  return static_cast<int>(static_cast<std::uint32_t>(truncated));
}

template <class T> void checkToInt(std::mt19937_64 &gen) {
  INFO("to_int of " << describe<T>());
  for (u64 bits : sampleRaw<T>(gen, 2000)) {
    INFO("raw " << static_cast<std::int64_t>(bits));
    REQUIRE(fromBits<T>(bits).to_int() == referenceToInt<T>(bits));
  }
}

TEST_CASE("to_int truncates toward zero as ap_fixed does", "[runtime][hls]") {
  std::mt19937_64 gen(1);
  checkToInt<fixed<8, 4>>(gen);
  checkToInt<fixed<8, 1>>(gen);
  checkToInt<fixed<8, 0>>(gen);
  checkToInt<fixed<8, -1>>(gen);
  checkToInt<ufixed<8, 0>>(gen);
  checkToInt<ufixed<8, -3>>(gen);
  checkToInt<fixed<16, 6>>(gen);
  checkToInt<ufixed<16, 6>>(gen);
  checkToInt<fixed<1, 1>>(gen);
  checkToInt<ufixed<1, 1>>(gen);
  checkToInt<fixed<8, 12>>(gen);
  checkToInt<fixed<40, 40>>(gen);
  checkToInt<ufixed<34, 34>>(gen);
  checkToInt<fixed<60, 50>>(gen);
  checkToInt<fixed<64, 3>>(gen);
  checkToInt<fixed<64, 64>>(gen);
  checkToInt<ufixed<64, 64>>(gen);
  checkToInt<ufixed<64, 63>>(gen);
  checkToInt<fixed<20, 100>>(gen);
  checkToInt<ufixed<10, 40>>(gen);
  // What Vitis HLS's ap_fixed.h gives for these.
  CHECK(fixed<8, 4>(-7.5).to_int() == -7);
  CHECK(fixed<8, 1>(-0.5).to_int() == 0);
  CHECK(fixed<8, 0>(-0.5).to_int() == -1);
  CHECK(fixed<8, 12>(-16).to_int() == -16);
  CHECK(ufixed<34, 34>(3000000000.0).to_int() == -1294967296);
  CHECK(fixed<40, 40>(34359738365.0).to_int() == -3);
  static_assert(fixed<16, 6>::fromRaw(-2816).to_int() == -2,
                "to_int of -2.75 is a constant expression");
}

//===----------------------------------------------------------------------===//
// cast
//===----------------------------------------------------------------------===//

template <class In, class Out> struct FxCast : fx::CastConfig {
  static constexpr int size = 7;
  using InT = In;
  using OutT = Out;
};

template <class In, class Out> void checkCast(std::mt19937_64 &gen) {
  INFO("cast " << describe<In>() << " -> " << describe<Out>());
  using C = FxCast<In, Out>;
  compareKernels<In, Out>(sampleRaw<In>(gen, C::size * kEvents), C::size,
                          C::size, fx::cast<C, 1>, hls::cast<In, Out, 7>);
}

template <class In, class Out> void castEveryMode(std::mt19937_64 &gen) {
  forEachMode([&](auto q, auto o) {
    checkCast<In, WithModes<Out, decltype(q)::value, decltype(o)::value>>(gen);
  });
}

template <class T, class Word> void checkRomWords(std::mt19937_64 &gen) {
  INFO("ROM words of " << describe<T>());
  static_assert(std::is_same<hls::rom_t<T>, Word>::value,
                "the narrowest C integer of W bits");
  for (u64 bits : sampleRaw<T>(gen, 64)) {
    const T value = fromBits<T>(bits);
    REQUIRE(bitsOf(hls::from_rom<T>(romOf<T>(bits))) == bitsOf(value));
  }
}

TEST_CASE("ROM words hold every raw value of their type", "[runtime][hls]") {
  std::mt19937_64 gen(11);
  checkRomWords<fixed<1, 1>, std::int8_t>(gen);
  checkRomWords<fixed<8, 3>, std::int8_t>(gen);
  checkRomWords<ufixed<8, 0>, std::uint8_t>(gen);
  checkRomWords<fixed<9, 9>, std::int16_t>(gen);
  checkRomWords<ufixed<16, 20>, std::uint16_t>(gen);
  checkRomWords<fixed<17, -3>, std::int32_t>(gen);
  checkRomWords<fixed<32, 2>, std::int32_t>(gen);
  checkRomWords<ufixed<33, 1>, std::uint64_t>(gen);
  checkRomWords<fixed<64, 30>, std::int64_t>(gen);
  checkRomWords<ufixed<64, 64>, std::uint64_t>(gen);
}

TEST_CASE("hls cast equals fx cast in every mode", "[runtime][hls]") {
  std::mt19937_64 gen(2);
  castEveryMode<fixed<37, 17>, fixed<16, 6>>(gen);
  castEveryMode<fixed<16, 6>, ufixed<8, 2>>(gen);
  castEveryMode<ufixed<20, 4>, fixed<6, 3>>(gen);
  castEveryMode<fixed<5, 1>, fixed<1, 1>>(gen);
  castEveryMode<fixed<64, 20>, fixed<40, 30>>(gen);
  checkCast<ufixed<1, 0>, fixed<64, 64, RND, WRAP>>(gen);
  checkCast<fixed<12, -3>, ufixed<12, 20, RND_CONV, SAT>>(gen);
}

//===----------------------------------------------------------------------===//
// dense
//===----------------------------------------------------------------------===//

template <class In, class Weight, class Bias, class Acc, int K, int N,
          bool HasBias, bool Resource = false, unsigned Reuse = 1>
struct Dense {
  using InT = In;
  using WeightT = Weight;
  using BiasT = Bias;
  using AccT = Acc;
  struct Fx : fx::DenseConfig {
    static constexpr int inFeatures = K;
    static constexpr int outFeatures = N;
    using InT = In;
    using WeightT = Weight;
    using AccT = Acc;
    using WeightRaw = std::int64_t;
    static inline std::int64_t weightStorage[N * K];
    static inline std::int64_t biasStorage[N];
    static constexpr const std::int64_t *weights = weightStorage;
    static constexpr const std::int64_t *bias =
        HasBias ? biasStorage : nullptr;
  };
  struct Hls : hls::dense_config {
    static const unsigned n_in = K, n_out = N;
    static const unsigned reuse_factor = Reuse;
    static const bool resource = Resource;
    static const bool has_bias = HasBias;
  };
};

template <class D> void checkDense(std::mt19937_64 &gen) {
  using In = typename D::InT;
  using Weight = typename D::WeightT;
  using Bias = typename D::BiasT;
  using Acc = typename D::AccT;
  using Fx = typename D::Fx;
  using Hls = typename D::Hls;
  constexpr int K = Fx::inFeatures, N = Fx::outFeatures;
  INFO("dense " << K << " -> " << N << ", " << describe<In>() << " * "
                << describe<Weight>() << " + " << describe<Bias>() << " into "
                << describe<Acc>() << ", bias " << bool(Hls::has_bias)
                << ", resource " << bool(Hls::resource) << ", reuse "
                << unsigned(Hls::reuse_factor));
  const std::vector<u64> w = sampleRaw<Weight>(gen, size_t(N) * K);
  const std::vector<u64> b = sampleRaw<Bias>(gen, N);
  std::vector<hls::rom_t<Weight>> weights;
  std::vector<hls::rom_t<Bias>> biases;
  for (size_t i = 0; i < w.size(); ++i) {
    Fx::weightStorage[i] = static_cast<std::int64_t>(w[i]);
    weights.push_back(romOf<Weight>(w[i]));
  }
  // fx.dense takes the bias on the accumulator's grid, modulo 2^64.
  const int lift = Acc::fwidth - Bias::fwidth;
  REQUIRE(lift >= 0);
  for (int n = 0; n < N; ++n) {
    Fx::biasStorage[n] =
        static_cast<std::int64_t>(lift >= 64 ? 0 : b[n] << lift);
    biases.push_back(romOf<Bias>(b[n]));
  }
  compareKernels<In, Acc>(
      sampleRaw<In>(gen, size_t(K) * kEvents), K, N, fx::dense<Fx, 1>,
      [&](const In *x, Acc *y) {
        hls::dense<In, Weight, Bias, Acc, Hls>(x, y, weights.data(),
                                               biases.data());
      });
}

TEST_CASE("hls dense equals fx dense, exact and wrapping", "[runtime][hls]") {
  std::mt19937_64 gen(3);
  // Exact accumulators, latency and resource strategies.
  checkDense<Dense<fixed<16, 6>, fixed<16, 6>, fixed<16, 6>, fixed<43, 23>,
                   27, 9, true>>(gen);
  checkDense<Dense<fixed<16, 6>, fixed<16, 6>, fixed<16, 6>, fixed<43, 23>,
                   27, 9, true, true, 4>>(gen);
  checkDense<Dense<fixed<16, 6>, fixed<8, 1>, fixed<8, 8>, fixed<30, 13>, 8,
                   4, false>>(gen);
  // Narrow accumulators that wrap, signed and unsigned, with unsigned
  // operands.
  checkDense<Dense<fixed<8, 3>, fixed<6, 1>, fixed<4, 2>, fixed<12, 2>, 16, 5,
                   true>>(gen);
  checkDense<Dense<ufixed<12, 4>, fixed<8, 1>, ufixed<6, 3>, fixed<14, -1>,
                   10, 6, true, true, 7>>(gen);
  checkDense<Dense<ufixed<10, 4>, ufixed<8, 0>, ufixed<4, 4>, ufixed<9, -5>,
                   10, 5, false>>(gen);
  checkDense<Dense<fixed<10, 4>, fixed<8, 0>, fixed<20, 10>, ufixed<11, -3>,
                   6, 3, true>>(gen);
  // A 64-bit product into a 63-bit accumulator.
  checkDense<Dense<fixed<32, 8>, fixed<32, 2>, fixed<32, 9>, fixed<63, 9>, 9,
                   7, true>>(gen);
  // One-bit operands, a reuse factor above the number of products.
  checkDense<Dense<fixed<1, 1>, ufixed<1, 1>, fixed<2, 2>, fixed<3, 3>, 7, 17,
                   false, true, 3>>(gen);
  checkDense<Dense<ufixed<1, 1>, ufixed<1, 1>, ufixed<1, 1>, ufixed<1, 1>, 2,
                   2, true, true, 8>>(gen);
}

//===----------------------------------------------------------------------===//
// relu, clamp and leaky relu
//===----------------------------------------------------------------------===//

template <class In> struct FxRelu : fx::ReluConfig {
  static constexpr int size = 10;
  using InT = In;
};

template <class T> void checkRelu(std::mt19937_64 &gen) {
  INFO("relu of " << describe<T>());
  using C = FxRelu<T>;
  compareKernels<T, T>(sampleRaw<T>(gen, C::size * kEvents), C::size, C::size,
                       fx::relu<C, 1>, hls::relu<T, 10>);
}

TEST_CASE("hls relu equals fx relu", "[runtime][hls]") {
  std::mt19937_64 gen(4);
  checkRelu<fixed<16, 6>>(gen);
  checkRelu<fixed<1, 1>>(gen);
  checkRelu<fixed<8, -3>>(gen);
  checkRelu<fixed<64, 2, RND, SAT>>(gen);
  checkRelu<ufixed<16, 6>>(gen);
  checkRelu<ufixed<64, 64>>(gen);
}

template <class In, std::int64_t Low, std::int64_t High>
struct FxClamp : fx::ClampConfig {
  static constexpr int size = 8;
  using InT = In;
  static constexpr std::int64_t low = Low;
  static constexpr std::int64_t high = High;
};

template <class C> void checkClamp(std::mt19937_64 &gen) {
  using T = typename C::InT;
  INFO("clamp of " << describe<T>() << " to [" << C::low << ", " << C::high
                   << "]");
  const T low = fromBits<T>(static_cast<u64>(C::low));
  const T high = fromBits<T>(static_cast<u64>(C::high));
  compareKernels<T, T>(sampleRaw<T>(gen, C::size * kEvents), C::size, C::size,
                       fx::clamp<C, 1>, [&](const T *x, T *y) {
                         hls::clamp<T, 8>(x, y, low, high);
                       });
}

TEST_CASE("hls clamp equals fx clamp", "[runtime][hls]") {
  std::mt19937_64 gen(5);
  checkClamp<FxClamp<fixed<16, 6>, -1024, 1024>>(gen);
  checkClamp<FxClamp<fixed<16, 6>, 0, 6144>>(gen);
  checkClamp<FxClamp<fixed<8, 1>, -128, -128>>(gen);
  checkClamp<FxClamp<ufixed<12, 2>, 100, 4095>>(gen);
  checkClamp<FxClamp<fixed<40, 8>, -(std::int64_t(1) << 39), 17>>(gen);
}

template <class In, class Alpha, class Out, std::int64_t AlphaRaw>
struct FxLeakyRelu : fx::LeakyReluConfig {
  static constexpr int size = 9;
  using InT = In;
  using AlphaT = Alpha;
  using OutT = Out;
  static constexpr std::int64_t alpha = AlphaRaw;
};

template <class C> void checkLeakyRelu(std::mt19937_64 &gen) {
  using In = typename C::InT;
  using Alpha = typename C::AlphaT;
  using Out = typename C::OutT;
  INFO("leaky relu " << describe<In>() << " * " << describe<Alpha>() << " ("
                     << C::alpha << ") -> " << describe<Out>());
  const Alpha alpha = fromBits<Alpha>(static_cast<u64>(C::alpha));
  compareKernels<In, Out>(sampleRaw<In>(gen, C::size * kEvents), C::size,
                          C::size, fx::leakyRelu<C, 1>,
                          [&](const In *x, Out *y) {
                            hls::leaky_relu<In, Alpha, Out, 9>(x, y, alpha);
                          });
}

TEST_CASE("hls leaky relu equals fx leaky relu", "[runtime][hls]") {
  std::mt19937_64 gen(6);
  checkLeakyRelu<
      FxLeakyRelu<fixed<16, 6>, fixed<8, 1>, fixed<16, 6>, 13>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<fixed<16, 6>, fixed<8, 1>, fixed<10, 4, RND, SAT>, 13>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<fixed<16, 6>, fixed<8, 1>, fixed<8, 2, RND_CONV, SAT_SYM>,
                  -77>>(gen);
  // Results in range with fewer fractional bits than the input: rounding
  // the exact product once differs from rounding it twice.
  checkLeakyRelu<
      FxLeakyRelu<fixed<16, 6>, fixed<8, 1>, fixed<12, 8, RND_CONV, SAT>,
                  -77>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<fixed<16, 6>, fixed<8, 1>, fixed<14, 8, RND_INF, WRAP>,
                  45>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<fixed<12, 2>, ufixed<6, -2>, ufixed<8, 1, RND_INF, SAT>,
                  63>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<ufixed<12, 4>, fixed<8, 1>, fixed<8, 4, RND, SAT_ZERO>,
                  13>>(gen);
  checkLeakyRelu<
      FxLeakyRelu<fixed<40, 10>, fixed<20, 0>, fixed<24, 12, RND_ZERO, WRAP>,
                  -300001>>(gen);
}

//===----------------------------------------------------------------------===//
// scale
//===----------------------------------------------------------------------===//

template <class In, class Scale, class Offset, class Out, int Size,
          int Channels, bool HasOffset>
struct FxScale : fx::ScaleConfig {
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
  constexpr int size = C::size, channels = C::channels;
  INFO("scale " << describe<In>() << " * " << describe<Scale>() << " + "
                << describe<Offset>() << " (" << (C::offset != nullptr)
                << ") over " << channels << " channels -> "
                << describe<Out>());
  const std::vector<u64> s = sampleRaw<Scale>(gen, channels);
  const std::vector<u64> o = sampleRaw<Offset>(gen, channels);
  std::vector<hls::rom_t<Scale>> scales;
  std::vector<hls::rom_t<Offset>> offsets;
  for (int c = 0; c < channels; ++c) {
    C::scaleStorage[c] = static_cast<std::int64_t>(s[c]);
    C::offsetStorage[c] = static_cast<std::int64_t>(o[c]);
    scales.push_back(romOf<Scale>(s[c]));
    offsets.push_back(romOf<Offset>(o[c]));
  }
  compareKernels<In, Out>(
      sampleRaw<In>(gen, size * kEvents), size, size, fx::scale<C, 1>,
      [&](const In *x, Out *y) {
        if (C::offset != nullptr)
          hls::scale<In, Scale, Offset, Out, size, channels>(
              x, y, scales.data(), offsets.data());
        else
          hls::scale_only<In, Scale, Out, size, channels>(x, y,
                                                          scales.data());
      });
}

TEST_CASE("hls scale equals fx scale", "[runtime][hls]") {
  std::mt19937_64 gen(7);
  checkScale<FxScale<fixed<16, 6>, fixed<8, 0>, fixed<8, 1>,
                     fixed<16, 6, RND, SAT>, 12, 3, true>>(gen);
  checkScale<FxScale<fixed<16, 6>, fixed<8, 0>, fixed<8, 1>, fixed<16, 6>, 12,
                     3, false>>(gen);
  checkScale<FxScale<ufixed<10, 2>, ufixed<6, 2>, fixed<12, 4>,
                     ufixed<8, 4, RND_CONV, SAT_SYM>, 5, 1, true>>(gen);
  checkScale<FxScale<fixed<12, 3>, fixed<10, -2>, ufixed<6, 6>,
                     fixed<9, 1, RND_MIN_INF, SAT_ZERO>, 8, 4, true>>(gen);
  checkScale<FxScale<fixed<30, 10>, fixed<30, 5>, fixed<20, 15>,
                     fixed<32, 16, RND_INF, WRAP>, 6, 2, true>>(gen);
}

//===----------------------------------------------------------------------===//
// table
//===----------------------------------------------------------------------===//

template <class In, class Out, std::int64_t Low, int Shift, unsigned Size,
          int ExtraBits = 0>
struct Table {
  using InT = In;
  using OutT = Out;
  struct Fx : fx::TableConfig {
    static constexpr int size = 9;
    using InT = In;
    using OutT = Out;
    static constexpr int tableSize = Size;
    static constexpr std::int64_t inputLow = Low;
    static constexpr int shift = Shift;
    static inline std::int64_t storage[Size];
    static constexpr const std::int64_t *table = storage;
  };
  struct Hls : hls::table_config,
               BinTypes<indexBits(Size, ExtraBits), In::fwidth, Shift> {
    static const unsigned n = 9, table_size = Size;
  };
};

template <class T> void checkTable(std::mt19937_64 &gen) {
  using In = typename T::InT;
  using Out = typename T::OutT;
  using Fx = typename T::Fx;
  using Hls = typename T::Hls;
  INFO("table over " << describe<In>() << " from " << Fx::inputLow
                     << ", shift " << Fx::shift << ", " << Fx::tableSize
                     << " entries, index "
                     << describe<typename Hls::index_t>());
  const std::vector<u64> entries = sampleRaw<Out>(gen, Fx::tableSize);
  std::vector<hls::rom_t<Out>> values;
  for (int i = 0; i < Fx::tableSize; ++i) {
    Fx::storage[i] = static_cast<std::int64_t>(entries[i]);
    values.push_back(romOf<Out>(entries[i]));
  }
  const In low = fromBits<In>(static_cast<u64>(Fx::inputLow));
  const auto kernel = [&](const In *x, Out *y) {
    hls::table<In, Out, Hls>(x, y, values.data(), low);
  };
  // Values from the whole range, and values from one bin below the table
  // to one bin above it.
  compareKernels<In, Out>(sampleRaw<In>(gen, Fx::size * kEvents), Fx::size,
                          Fx::size, fx::table<Fx, 1>, kernel);
  const i128 bin = i128(1) << Fx::shift;
  const i128 span = (Fx::tableSize + 2) * bin;
  std::vector<u64> inside(Fx::size * kEvents);
  for (u64 &bits : inside) {
    const i128 offset = (i128(gen() >> 2) << 64 | gen()) % span;
    const i128 m =
        integerOf<In>(static_cast<u64>(Fx::inputLow)) - bin + offset;
    bits = static_cast<u64>(m < lowest<In>()    ? lowest<In>()
                            : m > highest<In>() ? highest<In>()
                                                : m);
  }
  compareKernels<In, Out>(inside, Fx::size, Fx::size, fx::table<Fx, 1>,
                          kernel);
}

TEST_CASE("hls table equals fx table below, inside and above its range",
          "[runtime][hls]") {
  std::mt19937_64 gen(8);
  checkTable<Table<fixed<16, 6>, fixed<8, 1>, -512, 8, 5>>(gen);
  checkTable<Table<fixed<16, 6>, fixed<8, 1>, -512, 8, 5, 3>>(gen);
  checkTable<Table<fixed<16, 6>, ufixed<16, 0>, -32768, 6, 1024>>(gen);
  checkTable<Table<fixed<16, 6>, ufixed<16, 0>, -300, 0, 1000>>(gen);
  checkTable<Table<ufixed<12, 2>, fixed<10, 3>, 100, 0, 37>>(gen);
  checkTable<Table<ufixed<12, 14>, fixed<10, 3>, 7, 2, 64>>(gen);
  checkTable<Table<fixed<1, 1>, fixed<1, 1>, -1, 0, 2>>(gen);
  checkTable<Table<fixed<8, 8>, ufixed<4, 4>, 127, 3, 3>>(gen);
  checkTable<Table<fixed<8, -4>, fixed<12, 2>, -20, 1, 100, 1>>(gen);
  checkTable<Table<fixed<32, 6>, fixed<8, 1>, 0, 0, 1>>(gen);
  // Units of 2^-11 and 2^27, which six significant digits do not hold.
  checkTable<Table<fixed<40, 30>, fixed<8, 1>, -(std::int64_t(1) << 30), 21,
                   300>>(gen);
  checkTable<Table<fixed<40, 10>, fixed<12, 1>, -(std::int64_t(1) << 30), 3,
                   500>>(gen);
  checkTable<Table<fixed<40, 10>, fixed<18, 2>, -(std::int64_t(1) << 38), 31,
                   300>>(gen);
  checkTable<Table<fixed<63, 10>, fixed<16, 3>, -(std::int64_t(1) << 62), 60,
                   7>>(gen);
  checkTable<Table<ufixed<63, 63>, fixed<16, 3>, (std::int64_t(1) << 62) + 5,
                   55, 200>>(gen);
}

//===----------------------------------------------------------------------===//
// softmax
//===----------------------------------------------------------------------===//

template <class In, class Exp, class Inv, class Out, int Rows, int Length,
          unsigned ExpSize, int ExpShift, unsigned InvSize, int InvShift,
          std::int64_t InvLow, class InvLowT = void>
struct Softmax {
  using InT = In;
  using ExpT = Exp;
  using InvT = Inv;
  using OutT = Out;
  struct Fx : fx::SoftmaxConfig {
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
  using DiffBins = BinTypes<indexBits(ExpSize, 0), In::fwidth, ExpShift>;
  using SumBins = BinTypes<indexBits(InvSize, 2), Exp::fwidth, InvShift>;
  struct Hls : hls::softmax_config {
    static const unsigned rows = Rows, length = Length;
    static const unsigned exp_size = ExpSize, inv_size = InvSize;
    static const int lengthBits = hls::detail::bit_length(Length);
    typedef ARIADNE_UFIXED(Exp::width + lengthBits, Exp::iwidth + lengthBits,
                           TRN, WRAP) sum_t;
    typedef typename DiffBins::index_t diff_index_t;
    typedef typename DiffBins::unit_t diff_unit_t;
    typedef typename SumBins::index_t sum_index_t;
    typedef typename SumBins::unit_t sum_unit_t;
    typedef typename std::conditional<std::is_void<InvLowT>::value, sum_t,
                                      InvLowT>::type inv_low_t;
    static inv_low_t inv_low() { return fromBits<inv_low_t>(InvLow); }
  };
};

template <class S> void checkSoftmax(std::mt19937_64 &gen) {
  using In = typename S::InT;
  using Exp = typename S::ExpT;
  using Inv = typename S::InvT;
  using Out = typename S::OutT;
  using Fx = typename S::Fx;
  using Hls = typename S::Hls;
  const int n = Fx::rows * Fx::length;
  INFO("softmax over " << Fx::rows << " x " << Fx::length << " of "
                       << describe<In>() << ", exp " << describe<Exp>() << " ("
                       << Fx::expSize << " >> " << Fx::expShift << "), inv "
                       << describe<Inv>() << " (" << Fx::invSize << " >> "
                       << Fx::invShift << " from " << Fx::invLow << ") -> "
                       << describe<Out>());
  const std::vector<u64> e = sampleRaw<Exp>(gen, Fx::expSize);
  const std::vector<u64> r = sampleRaw<Inv>(gen, Fx::invSize);
  std::vector<hls::rom_t<Exp>> exps;
  std::vector<hls::rom_t<Inv>> invs;
  for (int i = 0; i < Fx::expSize; ++i) {
    Fx::expStorage[i] = static_cast<std::int64_t>(e[i]);
    exps.push_back(romOf<Exp>(e[i]));
  }
  for (int i = 0; i < Fx::invSize; ++i) {
    Fx::invStorage[i] = static_cast<std::int64_t>(r[i]);
    invs.push_back(romOf<Inv>(r[i]));
  }
  const auto kernel = [&](const In *x, Out *y) {
    hls::softmax<In, Exp, Inv, Out, Hls>(x, y, exps.data(), invs.data());
  };
  // Values from the whole range, where most differences reach the last
  // exp bin, and values close to each other.
  compareKernels<In, Out>(sampleRaw<In>(gen, n * kEvents), n, n,
                          fx::softmax<Fx, 1>, kernel);
  std::vector<u64> near = sampleRaw<In>(gen, n * kEvents);
  for (u64 &bits : near) {
    const i128 m = integerOf<In>(bits) % 4096;
    bits = static_cast<u64>(m < lowest<In>() ? lowest<In>() : m);
  }
  compareKernels<In, Out>(near, n, n, fx::softmax<Fx, 1>, kernel);
}

TEST_CASE("hls softmax equals fx softmax", "[runtime][hls]") {
  std::mt19937_64 gen(9);
  checkSoftmax<Softmax<fixed<16, 6>, ufixed<18, 1>, ufixed<18, 8>,
                       ufixed<16, 1, RND, SAT>, 1, 5, 1024, 0, 64, 14,
                       std::int64_t(1) << 15>>(gen);
  checkSoftmax<Softmax<ufixed<12, 4>, ufixed<10, 0>, ufixed<12, 4>,
                       fixed<12, 2, RND_CONV, SAT_SYM>, 3, 4, 37, 3, 100, 2,
                       0>>(gen);
  checkSoftmax<Softmax<fixed<10, 2>, ufixed<8, 1>, ufixed<8, 1>,
                       ufixed<8, 1>, 2, 1, 1, 0, 1, 0, 0>>(gen);
  // inv_low above every sum, in a type wider than the sum's.
  checkSoftmax<Softmax<fixed<10, 2>, ufixed<8, 1>, ufixed<8, 1>,
                       ufixed<8, 1, RND, SAT>, 1, 3, 16, 2, 8, 0, 5000,
                       ufixed<16, 9>>>(gen);
  checkSoftmax<Softmax<fixed<62, 20>, ufixed<30, 1>, ufixed<33, 3>,
                       fixed<20, 4, RND, SAT>, 2, 6, 500, 40, 300, 20,
                       std::int64_t(1) << 28>>(gen);
}

} // namespace
