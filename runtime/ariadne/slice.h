//===- slice.h - strided slice of an event ----------------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_SLICE_H
#define ARIADNE_RUNTIME_SLICE_H

#include "ariadne/gather.h"
#include "ariadne/platform.h"

namespace ariadne {

/// Output dimension d takes input indices starts[d] + i * steps[d]:
/// `shape` is the output event shape, `strides[d]` = steps[d] times the
/// input's C-order stride of d (negative for a reversed dimension), and
/// `offset` = sum_d starts[d] * stride[d].
struct SliceConfig : GatherConfig {};

template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void slice(const TIn *in, TOut *out) {
  gather<Config, Lanes>(in, out);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_SLICE_H
