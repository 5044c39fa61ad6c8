//===- Tables.h - lookup tables of nonlinear functions ----------*- C++ -*-===//
//
// How the compiler fills the tables of fx.table and fx.softmax: the bins
// over the raw values of the input, and the entries computed in double
// precision and quantized with the entry type. Everything downstream (the
// emulator, the runtime, HLS, Verilog) only reads the integers.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_QUANT_TABLES_H
#define ARIADNE_PASSES_QUANT_TABLES_H

#include "passes/FX/FXTypes.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace ariadne::quant {

/// The bins of a table over raw input values: bin i covers
/// [low + i * 2^shift, low + (i+1) * 2^shift), i < count.
struct TableBins {
  int64_t low = 0;
  int64_t shift = 0;
  int64_t count = 1;

  /// The real input value at the centre of bin i (`frac` fractional bits),
  /// or at its lower edge.
  double centre(int64_t i, int64_t frac) const;
  double lowerEdge(int64_t i, int64_t frac) const;
};

/// Bins of at most `size` entries that cover the real range [lo, hi) of an
/// input with `frac` fractional bits (values from hi up take the last
/// entry), restricted to the raw values [rawMin, rawMax] the input can
/// take: the finest power-of-two bin width that needs no more than `size`
/// bins.
TableBins binsFor(double lo, double hi, int64_t frac, int64_t rawMin,
                  int64_t rawMax, int64_t size);

/// The most entries a table sized by its function takes (autoBins).
constexpr int64_t kMaxAutoTableEntries = int64_t(1) << 14;

/// The largest |fn(x) - entries[bin of x]| over the raw inputs x the bins
/// cover, in real units: every raw value of a bin of at most 16, else both
/// edges, the centre and 13 values spaced between them.
double tableMaxError(const TableBins &bins, int64_t frac,
                     llvm::ArrayRef<int64_t> entries, fx::FixedType entry,
                     llvm::function_ref<double(double)> fn);

/// Bins for a table whose size the config leaves open: the coarsest
/// power-of-two bins over [lo, hi) whose table (`fn` quantized into
/// `entry`, filled as fillTable does) is within one unit in the last place
/// of `entry` everywhere, or the finest with at most kMaxAutoTableEntries
/// entries when none is.
TableBins autoBins(double lo, double hi, int64_t frac, int64_t rawMin,
                   int64_t rawMax, fx::FixedType entry,
                   llvm::function_ref<double(double)> fn,
                   bool atLowerEdge = false);

/// `fn` at each bin's centre (or lower edge), quantized into `entry`.
llvm::SmallVector<int64_t> fillTable(const TableBins &bins, int64_t frac,
                                     fx::FixedType entry,
                                     llvm::function_ref<double(double)> fn,
                                     bool atLowerEdge = false);

/// The raw value of `entry` nearest to `value` under its modes, as the i64
/// that fx attributes hold.
int64_t quantizeValue(double value, fx::FixedType entry);

} // namespace ariadne::quant

#endif // ARIADNE_PASSES_QUANT_TABLES_H
