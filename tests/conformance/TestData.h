//===- TestData.h - ONNX test data sets and their comparison ----*- C++ -*-===//
//
// Reads the TensorProto files of an ONNX backend test (test_data_set_N/
// input_K.pb, output_K.pb), writes and reads the event CSV of the generated
// test bench, and compares values with the tolerances of ONNX's own backend
// test runner.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_CONFORMANCE_TESTDATA_H
#define ARIADNE_TESTS_CONFORMANCE_TESTDATA_H

#include <cstdint>
#include <string>
#include <vector>

namespace ariadne::conformance {

/// A float32 tensor of a test data set.
struct Tensor {
  std::string name; // may be empty: the files are matched by position
  std::vector<int64_t> dims;
  std::vector<float> values;
};

/// Reads one TensorProto file holding float32 data (raw_data or
/// float_data). On failure returns false with a one-line `error`.
bool readTensorFile(const std::string &path, Tensor &tensor,
                    std::string &error);

/// One test_data_set_N directory: its inputs and expected outputs in order.
struct DataSet {
  std::string dir;
  std::vector<Tensor> inputs, outputs;
};

/// Reads every test_data_set_N of `testDir`, in N order.
bool readDataSets(const std::string &testDir, std::vector<DataSet> &sets,
                  std::string &error);

/// ONNX's backend test runner compares with numpy's assert_allclose(actual,
/// expected, rtol=1e-3, atol=1e-7): |actual - expected| <= atol + rtol *
/// |expected|, NaN equal to NaN, infinities equal only to themselves.
inline constexpr double kRelativeTolerance = 1e-3;
inline constexpr double kAbsoluteTolerance = 1e-7;
bool closeEnough(double actual, double expected);

/// Writes rows of `width` values, each printed so that it reads back to the
/// same float.
bool writeCsv(const std::string &path, const std::vector<float> &values,
              size_t width, std::string &error);

/// Reads a CSV of numbers; every row must have the same width (returned in
/// `width`). Lines starting with '#' are skipped.
bool readCsv(const std::string &path, std::vector<double> &values,
             size_t &width, std::string &error);

/// Compares `actual` with `expected` element by element; on the first
/// mismatch returns false and describes it (flat index, both values) in
/// `error`.
bool compareValues(const std::vector<double> &actual,
                   const std::vector<float> &expected, std::string &error);

} // namespace ariadne::conformance

#endif // ARIADNE_TESTS_CONFORMANCE_TESTDATA_H
