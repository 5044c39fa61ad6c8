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
#include "ariadne/simd.h"

namespace ariadne {

struct SoftmaxConfig {
  /// Product of the event dimensions before the axis.
  static constexpr int outer = 1;
  static constexpr int axisSize = 1;
  /// Product of the event dimensions after the axis.
  static constexpr int inner = 1;
};

namespace detail {

/// Softmax along the axis of `width` independent columns: element (a, w) at
/// a * width + w. The sum is taken in axis order.
template <int AxisSize, int Width>
ARIADNE_HD void softmaxColumns(const float *x, float *y) {
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (Width % simd::kWidth == 0) {
    // The same arithmetic in vectors of columns: GCC -O2 does not vectorize
    // the loops below. Each value of x is read before its place in y is
    // written, so that x and y may be the same buffer.
    for (int w = 0; w < Width; w += simd::kWidth) {
      simd::Vec maximum = simd::load(x + w);
      for (int a = 1; a < AxisSize; ++a)
        maximum = simd::maxOf(simd::load(x + a * Width + w), maximum);
      simd::Vec sum = simd::Vec{};
      for (int a = 0; a < AxisSize; ++a) {
        const simd::Vec e =
            math::expOf(simd::load(x + a * Width + w) - maximum);
        simd::store(y + a * Width + w, e);
        sum += e;
      }
      for (int a = 0; a < AxisSize; ++a)
        simd::store(y + a * Width + w, simd::load(y + a * Width + w) / sum);
    }
    return;
  }
#endif
  float maximum[Width];
  float sum[Width];
  for (int w = 0; w < Width; ++w)
    maximum[w] = x[w];
  for (int a = 1; a < AxisSize; ++a)
    for (int w = 0; w < Width; ++w)
      maximum[w] =
          select(x[a * Width + w] > maximum[w], x[a * Width + w], maximum[w]);
  for (int a = 0; a < AxisSize; ++a)
    for (int w = 0; w < Width; ++w)
      y[a * Width + w] = math::exp(x[a * Width + w] - maximum[w]);
  for (int w = 0; w < Width; ++w)
    sum[w] = 0.0f;
  for (int a = 0; a < AxisSize; ++a)
    for (int w = 0; w < Width; ++w)
      sum[w] += y[a * Width + w];
  for (int a = 0; a < AxisSize; ++a)
    for (int w = 0; w < Width; ++w)
      y[a * Width + w] /= sum[w];
}

} // namespace detail

/// Softmax of `Lanes` float events; `in` and `out` may be the same buffer.
///
/// One event whose axis is innermost (inner == 1) has one contiguous row per
/// outer index: each row alone is a chain of dependent compares and
/// additions. Blocks of simd::kWidth rows are therefore transposed into
/// columns, computed side by side in vectors, and transposed back; the
/// arithmetic is the same.
template <class Config, int Lanes = 1>
ARIADNE_HD void softmax(const float *in, float *out) {
  constexpr int axisSize = Config::axisSize;
  constexpr int outer = Config::outer;
  // Consecutive axis elements are `width` floats apart; the `Lanes * inner`
  // values of one axis position are contiguous and independent.
  constexpr int width = Config::inner * Lanes;
#if ARIADNE_SIMD_WIDTH > 1
  constexpr int rows = width == 1 ? simd::kWidth : 1;
#else
  constexpr int rows = 1;
#endif
  // Outer indices [0, blocked) go in blocks of rows, the rest one by one.
  constexpr int blocked = rows > 1 ? outer / rows * rows : 0;
  for (int o = 0; o < blocked; o += rows) {
    float block[axisSize * rows];
    for (int r = 0; r < rows; ++r)
      for (int a = 0; a < axisSize; ++a)
        block[a * rows + r] = in[(o + r) * axisSize + a];
    detail::softmaxColumns<axisSize, rows>(block, block);
    for (int r = 0; r < rows; ++r)
      for (int a = 0; a < axisSize; ++a)
        out[(o + r) * axisSize + a] = block[a * rows + r];
  }
  for (int o = blocked; o < outer; ++o)
    detail::softmaxColumns<axisSize, width>(in + o * axisSize * width,
                                            out + o * axisSize * width);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_SOFTMAX_H
