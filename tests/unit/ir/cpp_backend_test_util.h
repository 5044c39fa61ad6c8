//===- cpp_backend_test_util.h - C++ backend test helpers ------*- C++ -*-===//
//
// Parses a module from text, writes its package with emitCppPackage into a
// temporary directory, compiles the kernel and its test bench with the
// system compiler, runs the bench on a CSV and reads its output back.
// References are computed in the tests, in double precision.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_CPP_BACKEND_TEST_UTIL_H
#define ARIADNE_TESTS_CPP_BACKEND_TEST_UTIL_H

#include "backends/cpp/CppBackend.h"
#include "ir_test_util.h"
#include "passes/NN/NNDialect.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace cpptest {

inline std::vector<float> randomFloats(size_t n, unsigned seed,
                                       float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// `dense<[[...], ...]> : tensor<SHAPExf32>` holding `values` in C order.
inline std::string denseLiteral(const std::vector<float> &values,
                                const std::vector<int64_t> &shape) {
  std::string text = "dense<";
  size_t next = 0;
  // Nested brackets, one level per dimension.
  std::function<void(size_t)> nest = [&](size_t dim) {
    text += "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        text += ", ";
      if (dim + 1 < shape.size()) {
        nest(dim + 1);
      } else {
        char buffer[32];
        std::snprintf(buffer, sizeof(buffer), "%.9g", double(values[next++]));
        text += buffer;
      }
    }
    text += "]";
  };
  nest(0);
  REQUIRE(next == values.size());
  text += "> : tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + "f32>";
}

/// Reads a whole file.
inline std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A temporary directory removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    llvm::SmallString<128> dir;
    REQUIRE(!llvm::sys::fs::createUniqueDirectory("ariadne-cpp-test", dir));
    path = std::string(dir);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
};

/// Runs a shell command; returns its exit status and stdout+stderr.
inline int runCommand(const std::string &command, std::string &output) {
  std::string capture = command + " 2>&1";
  FILE *pipe = popen(capture.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  output.clear();
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe))
    output.append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

inline std::string compiler() {
  const char *cxx = std::getenv("CXX");
  return cxx && *cxx ? cxx : "c++";
}

/// A module parsed from text and emitted into its own temporary package.
struct Package : irtest::ParsedModule {
  TempDir dir;
  std::string name;
  std::string tb; // the compiled test bench

  explicit Package(const std::string &text) : ParsedModule(text) {
    if (fn)
      name = fn.getSymName().str();
  }

  /// The error emitCppPackage fails with (the test fails if it succeeds).
  std::string emitError() {
    llvm::Error err = ariadne::emitCppPackage(*module, dir.path);
    if (!err)
      FAIL("emitCppPackage accepted the model");
    return llvm::toString(std::move(err));
  }

  /// Emits the package and compiles NAME.cpp with tb.cpp directly.
  void build() {
    if (llvm::Error err = ariadne::emitCppPackage(*module, dir.path))
      FAIL(llvm::toString(std::move(err)));
    tb = dir.path + "/tb-direct";
    std::string output;
    std::string command = compiler() + " -std=c++17 -O1 -Wall -Wextra -I" +
                          dir.path + " " + dir.path + "/" + name + ".cpp " +
                          dir.path + "/tb.cpp -o " + tb;
    int status = runCommand(command, output);
    INFO(command << "\n" << output);
    REQUIRE(status == 0);
    // Warning-free as well.
    CHECK(output.find("warning") == std::string::npos);
  }

  std::string file(const std::string &relative) const {
    return dir.path + "/" + relative;
  }

  /// Runs the test bench on `rows` of `width` inputs; returns the output
  /// rows as one vector.
  std::vector<float> run(const std::vector<float> &inputs, size_t width,
                         const std::string &flags = "") {
    REQUIRE(inputs.size() % width == 0);
    std::string inPath = file("in.csv"), outPath = file("out.csv");
    {
      std::ofstream in(inPath);
      in << "# inputs\n";
      char buffer[32];
      for (size_t i = 0; i < inputs.size(); ++i) {
        std::snprintf(buffer, sizeof(buffer), "%.9g", double(inputs[i]));
        in << buffer << ((i + 1) % width ? "," : "\n");
      }
    }
    std::string output;
    int status =
        runCommand(tb + " " + inPath + " " + outPath + " " + flags, output);
    INFO(output);
    REQUIRE(status == 0);
    std::vector<float> values;
    std::ifstream out(outPath);
    std::string line;
    while (std::getline(out, line)) {
      std::stringstream row(line);
      std::string field;
      while (std::getline(row, field, ','))
        values.push_back(std::strtof(field.c_str(), nullptr));
    }
    return values;
  }
};

/// Checks `actual` against a double-precision reference.
inline void requireClose(const std::vector<float> &actual,
                         const std::vector<double> &expected,
                         double relative = 2e-6, double absolute = 1e-6) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("value " << i << ": " << actual[i] << " vs " << expected[i]);
    REQUIRE(std::fabs(actual[i] - expected[i]) <=
            relative * std::fabs(expected[i]) + absolute);
  }
}

} // namespace cpptest

#endif // ARIADNE_TESTS_CPP_BACKEND_TEST_UTIL_H
