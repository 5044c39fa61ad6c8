//===- runtime_elementwise_test.cpp - binary ops with broadcasting --------===//
#include "ariadne/elementwise.h"

#include "runtime_test_util.h"

#include <algorithm>
#include <iterator>
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

/// [37] OP [37]: no broadcast, one flat run (whole vectors and a rest).
template <BinaryOp Op> struct FlatConfig : BinaryConfig {
  static constexpr BinaryOp op = Op;
  static constexpr int rank = 1;
  static constexpr int shape[1] = {37};
  static constexpr int lhsStrides[1] = {1};
  static constexpr int rhsStrides[1] = {1};
};

/// [3, 37] OP [37] (RhsInner 1) or OP [3, 1] (RhsInner 0): the rhs
/// broadcast over the rows, or along each row.
template <BinaryOp Op, int RhsInner> struct RowsConfig : BinaryConfig {
  static constexpr BinaryOp op = Op;
  static constexpr int rank = 2;
  static constexpr int shape[2] = {3, 37};
  static constexpr int lhsStrides[2] = {37, 1};
  static constexpr int rhsStrides[2] = {RhsInner == 1 ? 0 : 1, RhsInner};
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

/// Operands with NaN, infinities and zeros of both signs among ordinary
/// values.
std::vector<float> withSpecials(size_t n, unsigned seed) {
  const float inf = std::numeric_limits<float>::infinity();
  const float special[] = {
      std::numeric_limits<float>::quiet_NaN(), inf, -inf, 0.0f, -0.0f, 1.0f};
  std::vector<float> v = randomFloats(n, seed);
  for (size_t i = 0; i < n; i += 3)
    v[i] = special[(i / 3 + seed) % std::size(special)];
  return v;
}

/// binary<C, Lanes> against applyBinary on each element, bit for bit (NaN
/// against NaN): at kBatchLanes lanes the runs along the lanes and the flat
/// runs go in simd vectors.
template <class C, int Lanes, int LhsSize, int RhsSize, int OutSize>
void checkElementwise() {
  std::vector<float> lhs = withSpecials(LhsSize * Lanes, 5);
  std::vector<float> rhs = withSpecials(RhsSize * Lanes, 6);
  std::vector<float> out(OutSize * Lanes);
  binary<C, Lanes>(lhs.data(), rhs.data(), out.data());
  int index = 0;
  for (int i = 0; i < OutSize; ++i) {
    // The operands' element offsets of output element i (C order).
    int rest = i, a = 0, b = 0;
    for (int d = C::rank - 1; d >= 0; --d) {
      a += rest % C::shape[d] * C::lhsStrides[d];
      b += rest % C::shape[d] * C::rhsStrides[d];
      rest /= C::shape[d];
    }
    for (int t = 0; t < Lanes; ++t, ++index) {
      const float expected =
          applyBinary<C::op>(lhs[a * Lanes + t], rhs[b * Lanes + t]);
      const float y = out[i * Lanes + t];
      INFO("element " << i << ", lane " << t);
      if (std::isnan(expected))
        CHECK(std::isnan(y));
      else
        CHECK(floatOrdinal(y) == floatOrdinal(expected));
    }
  }
  CHECK(index == OutSize * Lanes);
}

template <BinaryOp Op> void checkVectorPaths() {
  constexpr int lanes = simd::kBatchLanes;
  checkElementwise<FlatConfig<Op>, 1, 37, 37, 37>();
  checkElementwise<FlatConfig<Op>, lanes, 37, 37, 37>();
  checkElementwise<MixedConfig<Op>, lanes, 24, 3, 24>();
  checkElementwise<RowsConfig<Op, 1>, 1, 111, 37, 111>();
  checkElementwise<RowsConfig<Op, 0>, 1, 111, 3, 111>();
  checkElementwise<RowsConfig<Op, 1>, lanes, 111, 37, 111>();
}

} // namespace

TEST_CASE("binary ops give each element's value on every path",
          "[runtime][elementwise]") {
  checkVectorPaths<BinaryOp::Add>();
  checkVectorPaths<BinaryOp::Sub>();
  checkVectorPaths<BinaryOp::Mul>();
  checkVectorPaths<BinaryOp::Div>();
  checkVectorPaths<BinaryOp::Max>();
  checkVectorPaths<BinaryOp::Min>();
}

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
