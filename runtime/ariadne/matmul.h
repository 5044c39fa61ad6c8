//===- matmul.h - matrix product with numpy broadcasting --------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out[b, i, j] = sum_k lhs[b, i, k] * rhs[b, k, j] per event, the sum in
// order k = 0, 1, .... The batch dimensions b of the event are broadcast:
// the generator gives their shape and each operand's element stride per
// batch dimension (0 where it is broadcast). A 1-D operand is a matrix with
// one row (lhs) or one column (rhs); the element order of the result is the
// same with or without the promoted dimension.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_MATMUL_H
#define ARIADNE_RUNTIME_MATMUL_H

#include "ariadne/broadcast.h"
#include "ariadne/platform.h"

namespace ariadne {

/// The defaults of a matmul; the batch arrays have `batchRank` entries (a
/// product without batch dimensions has batchRank 1 and batchShape {1}).
struct MatMulConfig {
  static constexpr int m = 1;
  static constexpr int k = 1;
  static constexpr int n = 1;
  static constexpr int batchRank = 1;
  static constexpr int batchShape[1] = {1};
  static constexpr int lhsBatchStrides[1] = {0};
  static constexpr int rhsBatchStrides[1] = {0};
  using AccumT = float;
};

/// One matrix product per batch index over `Lanes` events; `out` must not
/// overlap the operands.
template <class Config, int Lanes = 1, class TLhs, class TRhs, class TOut>
ARIADNE_HD void matmul(const TLhs *lhs, const TRhs *rhs, TOut *out) {
  using AccumT = typename Config::AccumT;
  constexpr int m = Config::m, k = Config::k, n = Config::n;
  constexpr int rank = Config::batchRank;
  constexpr auto batchShape = constInts(Config::batchShape);
  constexpr auto lhsBatchStrides = constInts(Config::lhsBatchStrides);
  constexpr auto rhsBatchStrides = constInts(Config::rhsBatchStrides);
  int batches = 1;
  for (int d = 0; d < rank; ++d)
    batches *= batchShape[d];
  BroadcastWalk<rank> walk;
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < m; ++i) {
      // One output row accumulates in place: the (j, lane) loop is
      // contiguous in the row and in rhs, and vectorizes.
      AccumT row[n * Lanes];
      for (int e = 0; e < n * Lanes; ++e)
        row[e] = AccumT(0);
      for (int kk = 0; kk < k; ++kk) {
        const TLhs *a = lhs + (walk.lhs + i * k + kk) * Lanes;
        const TRhs *r = rhs + (walk.rhs + kk * n) * Lanes;
        for (int j = 0; j < n; ++j)
          for (int t = 0; t < Lanes; ++t)
            row[j * Lanes + t] += AccumT(a[t]) * AccumT(r[j * Lanes + t]);
      }
      TOut *y = out + (b * m + i) * n * Lanes;
      for (int e = 0; e < n * Lanes; ++e)
        y[e] = TOut(row[e]);
    }
    walk.next(rank, batchShape, lhsBatchStrides, rhsBatchStrides);
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_MATMUL_H
