//===- runtime_activation_test.cpp - activation kernel -----------------===//
#include "ariadne/activation.h"

#include "runtime_test_util.h"

#include <algorithm>
#include <cstring>
#include <limits>

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// The formulas of the nn dialect, in double.
double reference(Activation kind, double alpha, double beta, double x) {
  switch (kind) {
  case Activation::None:
    return x;
  case Activation::Relu:
    return x > 0 ? x : 0.0;
  case Activation::LeakyRelu:
    return x < 0 ? alpha * x : x;
  case Activation::Tanh:
    return std::tanh(x);
  case Activation::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case Activation::Softsign:
    return x / (1.0 + std::fabs(x));
  case Activation::HardSigmoid:
    return std::max(0.0, std::min(1.0, alpha * x + beta));
  case Activation::Clip:
    return std::min(beta, std::max(alpha, x));
  case Activation::Abs:
    return std::fabs(x);
  case Activation::Elu:
    return x < 0 ? alpha * std::expm1(x) : x;
  case Activation::Selu:
    return beta * (x < 0 ? alpha * std::expm1(x) : x);
  case Activation::Softplus:
    return std::log1p(std::exp(x));
  case Activation::Erf:
    return std::erf(x);
  case Activation::Gelu:
    return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
  case Activation::GeluTanh:
    return 0.5 * x *
           (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  case Activation::Rsqrt:
    return 1 / std::sqrt(alpha * x + beta);
  case Activation::Reciprocal:
    return 1 / x;
  }
  return 0;
}

template <Activation Kind, int Alpha100, int Beta100>
struct TestConfig : ActivationConfig {
  static constexpr int size = 37;
  static constexpr Activation activation = Kind;
  static constexpr float alpha = Alpha100 / 100.0f;
  static constexpr float beta = Beta100 / 100.0f;
};

template <class Config> void checkKind() {
  // A range that crosses every kink of the piecewise kinds.
  std::vector<float> in = randomFloats(Config::size, 3, -6.0f, 6.0f);
  in[0] = 0.0f;
  in[1] = -0.0f;
  std::vector<float> out(in.size());
  activation<Config>(in.data(), out.data());
  std::vector<double> expected;
  for (float x : in)
    expected.push_back(
        reference(Config::activation, Config::alpha, Config::beta, x));
  // GELU's negative tail is within a few 1e-6 relative (the next test).
  const bool gelu = Config::activation == Activation::Gelu ||
                    Config::activation == Activation::GeluTanh;
  requireClose(out, expected, gelu ? 5e-6 : 3e-7, 1e-9);

  // Several events in the lane layout give the values of each event alone,
  // within rounding: whole vectors and the scalar rest may divide
  // differently (fastmath.h).
  constexpr int lanes = 5;
  std::vector<float> events = randomFloats(Config::size * lanes, 4, -6, 6);
  std::vector<float> laneIn = eventsToLanes(events, Config::size, lanes);
  std::vector<float> laneOut(laneIn.size());
  activation<Config, lanes>(laneIn.data(), laneOut.data());
  std::vector<float> perEvent(events.size());
  for (int t = 0; t < lanes; ++t)
    activation<Config>(events.data() + t * Config::size,
                       perEvent.data() + t * Config::size);
  requireClose(lanesToEvents(laneOut, Config::size, lanes),
               std::vector<double>(perEvent.begin(), perEvent.end()), 3e-7,
               1e-9);

  // In place.
  activation<Config>(in.data(), in.data());
  REQUIRE(in == out);
}

} // namespace

TEST_CASE("activation kernel computes every kind", "[runtime][activation]") {
  checkKind<TestConfig<Activation::None, 0, 0>>();
  checkKind<TestConfig<Activation::Relu, 0, 0>>();
  checkKind<TestConfig<Activation::Abs, 0, 0>>();
  checkKind<TestConfig<Activation::LeakyRelu, 1, 0>>();
  checkKind<TestConfig<Activation::LeakyRelu, 30, 0>>();
  checkKind<TestConfig<Activation::Tanh, 0, 0>>();
  checkKind<TestConfig<Activation::Sigmoid, 0, 0>>();
  checkKind<TestConfig<Activation::Softsign, 0, 0>>();
  checkKind<TestConfig<Activation::HardSigmoid, 20, 50>>();
  checkKind<TestConfig<Activation::Clip, -150, 250>>();
  checkKind<TestConfig<Activation::Elu, 80, 0>>();
  checkKind<TestConfig<Activation::Selu, 167, 105>>();
  checkKind<TestConfig<Activation::Softplus, 0, 0>>();
  checkKind<TestConfig<Activation::Erf, 0, 0>>();
  checkKind<TestConfig<Activation::Gelu, 0, 0>>();
  checkKind<TestConfig<Activation::GeluTanh, 0, 0>>();
  // alpha x + beta > 0 over the tested [-6, 6].
  checkKind<TestConfig<Activation::Rsqrt, 10, 70>>();
}

TEST_CASE("erf and GELU hold their accuracy over the float range",
          "[runtime][activation]") {
  // A dense sweep through both branches of erf and far into the tails.
  double worstErf = 0, worstGelu = 0, worstTanh = 0;
  for (double x = -12; x <= 12; x += 1.0 / 1024) {
    float f = float(x);
    worstErf =
        std::max(worstErf, std::fabs(math::erf(f) - std::erf(double(f))));
    double gelu = 0.5 * f * std::erfc(-f / std::sqrt(2.0));
    worstGelu = std::max(worstGelu, std::fabs(math::gelu(f) - gelu) /
                                        std::max(1e-3, std::fabs(gelu)));
    double u = std::sqrt(2 / M_PI) * (f + 0.044715 * double(f) * f * f);
    double geluTanh = f / (1 + std::exp(-2 * u));
    worstTanh = std::max(worstTanh, std::fabs(math::geluTanh(f) - geluTanh) /
                                        std::max(1e-3, std::fabs(geluTanh)));
  }
  // Far in GELU's negative tail the float rounding of x / sqrt(2) alone
  // moves erfc by 2 a^2 ulp: a few 1e-6 relative.
  CHECK(worstErf < 3e-7);
  CHECK(worstGelu < 5e-6);
  CHECK(worstTanh < 5e-6);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(math::erf(nan)));
  CHECK(std::isnan(math::gelu(nan)));
  CHECK(math::erf(1e30f) == 1.0f);
  CHECK(math::erf(-1e30f) == -1.0f);
  CHECK(math::gelu(-1e30f) == 0.0f);
  CHECK(math::gelu(1e30f) == 1e30f);
}

TEST_CASE("activations pass NaN through", "[runtime][activation]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(activate<Activation::Relu>(nan, 0, 0)));
  CHECK(std::isnan(activate<Activation::LeakyRelu>(nan, 0.1f, 0)));
  CHECK(std::isnan(activate<Activation::Tanh>(nan, 0, 0)));
  CHECK(std::isnan(activate<Activation::Sigmoid>(nan, 0, 0)));
  CHECK(std::isnan(activate<Activation::HardSigmoid>(nan, 0.2f, 0.5f)));
  CHECK(std::isnan(activate<Activation::Clip>(nan, -1, 1)));
  CHECK(std::isnan(activate<Activation::Elu>(nan, 1, 0)));
  CHECK(std::isnan(activate<Activation::Selu>(nan, 1.67f, 1.05f)));
  CHECK(std::isnan(activate<Activation::Softplus>(nan, 0, 0)));
  // Far out softplus is x itself, and e^x / (1 + ...) with no overflow.
  CHECK(activate<Activation::Softplus>(100.0f, 0, 0) == 100.0f);
  CHECK(activate<Activation::Softplus>(-100.0f, 0, 0) > 0.0f);
  CHECK(activate<Activation::Clip>(5.0f, -1, 1) == 1.0f);
  CHECK(activate<Activation::Clip>(-5.0f, -1, 1) == -1.0f);
  CHECK(activate<Activation::LeakyRelu>(-2.0f, 0.5f, 0) == -1.0f);
}

template <Activation Kind> struct SpecialConfig : ActivationConfig {
  // Whole vectors at every width, and a remainder at 16 lanes.
  static constexpr int size = 60;
  static constexpr Activation activation = Kind;
};

TEST_CASE("vector ReLU and tanh give the scalar forms' special values",
          "[runtime][activation]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float clamp = math::detail::kTanhClamp;
  const float special[] = {nan,    -0.0f, 0.0f,   -inf,   inf,   clamp,
                           -clamp, 9.1f,  -20.0f, 1e-30f, -3.0f, 0.5f};
  constexpr int size = SpecialConfig<Activation::Tanh>::size;
  // Read through a volatile pointer so that nothing is folded at compile
  // time: the run-time arithmetic (fused multiply-adds or not) must give
  // these.
  const volatile float *source = special;
  std::vector<float> in(size), relu(size), tanh(size);
  for (int i = 0; i < size; ++i)
    in[i] = source[i % std::size(special)];
  activation<SpecialConfig<Activation::Relu>>(in.data(), relu.data());
  activation<SpecialConfig<Activation::Tanh>>(in.data(), tanh.data());
  for (int i = 0; i < size; ++i) {
    INFO("input " << in[i] << " at " << i);
    float r = activate<Activation::Relu>(in[i], 0, 0);
    float t = math::tanh(in[i]);
    if (std::isnan(in[i])) {
      CHECK(std::isnan(relu[i]));
      CHECK(std::isnan(tanh[i]));
      continue;
    }
    // Bit for bit, which also tells -0 from 0.
    CHECK(floatOrdinal(relu[i]) == floatOrdinal(r));
    CHECK(floatOrdinal(tanh[i]) == floatOrdinal(t));
    if (in[i] == 0.0f) {
      CHECK(std::signbit(relu[i]) == std::signbit(in[i]));
      CHECK(std::signbit(tanh[i]) == std::signbit(in[i]));
    }
    if (std::fabs(in[i]) >= clamp)
      CHECK(std::fabs(tanh[i]) == 1.0f);
  }
}

#if ARIADNE_SIMD_WIDTH > 1
namespace {

/// activateVector<Kind> against activate<Kind> on floats, bit for bit (NaN
/// against NaN): special values, the edges of the functions' pieces, and a
/// sweep through [-120, 120] every 20011th float.
template <Activation Kind> void checkVectorForm(float alpha, float beta) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> inputs = {nan,      -nan,      0.0f,    -0.0f, inf,
                               -inf,     1e-30f,    -1e-30f, 0.5f,  -0.5f,
                               0.34657f, -0.34658f, 9.1f,    -9.1f, 89.5f,
                               -104.5f,  1e30f,     -1e30f,  1e-45f};
  for (int64_t o = floatOrdinal(-120.0f); o <= floatOrdinal(120.0f);
       o += 20011) {
    const int32_t bits = o < 0
                             ? static_cast<int32_t>(uint32_t(-o) | 0x80000000u)
                             : static_cast<int32_t>(o);
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    inputs.push_back(f);
  }
  while (inputs.size() % simd::kWidth != 0)
    inputs.push_back(1.0f);
  int mismatches = 0;
  for (size_t i = 0; i < inputs.size(); i += simd::kWidth) {
    const simd::Vec y =
        detail::activateVector<Kind>(simd::load(&inputs[i]), alpha, beta);
    for (int j = 0; j < simd::kWidth; ++j) {
      const float x = inputs[i + j];
      const float expected = activate<Kind>(x, alpha, beta);
      const bool same = std::isnan(expected)
                            ? std::isnan(y[j])
                            : floatOrdinal(y[j]) == floatOrdinal(expected);
      if (!same && ++mismatches <= 5)
        FAIL_CHECK("kind " << int(Kind) << ", x = " << x << ": vector " << y[j]
                           << ", scalar " << expected);
    }
  }
  CHECK(mismatches == 0);
}

} // namespace

TEST_CASE("every vector activation gives the scalar form's values",
          "[runtime][activation]") {
  checkVectorForm<Activation::None>(0, 0);
  checkVectorForm<Activation::Relu>(0, 0);
  checkVectorForm<Activation::LeakyRelu>(0.3f, 0);
  checkVectorForm<Activation::Tanh>(0, 0);
  checkVectorForm<Activation::Sigmoid>(0, 0);
  checkVectorForm<Activation::Softsign>(0, 0);
  checkVectorForm<Activation::HardSigmoid>(0.2f, 0.5f);
  checkVectorForm<Activation::Clip>(-1.5f, 2.5f);
  checkVectorForm<Activation::Abs>(0, 0);
  checkVectorForm<Activation::Elu>(0.8f, 0);
  checkVectorForm<Activation::Selu>(1.67f, 1.05f);
  checkVectorForm<Activation::Softplus>(0, 0);
  checkVectorForm<Activation::Erf>(0, 0);
  checkVectorForm<Activation::Gelu>(0, 0);
  checkVectorForm<Activation::GeluTanh>(0, 0);
  checkVectorForm<Activation::Reciprocal>(0, 0);
  STATIC_REQUIRE(!detail::activatesVectors<Activation::Rsqrt>());
}
#endif

TEST_CASE("activate works on other arithmetic types", "[runtime][activation]") {
  CHECK(activate<Activation::Relu>(-3, 0, 0) == 0);
  CHECK(activate<Activation::Relu>(4, 0, 0) == 4);
  CHECK(activate<Activation::Clip>(9.0, 0.0f, 6.0f) == 6.0);
}
