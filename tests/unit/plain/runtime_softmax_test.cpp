//===- runtime_softmax_test.cpp - softmax kernel --------------------------===//
#include "ariadne/softmax.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// An event [2, 5, 3] with the softmax along the middle axis.
struct MiddleConfig : SoftmaxConfig {
  static constexpr int outer = 2, axisSize = 5, inner = 3;
};

std::vector<double> reference(const std::vector<float> &x) {
  std::vector<double> y(x.size());
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 3; ++i) {
      double maximum = -1e300, sum = 0;
      for (int a = 0; a < 5; ++a)
        maximum = std::max(maximum, double(x[(o * 5 + a) * 3 + i]));
      for (int a = 0; a < 5; ++a)
        sum += std::exp(x[(o * 5 + a) * 3 + i] - maximum);
      for (int a = 0; a < 5; ++a)
        y[(o * 5 + a) * 3 + i] =
            std::exp(x[(o * 5 + a) * 3 + i] - maximum) / sum;
    }
  return y;
}

/// An event [37, 6] with the softmax along the last axis: blocks of rows
/// computed side by side, and the rows left over one by one.
struct RowsConfig : SoftmaxConfig {
  static constexpr int outer = 37, axisSize = 6, inner = 1;
};

} // namespace

TEST_CASE("softmax along the last axis of one event, in place",
          "[runtime][softmax]") {
  std::vector<float> x = randomFloats(37 * 6, 4, -20, 20);
  x[6 * 3 + 2] = -1e4f; // a masked entry
  std::vector<float> y = x;
  softmax<RowsConfig>(y.data(), y.data());
  for (int o = 0; o < 37; ++o) {
    double maximum = -1e300, sum = 0;
    for (int a = 0; a < 6; ++a)
      maximum = std::max(maximum, double(x[o * 6 + a]));
    for (int a = 0; a < 6; ++a)
      sum += std::exp(x[o * 6 + a] - maximum);
    std::vector<double> expected;
    for (int a = 0; a < 6; ++a)
      expected.push_back(std::exp(x[o * 6 + a] - maximum) / sum);
    INFO("row " << o);
    requireClose(std::vector<float>(y.begin() + o * 6, y.begin() + o * 6 + 6),
                 expected, 1e-6, 1e-9);
  }
}

TEST_CASE("softmax along an inner axis", "[runtime][softmax]") {
  std::vector<float> x = randomFloats(30, 1, -5, 5);
  std::vector<float> y(30);
  softmax<MiddleConfig>(x.data(), y.data());
  requireClose(y, reference(x), 1e-6, 1e-9);
}

TEST_CASE("softmax of large inputs does not overflow", "[runtime][softmax]") {
  std::vector<float> x = randomFloats(30, 2, 500, 1000);
  std::vector<float> y(30);
  softmax<MiddleConfig>(x.data(), y.data());
  requireClose(y, reference(x), 1e-6, 1e-9);
}

TEST_CASE("softmax in the lane layout and in place", "[runtime][softmax]") {
  constexpr int lanes = 7;
  std::vector<float> events = randomFloats(30 * lanes, 3, -5, 5);
  std::vector<float> buffer = eventsToLanes(events, 30, lanes);
  softmax<MiddleConfig, lanes>(buffer.data(), buffer.data());
  std::vector<float> out = lanesToEvents(buffer, 30, lanes);
  for (int t = 0; t < lanes; ++t) {
    std::vector<float> x(events.begin() + 30 * t, events.begin() + 30 * t + 30);
    std::vector<float> y(out.begin() + 30 * t, out.begin() + 30 * t + 30);
    requireClose(y, reference(x), 1e-6, 1e-9);
  }
}
