//===- EventCsv.h - event CSV files -----------------------------*- C++ -*-===//
//
// The CSV layout DESIGN.md fixes for `emulate` and the generated `tb`: one
// event per row, each tensor flattened in C order, tensors concatenated in
// graph order; a header line is allowed only if it starts with '#'.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_EVENTCSV_H
#define ARIADNE_EMULATOR_EVENTCSV_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne {

struct EventTable {
  size_t width = 0;
  /// rows * width, row-major; each value is the float32 nearest to the
  /// text (held exactly in a double).
  std::vector<double> values;

  size_t rows() const { return width ? values.size() / width : 0; }
  const double *row(size_t i) const { return values.data() + i * width; }
};

/// Reads a CSV of events. Every row must hold `expectedWidth` numbers (0
/// accepts the first row's width). On failure returns false and sets
/// `error` to a one-line message naming the file, line and reason.
bool readEventCsv(const std::string &path, size_t expectedWidth,
                  EventTable &table, std::string &error);

/// Writes rows of floats so that each value reads back to the same float.
bool writeEventCsv(const std::string &path, const float *data, size_t rows,
                   size_t width, std::string &error);

} // namespace ariadne

#endif // ARIADNE_EMULATOR_EVENTCSV_H
