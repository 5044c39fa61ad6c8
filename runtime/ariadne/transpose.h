//===- transpose.h - permutation of the event dimensions --------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_TRANSPOSE_H
#define ARIADNE_RUNTIME_TRANSPOSE_H

#include "ariadne/gather.h"
#include "ariadne/platform.h"

namespace ariadne {

/// Output dimension d is input dimension perm[d]: `shape` is the output
/// event shape and `strides[d]` the input's C-order stride of dimension
/// perm[d]. The offset stays 0.
struct TransposeConfig : GatherConfig {};

template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void transpose(const TIn *in, TOut *out) {
  static_assert(Config::offset == 0, "a transpose starts at element 0");
  gather<Config, Lanes>(in, out);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_TRANSPOSE_H
