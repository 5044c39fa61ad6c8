//===- Tables.cpp - lookup tables of nonlinear functions ------------------===//
#include "passes/Quant/Tables.h"

#include <algorithm>
#include <cmath>

namespace ariadne::quant {

double TableBins::lowerEdge(int64_t i, int64_t frac) const {
  return std::ldexp(double(low) + std::ldexp(double(i), int(shift)),
                    -int(frac));
}

double TableBins::centre(int64_t i, int64_t frac) const {
  // Raw values low + i*2^s .. low + (i+1)*2^s - 1: the middle one.
  double width = std::ldexp(1.0, int(shift));
  return std::ldexp(double(low) + double(i) * width + (width - 1) / 2,
                    -int(frac));
}

TableBins binsFor(double lo, double hi, int64_t frac, int64_t rawMin,
                  int64_t rawMax, int64_t size) {
  // The range in raw units as [rawLo, rawEnd), clamped to what the input
  // can hold. The upper edge itself needs no bin of its own: values from
  // it up take the last entry, so a range of 2^k raw values with 2^j
  // entries gets bins of exactly 2^(k-j).
  double rawLo = std::floor(std::ldexp(lo, int(frac)));
  double rawEnd = std::ceil(std::ldexp(hi, int(frac)));
  rawLo = std::clamp(rawLo, double(rawMin), double(rawMax));
  rawEnd = std::clamp(rawEnd, double(rawMin), double(rawMax) + 1);
  TableBins bins;
  bins.low = static_cast<int64_t>(rawLo);
  double span = std::max(1.0, rawEnd - rawLo);
  while (bins.shift < 63 &&
         std::ceil(span / std::ldexp(1.0, int(bins.shift))) > double(size))
    ++bins.shift;
  bins.count = std::max<int64_t>(
      1,
      static_cast<int64_t>(std::ceil(span / std::ldexp(1.0, int(bins.shift)))));
  return bins;
}

double tableMaxError(const TableBins &bins, int64_t frac,
                     llvm::ArrayRef<int64_t> entries, fx::FixedType entry,
                     llvm::function_ref<double(double)> fn) {
  constexpr int64_t samples = 16;
  int64_t width = int64_t(1) << bins.shift;
  double worst = 0;
  for (int64_t i = 0; i < bins.count && i < int64_t(entries.size()); ++i) {
    double value =
        bitsToDouble(static_cast<uint64_t>(entries[i]), entry.getSpec());
    int64_t first = bins.low + i * width;
    auto errorAt = [&](int64_t raw) {
      double e = std::fabs(fn(std::ldexp(double(raw), -int(frac))) - value);
      // NaN (a function undefined at a point it clamps) counts as 0 here:
      // fillTable clamps those entries.
      if (e > worst)
        worst = e;
    };
    if (width <= samples) {
      for (int64_t r = 0; r < width; ++r)
        errorAt(first + r);
      continue;
    }
    for (int64_t k = 0; k < samples; ++k)
      errorAt(first + static_cast<int64_t>(double(width - 1) * double(k) /
                                           double(samples - 1)));
    errorAt(first + (width - 1) / 2);
  }
  return worst;
}

TableBins autoBins(double lo, double hi, int64_t frac, int64_t rawMin,
                   int64_t rawMax, fx::FixedType entry,
                   llvm::function_ref<double(double)> fn, bool atLowerEdge) {
  double lsb = std::ldexp(1.0, -int(entry.getFracWidth()));
  TableBins finest =
      binsFor(lo, hi, frac, rawMin, rawMax, kMaxAutoTableEntries);
  auto withShift = [&](int64_t shift) {
    TableBins bins = finest;
    int64_t span = finest.count << finest.shift;
    bins.shift = shift;
    bins.count =
        std::max<int64_t>(1, (span + (int64_t(1) << shift) - 1) >> shift);
    return bins;
  };
  auto within = [&](const TableBins &bins) {
    llvm::SmallVector<int64_t> entries =
        fillTable(bins, frac, entry, fn, atLowerEdge);
    return tableMaxError(bins, frac, entries, entry, fn) <= lsb;
  };
  if (!within(finest))
    return finest;
  // The error grows with the bin width: the coarsest bins still within one
  // unit, found by bisection over the shift.
  int64_t good = finest.shift, bad = finest.shift + 1;
  while (bad < 62 && withShift(bad).count > 1 && within(withShift(bad))) {
    good = bad;
    bad += bad - finest.shift + 1;
  }
  while (bad - good > 1) {
    int64_t mid = (good + bad) / 2;
    if (withShift(mid).count > 1 && within(withShift(mid)))
      good = mid;
    else
      bad = mid;
  }
  return withShift(good);
}

int64_t quantizeValue(double value, fx::FixedType entry) {
  return static_cast<int64_t>(bitsFromDouble(value, entry.getSpec()));
}

llvm::SmallVector<int64_t> fillTable(const TableBins &bins, int64_t frac,
                                     fx::FixedType entry,
                                     llvm::function_ref<double(double)> fn,
                                     bool atLowerEdge) {
  llvm::SmallVector<int64_t> table;
  table.reserve(bins.count);
  for (int64_t i = 0; i < bins.count; ++i) {
    double x = atLowerEdge ? bins.lowerEdge(i, frac) : bins.centre(i, frac);
    table.push_back(quantizeValue(fn(x), entry));
  }
  return table;
}

} // namespace ariadne::quant
