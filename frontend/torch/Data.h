//===- Data.h - events, transforms, filters and reweighting -----*- C++ -*-===//
//
// The training data is a CSV file with a header line naming the columns (a
// leading '#' is allowed). Filters select events, transforms rescale or
// change coordinates of columns (their fitted parameters are saved with the
// run so that inference can repeat them), and reweighting resamples events
// so that a column follows a chosen distribution.
//
// This header and its implementation do not depend on LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_DATA_H
#define ARIADNE_FRONTEND_TORCH_DATA_H

#include "frontend/torch/Config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ariadne::train {

/// A table of events: one row per event, one double per named column.
struct EventTable {
  std::vector<std::string> columns;
  /// Row-major values, rows() * columns.size().
  std::vector<double> values;

  std::size_t rows() const {
    return columns.empty() ? 0 : values.size() / columns.size();
  }
  double at(std::size_t row, std::size_t column) const {
    return values[row * columns.size() + column];
  }
  double &at(std::size_t row, std::size_t column) {
    return values[row * columns.size() + column];
  }
  /// The index of `name`, or -1.
  int find(const std::string &name) const;
  /// The indices of `patterns` in order (a shell pattern with `*`, `?` or
  /// `[...]` matches every such column, in file order); false with a
  /// message naming the first pattern that matches nothing.
  bool match(const std::vector<std::string> &patterns,
             std::vector<int> &indices, std::string &error) const;
  /// The rows `keep` (in that order) as a new table.
  EventTable select(const std::vector<std::size_t> &keep) const;
};

/// Reads a CSV file whose first line names the columns. Errors name the
/// file and line.
bool readEventCsv(const std::string &path, EventTable &table,
                  std::string &error);

/// The rows of `table` that pass every filter, in order.
bool applyFilters(const EventTable &table,
                  const std::vector<FilterSpec> &filters,
                  std::vector<std::size_t> &keep, std::string &error);

/// One transform with its fitted parameters.
struct FittedTransform {
  TransformSpec spec;
  std::vector<int> columns;
  /// Per column: standard: mean and standard deviation; minmax: the input
  /// minimum and maximum. Unused for coordinate changes.
  std::vector<double> first, second;
};

/// Transforms in order, fitted once and applied to any table with the same
/// columns.
class TransformChain {
public:
  /// Fits every transform on `table` (each on the output of the previous
  /// ones); `table` ends transformed.
  bool fit(const std::vector<TransformSpec> &specs, EventTable &table,
           std::string &error);
  /// Applies the fitted transforms to `table`.
  void apply(EventTable &table) const;
  /// Undoes the transforms on `row` (one full row of values).
  void invert(std::vector<double> &row) const;
  /// The fitted parameters as TOML.
  std::string toToml(const std::vector<std::string> &columns) const;
  const std::vector<FittedTransform> &steps() const { return fitted; }

private:
  std::vector<FittedTransform> fitted;
};

/// The probability of each of `spec.buckets` buckets under the normal
/// distribution of `spec` (normalized over the covered range) and the
/// bucket edges (buckets + 1 values; the outer ones are infinite when
/// spec.infiniteOuter).
void reweightBuckets(const ReweightSpec &spec, std::vector<double> &edges,
                     std::vector<double> &probabilities);

/// Resamples `rows` (with replacement, seeded) so that `column` follows
/// the distribution of `spec`. Returns the chosen rows.
bool reweightRows(const EventTable &table, const ReweightSpec &spec,
                  const std::vector<std::size_t> &rows, uint64_t seed,
                  std::vector<std::size_t> &chosen, std::string &error);

/// Shuffles `values` with a generator seeded by `seed`; the order depends on
/// the seed alone (not on the standard library).
void seededShuffle(std::vector<std::size_t> &values, uint64_t seed);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_DATA_H
