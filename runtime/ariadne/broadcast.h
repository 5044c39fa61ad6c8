//===- broadcast.h - walking two broadcast operands -------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The element offsets of two operands while an output's dimensions are
// walked in C order, numpy broadcasting: each operand has an element
// stride per output dimension, 0 where it is broadcast. Binary element-wise
// kernels walk the outer dimensions of the result with it, matrix products
// the batch dimensions, in float and in fixed point alike.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_BROADCAST_H
#define ARIADNE_RUNTIME_BROADCAST_H

#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <cstddef>
#include <type_traits>

namespace ariadne {

/// An odometer over the first `Dims` dimensions of `shape` (Dims <= N),
/// keeping each operand's offset.
template <int N> struct BroadcastWalk {
  int index[N] = {};
  int lhs = 0, rhs = 0;

  /// Steps to the next index; after the last it is back at the start.
  template <class Ints>
  ARIADNE_HD void next(int dims, const Ints &shape, const Ints &lhsStrides,
                       const Ints &rhsStrides) {
    for (int d = dims - 1; d >= 0; --d) {
      lhs += lhsStrides[d];
      rhs += rhsStrides[d];
      if (++index[d] < shape[d])
        return;
      lhs -= lhsStrides[d] * shape[d];
      rhs -= rhsStrides[d] * shape[d];
      index[d] = 0;
    }
  }
};

/// Whether `strides` read a tensor of `shape` in C order, element by
/// element (no broadcasting).
template <int N, class Ints>
ARIADNE_HD constexpr bool denseOperands(const Ints &shape, const Ints &strides) {
  int step = 1;
  for (int d = N - 1; d >= 0; --d) {
    if (shape[d] != 1 && strides[d] != step)
      return false;
    step *= shape[d];
  }
  return true;
}

/// out[i] = fn(lhs, rhs) over one event's output (Config::shape), the
/// operands broadcast by Config::lhsStrides and Config::rhsStrides, for
/// `Lanes` events in the lane layout. The innermost dimension is a plain
/// loop with compile-time strides. With `vectorFn`, the same operation on
/// simd vectors (float operands and result), a flat run (no broadcast) and
/// the runs along the lanes go in whole vectors: GCC's -O2 (CMSSW's level)
/// vectorizes no loop whose pointers may alias.
template <class Config, int Lanes, class TLhs, class TRhs, class TOut, class Fn,
          class VectorFn = std::nullptr_t>
ARIADNE_HD void broadcastBinary(const TLhs *lhs, const TRhs *rhs, TOut *out,
                                Fn fn, VectorFn vectorFn = nullptr) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto lhsStrides = constInts(Config::lhsStrides);
  constexpr auto rhsStrides = constInts(Config::rhsStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int lhsInner = lhsStrides[rank - 1];
  constexpr int rhsInner = rhsStrides[rank - 1];
#if ARIADNE_SIMD_WIDTH > 1
  constexpr int width = simd::kWidth;
  constexpr bool vectors = !std::is_same<VectorFn, std::nullptr_t>::value;
#endif
  (void)vectorFn;
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  if constexpr (denseOperands<rank>(shape, lhsStrides) &&
                denseOperands<rank>(shape, rhsStrides)) {
    // Neither operand broadcasts: one flat loop (the rows of a residual
    // sum over a graph's edges are one run of values).
    const int count = outer * inner * Lanes;
    int i = 0;
#if ARIADNE_SIMD_WIDTH > 1
    if constexpr (vectors)
      for (; i + width <= count; i += width)
        simd::store(out + i,
                    vectorFn(simd::load(lhs + i), simd::load(rhs + i)));
#endif
    for (; i < count; ++i)
      out[i] = fn(lhs[i], rhs[i]);
    return;
  }
  BroadcastWalk<rank> walk;
  for (int o = 0; o < outer; ++o) {
    TOut *y = out + o * inner * Lanes;
    int j = 0;
#if ARIADNE_SIMD_WIDTH > 1
    if constexpr (vectors && Lanes == 1 && (lhsInner == 0 || lhsInner == 1) &&
                  (rhsInner == 0 || rhsInner == 1)) {
      // One event: the innermost run in vectors, each operand read along
      // it or broadcast over it.
      const TLhs *a = lhs + walk.lhs;
      const TRhs *b = rhs + walk.rhs;
      for (; j + width <= inner; j += width)
        simd::store(
            y + j,
            vectorFn(lhsInner == 1 ? simd::load(a + j) : simd::splat(a[0]),
                     rhsInner == 1 ? simd::load(b + j) : simd::splat(b[0])));
    }
#endif
    for (; j < inner; ++j) {
      const TLhs *a = lhs + (walk.lhs + j * lhsInner) * Lanes;
      const TRhs *b = rhs + (walk.rhs + j * rhsInner) * Lanes;
#if ARIADNE_SIMD_WIDTH > 1
      if constexpr (vectors && Lanes % width == 0) {
        for (int t = 0; t < Lanes; t += width)
          simd::store(y + j * Lanes + t,
                      vectorFn(simd::load(a + t), simd::load(b + t)));
        continue;
      }
#endif
      for (int t = 0; t < Lanes; ++t)
        y[j * Lanes + t] = fn(a[t], b[t]);
    }
    walk.next(rank - 1, shape, lhsStrides, rhsStrides);
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_BROADCAST_H
