//===- emulator_test_util.h - helpers for the emulator tests ----*- C++ -*-===//
//
// Parses a module from text, builds the emulator, runs events, and compares
// with references the tests compute in double precision.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TESTS_EMULATOR_TEST_UTIL_H
#define ARIADNE_TESTS_EMULATOR_TEST_UTIL_H

#include "emulator/Emulator.h"
#include "ir_test_util.h"
#include "passes/NN/NNDialect.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace emutest {

/// A parsed module and its kernel function.
struct Model : irtest::ParsedModule {
  explicit Model(const std::string &text) : ParsedModule(text) { REQUIRE(fn); }

  std::unique_ptr<ariadne::Emulator> emulator(size_t maxChunk = 0) {
    auto result = maxChunk ? ariadne::Emulator::create(fn, maxChunk)
                           : ariadne::Emulator::create(fn);
    if (!result)
      FAIL(llvm::toString(result.takeError()));
    return std::move(*result);
  }

  /// The message `create` fails with (the test fails if it succeeds).
  std::string createError() {
    auto result = ariadne::Emulator::create(fn);
    if (result)
      FAIL("the emulator accepted the model");
    return llvm::toString(result.takeError());
  }
};

/// Runs `n` events given as concatenated rows.
inline std::vector<float> run(ariadne::Emulator &emu,
                              const std::vector<float> &in, size_t n) {
  REQUIRE(in.size() == n * size_t(emu.eventInputSize()));
  std::vector<float> out(n * emu.eventOutputSize(), -12345.0f);
  emu.run(in.data(), out.data(), n);
  return out;
}

inline std::vector<float> randomFloats(size_t n, unsigned seed,
                                       float lo = -2.0f, float hi = 2.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

/// Within float rounding of a double reference: 1e-6 relative, with an
/// absolute floor for results near zero.
inline bool close(float got, double want) {
  if (std::isnan(want))
    return std::isnan(got);
  if (std::isinf(want))
    return got == want;
  return std::fabs(double(got) - want) <= 1e-6 * std::fabs(want) + 1e-7;
}

/// Checks every element and reports the first mismatch.
inline void checkClose(const std::vector<float> &got,
                       const std::vector<double> &want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": got " << got[i] << ", want " << want[i]);
    REQUIRE(close(got[i], want[i]));
  }
}

/// A dense attribute holding `v` exactly, as hex data, for `type`.
inline std::string denseHex(const std::vector<float> &v,
                            const std::string &type) {
  static const char digits[] = "0123456789ABCDEF";
  std::string s = "dense<\"0x";
  for (float x : v) {
    unsigned char bytes[sizeof(float)];
    std::memcpy(bytes, &x, sizeof(float));
    for (unsigned char b : bytes) // little endian, as MLIR stores it
      s += {digits[b >> 4], digits[b & 15]};
  }
  return s + "\"> : " + type;
}

} // namespace emutest

#endif // ARIADNE_TESTS_EMULATOR_TEST_UTIL_H
