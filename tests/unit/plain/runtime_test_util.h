//===- runtime_test_util.h - runtime kernel test helpers --------*- C++ -*-===//
#ifndef ARIADNE_TESTS_RUNTIME_TEST_UTIL_H
#define ARIADNE_TESTS_RUNTIME_TEST_UTIL_H

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace ariadne {
namespace test {

inline std::vector<float> randomFloats(size_t n, unsigned seed,
                                       float low = -1.0f, float high = 1.0f) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(low, high);
  std::vector<float> values(n);
  for (float &v : values)
    v = distribution(generator);
  return values;
}

/// Events stored one after another -> the lane layout of lanes.h.
inline std::vector<float> eventsToLanes(const std::vector<float> &events,
                                        size_t size, size_t lanes) {
  std::vector<float> out(size * lanes);
  for (size_t t = 0; t < lanes; ++t)
    for (size_t i = 0; i < size; ++i)
      out[i * lanes + t] = events[t * size + i];
  return out;
}

/// The lane layout -> events stored one after another.
inline std::vector<float> lanesToEvents(const std::vector<float> &lanes,
                                        size_t size, size_t count) {
  std::vector<float> out(size * count);
  for (size_t t = 0; t < count; ++t)
    for (size_t i = 0; i < size; ++i)
      out[t * size + i] = lanes[i * count + t];
  return out;
}

/// A monotonic integer image of a float: consecutive floats differ by 1.
inline int64_t floatOrdinal(float f) {
  int32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits < 0 ? -int64_t(bits & 0x7fffffff) : int64_t(bits);
}

inline int64_t ulpDistance(float a, float b) {
  int64_t d = floatOrdinal(a) - floatOrdinal(b);
  return d < 0 ? -d : d;
}

/// Checks every value against a double-precision reference, within
/// `relative` of the reference scale plus `absolute`.
inline void requireClose(const std::vector<float> &actual,
                         const std::vector<double> &expected,
                         double relative = 1e-5, double absolute = 1e-6) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("element " << i << ": " << actual[i] << " vs " << expected[i]);
    REQUIRE(std::fabs(actual[i] - expected[i]) <=
            relative * std::fabs(expected[i]) + absolute);
  }
}

} // namespace test
} // namespace ariadne

#endif // ARIADNE_TESTS_RUNTIME_TEST_UTIL_H
