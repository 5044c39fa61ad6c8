//===- reshape.h - reshape as a copy ----------------------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// A reshape keeps the C-order element sequence of an event, and the lane
// layout keeps it too, so the generated code usually aliases the input
// buffer. The copy is for results that must land in a separate buffer (a
// model output).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_RESHAPE_H
#define ARIADNE_RUNTIME_RESHAPE_H

#include "ariadne/platform.h"

namespace ariadne {

struct ReshapeConfig {
  /// Elements per event.
  static constexpr int size = 1;
};

template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void reshape(const TIn *in, TOut *out) {
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = TOut(in[i]);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_RESHAPE_H
