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
