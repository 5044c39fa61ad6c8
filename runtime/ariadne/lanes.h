//===- lanes.h - the event-lane memory layout of the kernels ----*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// Every kernel is templated on `Lanes`, the number of events it processes at
// once. Element i (C order within one event) of lane t sits at
// `buffer[i * Lanes + t]`. With Lanes = 1 this is the plain layout of one
// event; with Lanes = 16 the innermost loop of every kernel runs over 16
// independent events, which the compiler turns into SIMD without
// reassociating any sum, and a dense layer reuses each weight 16 times from
// a register. The batched entry point of a package converts a tile of events
// into this layout, runs the layers and converts back.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_LANES_H
#define ARIADNE_RUNTIME_LANES_H

#include "ariadne/platform.h"

#include <cstddef>

namespace ariadne {

/// Turns `Lanes` consecutive events of `Size` elements each (`events[t *
/// Size + i]`) into the lane layout (`lanes[i * Lanes + t]`). With fewer
/// than `Lanes` events (`count`), the missing lanes are zero.
template <int Size, int Lanes, class T>
ARIADNE_HD void toLanes(const T *events, T *lanes, int count = Lanes) {
  // Contiguous stores, strided loads: twice as fast as the other order.
  for (int i = 0; i < Size; ++i)
    for (int t = 0; t < Lanes; ++t)
      lanes[i * Lanes + t] = t < count ? events[t * Size + i] : T(0);
}

/// The inverse of toLanes for the first `count` lanes.
template <int Size, int Lanes, class T>
ARIADNE_HD void fromLanes(const T *lanes, T *events, int count = Lanes) {
  for (int t = 0; t < count; ++t)
    for (int i = 0; i < Size; ++i)
      events[t * Size + i] = lanes[i * Lanes + t];
}

/// The lane layout of a tensor shared by every event (a constant operand):
/// each element is repeated `Lanes` times into `scratch`. With one lane the
/// layouts coincide and the constant is used in place.
template <int Size, int Lanes, class T>
ARIADNE_HD const T *broadcastLanes(const T *shared, T *scratch) {
  if constexpr (Lanes == 1) {
    return shared;
  } else {
    for (int i = 0; i < Size; ++i)
      for (int t = 0; t < Lanes; ++t)
        scratch[i * Lanes + t] = shared[i];
    return scratch;
  }
}

/// Copies `Size` elements of `Lanes` events (a model output that is a
/// model input, a constant or a reshape of another value).
template <int Size, int Lanes, class TIn, class TOut>
ARIADNE_HD void copy(const TIn *in, TOut *out) {
  for (int i = 0; i < Size * Lanes; ++i)
    out[i] = TOut(in[i]);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_LANES_H
