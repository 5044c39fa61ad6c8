//===- gather.h - strided gather shared by transpose and slice --*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// Output element (i_0, ..., i_{r-1}) in C order reads input element
// offset + sum_d i_d * strides[d]. A transpose is a gather with permuted
// strides, a slice one with a start offset and step-scaled (possibly
// negative) strides; the generator computes both at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_GATHER_H
#define ARIADNE_RUNTIME_GATHER_H

#include "ariadne/platform.h"

namespace ariadne {

/// The defaults of a gather; `shape` and `strides` have `rank` entries.
struct GatherConfig {
  static constexpr int rank = 1;
  /// Output event shape.
  static constexpr int shape[1] = {1};
  /// Input element stride of each output dimension.
  static constexpr int strides[1] = {1};
  /// Input element read for output index 0.
  static constexpr int offset = 0;
};

/// out[i] = in[source(i)] for every output element of `Lanes` events.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void gather(const TIn *in, TOut *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr int inner = shape[rank - 1];
  constexpr int innerStride = strides[rank - 1];
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  int index[rank] = {};
  int source = Config::offset;
  for (int o = 0; o < outer; ++o) {
    TOut *y = out + o * inner * Lanes;
    for (int j = 0; j < inner; ++j)
      for (int t = 0; t < Lanes; ++t)
        y[j * Lanes + t] = TOut(in[(source + j * innerStride) * Lanes + t]);
    // Odometer over the outer dimensions.
    for (int d = rank - 2; d >= 0; --d) {
      source += strides[d];
      if (++index[d] < shape[d])
        break;
      source -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_GATHER_H
