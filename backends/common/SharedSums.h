//===- SharedSums.h - shift-and-add with shared subexpressions --*- C++ -*-===//
//
// A dense layer with constant weights built from shifts and adds computes,
// for every output, a sum of shifted inputs: the canonical signed digits of
// its weights. Outputs share pairs of those terms: x_a + (x_b << d) may be
// in many of them, each time at its own shift. shareSubexpressions finds
// such pairs greedily, most frequent first (a pair is formed from two
// terms, a later pair may use an earlier one), builds each once, and leaves
// every output a shorter sum of shifted inputs and shared sums. The values
// are the same integers: only the order of the additions changes, and the
// hardware adds exactly (or modulo the accumulator's width, where sums
// wrap alike in any order). The Verilog backend (multiplier = "shift_add")
// and the HLS one (strategy = "distributed_arithmetic") build the same
// adder graph.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_SHAREDSUMS_H
#define ARIADNE_BACKENDS_COMMON_SHAREDSUMS_H

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ariadne {

/// The canonical signed digit form of `value`: (shift, negative) pairs,
/// no two adjacent shifts, as few nonzero digits as any signed digit form.
std::vector<std::pair<int, bool>> csdDigits(__int128 value);


/// `source << shift`, negated when `negative`. Sources 0 to inputs - 1 are
/// the layer's inputs; source inputs + k is shared sum k.
struct ShiftedTerm {
  int source = 0;
  int shift = 0;
  bool negative = false;
};

/// Shared sum (a << shiftA) + (b << shiftB), or - (b << shiftB).
struct SharedSum {
  int a = 0, b = 0;
  int shiftA = 0, shiftB = 0;
  bool subtract = false;
};

struct SharingLimits {
  /// The least and greatest value of every input.
  std::vector<std::pair<__int128, __int128>> ranges;
  /// Shared sums wider than this many bits (two's complement) are not made.
  int maxWidth = 64;
  /// Shared sums at most this many additions deep.
  int maxDepth = 2;
};

struct Sharing {
  /// Every output's terms, over inputs and shared sums.
  std::vector<std::vector<ShiftedTerm>> outputs;
  /// The shared sums, each over inputs and earlier shared sums.
  std::vector<SharedSum> shared;
};

/// The outputs' terms with the pairs that recur in two or more of them
/// shared. Counting an adder per shared sum and one less than the terms per
/// output, the result never needs more adders than `outputs`.
Sharing shareSubexpressions(std::vector<std::vector<ShiftedTerm>> outputs,
                            const SharingLimits &limits);

/// Two-input adders of `outputs` summed one by one, each output's terms
/// less one, plus one per shared sum.
int64_t addersOf(const std::vector<std::vector<ShiftedTerm>> &outputs,
                 size_t shared);

/// The additions in a row of the deepest shared sum over `inputs` inputs
/// (0 without shared sums): the adder levels before the outputs' trees.
int64_t deepestSharedSum(const Sharing &sharing, size_t inputs);

/// The least and greatest raw integer of a `width`-bit type.
std::pair<__int128, __int128> rawRange(int width, bool isSigned);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_SHAREDSUMS_H
