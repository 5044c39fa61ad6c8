//===- runtime_lanes_test.cpp - the lane layout and reshape ---------------===//
#include "ariadne/lanes.h"
#include "ariadne/reshape.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

TEST_CASE("toLanes and fromLanes are inverse", "[runtime][lanes]") {
  std::vector<float> events = randomFloats(5 * 8, 1);
  std::vector<float> lanes(5 * 8), back(5 * 8);
  toLanes<5, 8>(events.data(), lanes.data());
  CHECK(lanes == eventsToLanes(events, 5, 8));
  fromLanes<5, 8>(lanes.data(), back.data());
  CHECK(back == events);
}

TEST_CASE("a partial tile is padded with zeros", "[runtime][lanes]") {
  std::vector<float> events = randomFloats(5 * 3, 2);
  std::vector<float> lanes(5 * 8, -1.0f);
  toLanes<5, 8>(events.data(), lanes.data(), 3);
  for (int i = 0; i < 5; ++i)
    for (int t = 0; t < 8; ++t)
      CHECK(lanes[i * 8 + t] == (t < 3 ? events[t * 5 + i] : 0.0f));
  std::vector<float> back(5 * 8, 7.0f);
  fromLanes<5, 8>(lanes.data(), back.data(), 3);
  CHECK(std::equal(events.begin(), events.end(), back.begin()));
  CHECK(back[15] == 7.0f);
}

TEST_CASE("broadcastLanes repeats a shared tensor", "[runtime][lanes]") {
  float shared[3] = {1, 2, 3};
  float scratch[12];
  CHECK((broadcastLanes<3, 1>(shared, scratch)) == shared);
  const float *lanes = broadcastLanes<3, 4>(shared, scratch);
  REQUIRE(lanes == scratch);
  for (int i = 0; i < 3; ++i)
    for (int t = 0; t < 4; ++t)
      CHECK(lanes[i * 4 + t] == shared[i]);
}

namespace {
struct SixConfig : ReshapeConfig {
  static constexpr int size = 6;
};
} // namespace

TEST_CASE("reshape and copy keep the element order", "[runtime][lanes]") {
  std::vector<float> x = randomFloats(6 * 2, 3), y(12), z(12);
  reshape<SixConfig, 2>(x.data(), y.data());
  CHECK(y == x);
  copy<6, 2>(x.data(), z.data());
  CHECK(z == x);
}
