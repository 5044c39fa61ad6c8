//===- runtime_elementwise_test.cpp - binary ops with broadcasting --------===//
#include "ariadne/elementwise.h"

#include "runtime_test_util.h"

#include <algorithm>
#include <limits>

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// [2, 3, 4] OP [3, 1]: the rhs broadcasts over dimensions 0 and 2.
template <BinaryOp Op> struct MixedConfig : BinaryConfig {
  static constexpr BinaryOp op = Op;
  static constexpr int rank = 3;
  static constexpr int shape[3] = {2, 3, 4};
  static constexpr int lhsStrides[3] = {12, 4, 1};
  static constexpr int rhsStrides[3] = {0, 1, 0};
};

/// [1] OP [5]: a scalar against a vector, the lhs broadcast.
struct ScalarConfig : BinaryConfig {
  static constexpr BinaryOp op = BinaryOp::Sub;
  static constexpr int rank = 1;
  static constexpr int shape[1] = {5};
  static constexpr int lhsStrides[1] = {0};
  static constexpr int rhsStrides[1] = {1};
};

double apply(BinaryOp op, double a, double b) {
  switch (op) {
  case BinaryOp::Add:
    return a + b;
  case BinaryOp::Sub:
    return a - b;
  case BinaryOp::Mul:
    return a * b;
  case BinaryOp::Div:
    return a / b;
  case BinaryOp::Max:
    return std::max(a, b);
  case BinaryOp::Min:
    return std::min(a, b);
  }
  return 0;
}

template <BinaryOp Op> void checkMixed() {
  using C = MixedConfig<Op>;
  std::vector<float> lhs = randomFloats(24, 1);
  std::vector<float> rhs = randomFloats(3, 2, 0.5f, 2.0f);
  std::vector<double> expected;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k)
        expected.push_back(float(apply(Op, lhs[i * 12 + j * 4 + k], rhs[j])));
  std::vector<float> out(24);
  binary<C>(lhs.data(), rhs.data(), out.data());
  requireClose(out, expected, 0, 0);

  // Lanes: each event its own operands.
  constexpr int lanes = 3;
  std::vector<float> lhsEvents = randomFloats(24 * lanes, 3);
  std::vector<float> rhsEvents = randomFloats(3 * lanes, 4, 0.5f, 2.0f);
  std::vector<float> laneOut(24 * lanes);
  binary<C, lanes>(eventsToLanes(lhsEvents, 24, lanes).data(),
                   eventsToLanes(rhsEvents, 3, lanes).data(), laneOut.data());
  std::vector<float> events = lanesToEvents(laneOut, 24, lanes);
  for (int t = 0; t < lanes; ++t) {
    std::vector<float> y(24);
    binary<C>(lhsEvents.data() + 24 * t, rhsEvents.data() + 3 * t, y.data());
    REQUIRE(std::equal(y.begin(), y.end(), events.begin() + 24 * t));
  }
}

} // namespace

TEST_CASE("binary ops broadcast", "[runtime][elementwise]") {
  checkMixed<BinaryOp::Add>();
  checkMixed<BinaryOp::Sub>();
  checkMixed<BinaryOp::Mul>();
  checkMixed<BinaryOp::Div>();
  checkMixed<BinaryOp::Max>();
  checkMixed<BinaryOp::Min>();
}

TEST_CASE("binary op with a broadcast scalar", "[runtime][elementwise]") {
  float lhs = 10;
  std::vector<float> rhs = {1, 2, 3, 4, 5}, out(5);
  binary<ScalarConfig>(&lhs, rhs.data(), out.data());
  CHECK(out == std::vector<float>{9, 8, 7, 6, 5});
}

TEST_CASE("max and min propagate NaN", "[runtime][elementwise]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(applyBinary<BinaryOp::Max>(nan, 1.0f)));
  CHECK(std::isnan(applyBinary<BinaryOp::Max>(1.0f, nan)));
  CHECK(std::isnan(applyBinary<BinaryOp::Min>(nan, 1.0f)));
  CHECK(std::isnan(applyBinary<BinaryOp::Min>(1.0f, nan)));
  CHECK(applyBinary<BinaryOp::Max>(-1.0f, 2.0f) == 2.0f);
  CHECK(applyBinary<BinaryOp::Min>(-1.0f, 2.0f) == -1.0f);
}
