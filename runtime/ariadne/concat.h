//===- concat.h - concatenation along one event axis ------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// With `outer` the product of the dimensions before the axis, the output is
// `outer` repetitions of one chunk of every input in turn, where input i's
// chunk holds its axis dimension times the product of the dimensions
// after the axis.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_CONCAT_H
#define ARIADNE_RUNTIME_CONCAT_H

#include "ariadne/lanes.h"
#include "ariadne/platform.h"

namespace ariadne {

struct ConcatConfig {
  static constexpr int inputs = 1;
  static constexpr int outer = 1;
  /// Elements per chunk of each input (`inputs` entries).
  static constexpr int chunks[1] = {1};
};

namespace detail {
/// The chunks of inputs I, I + 1, ... of one outer block, each a copy of a
/// compile-time length (small chunks, such as a feature or a few, unroll
/// instead of running a loop each).
template <class Config, int Lanes, int I, class TIn, class TOut>
ARIADNE_HD inline void concatChunks(const TIn *const *inputs, int o,
                                    TOut *out) {
  if constexpr (I < Config::inputs) {
    constexpr int chunk = Config::chunks[I] * Lanes;
    copyConverted<chunk>(inputs[I] + o * chunk, out);
    concatChunks<Config, Lanes, I + 1>(inputs, o, out + chunk);
  }
}
} // namespace detail

/// `inputs` holds Config::inputs pointers, each in the lane layout.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void concat(const TIn *const *inputs, TOut *out) {
  constexpr int block = [] {
    int sum = 0;
    for (int i = 0; i < Config::inputs; ++i)
      sum += Config::chunks[i];
    return sum;
  }() * Lanes;
  for (int o = 0; o < Config::outer; ++o)
    detail::concatChunks<Config, Lanes, 0>(inputs, o, out + o * block);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_CONCAT_H
