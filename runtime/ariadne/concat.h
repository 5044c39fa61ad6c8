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

#include "ariadne/platform.h"

namespace ariadne {

struct ConcatConfig {
  static constexpr int inputs = 1;
  static constexpr int outer = 1;
  /// Elements per chunk of each input (`inputs` entries).
  static constexpr int chunks[1] = {1};
};

/// `inputs` holds Config::inputs pointers, each in the lane layout.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void concat(const TIn *const *inputs, TOut *out) {
  constexpr auto chunks = constInts(Config::chunks);
  for (int o = 0; o < Config::outer; ++o)
    for (int i = 0; i < Config::inputs; ++i) {
      const int chunk = chunks[i] * Lanes;
      const TIn *x = inputs[i] + o * chunk;
      for (int e = 0; e < chunk; ++e)
        out[e] = TOut(x[e]);
      out += chunk;
    }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_CONCAT_H
