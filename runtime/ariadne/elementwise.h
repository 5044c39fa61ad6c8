//===- elementwise.h - binary arithmetic with broadcasting ------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out = lhs OP rhs with numpy broadcasting. The generator computes, for
// every output dimension, the element stride of each operand: its C-order
// stride, or 0 where the operand has size 1 (or lacks the dimension) and is
// broadcast (broadcast.h walks them).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_ELEMENTWISE_H
#define ARIADNE_RUNTIME_ELEMENTWISE_H

#include "ariadne/activation.h"
#include "ariadne/broadcast.h"
#include "ariadne/platform.h"

#include <type_traits>

namespace ariadne {

enum class BinaryOp { Add, Sub, Mul, Div, Max, Min };

/// Applies `Op`; max and min propagate NaN as torch.maximum/minimum do.
template <BinaryOp Op, class T> ARIADNE_INLINE T applyBinary(T a, T b) {
  using detail::select;
  using math::select;
  if constexpr (Op == BinaryOp::Add) {
    return a + b;
  } else if constexpr (Op == BinaryOp::Sub) {
    return a - b;
  } else if constexpr (Op == BinaryOp::Mul) {
    return a * b;
  } else if constexpr (Op == BinaryOp::Div) {
    return a / b;
  } else {
    static_assert(Op == BinaryOp::Max || Op == BinaryOp::Min,
                  "unknown binary op");
    // a where it wins or is NaN: a bool, or a vector comparison's mask.
    return select((Op == BinaryOp::Max ? a > b : a < b) | (a != a), a, b);
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
/// Floats go in simd vectors where the layout allows (broadcastBinary).
template <class Config, int Lanes = 1, class TLhs, class TRhs, class TOut>
ARIADNE_HD void binary(const TLhs *lhs, const TRhs *rhs, TOut *out) {
  auto scalar = [](TLhs a, TRhs b) {
    return TOut(applyBinary<Config::op>(a, b));
  };
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (std::is_same<TLhs, float>::value &&
                std::is_same<TRhs, float>::value &&
                std::is_same<TOut, float>::value) {
    broadcastBinary<Config, Lanes>(
        lhs, rhs, out, scalar,
        [](simd::Vec a, simd::Vec b) { return applyBinary<Config::op>(a, b); });
    return;
  }
#endif
  broadcastBinary<Config, Lanes>(lhs, rhs, out, scalar);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_ELEMENTWISE_H
