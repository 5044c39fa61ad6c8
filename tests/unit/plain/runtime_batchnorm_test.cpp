//===- runtime_batchnorm_test.cpp - batch normalization kernel ------------===//
#include "ariadne/batchnorm.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// An event [2, 3, 4]: two rows of three channels of four values.
struct Config : BatchNormConfig {
  static constexpr int outer = 2, channels = 3, inner = 4;
  static constexpr float epsilon = 1e-3f;
};

} // namespace

TEST_CASE("batch norm normalizes along the channel axis",
          "[runtime][batchnorm]") {
  std::vector<float> x = randomFloats(24, 1, -3, 3);
  std::vector<float> scale = randomFloats(3, 2), bias = randomFloats(3, 3);
  std::vector<float> mean = randomFloats(3, 4);
  std::vector<float> variance = randomFloats(3, 5, 0.1f, 2.0f);
  std::vector<double> expected;
  for (int o = 0; o < 2; ++o)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 4; ++i)
        expected.push_back((x[(o * 3 + c) * 4 + i] - double(mean[c])) /
                               std::sqrt(double(variance[c]) + 1e-3) *
                               scale[c] +
                           bias[c]);
  std::vector<float> y(24);
  batchNorm<Config>(x.data(), scale.data(), bias.data(), mean.data(),
                    variance.data(), y.data());
  requireClose(y, expected, 1e-5, 1e-6);

  // Two events with their own parameters in the lane layout.
  constexpr int lanes = 2;
  auto twice = [](const std::vector<float> &p) {
    std::vector<float> both = p;
    for (float v : p)
      both.push_back(v * 0.5f);
    return eventsToLanes(both, p.size(), lanes);
  };
  std::vector<float> xs = x;
  xs.insert(xs.end(), x.begin(), x.end());
  std::vector<float> out(48);
  batchNorm<Config, lanes>(eventsToLanes(xs, 24, lanes).data(),
                           twice(scale).data(), twice(bias).data(),
                           twice(mean).data(), twice(variance).data(),
                           out.data());
  std::vector<float> events = lanesToEvents(out, 24, lanes);
  REQUIRE(std::equal(y.begin(), y.end(), events.begin()));
  std::vector<float> half(24);
  std::vector<float> s2, b2, m2, v2;
  for (int c = 0; c < 3; ++c) {
    s2.push_back(scale[c] * 0.5f);
    b2.push_back(bias[c] * 0.5f);
    m2.push_back(mean[c] * 0.5f);
    v2.push_back(variance[c] * 0.5f);
  }
  batchNorm<Config>(x.data(), s2.data(), b2.data(), m2.data(), v2.data(),
                    half.data());
  REQUIRE(std::equal(half.begin(), half.end(), events.begin() + 24));
}
