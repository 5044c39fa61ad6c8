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
#include "ariadne/simd.h"

#include <type_traits>

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

namespace detail {

/// Floats per vector of the one-event kernel: the widest power of two up to
/// simd::kWidth that a row of `n` outputs fills; below 4 the portable loops
/// run.
template <int N> constexpr int matmulEventWidth() {
  int width = simd::kWidth;
  while (width > N)
    width /= 2;
  return width;
}

template <class Config, int Lanes, class TLhs, class TRhs, class TOut>
constexpr bool matmulUsesSimd() {
  return simd::kEnabled && Lanes == 1 && matmulEventWidth<Config::n>() >= 4 &&
         std::is_same<TLhs, float>::value && std::is_same<TRhs, float>::value &&
         std::is_same<TOut, float>::value &&
         std::is_same<typename Config::AccumT, float>::value;
}

#if ARIADNE_SIMD_WIDTH > 1
/// One event's [m x k] x [k x n] product (one batch index).
template <class Config>
ARIADNE_INLINE void matmulEvent(const float *lhs, const float *rhs,
                                float *out) {
  constexpr int m = Config::m, k = Config::k, n = Config::n;
  constexpr int width = matmulEventWidth<n>();
  constexpr int vectors = n / width;
  using V = typename simd::VectorOf<width>::type;
  for (int i = 0; i < m; ++i) {
    const float *a = lhs + i * k;
    float *y = out + i * n;
    V acc[vectors];
    float tail[n - vectors * width + 1];
    ARIADNE_UNROLL
    for (int v = 0; v < vectors; ++v)
      acc[v] = V{};
    for (int j = vectors * width; j < n; ++j)
      tail[j - vectors * width] = 0.0f;
    for (int kk = 0; kk < k; ++kk) {
      const float *r = rhs + kk * n;
      float x = a[kk];
      ARIADNE_UNROLL
      for (int v = 0; v < vectors; ++v) {
        V row;
        __builtin_memcpy(&row, r + v * width, sizeof(row));
        acc[v] += row * x;
      }
      for (int j = vectors * width; j < n; ++j)
        tail[j - vectors * width] += x * r[j];
    }
    ARIADNE_UNROLL
    for (int v = 0; v < vectors; ++v)
      __builtin_memcpy(y + v * width, &acc[v], sizeof(V));
    for (int j = vectors * width; j < n; ++j)
      y[j] = tail[j - vectors * width];
  }
}
#endif

} // namespace detail

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
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (detail::matmulUsesSimd<Config, Lanes, TLhs, TRhs, TOut>()) {
    for (int b = 0; b < batches; ++b) {
      detail::matmulEvent<Config>(lhs + walk.lhs, rhs + walk.rhs,
                                  out + b * m * n);
      walk.next(rank, batchShape, lhsBatchStrides, rhsBatchStrides);
    }
    return;
  }
#endif
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
