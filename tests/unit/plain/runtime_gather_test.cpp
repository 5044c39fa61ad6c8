//===- runtime_gather_test.cpp - transpose and slice kernels --------------===//
#include "ariadne/gather.h"
#include "ariadne/slice.h"
#include "ariadne/transpose.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// [2, 3, 4] with perm (2, 0, 1) -> [4, 2, 3].
struct PermConfig : TransposeConfig {
  static constexpr int rank = 3;
  static constexpr int shape[3] = {4, 2, 3};
  static constexpr int strides[3] = {1, 12, 4};
};

/// [4, 5] sliced to rows 3, 1 (start 3, step -2) and columns 1, 4 (start 1,
/// step 3) -> [2, 2].
struct ReverseConfig : SliceConfig {
  static constexpr int rank = 2;
  static constexpr int shape[2] = {2, 2};
  static constexpr int strides[2] = {-10, 3};
  static constexpr int offset = 3 * 5 + 1;
};

} // namespace

TEST_CASE("transpose permutes the dimensions", "[runtime][gather]") {
  std::vector<float> x(24);
  for (int i = 0; i < 24; ++i)
    x[i] = float(i);
  std::vector<float> y(24);
  transpose<PermConfig>(x.data(), y.data());
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c)
        REQUIRE(y[(a * 2 + b) * 3 + c] == x[(b * 3 + c) * 4 + a]);
}

TEST_CASE("slice with a negative step", "[runtime][gather]") {
  std::vector<float> x(20);
  for (int i = 0; i < 20; ++i)
    x[i] = float(i);
  std::vector<float> y(4);
  slice<ReverseConfig>(x.data(), y.data());
  CHECK(y == std::vector<float>{16, 19, 6, 9});
}

TEST_CASE("gather in the lane layout", "[runtime][gather]") {
  constexpr int lanes = 3;
  std::vector<float> events = randomFloats(24 * lanes, 1);
  std::vector<float> out(24 * lanes);
  transpose<PermConfig, lanes>(eventsToLanes(events, 24, lanes).data(),
                               out.data());
  std::vector<float> result = lanesToEvents(out, 24, lanes);
  for (int t = 0; t < lanes; ++t) {
    std::vector<float> y(24);
    transpose<PermConfig>(events.data() + 24 * t, y.data());
    REQUIRE(std::equal(y.begin(), y.end(), result.begin() + 24 * t));
  }
}
