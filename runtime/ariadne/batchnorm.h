//===- batchnorm.h - inference batch normalization --------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c] along
// the channel axis c, with the event seen as [outer, channels, inner] and
// the four parameters given per event (they are runtime tensors in the nn
// dialect; the generator passes constants through broadcastLanes).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_BATCHNORM_H
#define ARIADNE_RUNTIME_BATCHNORM_H

#include "ariadne/platform.h"

#include <cmath>

namespace ariadne {

struct BatchNormConfig {
  static constexpr int outer = 1;
  static constexpr int channels = 1;
  static constexpr int inner = 1;
  static constexpr float epsilon = 1e-5f;
};

template <class Config, int Lanes = 1>
ARIADNE_HD void batchNorm(const float *in, const float *scale,
                          const float *bias, const float *mean,
                          const float *variance, float *out) {
  constexpr int inner = Config::inner;
  for (int o = 0; o < Config::outer; ++o)
    for (int c = 0; c < Config::channels; ++c) {
      int base = (o * Config::channels + c) * inner;
      for (int t = 0; t < Lanes; ++t) {
        int p = c * Lanes + t;
        float deviation = std::sqrt(variance[p] + Config::epsilon);
        for (int i = 0; i < inner; ++i) {
          int e = (base + i) * Lanes + t;
          out[e] = (in[e] - mean[p]) / deviation * scale[p] + bias[p];
        }
      }
    }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_BATCHNORM_H
