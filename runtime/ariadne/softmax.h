//===- softmax.h - softmax along one event axis -----------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out = exp(x - max) / sum(exp(x - max)) along the axis, with the event
// seen as [outer, axis, inner]. The exponentials and the division are loops
// of their own so that they vectorize; the sum is taken in axis order.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_SOFTMAX_H
#define ARIADNE_RUNTIME_SOFTMAX_H

#include "ariadne/activation.h"
#include "ariadne/fastmath.h"
#include "ariadne/platform.h"

namespace ariadne {

struct SoftmaxConfig {
  /// Product of the event dimensions before the axis.
  static constexpr int outer = 1;
  static constexpr int axisSize = 1;
  /// Product of the event dimensions after the axis.
  static constexpr int inner = 1;
};

/// Softmax of `Lanes` float events; `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1>
ARIADNE_HD void softmax(const float *in, float *out) {
  constexpr int axisSize = Config::axisSize;
  // Consecutive axis elements are `step` floats apart; the `Lanes * inner`
  // values of one axis position are contiguous and independent.
  constexpr int width = Config::inner * Lanes;
  constexpr int step = width;
  for (int o = 0; o < Config::outer; ++o) {
    const float *x = in + o * axisSize * step;
    float *y = out + o * axisSize * step;
    float maximum[width];
    float sum[width];
    for (int w = 0; w < width; ++w)
      maximum[w] = x[w];
    for (int a = 1; a < axisSize; ++a)
      for (int w = 0; w < width; ++w)
        maximum[w] = detail::select(x[a * step + w] > maximum[w],
                                    x[a * step + w], maximum[w]);
    for (int a = 0; a < axisSize; ++a)
      for (int w = 0; w < width; ++w)
        y[a * step + w] = math::exp(x[a * step + w] - maximum[w]);
    for (int w = 0; w < width; ++w)
      sum[w] = 0.0f;
    for (int a = 0; a < axisSize; ++a)
      for (int w = 0; w < width; ++w)
        sum[w] += y[a * step + w];
    for (int a = 0; a < axisSize; ++a)
      for (int w = 0; w < width; ++w)
        y[a * step + w] /= sum[w];
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_SOFTMAX_H
