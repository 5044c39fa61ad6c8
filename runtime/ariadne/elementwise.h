//===- elementwise.h - binary arithmetic with broadcasting ------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out = lhs OP rhs with numpy broadcasting. The generator computes, for
// every output dimension, the element stride of each operand: its C-order
// stride, or 0 where the operand has size 1 (or lacks the dimension) and is
// broadcast. The innermost dimension is a plain loop with a compile-time
// stride of 0 or 1, which vectorizes.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_ELEMENTWISE_H
#define ARIADNE_RUNTIME_ELEMENTWISE_H

#include "ariadne/activation.h"
#include "ariadne/platform.h"

namespace ariadne {

enum class BinaryOp { Add, Sub, Mul, Div, Max, Min };

/// Applies `Op`; max and min propagate NaN as torch.maximum/minimum do.
template <BinaryOp Op, class T> ARIADNE_INLINE T applyBinary(T a, T b) {
  using detail::select;
  if constexpr (Op == BinaryOp::Add) {
    return a + b;
  } else if constexpr (Op == BinaryOp::Sub) {
    return a - b;
  } else if constexpr (Op == BinaryOp::Mul) {
    return a * b;
  } else if constexpr (Op == BinaryOp::Div) {
    return a / b;
  } else if constexpr (Op == BinaryOp::Max) {
    return select(bool((a > b) | (a != a)), a, b);
  } else {
    static_assert(Op == BinaryOp::Min, "unknown binary op");
    return select(bool((a < b) | (a != a)), a, b);
  }
}

/// The defaults of a binary op; the arrays have `rank` entries (a scalar
/// event has rank 1 and shape {1}).
struct BinaryConfig {
  static constexpr BinaryOp op = BinaryOp::Add;
  static constexpr int rank = 1;
  /// Output event shape.
  static constexpr int shape[1] = {1};
  static constexpr int lhsStrides[1] = {1};
  static constexpr int rhsStrides[1] = {1};
};

/// One binary op over `Lanes` events; operands are in the lane layout.
template <class Config, int Lanes = 1, class TLhs, class TRhs, class TOut>
ARIADNE_HD void binary(const TLhs *lhs, const TRhs *rhs, TOut *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto lhsStrides = constInts(Config::lhsStrides);
  constexpr auto rhsStrides = constInts(Config::rhsStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int lhsInner = lhsStrides[rank - 1];
  constexpr int rhsInner = rhsStrides[rank - 1];
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  int index[rank] = {};
  int lhsBase = 0, rhsBase = 0;
  for (int o = 0; o < outer; ++o) {
    TOut *y = out + o * inner * Lanes;
    for (int j = 0; j < inner; ++j)
      for (int t = 0; t < Lanes; ++t)
        y[j * Lanes + t] = TOut(
            applyBinary<Config::op>(lhs[(lhsBase + j * lhsInner) * Lanes + t],
                                    rhs[(rhsBase + j * rhsInner) * Lanes + t]));
    // Odometer over the outer dimensions.
    for (int d = rank - 2; d >= 0; --d) {
      lhsBase += lhsStrides[d];
      rhsBase += rhsStrides[d];
      if (++index[d] < shape[d])
        break;
      lhsBase -= lhsStrides[d] * shape[d];
      rhsBase -= rhsStrides[d] * shape[d];
      index[d] = 0;
    }
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_ELEMENTWISE_H
