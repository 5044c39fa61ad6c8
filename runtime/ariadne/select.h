//===- select.h - comparisons and selects (masks) ---------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// compare (nn.compare) writes a condition, 1 or 0, per element; select
// (nn.select) chooses per element between two tensors or fills by a
// condition that may broadcast. Float packages compare floats (IEEE: NaN
// is unordered); fixed-point packages compare raw integers of one type,
// or a raw integer with the threshold the compiler computed from a
// constant, so that every target agrees.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_SELECT_H
#define ARIADNE_RUNTIME_SELECT_H

#include "ariadne/broadcast.h"
#include "ariadne/fixed_bits.h"
#include "ariadne/platform.h"

#include <cstdint>

namespace ariadne {

enum class Predicate { eq, ne, lt, le, gt, ge };

/// Whether `a <P> b` holds.
template <Predicate P, class T> ARIADNE_HD constexpr bool holds(T a, T b) {
  if constexpr (P == Predicate::eq)
    return a == b;
  else if constexpr (P == Predicate::ne)
    return a != b;
  else if constexpr (P == Predicate::lt)
    return a < b;
  else if constexpr (P == Predicate::le)
    return a <= b;
  else if constexpr (P == Predicate::gt)
    return a > b;
  else
    return a >= b;
}

/// The defaults of compare: `size` elements per event.
struct CompareConfig {
  static constexpr int size = 1;
  static constexpr Predicate predicate = Predicate::eq;
  /// Without a right-hand operand: the constant (float packages) or the
  /// raw threshold (fixed-point packages) stands for it.
  static constexpr bool hasRhs = true;
  static constexpr float value = 0;
  static constexpr long long threshold = 0;
  /// Whether the raw operands are of a signed type.
  static constexpr bool isSigned = true;
};

/// out = lhs <predicate> rhs ? 1 : 0 on floats, `Lanes` events.
template <class Config, int Lanes = 1>
ARIADNE_HD void compare(const float *lhs, const float *rhs, float *out) {
  for (int i = 0; i < Config::size * Lanes; ++i) {
    float b = Config::hasRhs ? rhs[i] : Config::value;
    out[i] = holds<Config::predicate>(lhs[i], b) ? 1.0f : 0.0f;
  }
}

/// out = lhs <predicate> rhs ? 1 : 0 on raw fixed-point integers of one
/// type (or against the raw threshold), `Lanes` events.
template <class Config, int Lanes = 1>
ARIADNE_HD void compare(const std::uint64_t *lhs, const std::uint64_t *rhs,
                        std::uint64_t *out) {
  for (int i = 0; i < Config::size * Lanes; ++i) {
    int order =
        Config::hasRhs
            ? detail::compareIntegers(lhs[i], Config::isSigned, rhs[i],
                                      Config::isSigned)
            : detail::compareIntegers(
                  lhs[i], Config::isSigned,
                  static_cast<std::uint64_t>(Config::threshold), true);
    out[i] = holds<Config::predicate>(order, 0) ? 1 : 0;
  }
}

/// Whether a condition holds: its integer is not 0 (a float's floor, as
/// the quantization of an index input takes it; a raw integer itself).
ARIADNE_HD inline bool conditionHolds(float c) { return c >= 1.0f || c < 0.0f; }
ARIADNE_HD inline bool conditionHolds(std::uint64_t c) { return c != 0; }

/// The defaults of select; arrays have `rank` entries.
struct SelectConfig {
  static constexpr int rank = 1;
  /// Output event shape; x and y have it.
  static constexpr int shape[1] = {1};
  /// Condition element stride of each output dimension (0 where it
  /// broadcasts).
  static constexpr int condStrides[1] = {1};
  /// Without x or y, the fill (of the element type) stands for it.
  static constexpr bool hasX = true;
  static constexpr bool hasY = true;
};

/// out = cond holds ? x : y over one event's output, `Lanes` events. The
/// fills are Config::xFill and Config::yFill.
template <class Config, int Lanes = 1, class TCond, class T>
ARIADNE_HD void select(const TCond *cond, const T *x, const T *y, T *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto condStrides = constInts(Config::condStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int condInner = condStrides[rank - 1];
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  // `lhs` follows the condition; `rhs` is unused.
  BroadcastWalk<rank> walk;
  for (int o = 0; o < outer; ++o) {
    for (int j = 0; j < inner; ++j)
      for (int t = 0; t < Lanes; ++t) {
        int at = (o * inner + j) * Lanes + t;
        bool c = conditionHolds(cond[(walk.lhs + j * condInner) * Lanes + t]);
        T a, b;
        if constexpr (Config::hasX)
          a = x[at];
        else
          a = Config::xFill;
        if constexpr (Config::hasY)
          b = y[at];
        else
          b = Config::yFill;
        out[at] = c ? a : b;
      }
    walk.next(rank - 1, shape, condStrides, condStrides);
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_SELECT_H
