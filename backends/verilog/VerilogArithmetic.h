//===- VerilogArithmetic.h - exact arithmetic as RTL ------------*- C++ -*-===//
//
// The logic the Verilog patterns share: constant products (DSP `*` or
// canonical signed digit shift-and-add), casts with every quantization and
// overflow mode as castBits computes them, and balanced adder trees with
// register stages.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_VERILOG_VERILOGARITHMETIC_H
#define ARIADNE_BACKENDS_VERILOG_VERILOGARITHMETIC_H

#include "backends/common/SharedSums.h"
#include "backends/verilog/VerilogEmitter.h"
#include "passes/FX/Precision.h"

#include "llvm/ADT/SmallVector.h"

#include <string>
#include <utility>
#include <vector>

namespace ariadne {
namespace verilog {

/// Ranges beyond this magnitude are not tracked: their sums are computed
/// modulo the accumulator's width.
inline const Int128 kRangeLimit = Int128(1) << 100;

inline bool beyondLimit(Int128 v) {
  return v > kRangeLimit || v < -kRangeLimit;
}

/// `value` in decimal digits.
std::string decimal(Int128 value);

/// The number of bits of `v` (0 for 0).
int bitLength(unsigned __int128 v);

/// The signed representation of `raw` bits of `type` read from a W-bit
/// vector expression `bits`.
std::string fromRaw(const std::string &bits, fx::FixedType type);


/// `x * c` as a Verilog expression evaluated in the width of its context:
/// a product, or a sum of shifts.
std::string constantProduct(const Signal &x, Int128 c,
                            VerilogMultiplier style);

/// The range of x * c.
std::pair<Int128, Int128> productRange(const Signal &x, Int128 c);

/// `in`, a value with `fracIn` fractional bits, cast into `to` as
/// fixed_bits.h castBits does: rounding on the exact value with to's
/// quantization mode, then to's overflow mode. Combinational.
Signal emitCast(VerilogEmission &emission, const Signal &in, int64_t fracIn,
                fx::FixedType to, llvm::StringRef base);

/// A term of an adder tree: the signal's value, negated when `negative`.
struct Term {
  Signal signal;
  bool negative = false;
  /// Whether the signal holds its value only modulo 2^modulus.
  bool modular = false;
};

/// The sum of `terms`, exact or modulo 2^modulus bits, by a balanced tree
/// of two-input adders, with register stages after every `levelsPerStage`
/// levels (0: none), counting the `levelsBefore` adder levels that some
/// terms went through already. Counts the adders and the stages added.
Term adderTree(VerilogEmission &emission, std::vector<Term> terms, int modulus,
               int64_t levelsPerStage, const std::string &base, int64_t &adders,
               int64_t &stages, int64_t levelsBefore = 0);

} // namespace verilog
} // namespace ariadne

#endif // ARIADNE_BACKENDS_VERILOG_VERILOGARITHMETIC_H
