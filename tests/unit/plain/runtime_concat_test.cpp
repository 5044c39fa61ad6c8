//===- runtime_concat_test.cpp - concat kernel ----------------------------===//
#include "ariadne/concat.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// [2, 1, 3] ++ [2, 2, 3] ++ [2, 3, 3] along axis 1 -> [2, 6, 3].
struct Config : ConcatConfig {
  static constexpr int inputs = 3;
  static constexpr int outer = 2;
  static constexpr int chunks[3] = {3, 6, 9};
};

std::vector<float> reference(const std::vector<float> &a,
                             const std::vector<float> &b,
                             const std::vector<float> &c) {
  std::vector<float> out;
  for (int o = 0; o < 2; ++o) {
    out.insert(out.end(), a.begin() + 3 * o, a.begin() + 3 * o + 3);
    out.insert(out.end(), b.begin() + 6 * o, b.begin() + 6 * o + 6);
    out.insert(out.end(), c.begin() + 9 * o, c.begin() + 9 * o + 9);
  }
  return out;
}

} // namespace

TEST_CASE("concat interleaves chunks of every input", "[runtime][concat]") {
  std::vector<float> a = randomFloats(6, 1), b = randomFloats(12, 2),
                     c = randomFloats(18, 3);
  const float *inputs[] = {a.data(), b.data(), c.data()};
  std::vector<float> out(36);
  concat<Config>(inputs, out.data());
  CHECK(out == reference(a, b, c));
}

TEST_CASE("concat in the lane layout", "[runtime][concat]") {
  constexpr int lanes = 4;
  std::vector<float> a = randomFloats(6 * lanes, 4),
                     b = randomFloats(12 * lanes, 5),
                     c = randomFloats(18 * lanes, 6);
  std::vector<float> la = eventsToLanes(a, 6, lanes),
                     lb = eventsToLanes(b, 12, lanes),
                     lc = eventsToLanes(c, 18, lanes);
  const float *inputs[] = {la.data(), lb.data(), lc.data()};
  std::vector<float> out(36 * lanes);
  concat<Config, lanes>(inputs, out.data());
  std::vector<float> events = lanesToEvents(out, 36, lanes);
  for (int t = 0; t < lanes; ++t) {
    auto part = [&](const std::vector<float> &v, int size) {
      return std::vector<float>(v.begin() + size * t,
                                v.begin() + size * (t + 1));
    };
    std::vector<float> expected =
        reference(part(a, 6), part(b, 12), part(c, 18));
    REQUIRE(
        std::equal(expected.begin(), expected.end(), events.begin() + 36 * t));
  }
}
