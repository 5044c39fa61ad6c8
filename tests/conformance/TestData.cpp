//===- TestData.cpp - ONNX test data sets and their comparison ------------===//
#include "tests/conformance/TestData.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace ariadne::conformance {

namespace {

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string formatFloat(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

/// Reads input_K.pb or output_K.pb for K = 0, 1, ... until one is missing.
bool readNumbered(const std::string &dir, const char *prefix,
                  std::vector<Tensor> &tensors, std::string &error) {
  for (int k = 0;; ++k) {
    std::string path = dir + "/" + prefix + std::to_string(k) + ".pb";
    if (!exists(path))
      return true;
    tensors.emplace_back();
    if (!readTensorFile(path, tensors.back(), error))
      return false;
  }
}

} // namespace

bool readTensorFile(const std::string &path, Tensor &tensor,
                    std::string &error) {
  std::ifstream in(path, std::ios::binary);
  onnx::TensorProto proto;
  if (!in || !proto.ParseFromIstream(&in)) {
    error = path + ": cannot read a TensorProto";
    return false;
  }
  bool isInt64 = proto.data_type() == onnx::TensorProto::INT64;
  bool isInt32 = proto.data_type() == onnx::TensorProto::INT32;
  bool isBool = proto.data_type() == onnx::TensorProto::BOOL;
  if (proto.data_type() != onnx::TensorProto::FLOAT && !isInt64 && !isInt32 &&
      !isBool) {
    error = path + ": element type " + std::to_string(proto.data_type()) +
            " is not float32, int32, int64 or bool";
    return false;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL ||
      proto.has_segment()) {
    error = path + ": external or segmented data is not read";
    return false;
  }
  tensor.name = proto.name();
  tensor.dims.assign(proto.dims().begin(), proto.dims().end());
  int64_t count = 1;
  for (int64_t d : tensor.dims)
    count *= d;
  if (isInt64 || isInt32 || isBool) {
    // Indices and masks: the CSV holds them as numbers like any input
    // (exact in f32 for every index of these tests); a bool as 0 or 1.
    std::vector<int64_t> ints;
    const std::string &raw = proto.raw_data();
    size_t width = isInt64 ? 8 : isBool ? 1 : 4;
    if (!raw.empty()) {
      for (size_t at = 0; at + width <= raw.size(); at += width) {
        int64_t v = 0;
        if (isBool) {
          v = raw[at] != 0;
        } else if (isInt64) {
          std::memcpy(&v, raw.data() + at, 8);
        } else {
          int32_t v32;
          std::memcpy(&v32, raw.data() + at, 4);
          v = v32;
        }
        ints.push_back(v);
      }
    } else if (isInt64) {
      ints.assign(proto.int64_data().begin(), proto.int64_data().end());
    } else {
      ints.assign(proto.int32_data().begin(), proto.int32_data().end());
    }
    if (int64_t(ints.size()) != count) {
      error = path + ": holds " + std::to_string(ints.size()) +
              " integers for " + std::to_string(count);
      return false;
    }
    tensor.values.assign(ints.begin(), ints.end());
    return true;
  }
  if (!proto.raw_data().empty()) {
    const std::string &raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(float)) {
      error = path + ": raw_data holds " + std::to_string(raw.size()) +
              " bytes for " + std::to_string(count) + " floats";
      return false;
    }
    // TensorProto stores raw data little-endian, as the host is.
    tensor.values.resize(count);
    std::memcpy(tensor.values.data(), raw.data(), raw.size());
  } else {
    if (proto.float_data_size() != count) {
      error = path + ": float_data holds " +
              std::to_string(proto.float_data_size()) + " values for " +
              std::to_string(count);
      return false;
    }
    tensor.values.assign(proto.float_data().begin(), proto.float_data().end());
  }
  return true;
}

bool readDataSets(const std::string &testDir, std::vector<DataSet> &sets,
                  std::string &error) {
  for (int n = 0;; ++n) {
    std::string dir = testDir + "/test_data_set_" + std::to_string(n);
    if (!exists(dir))
      break;
    DataSet set;
    set.dir = dir;
    if (!readNumbered(dir, "input_", set.inputs, error) ||
        !readNumbered(dir, "output_", set.outputs, error))
      return false;
    sets.push_back(std::move(set));
  }
  if (sets.empty()) {
    error = testDir + ": no test_data_set_0";
    return false;
  }
  return true;
}

bool closeEnough(double actual, double expected) {
  if (std::isnan(actual) || std::isnan(expected))
    return std::isnan(actual) && std::isnan(expected);
  if (std::isinf(actual) || std::isinf(expected))
    return actual == expected;
  return std::fabs(actual - expected) <=
         kAbsoluteTolerance + kRelativeTolerance * std::fabs(expected);
}

bool writeCsv(const std::string &path, const std::vector<float> &values,
              size_t width, std::string &error) {
  std::ofstream out(path);
  if (!out) {
    error = path + ": cannot write";
    return false;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    out << formatFloat(values[i]);
    out << ((i + 1) % width == 0 ? '\n' : ',');
  }
  out.close();
  if (!out) {
    error = path + ": write failed";
    return false;
  }
  return true;
}

bool readCsv(const std::string &path, std::vector<double> &values,
             size_t &width, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  width = 0;
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || line[0] == '#')
      continue;
    size_t rowWidth = 0;
    const char *p = line.c_str();
    while (true) {
      char *end = nullptr;
      double v = std::strtod(p, &end);
      if (end == p) {
        error = path + ":" + std::to_string(lineNo) + ": not a number at '" +
                std::string(p).substr(0, 20) + "'";
        return false;
      }
      values.push_back(v);
      ++rowWidth;
      p = end;
      while (*p == ' ' || *p == '\t')
        ++p;
      if (*p == '\0')
        break;
      if (*p != ',') {
        error = path + ":" + std::to_string(lineNo) +
                ": expected ',' at column " + std::to_string(p - line.c_str());
        return false;
      }
      ++p;
    }
    if (width == 0)
      width = rowWidth;
    else if (rowWidth != width) {
      error = path + ":" + std::to_string(lineNo) + ": " +
              std::to_string(rowWidth) + " values, the first row has " +
              std::to_string(width);
      return false;
    }
  }
  return true;
}

bool compareValues(const std::vector<double> &actual,
                   const std::vector<float> &expected, std::string &error) {
  if (actual.size() != expected.size()) {
    error = std::to_string(actual.size()) + " values, expected " +
            std::to_string(expected.size());
    return false;
  }
  for (size_t i = 0; i < expected.size(); ++i)
    if (!closeEnough(actual[i], expected[i])) {
      error = "value " + std::to_string(i) + ": got " +
              formatFloat(actual[i]) + ", expected " +
              formatFloat(expected[i]);
      return false;
    }
  return true;
}

} // namespace ariadne::conformance
