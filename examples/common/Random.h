//===- Random.h - the example simulators' random numbers --------*- C++ -*-===//
//
// One fixed generator and fixed distributions, so that a seed gives the
// same events on every machine and standard library.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EXAMPLES_COMMON_RANDOM_H
#define ARIADNE_EXAMPLES_COMMON_RANDOM_H

#include <cmath>
#include <cstdint>

namespace ariadne::examples {

/// xoshiro256** (Blackman and Vigna), its state filled by SplitMix64 from
/// the seed: a fixed algorithm, unlike the standard library's
/// distributions.
class Random {
public:
  explicit Random(std::uint64_t seed) {
    for (std::uint64_t &word : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  std::uint64_t next() {
    std::uint64_t result = rotate(state_[1] * 5, 7) * 9;
    std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate(state_[3], 45);
    return result;
  }

  /// Uniform in [lo, hi), from the top 53 bits.
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
  }

  /// Normal with mean 0 and deviation sigma (Box-Muller, the cosine half).
  double gauss(double sigma) {
    double u = 1.0 - uniform(0.0, 1.0); // in (0, 1]: log(u) is finite
    double v = uniform(0.0, 1.0);
    return sigma * std::sqrt(-2.0 * std::log(u)) *
           std::cos(2 * 3.14159265358979323846 * v);
  }

  /// Uniform in [0, n), n > 0, without modulo bias (by drawing again).
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t limit = ~0ULL - ~0ULL % n;
    for (;;) {
      std::uint64_t value = next();
      if (value < limit)
        return value % n;
    }
  }

private:
  static std::uint64_t rotate(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t state_[4];
};

} // namespace ariadne::examples

#endif // ARIADNE_EXAMPLES_COMMON_RANDOM_H
