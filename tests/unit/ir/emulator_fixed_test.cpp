//===- emulator_fixed_test.cpp - bit-accurate emulation of the fx ops -----===//
//
// Every fx op through the emulator's integer interpretation, against raw
// integers computed here from the semantics of FXOps.td with exact integer
// arithmetic of the test's own (no fixed_bits.h), and the overflow counts,
// raw outputs and errors of quantized models.
//
//===----------------------------------------------------------------------===//
#include "emulator/Emulator.h"
#include "passes/FX/FXDialect.h"
#include "passes/FX/FXOps.h"
#include "passes/NN/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/APInt.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace ariadne;
using Catch::Matchers::Contains;

namespace {

using Int128 = __int128;

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

/// A module of nn and fx ops parsed from text, and its last function.
struct FxModel {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp fn;

  explicit FxModel(const std::string &text) {
    mlir::DialectRegistry registry;
    registry.insert<nn::NNDialect, fx::FXDialect, mlir::func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context, "model.mlir");
    REQUIRE(module);
    for (auto f : module->getOps<mlir::func::FuncOp>())
      fn = f;
    REQUIRE(fn);
  }

  std::unique_ptr<Emulator> emulator(size_t maxChunk = 0) {
    auto result =
        maxChunk ? Emulator::create(fn, maxChunk) : Emulator::create(fn);
    if (!result)
      FAIL(llvm::toString(result.takeError()));
    return std::move(*result);
  }

  std::string createError() {
    auto result = Emulator::create(fn);
    if (result)
      FAIL("the emulator accepted the model");
    return llvm::toString(result.takeError());
  }
};

const char *const kQuantNames[] = {
    "TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV"};
const char *const kOverflowNames[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};

FixedSpec fixedT(int w, int i, QuantMode q = TRN, OverflowMode o = WRAP) {
  return FixedSpec{w, i, true, q, o};
}
FixedSpec ufixedT(int w, int i, QuantMode q = TRN, OverflowMode o = WRAP) {
  return FixedSpec{w, i, false, q, o};
}

/// The MLIR spelling of a fixed-point type.
std::string typeName(const FixedSpec &s) {
  std::string text = std::string(s.isSigned ? "!fx.fixed<" : "!fx.ufixed<") +
                     std::to_string(s.width) + ", " +
                     std::to_string(s.intWidth);
  if (s.quant != TRN || s.overflow != WRAP)
    text += std::string(", ") + kQuantNames[s.quant];
  if (s.overflow != WRAP)
    text += std::string(", ") + kOverflowNames[s.overflow];
  return text + ">";
}

/// `tensor<?xDIMSxELEMENT>`.
std::string tensorOf(const std::string &dims, const std::string &element) {
  return "tensor<?x" + dims + "x" + element + ">";
}

std::string joined(const std::vector<int64_t> &values) {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text;
}

/// An i64 dense attribute of shape `shape`, the values in C order.
std::string i64Attr(const std::vector<int64_t> &values,
                    const std::vector<int64_t> &shape) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + "x";
  if (shape.size() == 2) {
    std::string rows;
    for (int64_t r = 0; r < shape[0]; ++r)
      rows +=
          std::string(r ? ", " : "") + "[" +
          joined(std::vector<int64_t>(values.begin() + r * shape[1],
                                      values.begin() + (r + 1) * shape[1])) +
          "]";
    return "dense<[" + rows + "]> : tensor<" + dims + "i64>";
  }
  return "dense<[" + joined(values) + "]> : tensor<" + dims + "i64>";
}

/// A kernel `x (f32) -> quantize -> BODY -> dequantize`, where BODY maps
/// `%q` (of type `in`) to `%r` (of type `out`) and `dims` is the event
/// shape of both.
std::string quantizedKernel(const std::string &dims, const FixedSpec &in,
                            const FixedSpec &out, const std::string &body) {
  std::string f = tensorOf(dims, "f32");
  return "func.func @k(%x: " + f + ") -> " + f +
         " {\n  %q = fx.quantize %x : (" + f + ") -> " +
         tensorOf(dims, typeName(in)) + "\n  " + body +
         "\n  %y = fx.dequantize %r : (" + tensorOf(dims, typeName(out)) +
         ") -> " + f + "\n  return %y : " + f + "\n}\n";
}

//===----------------------------------------------------------------------===//
// The reference: exact integers
//===----------------------------------------------------------------------===//

Int128 pow2(int e) { return Int128(1) << e; }

/// floor(v / 2^s) by division, not by shifting.
Int128 floorDiv(Int128 v, int s) {
  Int128 unit = pow2(s);
  Int128 q = v / unit;
  if (v % unit != 0 && v < 0)
    q -= 1;
  return q;
}

Int128 typeMin(const FixedSpec &s) {
  return s.isSigned ? -pow2(s.width - 1) : 0;
}
Int128 typeMax(const FixedSpec &s) {
  return s.isSigned ? pow2(s.width - 1) - 1 : pow2(s.width) - 1;
}

/// The value `raw * 2^-frac` cast into `to`, as UG1399 describes ap_fixed:
/// rounded onto the grid with to's quantization mode, then brought into
/// range with its overflow mode. `overflowed` tells whether the rounded
/// value left the range (the symmetric one for SAT_SYM).
Int128 refCast(Int128 raw, int frac, const FixedSpec &to, bool &overflowed) {
  int shift = frac - to.fracWidth();
  Int128 q = raw;
  if (shift > 0) {
    q = floorDiv(raw, shift);
    Int128 rest = raw - q * pow2(shift), half = pow2(shift - 1);
    bool above = rest > half, tie = rest == half, inexact = rest != 0;
    bool up = false;
    switch (to.quant) {
    case TRN:
      break;
    case TRN_ZERO:
      up = raw < 0 && inexact;
      break;
    case RND:
      up = above || tie;
      break;
    case RND_ZERO:
      up = above || (tie && raw < 0);
      break;
    case RND_MIN_INF:
      up = above;
      break;
    case RND_INF:
      up = above || (tie && raw > 0);
      break;
    case RND_CONV:
      up = above || (tie && (q & 1) != 0);
      break;
    }
    q += up;
  } else {
    q = raw * pow2(-shift);
  }
  Int128 lo = typeMin(to), hi = typeMax(to);
  if (to.overflow == SAT_SYM && to.isSigned && to.width > 1)
    lo = -hi;
  overflowed = q < lo || q > hi;
  if (!overflowed)
    return q;
  switch (to.overflow) {
  case WRAP: {
    Int128 m = q - floorDiv(q, to.width) * pow2(to.width);
    return to.isSigned && m > hi ? m - pow2(to.width) : m;
  }
  case SAT:
  case SAT_SYM:
    return q > hi ? hi : lo;
  case SAT_ZERO:
    return 0;
  }
  return 0;
}

Int128 refCast(Int128 raw, int frac, const FixedSpec &to) {
  bool overflowed;
  return refCast(raw, frac, to, overflowed);
}

/// A float as an integer times a power of two: value = m * 2^-frac.
void floatParts(float value, Int128 &m, int &frac) {
  int exp = 0;
  double mantissa = std::frexp(double(value), &exp); // [0.5, 1) * 2^exp
  m = Int128(std::ldexp(mantissa, 24));
  frac = 24 - exp;
}

/// The float whose value is raw * 2^-frac, for raws that f32 holds exactly.
float exactFloat(int64_t raw, int frac) {
  return float(std::ldexp(double(raw), -frac));
}

/// Counts of one op in the overflow report.
OverflowCount countOf(const Emulator &emu, const std::string &op) {
  for (const OverflowCount &count : emu.overflowReport())
    if (count.op == op)
      return count;
  FAIL("no overflow count for " << op);
  return {};
}

std::vector<int64_t> runRaw(Emulator &emu, const std::vector<float> &in,
                            size_t n) {
  REQUIRE(in.size() == n * size_t(emu.eventInputSize()));
  std::vector<int64_t> out(n * size_t(emu.eventOutputSize()), -777);
  if (auto err = emu.runRaw(in.data(), out.data(), n))
    FAIL(llvm::toString(std::move(err)));
  return out;
}

std::vector<float> runFloat(Emulator &emu, const std::vector<float> &in,
                            size_t n) {
  std::vector<float> out(n * size_t(emu.eventOutputSize()), -777.0f);
  emu.run(in.data(), out.data(), n);
  return out;
}

/// Random raw values of a type (at most 24 significant bits above
/// `lowZeros` zero bits, so that f32 holds them), plus its extremes when
/// they are such values.
std::vector<int64_t> randomRaws(const FixedSpec &s, size_t n, unsigned seed,
                                int lowZeros = 0) {
  std::mt19937_64 gen(seed);
  std::vector<int64_t> raws;
  Int128 lo = typeMin(s) >> lowZeros, hi = typeMax(s) >> lowZeros;
  std::uniform_int_distribution<int64_t> dist{int64_t(lo), int64_t(hi)};
  raws.push_back(int64_t(lo * pow2(lowZeros)));
  raws.push_back(int64_t(hi * pow2(lowZeros)));
  raws.push_back(0);
  while (raws.size() < n)
    raws.push_back(dist(gen) * int64_t(pow2(lowZeros)));
  return raws;
}

std::vector<float> floatsOf(const std::vector<int64_t> &raws, int frac) {
  std::vector<float> values;
  for (int64_t raw : raws)
    values.push_back(exactFloat(raw, frac));
  return values;
}

} // namespace

//===----------------------------------------------------------------------===//
// The model boundary and casts
//===----------------------------------------------------------------------===//

TEST_CASE("quantize rounds and bounds floats with every mode",
          "[emulator][fx]") {
  // Values on and between the grid, ties, and beyond both ends.
  std::vector<float> x = {
      0.0f,    -0.0f,   1.0f,     -1.0f,   0.5f,   0.75f,   -0.75f,
      0.625f,  -0.625f, 0.374f,   -0.374f, 0.125f, -0.125f, 7.75f,
      7.875f,  -8.0f,   -8.0625f, -8.25f,  100.0f, -100.0f, 1e-30f,
      -1e-30f, 3.999f,  -3.9999f, 1e30f,   -1e30f, 0.1875f, -0.1875f};
  const size_t n = x.size();
  for (bool isSigned : {true, false})
    for (int q = TRN; q <= RND_CONV; ++q)
      for (int o = WRAP; o <= SAT_SYM; ++o) {
        FixedSpec to{6, 4, isSigned, QuantMode(q), OverflowMode(o)};
        INFO(typeName(to));
        std::string f = tensorOf("1", "f32");
        FxModel model("func.func @k(%x: " + f + ") -> " + f +
                      " {\n  %q = fx.quantize %x : (" + f + ") -> " +
                      tensorOf("1", typeName(to)) +
                      "\n  %y = fx.dequantize %q : (" +
                      tensorOf("1", typeName(to)) + ") -> " + f +
                      "\n  return %y : " + f + "\n}\n");
        auto emu = model.emulator();
        CHECK(emu->isQuantized());
        auto raw = runRaw(*emu, x, n);
        auto values = runFloat(*emu, x, n);
        uint64_t overflows = 0;
        for (size_t i = 0; i < n; ++i) {
          Int128 m = 0;
          int frac = 0;
          bool over = false;
          Int128 want = 0;
          if (x[i] != 0.0f) {
            floatParts(x[i], m, frac);
            want = refCast(m, frac, to, over);
          }
          overflows += over;
          INFO("x = " << x[i]);
          CHECK(raw[i] == int64_t(want));
          // Dequantize: the value, exact in f32 for 6-bit raws.
          CHECK(values[i] == exactFloat(int64_t(want), to.fracWidth()));
        }
        OverflowCount count = countOf(*emu, "fx.quantize");
        CHECK(count.values == 2 * n);
        CHECK(count.saturated == (o == WRAP ? 0 : 2 * overflows));
        CHECK(count.wrapped == (o == WRAP ? 2 * overflows : 0));
      }
}

TEST_CASE("quantize reads NaN and infinities as huge values",
          "[emulator][fx]") {
  std::string f = tensorOf("4", "f32");
  auto kernel = [&](const FixedSpec &to) {
    return "func.func @k(%x: " + f + ") -> " + f +
           " {\n  %q = fx.quantize %x : (" + f + ") -> " +
           tensorOf("4", typeName(to)) + "\n  %y = fx.dequantize %q : (" +
           tensorOf("4", typeName(to)) + ") -> " + f + "\n  return %y : " + f +
           "\n}\n";
  };
  float inf = std::numeric_limits<float>::infinity();
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x = {inf, -inf, nan, -nan};
  REQUIRE(!std::signbit(x[2]));
  REQUIRE(std::signbit(x[3]));
  FxModel sat(kernel(fixedT(8, 3, TRN, SAT)));
  CHECK(runRaw(*sat.emulator(), x, 1) ==
        std::vector<int64_t>{127, -128, 127, -128});
  // Their low bits are zero: WRAP keeps 0.
  FxModel wrap(kernel(fixedT(8, 3)));
  auto emu = wrap.emulator();
  CHECK(runRaw(*emu, x, 1) == std::vector<int64_t>{0, 0, 0, 0});
  CHECK(countOf(*emu, "fx.quantize").wrapped == 4);
}

TEST_CASE("cast rounds and bounds with every mode, and counts overflows",
          "[emulator][fx]") {
  const FixedSpec from = fixedT(20, 8);
  auto raws = randomRaws(from, 400, 7);
  // Ties and neighbours of every kind around a few grid points.
  for (int64_t base : {0, 4096, -4096, 2048 * 7, -2048 * 9})
    for (int64_t d = -1300; d <= 1300; d += 256)
      for (int64_t e : {-1, 0, 1})
        raws.push_back(base + d + e);
  std::vector<float> x = floatsOf(raws, from.fracWidth());
  const size_t n = raws.size();
  for (bool isSigned : {true, false})
    for (int q = TRN; q <= RND_CONV; ++q)
      for (int o = WRAP; o <= SAT_SYM; ++o) {
        FixedSpec to{8, 4, isSigned, QuantMode(q), OverflowMode(o)};
        INFO(typeName(to));
        FxModel model(quantizedKernel(
            "1", from, to,
            "%r = fx.cast %q : (" + tensorOf("1", typeName(from)) + ") -> " +
                tensorOf("1", typeName(to))));
        auto emu = model.emulator(64);
        auto got = runRaw(*emu, x, n);
        uint64_t overflows = 0;
        for (size_t i = 0; i < n; ++i) {
          bool over = false;
          Int128 want = refCast(raws[i], from.fracWidth(), to, over);
          overflows += over;
          INFO("raw " << raws[i]);
          REQUIRE(got[i] == int64_t(want));
        }
        REQUIRE(overflows > 0);
        OverflowCount count = countOf(*emu, "fx.cast");
        CHECK(count.type == typeName(to));
        CHECK(count.values == n);
        CHECK(count.saturated == (o == WRAP ? 0 : overflows));
        CHECK(count.wrapped == (o == WRAP ? overflows : 0));
        CHECK(countOf(*emu, "fx.quantize").saturated == 0);
        CHECK(countOf(*emu, "fx.quantize").wrapped == 0);
      }
}

TEST_CASE("casts reach the extremes of 64-bit and 1-bit types",
          "[emulator][fx]") {
  SECTION("64 bits") {
    // fixed<64, 40> holds raws up to 2^63 - 1; quantize fills it from
    // floats up to 2^39.
    const FixedSpec from = fixedT(64, 40);
    std::vector<int64_t> raws = {
        INT64_MIN,       int64_t(-(Int128(1) << 62)), -1, 0, int64_t(1) << 62,
        int64_t(3) << 61};
    std::vector<float> x = floatsOf(raws, 24);
    for (FixedSpec to :
         {fixedT(64, 64, RND, SAT), ufixedT(64, 64, RND_INF, SAT),
          fixedT(64, 20, TRN, WRAP), ufixedT(64, 42),
          fixedT(64, 40, TRN, SAT_SYM)}) {
      INFO(typeName(to));
      FxModel model(quantizedKernel("6", from, to,
                                    "%r = fx.cast %q : (" +
                                        tensorOf("6", typeName(from)) +
                                        ") -> " + tensorOf("6", typeName(to))));
      auto emu = model.emulator();
      auto got = runRaw(*emu, x, 1);
      for (size_t i = 0; i < raws.size(); ++i) {
        INFO("raw " << raws[i]);
        Int128 want = refCast(raws[i], from.fracWidth(), to);
        // Unsigned 64-bit values come back as their bit pattern.
        CHECK(uint64_t(got[i]) == uint64_t(want));
      }
    }
  }
  SECTION("1 bit") {
    const FixedSpec from = fixedT(8, 4);
    std::vector<int64_t> raws = {-128, -17, -16, -9, -8, -1,
                                 0,    1,   7,   8,  16, 127};
    std::vector<float> x = floatsOf(raws, from.fracWidth());
    for (FixedSpec to : {fixedT(1, 1, RND, SAT), fixedT(1, 1, RND, SAT_SYM),
                         ufixedT(1, 1, RND, SAT), fixedT(1, 0, TRN, WRAP),
                         ufixedT(1, -1, RND_CONV, SAT_ZERO)}) {
      INFO(typeName(to));
      FxModel model(quantizedKernel(
          "12", from, to,
          "%r = fx.cast %q : (" + tensorOf("12", typeName(from)) + ") -> " +
              tensorOf("12", typeName(to))));
      auto got = runRaw(*model.emulator(), x, 1);
      for (size_t i = 0; i < raws.size(); ++i) {
        INFO("raw " << raws[i]);
        CHECK(got[i] == int64_t(refCast(raws[i], from.fracWidth(), to)));
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

namespace {

/// A dense layer's case: types, weights and bias, and the exact reference.
struct DenseCase {
  FixedSpec in, weightType, biasType, acc;
  int64_t rows, k, n; // rows per event
  std::vector<int64_t> weight, bias;
  bool hasBias = true;

  std::string text() const {
    std::string inT = typeName(in), accT = typeName(acc);
    std::string dims = std::to_string(rows) + "x" + std::to_string(k);
    std::string outDims = std::to_string(rows) + "x" + std::to_string(n);
    std::string f = tensorOf(dims, "f32"), g = tensorOf(outDims, "f32");
    std::string attrs = "weight = " + i64Attr(weight, {n, k}) +
                        ", weight_type = " + typeName(weightType);
    if (hasBias)
      attrs += ", bias = " + i64Attr(bias, {n}) +
               ", bias_type = " + typeName(biasType);
    return "func.func @k(%x: " + f + ") -> " + g +
           " {\n  %q = fx.quantize %x : (" + f + ") -> " + tensorOf(dims, inT) +
           "\n  %a = fx.dense %q {" + attrs + "} : (" + tensorOf(dims, inT) +
           ") -> " + tensorOf(outDims, accT) +
           " loc(\"fc1\")\n  %y = fx.dequantize %a : (" +
           tensorOf(outDims, accT) + ") -> " + g + "\n  return %y : " + g +
           "\n}\n";
  }

  /// The exact sums of one row of inputs, as APInts of 256 bits.
  std::vector<llvm::APInt> sums(const int64_t *x) const {
    int shift = in.fracWidth() + weightType.fracWidth() - biasType.fracWidth();
    std::vector<llvm::APInt> result;
    auto wide = [](int64_t v, bool isSigned) {
      llvm::APInt a(64, uint64_t(v));
      return isSigned ? a.sext(256) : a.zext(256);
    };
    for (int64_t i = 0; i < n; ++i) {
      llvm::APInt s(256, 0);
      if (hasBias)
        s = wide(bias[i], biasType.isSigned).shl(unsigned(shift));
      for (int64_t j = 0; j < k; ++j)
        s += wide(x[j], in.isSigned) *
             wide(weight[i * k + j], weightType.isSigned);
      result.push_back(s);
    }
    return result;
  }

  /// Checks raw outputs of `events` events against the reference; returns
  /// how many sums did not fit the accumulator.
  uint64_t check(const std::vector<int64_t> &xRaw,
                 const std::vector<int64_t> &got, size_t events) const {
    uint64_t wrapped = 0;
    llvm::APInt lo(256, uint64_t(int64_t(typeMin(acc))), true);
    llvm::APInt hi(256, uint64_t(typeMax(acc)));
    for (size_t r = 0; r < events * size_t(rows); ++r) {
      auto s = sums(&xRaw[r * k]);
      for (int64_t i = 0; i < n; ++i) {
        wrapped += s[i].slt(lo) || s[i].sgt(hi);
        // The low W bits, read with the accumulator's signedness.
        llvm::APInt low = s[i].trunc(unsigned(acc.width));
        int64_t want =
            acc.isSigned ? low.getSExtValue() : int64_t(low.getZExtValue());
        INFO("row " << r << ", output " << i);
        REQUIRE(got[r * n + i] == want);
      }
    }
    return wrapped;
  }
};

} // namespace

TEST_CASE("dense sums exactly into its accumulator", "[emulator][fx]") {
  std::mt19937_64 gen(11);
  auto pick = [&](const FixedSpec &s) {
    std::uniform_int_distribution<int64_t> d(int64_t(typeMin(s)),
                                             int64_t(typeMax(s)));
    return d(gen);
  };
  DenseCase c;
  SECTION("signed, exact accumulator, extremes") {
    c.in = fixedT(16, 6);
    c.weightType = fixedT(8, 1);
    c.biasType = fixedT(8, 2);
    c.acc = fixedT(25, 8); // exactAccumulatorType for K = 3
    c.rows = 1, c.k = 3, c.n = 5;
    c.weight = {-128, -128, -128, 127, 127, 127, 5, -7,
                0,    -128, 127,  3,   1,   2,   -1};
    c.bias = {-128, 127, 0, 5, -5};
  }
  SECTION("unsigned input, signed weights, two rows per event") {
    c.in = ufixedT(10, 4);
    c.weightType = fixedT(12, 2);
    c.biasType = fixedT(6, 6);
    c.acc = fixedT(28, 12);
    c.rows = 2, c.k = 4, c.n = 6;
    for (int i = 0; i < 24; ++i)
      c.weight.push_back(pick(c.weightType));
    for (int i = 0; i < 6; ++i)
      c.bias.push_back(pick(c.biasType));
  }
  SECTION("unsigned throughout, no bias") {
    c.in = ufixedT(8, 0);
    c.weightType = ufixedT(8, 4);
    c.biasType = ufixedT(1, 1);
    c.acc = ufixedT(18, 6);
    c.hasBias = false;
    c.rows = 1, c.k = 3, c.n = 9;
    for (int i = 0; i < 27; ++i)
      c.weight.push_back(pick(c.weightType));
  }
  SECTION("16-bit raws in blocks of eight products") {
    // 8 * 2^15 * 8191 < 2^31 <= 9 * 2^15 * 8191: int32 partial sums of at
    // most eight products, three blocks for K = 20.
    c.in = fixedT(16, 6);
    c.weightType = fixedT(14, 1);
    c.biasType = fixedT(16, 6);
    c.acc = fixedT(40, 17);
    c.rows = 1, c.k = 20, c.n = 7;
    for (int i = 0; i < 140; ++i)
      c.weight.push_back(std::max<int64_t>(-8191, pick(c.weightType)));
    c.weight[0] = -8191;
    c.weight[1] = 8191;
    for (int i = 0; i < 7; ++i)
      c.bias.push_back(pick(c.biasType));
  }
  SECTION("16-bit extremes (products up to 2^30)") {
    c.in = fixedT(16, 6);
    c.weightType = fixedT(16, 6);
    c.biasType = fixedT(16, 6);
    c.acc = fixedT(35, 15);
    c.rows = 1, c.k = 10, c.n = 6;
    for (int i = 0; i < 60; ++i)
      c.weight.push_back(i % 7 == 0 ? -32768 : pick(c.weightType));
    for (int i = 0; i < 6; ++i)
      c.bias.push_back(pick(c.biasType));
  }
  SECTION("wider raws with 64-bit sums") {
    c.in = fixedT(24, 8);
    c.weightType = ufixedT(20, 4);
    c.biasType = fixedT(30, 10);
    c.acc = fixedT(36, 4); // narrower than the sums: wraps on purpose
    c.rows = 3, c.k = 5, c.n = 4;
    for (int i = 0; i < 20; ++i)
      c.weight.push_back(pick(c.weightType));
    for (int i = 0; i < 4; ++i)
      c.bias.push_back(pick(c.biasType));
  }
  SECTION("sums beyond 64 bits (128-bit path)") {
    c.in = fixedT(40, 20);
    c.weightType = fixedT(40, 10);
    c.biasType = fixedT(40, 10);
    c.acc = fixedT(64, 14); // frac 50: wraps on purpose
    c.rows = 1, c.k = 3, c.n = 5;
    for (int i = 0; i < 15; ++i)
      c.weight.push_back(pick(c.weightType));
    for (int i = 0; i < 5; ++i)
      c.bias.push_back(pick(c.biasType));
  }
  SECTION("sums beyond 128 bits") {
    c.in = fixedT(64, 40);
    c.weightType = ufixedT(64, 0);
    c.biasType = fixedT(8, 8);
    c.acc = ufixedT(64, -24); // frac 88
    c.rows = 1, c.k = 4, c.n = 3;
    c.weight = {-1, -1, -1, -1, -2, -3, int64_t(1) << 63, 0, 12345, 5, 6, 7};
    c.bias = {127, -128, 3};
  }
  FxModel model(c.text());
  auto emu = model.emulator(5);
  const size_t events = 23;
  // Raws that f32 holds: at most 24 significant bits.
  int zeros = std::max(0, c.in.width - 24);
  auto xRaw = randomRaws(c.in, events * size_t(c.rows * c.k), 3, zeros);
  auto got = runRaw(*emu, floatsOf(xRaw, c.in.fracWidth()), events);
  uint64_t wrapped = c.check(xRaw, got, events);
  OverflowCount count = countOf(*emu, "fx.dense");
  CHECK(count.layer == "fc1");
  CHECK(count.type == typeName(c.acc));
  CHECK(count.values == events * size_t(c.rows * c.n));
  CHECK(count.wrapped == wrapped);
  CHECK(count.saturated == 0);
  REQUIRE(emu->outputSpecs().size() == 1);
  REQUIRE(emu->outputSpecs()[0].has_value());
  CHECK(emu->outputSpecs()[0]->width == c.acc.width);
  CHECK(emu->outputSpecs()[0]->isSigned == c.acc.isSigned);
}

TEST_CASE("a narrow accumulator wraps and counts each wrapped sum",
          "[emulator][fx]") {
  DenseCase c;
  c.in = fixedT(16, 6);
  c.weightType = fixedT(8, 1);
  c.biasType = fixedT(8, 2);
  c.acc = fixedT(14, -3); // 17 fractional bits, 11 fewer integer bits
  c.rows = 1, c.k = 5, c.n = 4;
  c.weight = {127,  127, 127, 127, 127, 1, 0, 0, 0, 0,
              -128, 64,  -32, 16,  -8,  0, 0, 0, 0, 0};
  c.bias = {0, 1, -1, 3};
  FxModel model(c.text());
  auto emu = model.emulator();
  const size_t events = 200;
  auto xRaw = randomRaws(c.in, events * size_t(c.k), 5);
  auto got = runRaw(*emu, floatsOf(xRaw, c.in.fracWidth()), events);
  uint64_t wrapped = c.check(xRaw, got, events);
  // Outputs 0, 1 and 2 overflow on many events; output 3 (bias only) never.
  CHECK(wrapped > events / 2);
  CHECK(wrapped < 3 * events);
  CHECK(countOf(*emu, "fx.dense").wrapped == wrapped);
  // Counts add up over runs until reset.
  runRaw(*emu, floatsOf(xRaw, c.in.fracWidth()), events);
  CHECK(countOf(*emu, "fx.dense").wrapped == 2 * wrapped);
  CHECK(countOf(*emu, "fx.dense").values == 2 * events * 4);
  emu->resetOverflowCounts();
  CHECK(countOf(*emu, "fx.dense").wrapped == 0);
  CHECK(countOf(*emu, "fx.dense").values == 0);
}

//===----------------------------------------------------------------------===//
// Two activations
//===----------------------------------------------------------------------===//

namespace {

/// A kernel of two quantized inputs x (event shape `xDims`, type a) and y
/// (`yDims`, type b) whose result `%r` (event shape `rDims`, type r) is
/// returned raw; `body` computes %r from %a and %b.
std::string twoInputKernel(const std::string &xDims, const FixedSpec &a,
                           const std::string &yDims, const FixedSpec &b,
                           const std::string &rDims, const FixedSpec &r,
                           const std::string &body) {
  std::string fx = tensorOf(xDims, "f32"), fy = tensorOf(yDims, "f32");
  std::string fr = tensorOf(rDims, "f32");
  return "func.func @k(%x: " + fx + ", %y: " + fy + ") -> " + fr +
         " {\n  %a = fx.quantize %x : (" + fx + ") -> " +
         tensorOf(xDims, typeName(a)) + "\n  %b = fx.quantize %y : (" + fy +
         ") -> " + tensorOf(yDims, typeName(b)) + "\n  " + body +
         "\n  %o = fx.dequantize %r : (" + tensorOf(rDims, typeName(r)) +
         ") -> " + fr + "\n  return %o : " + fr + "\n}\n";
}

/// Events of two inputs, `xSize` and `ySize` raw values each, as floats in
/// graph order.
std::vector<float> twoInputEvents(const std::vector<int64_t> &x, int xSize,
                                  const FixedSpec &a,
                                  const std::vector<int64_t> &y, int ySize,
                                  const FixedSpec &b, size_t events) {
  std::vector<float> in;
  for (size_t e = 0; e < events; ++e) {
    for (int i = 0; i < xSize; ++i)
      in.push_back(exactFloat(x[e * xSize + i], a.fracWidth()));
    for (int i = 0; i < ySize; ++i)
      in.push_back(exactFloat(y[e * ySize + i], b.fracWidth()));
  }
  return in;
}

} // namespace

TEST_CASE("add, sub and mul of two activations are exact", "[emulator][fx]") {
  // [4] op [1]: the second operand broadcast over the first's features.
  struct Case {
    const char *op;
    FixedSpec a, b;
  };
  for (const Case &c : {Case{"add", fixedT(16, 6), ufixedT(12, 2)},
                        Case{"sub", ufixedT(10, 4), ufixedT(20, 2)},
                        Case{"sub", fixedT(12, 8), fixedT(8, -2)},
                        Case{"mul", fixedT(16, 6), ufixedT(8, 0)},
                        Case{"mul", fixedT(24, 4), fixedT(24, 20)}}) {
    std::string op = c.op;
    FixedSpec r = op == "add"   ? sumSpec(c.a, c.b)
                  : op == "sub" ? differenceSpec(c.a, c.b)
                                : productSpec(c.a, c.b);
    r.quant = TRN;
    r.overflow = WRAP;
    INFO(op << " " << typeName(c.a) << ", " << typeName(c.b) << " -> "
            << typeName(r));
    const size_t events = 300;
    auto x = randomRaws(c.a, events * 4, 21);
    auto y = randomRaws(c.b, events, 22);
    FxModel model(twoInputKernel("4", c.a, "1", c.b, "4", r,
                                 "%r = fx." + op + " %a, %b : (" +
                                     tensorOf("4", typeName(c.a)) + ", " +
                                     tensorOf("1", typeName(c.b)) + ") -> " +
                                     tensorOf("4", typeName(r))));
    auto got = runRaw(*model.emulator(),
                      twoInputEvents(x, 4, c.a, y, 1, c.b, events), events);
    int frac = std::max(c.a.fracWidth(), c.b.fracWidth());
    for (size_t e = 0; e < events; ++e)
      for (int i = 0; i < 4; ++i) {
        Int128 u = x[e * 4 + i], v = y[e];
        Int128 want = op == "mul"   ? u * v
                      : op == "add" ? u * pow2(frac - c.a.fracWidth()) +
                                          v * pow2(frac - c.b.fracWidth())
                                    : u * pow2(frac - c.a.fracWidth()) -
                                          v * pow2(frac - c.b.fracWidth());
        REQUIRE(want >= typeMin(r));
        REQUIRE(want <= typeMax(r));
        REQUIRE(Int128(got[e * 4 + i]) == want);
      }
  }
}

TEST_CASE("matmul of two activations sums exactly and counts wraps",
          "[emulator][fx]") {
  // [2, 3] x [3, 2] per event, into the exact accumulator and into one
  // 6 bits narrower that wraps.
  FixedSpec a = fixedT(12, 4), b = ufixedT(10, 2);
  for (int narrowing : {0, 6}) {
    FixedSpec acc = fixedT(12 + 10 + 2 - narrowing, 4 + 2 + 2 - narrowing);
    INFO("accumulator " << typeName(acc));
    const size_t events = 300;
    auto x = randomRaws(a, events * 6, 31);
    auto y = randomRaws(b, events * 6, 32);
    FxModel model(twoInputKernel("2x3", a, "3x2", b, "2x2", acc,
                                 "%r = fx.matmul %a, %b : (" +
                                     tensorOf("2x3", typeName(a)) + ", " +
                                     tensorOf("3x2", typeName(b)) + ") -> " +
                                     tensorOf("2x2", typeName(acc))));
    auto emu = model.emulator();
    auto got = runRaw(*emu, twoInputEvents(x, 6, a, y, 6, b, events), events);
    uint64_t wrapped = 0;
    for (size_t e = 0; e < events; ++e)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          Int128 sum = 0;
          for (int k = 0; k < 3; ++k)
            sum += Int128(x[e * 6 + i * 3 + k]) * Int128(y[e * 6 + k * 2 + j]);
          Int128 modulus = pow2(acc.width);
          Int128 want = ((sum % modulus) + modulus) % modulus;
          if (want > typeMax(acc))
            want -= modulus;
          wrapped += want != sum;
          REQUIRE(Int128(got[e * 4 + i * 2 + j]) == want);
        }
    OverflowCount count = countOf(*emu, "fx.matmul");
    CHECK(count.values == events * 4);
    CHECK(count.wrapped == wrapped);
    if (narrowing == 0)
      CHECK(wrapped == 0);
    else
      CHECK(wrapped > events / 4);
  }
}

//===----------------------------------------------------------------------===//
// Element-wise functions
//===----------------------------------------------------------------------===//

TEST_CASE("table looks up clamped bins of the raw input", "[emulator][fx]") {
  struct TableCase {
    FixedSpec in, out;
    int64_t low;
    int shift;
    size_t entries;
  };
  for (const TableCase &tc :
       {TableCase{fixedT(16, 6), fixedT(8, 1), -4096, 8, 33},
        TableCase{ufixedT(8, 4), ufixedT(6, 2), 17, 0, 100},
        TableCase{ufixedT(12, 4), fixedT(10, 3), 3000, 5, 7},
        TableCase{fixedT(64, 40), fixedT(16, 2), INT64_MIN, 60, 16},
        TableCase{fixedT(64, 40), fixedT(16, 2), INT64_MAX, 63, 2}}) {
    INFO(typeName(tc.in) << " low " << tc.low << " shift " << tc.shift);
    std::mt19937_64 gen(tc.entries);
    std::uniform_int_distribution<int64_t> d(int64_t(typeMin(tc.out)),
                                             int64_t(typeMax(tc.out)));
    std::vector<int64_t> table;
    for (size_t i = 0; i < tc.entries; ++i)
      table.push_back(d(gen));
    std::string inT = tensorOf("1", typeName(tc.in));
    FxModel model(quantizedKernel(
        "1", tc.in, tc.out,
        "%r = fx.table %q {table = " + i64Attr(table, {int64_t(tc.entries)}) +
            ", input_low = " + std::to_string(tc.low) + " : i64, shift = " +
            std::to_string(tc.shift) + " : i64, function = \"test\"} : (" +
            inT + ") -> " + tensorOf("1", typeName(tc.out))));
    int zeros = std::max(0, tc.in.width - 24);
    auto raws = randomRaws(tc.in, 300, 9, zeros);
    // The bin edges and their neighbours.
    for (int64_t i = -1; i <= int64_t(tc.entries) + 1 && tc.shift < 24; ++i)
      for (int64_t e : {-1, 0, 1}) {
        Int128 r = Int128(tc.low) + Int128(i) * pow2(tc.shift) + e;
        if (r >= typeMin(tc.in) && r <= typeMax(tc.in))
          raws.push_back(int64_t(r));
      }
    auto got = runRaw(*model.emulator(), floatsOf(raws, tc.in.fracWidth()),
                      raws.size());
    for (size_t i = 0; i < raws.size(); ++i) {
      Int128 bin = floorDiv(Int128(raws[i]) - tc.low, tc.shift);
      bin = bin < 0 ? 0 : (bin >= Int128(tc.entries) ? tc.entries - 1 : bin);
      INFO("raw " << raws[i]);
      REQUIRE(got[i] == table[size_t(bin)]);
    }
  }
}

TEST_CASE("relu and clamp are exact on signed and unsigned raws",
          "[emulator][fx]") {
  for (FixedSpec s : {fixedT(16, 6), ufixedT(8, 4), fixedT(8, -2)}) {
    INFO(typeName(s));
    int64_t low = s.isSigned ? int64_t(typeMin(s)) / 3 : 16;
    int64_t high = int64_t(typeMax(s)) / 2;
    auto raws = randomRaws(s, 200, 13);
    for (int64_t edge : {int64_t(1), low, high})
      for (int64_t d : {-1, 0, 1})
        if (edge + d >= typeMin(s))
          raws.push_back(edge + d);
    auto x = floatsOf(raws, s.fracWidth());
    std::string t = tensorOf("1", typeName(s));
    FxModel relu(quantizedKernel("1", s, s, "%r = fx.relu %q : " + t));
    auto got = runRaw(*relu.emulator(), x, raws.size());
    for (size_t i = 0; i < raws.size(); ++i)
      REQUIRE(got[i] == std::max<int64_t>(raws[i], 0));
    FxModel clamp(quantizedKernel(
        "1", s, s,
        "%r = fx.clamp %q {low = " + std::to_string(low) +
            " : i64, high = " + std::to_string(high) + " : i64} : " + t));
    got = runRaw(*clamp.emulator(), x, raws.size());
    for (size_t i = 0; i < raws.size(); ++i)
      REQUIRE(got[i] == std::min(std::max(raws[i], low), high));
  }
}

TEST_CASE("leaky_relu scales negative raws and casts once", "[emulator][fx]") {
  struct LeakyCase {
    FixedSpec in, alphaType, out;
    int64_t alpha;
  };
  for (const LeakyCase &lc :
       {LeakyCase{fixedT(16, 6), fixedT(8, 1), fixedT(10, 3, RND_CONV, SAT_SYM),
                  13},
        LeakyCase{fixedT(12, 4), ufixedT(4, 6), fixedT(16, 8), 3},
        LeakyCase{fixedT(12, 4), fixedT(6, -1), fixedT(9, 4, RND, SAT), -20},
        LeakyCase{ufixedT(10, 2), fixedT(8, 1), fixedT(8, 1, RND, SAT), 13}}) {
    INFO(typeName(lc.in) << " alpha " << lc.alpha << " "
                         << typeName(lc.alphaType));
    auto raws = randomRaws(lc.in, 300, 17);
    FxModel model(quantizedKernel(
        "1", lc.in, lc.out,
        "%r = fx.leaky_relu %q {alpha = " + std::to_string(lc.alpha) +
            " : i64, alpha_type = " + typeName(lc.alphaType) + "} : (" +
            tensorOf("1", typeName(lc.in)) + ") -> " +
            tensorOf("1", typeName(lc.out))));
    auto emu = model.emulator();
    auto got = runRaw(*emu, floatsOf(raws, lc.in.fracWidth()), raws.size());
    uint64_t overflows = 0;
    // v with F = frac(in) + frac(alpha) fractional bits, by the formula.
    int f = lc.in.fracWidth() + lc.alphaType.fracWidth();
    for (size_t i = 0; i < raws.size(); ++i) {
      Int128 x = raws[i];
      bool over = false;
      Int128 want = x >= 0 ? (lc.alphaType.fracWidth() >= 0
                                  ? refCast(x * pow2(lc.alphaType.fracWidth()),
                                            f, lc.out, over)
                                  : refCast(x, lc.in.fracWidth(), lc.out, over))
                           : refCast(x * lc.alpha, f, lc.out, over);
      overflows += over;
      INFO("raw " << raws[i]);
      REQUIRE(got[i] == int64_t(want));
    }
    OverflowCount count = countOf(*emu, "fx.leaky_relu");
    CHECK(count.values == raws.size());
    CHECK(count.saturated + count.wrapped == overflows);
    CHECK((lc.out.overflow == WRAP ? count.saturated : count.wrapped) == 0);
  }
}

TEST_CASE("scale applies per-channel factors and offsets, then one cast",
          "[emulator][fx]") {
  const FixedSpec in = fixedT(16, 6), scaleType = fixedT(8, 3),
                  offsetType = fixedT(8, 1);
  for (bool broadcast : {false, true})
    for (FixedSpec out : {fixedT(16, 6, RND, SAT), fixedT(12, 2)}) {
      INFO(typeName(out) << (broadcast ? " broadcast" : ""));
      std::vector<int64_t> scale = broadcast
                                       ? std::vector<int64_t>{-77}
                                       : std::vector<int64_t>{51, -100, 127};
      std::vector<int64_t> offset = {64, -128, 5};
      std::string t = tensorOf("2x3", typeName(in));
      FxModel model(quantizedKernel(
          "2x3", in, out,
          "%r = fx.scale %q {scale = " +
              i64Attr(scale, {int64_t(scale.size())}) + ", scale_type = " +
              typeName(scaleType) + ", offset = " + i64Attr(offset, {3}) +
              ", offset_type = " + typeName(offsetType) + "} : (" + t +
              ") -> " + tensorOf("2x3", typeName(out))));
      auto emu = model.emulator();
      auto raws = randomRaws(in, 6 * 50, 19);
      auto got = runRaw(*emu, floatsOf(raws, in.fracWidth()), 50);
      int f = in.fracWidth() + scaleType.fracWidth();
      int shift = f - offsetType.fracWidth();
      uint64_t overflows = 0;
      for (size_t i = 0; i < raws.size(); ++i) {
        size_t c = i % 3;
        Int128 v = Int128(raws[i]) * scale[broadcast ? 0 : c] +
                   Int128(offset[c]) * pow2(shift);
        bool over = false;
        Int128 want = refCast(v, f, out, over);
        overflows += over;
        INFO("element " << i);
        REQUIRE(got[i] == int64_t(want));
      }
      OverflowCount count = countOf(*emu, "fx.scale");
      CHECK(count.saturated == (out.overflow == WRAP ? 0 : overflows));
      CHECK(count.wrapped == (out.overflow == WRAP ? overflows : 0));
      CHECK(overflows > 0);
    }
}

TEST_CASE("softmax runs on rows with its two tables", "[emulator][fx]") {
  const FixedSpec in = fixedT(12, 4), expType = ufixedT(10, 1),
                  invType = ufixedT(12, 4);
  const int expShift = 3, invShift = 7;
  const int64_t invLow = 640;
  // exp(-d) at the lower edge of each bin of d (8 fractional bits), and
  // 1.5/s over the bins of s (9 fractional bits): too large on purpose, so
  // that some results overflow.
  std::vector<int64_t> expTable, invTable;
  for (int i = 0; i < 64; ++i)
    expTable.push_back(
        std::lround(std::exp(-double(i << expShift) / 256) * 512));
  for (int i = 0; i < 30; ++i) {
    double s = double(invLow + (int64_t(i) << invShift)) / 512;
    invTable.push_back(std::min<long>(4095, std::lround(1.5 * 256 / s)));
  }
  for (FixedSpec out : {ufixedT(10, 0, RND, SAT), fixedT(8, 1, TRN, WRAP)}) {
    INFO(typeName(out));
    std::string t = tensorOf("2x5", typeName(in));
    FxModel model(quantizedKernel(
        "2x5", in, out,
        "%r = fx.softmax %q {exp_table = " +
            i64Attr(expTable, {int64_t(expTable.size())}) + ", exp_type = " +
            typeName(expType) + ", exp_shift = " + std::to_string(expShift) +
            " : i64, inv_table = " +
            i64Attr(invTable, {int64_t(invTable.size())}) + ", inv_type = " +
            typeName(invType) + ", inv_low = " + std::to_string(invLow) +
            " : i64, inv_shift = " + std::to_string(invShift) + " : i64} : (" +
            t + ") -> " + tensorOf("2x5", typeName(out))));
    auto emu = model.emulator(4);
    const size_t events = 40;
    auto raws = randomRaws(in, events * 10, 23);
    // Some rows of equal values and some of one large value.
    for (int j = 0; j < 5; ++j) {
      raws[10 + j] = 100;
      raws[20 + j] = j == 2 ? 2047 : -2048;
    }
    auto got = runRaw(*emu, floatsOf(raws, in.fracWidth()), events);
    uint64_t overflows = 0;
    int frac = expType.fracWidth() + invType.fracWidth();
    for (size_t row = 0; row < events * 2; ++row) {
      const int64_t *x = &raws[row * 5];
      int64_t m = *std::max_element(x, x + 5);
      int64_t e[5], s = 0;
      for (int j = 0; j < 5; ++j) {
        int64_t bin = (m - x[j]) / (int64_t(1) << expShift);
        e[j] = expTable[std::min<size_t>(size_t(bin), expTable.size() - 1)];
        s += e[j];
      }
      Int128 bin = floorDiv(s - invLow, invShift);
      bin = bin < 0 ? 0 : std::min<Int128>(bin, Int128(invTable.size()) - 1);
      int64_t r = invTable[size_t(bin)];
      for (int j = 0; j < 5; ++j) {
        bool over = false;
        Int128 want = refCast(Int128(e[j]) * r, frac, out, over);
        overflows += over;
        INFO("row " << row << " value " << j);
        REQUIRE(got[row * 5 + j] == int64_t(want));
      }
    }
    OverflowCount count = countOf(*emu, "fx.softmax");
    CHECK(count.values == events * 10);
    CHECK(count.saturated + count.wrapped == overflows);
    CHECK(overflows > 0);
  }
}

//===----------------------------------------------------------------------===//
// Data movement, the boundary and the API
//===----------------------------------------------------------------------===//

TEST_CASE("reshape, concat, transpose and slice move raw values",
          "[emulator][fx]") {
  const FixedSpec s = fixedT(12, 4, RND, SAT);
  std::string T = typeName(s);
  FxModel model(
      "func.func @k(%a: tensor<?x6xf32>, %b: tensor<?x3xf32>) -> "
      "(tensor<?x2x2xf32>, tensor<?x9xf32>) {\n"
      "  %a2 = nn.reshape %a : (tensor<?x6xf32>) -> tensor<?x2x3xf32>\n"
      "  %qa = fx.quantize %a2 : (tensor<?x2x3xf32>) -> " +
      tensorOf("2x3", T) + "\n  %qb = fx.quantize %b : (tensor<?x3xf32>) -> " +
      tensorOf("3", T) + "\n  %b2 = nn.reshape %qb : (" + tensorOf("3", T) +
      ") -> " + tensorOf("1x3", T) +
      "\n  %c = nn.concat %qa, %b2 {axis = 1 : i64} : (" + tensorOf("2x3", T) +
      ", " + tensorOf("1x3", T) + ") -> " + tensorOf("3x3", T) +
      "\n  %t = nn.transpose %c {perm = array<i64: 0, 2, 1>} : (" +
      tensorOf("3x3", T) + ") -> " + tensorOf("3x3", T) +
      "\n  %s = nn.slice %t {starts = array<i64: 0, 2, 0>, steps = "
      "array<i64: 1, -1, 2>} : (" +
      tensorOf("3x3", T) + ") -> " + tensorOf("2x2", T) +
      "\n  %f = nn.reshape %c : (" + tensorOf("3x3", T) + ") -> " +
      tensorOf("9", T) + "\n  %y = fx.dequantize %s : (" + tensorOf("2x2", T) +
      ") -> tensor<?x2x2xf32>\n  %z = fx.dequantize %f : (" + tensorOf("9", T) +
      ") -> tensor<?x9xf32>\n  return %y, %z : tensor<?x2x2xf32>, "
      "tensor<?x9xf32>\n}\n");
  auto emu = model.emulator(3);
  const size_t events = 10;
  std::mt19937 gen(29);
  std::uniform_real_distribution<float> dist(-10, 10);
  std::vector<float> x(events * 9);
  for (float &v : x)
    v = dist(gen);
  auto got = runRaw(*emu, x, events);
  auto values = runFloat(*emu, x, events);
  REQUIRE(emu->outputSpecs().size() == 2);
  for (size_t e = 0; e < events; ++e) {
    // c[i][j]: rows 0-1 from a, row 2 from b.
    Int128 c[3][3];
    for (int i = 0; i < 9; ++i) {
      Int128 m;
      int frac;
      floatParts(x[e * 9 + i], m, frac);
      c[i / 3][i % 3] = refCast(m, frac, s);
    }
    // t[i][j] = c[j][i]; s[i][j] = t[i][2 - j][2 * j]... per dimension:
    // s[i][j] = t[0 + i][2 - i ... ]: starts (2, 0), steps (-1, 2).
    int64_t want[4];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        want[i * 2 + j] = int64_t(c[2 * j][2 - i]);
    const int64_t *row = &got[e * 13];
    for (int i = 0; i < 4; ++i) {
      CHECK(row[i] == want[i]);
      CHECK(values[e * 13 + i] == exactFloat(want[i], s.fracWidth()));
    }
    for (int i = 0; i < 9; ++i)
      CHECK(row[4 + i] == int64_t(c[i / 3][i % 3]));
  }
}

TEST_CASE("window pads with 0 or the lowest raw, reduce_max keeps the "
          "greatest raw, signed or not",
          "[emulator][fx]") {
  // [C=2, L=5]: max pooling with kernel 3, stride 2, pads [1, 1] and
  // pad_lowest (3 positions), and a zero-padded window with kernel 2,
  // dilation 2, pads [2, 0] (5 positions) returned as it is.
  for (FixedSpec s :
       {fixedT(8, 3), ufixedT(8, 4), fixedT(64, 40), ufixedT(64, 40)}) {
    INFO(typeName(s));
    std::string T = typeName(s);
    FxModel model(
        "func.func @k(%x: tensor<?x2x5xf32>) -> (tensor<?x3x2xf32>, "
        "tensor<?x5x2x2xf32>) {\n  %q = fx.quantize %x : (tensor<?x2x5xf32>) "
        "-> " +
        tensorOf("2x5", T) +
        "\n  %w = nn.window %q {kernel_shape = array<i64: 3>, strides = "
        "array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, "
        "pad_lowest} : (" +
        tensorOf("2x5", T) + ") -> " + tensorOf("3x2x3", T) +
        "\n  %m = nn.reduce_max %w : (" + tensorOf("3x2x3", T) + ") -> " +
        tensorOf("3x2", T) +
        "\n  %z = nn.window %q {kernel_shape = array<i64: 2>, strides = "
        "array<i64: 1>, dilations = array<i64: 2>, pads = array<i64: 2, 0>} "
        ": (" +
        tensorOf("2x5", T) + ") -> " + tensorOf("5x2x2", T) +
        "\n  %y = fx.dequantize %m : (" + tensorOf("3x2", T) +
        ") -> tensor<?x3x2xf32>\n  %v = fx.dequantize %z : (" +
        tensorOf("5x2x2", T) +
        ") -> tensor<?x5x2x2xf32>\n  return %y, %v : tensor<?x3x2xf32>, "
        "tensor<?x5x2x2xf32>\n}\n");
    auto emu = model.emulator();
    // Raws of at most 24 significant bits (f32 holds them): m * 2^zeros.
    // For the 64-bit unsigned type half of them have the top bit set, and
    // only an unsigned comparison finds their maximum.
    int zeros = s.width > 24 ? s.width - 24 : 0;
    Int128 lo = typeMin(s) / pow2(zeros), hi = typeMax(s) / pow2(zeros);
    std::mt19937_64 gen(31);
    std::uniform_int_distribution<int64_t> dist{int64_t(lo), int64_t(hi)};
    const int events = 40;
    std::vector<Int128> raws;
    for (int e = 0; e < events; ++e)
      for (int i = 0; i < 10; ++i) {
        // Event 0: every value the lowest; event 1: every value the
        // greatest; events 2 and 3: channel 0 at the lowest, channel 1 one
        // step above it.
        Int128 m = Int128(dist(gen));
        if (e == 0 || (e >= 2 && e < 4 && i < 5))
          m = lo;
        else if (e == 1)
          m = hi;
        else if (e < 4)
          m = lo + 1;
        raws.push_back(m * pow2(zeros));
      }
    std::vector<float> x;
    for (Int128 r : raws)
      x.push_back(float(std::ldexp(double(r), -s.fracWidth())));
    auto got = runRaw(*emu, x, events);
    // runRaw's raws: the W-bit integer, a 64-bit unsigned one as int64_t.
    auto asOut = [](Int128 v) { return int64_t(uint64_t(v)); };
    for (int e = 0; e < events; ++e) {
      const Int128 *c = &raws[size_t(e * 10)];
      const int64_t *row = &got[size_t(e * 26)];
      INFO("event " << e);
      for (int p = 0; p < 3; ++p)
        for (int ch = 0; ch < 2; ++ch) {
          Int128 best = typeMin(s);
          for (int k = 0; k < 3; ++k) {
            int at = 2 * p - 1 + k;
            if (at >= 0 && at < 5)
              best = std::max(best, c[ch * 5 + at]);
          }
          CHECK(row[p * 2 + ch] == asOut(best));
        }
      for (int p = 0; p < 5; ++p)
        for (int ch = 0; ch < 2; ++ch)
          for (int k = 0; k < 2; ++k) {
            int at = p - 2 + 2 * k;
            Int128 want = at >= 0 && at < 5 ? c[ch * 5 + at] : 0;
            CHECK(row[6 + (p * 2 + ch) * 2 + k] == asOut(want));
          }
    }
  }
}

TEST_CASE("the quantized MLP of the trigger agrees with its integers",
          "[emulator][fx]") {
  // quantize -> dense -> cast -> table (tanh) -> dense -> cast ->
  // dequantize, fixed<16, 6>, computed here with plain int64 arithmetic.
  const int64_t k = 6, h = 5, o = 2;
  const FixedSpec t16 = fixedT(16, 6, RND, SAT);
  std::mt19937_64 gen(31);
  std::uniform_int_distribution<int64_t> wd(-3000, 3000);
  std::vector<int64_t> w1(h * k), b1(h), w2(o * h), b2(o), tanhTable(256);
  for (auto *v : {&w1, &b1, &w2, &b2})
    for (int64_t &x : *v)
      x = wd(gen);
  for (int i = 0; i < 256; ++i)
    tanhTable[i] = std::lround(std::tanh((i - 128 + 0.5) / 32.0) * 1024);
  // Accumulators: 16-bit inputs and weights with 10 fractional bits each.
  const FixedSpec acc1 = fixedT(36, 16), acc2 = fixedT(36, 16);
  auto T = [](const FixedSpec &s, int64_t n) {
    return tensorOf(std::to_string(n), typeName(s));
  };
  std::string text =
      "func.func @k(%x: tensor<?x6xf32>) -> tensor<?x2xf32> {\n"
      "  %q = fx.quantize %x : (tensor<?x6xf32>) -> " +
      T(t16, k) + "\n  %a = fx.dense %q {weight = " + i64Attr(w1, {h, k}) +
      ", weight_type = " + typeName(fixedT(16, 6)) +
      ", bias = " + i64Attr(b1, {h}) +
      ", bias_type = " + typeName(fixedT(16, 6)) + "} : (" + T(t16, k) +
      ") -> " + T(acc1, h) + "\n  %c = fx.cast %a : (" + T(acc1, h) + ") -> " +
      T(t16, h) + "\n  %t = fx.table %c {table = " + i64Attr(tanhTable, {256}) +
      ", input_low = -4096 : i64, shift = 5 : i64, function = \"tanh\"} : (" +
      T(t16, h) + ") -> " + T(t16, h) +
      "\n  %a2 = fx.dense %t {weight = " + i64Attr(w2, {o, h}) +
      ", weight_type = " + typeName(fixedT(16, 6)) +
      ", bias = " + i64Attr(b2, {o}) +
      ", bias_type = " + typeName(fixedT(16, 6)) + "} : (" + T(t16, h) +
      ") -> " + T(acc2, o) + "\n  %c2 = fx.cast %a2 : (" + T(acc2, o) +
      ") -> " + T(t16, o) + "\n  %y = fx.dequantize %c2 : (" + T(t16, o) +
      ") -> tensor<?x2xf32>\n  return %y : tensor<?x2xf32>\n}\n";
  FxModel model(text);
  auto emu = model.emulator();
  const size_t events = 300;
  std::mt19937 fgen(37);
  std::uniform_real_distribution<float> dist(-40, 40);
  std::vector<float> x(events * k);
  for (float &v : x)
    v = dist(fgen);
  auto got = runRaw(*emu, x, events);
  auto values = runFloat(*emu, x, events);
  // A RND, SAT cast from 20 to 10 fractional bits, by hand.
  auto narrow = [](int64_t v) {
    int64_t q = (v + 512) >> 10; // floor((v + half) / 2^10)
    return std::min<int64_t>(32767, std::max<int64_t>(-32768, q));
  };
  for (size_t e = 0; e < events; ++e) {
    int64_t q[k], hidden[h];
    for (int64_t j = 0; j < k; ++j) {
      Int128 m;
      int frac;
      floatParts(x[e * k + j], m, frac);
      q[j] = int64_t(refCast(m, frac, t16));
    }
    for (int64_t i = 0; i < h; ++i) {
      int64_t s = b1[i] << 10;
      for (int64_t j = 0; j < k; ++j)
        s += q[j] * w1[i * k + j];
      int64_t bin = (narrow(s) + 4096) >> 5;
      hidden[i] = tanhTable[std::min<int64_t>(255, std::max<int64_t>(0, bin))];
    }
    for (int64_t i = 0; i < o; ++i) {
      int64_t s = b2[i] << 10;
      for (int64_t j = 0; j < h; ++j)
        s += hidden[j] * w2[i * h + j];
      INFO("event " << e << " output " << i);
      REQUIRE(got[e * o + i] == narrow(s));
      REQUIRE(values[e * o + i] == exactFloat(narrow(s), 10));
    }
  }
  // Layers without a node name are named by op and position.
  std::vector<OverflowCount> report = emu->overflowReport();
  REQUIRE(report.size() == 5);
  CHECK(report[0].layer == "fx.quantize#0");
  CHECK(report[1].layer == "fx.dense#1");
  CHECK(report[2].layer == "fx.cast#2");
  CHECK(report[3].layer == "fx.dense#4");
  CHECK(report[4].layer == "fx.cast#5");
  CHECK(report[2].type == typeName(t16));
  CHECK(report[1].wrapped == 0);
  CHECK(report[2].saturated > 0);
}

TEST_CASE("raw outputs need a quantized model and fx.dequantize outputs",
          "[emulator][fx]") {
  SECTION("a float model") {
    FxModel model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
                  "  return %x : tensor<?x3xf32>\n}\n");
    auto emu = model.emulator();
    CHECK(!emu->isQuantized());
    REQUIRE(emu->outputSpecs().size() == 1);
    CHECK(!emu->outputSpecs()[0]);
    CHECK(emu->overflowReport().empty());
    float x[3] = {1, 2, 3};
    int64_t out[3] = {7, 7, 7};
    llvm::Error err = emu->runRaw(x, out, 1);
    bool failed = bool(err);
    REQUIRE(failed);
    CHECK_THAT(llvm::toString(std::move(err)), Contains("not quantized"));
    CHECK(out[0] == 7);
  }
  SECTION("an output that no fx.dequantize produces") {
    std::string q = tensorOf("3", typeName(fixedT(8, 4)));
    FxModel model("func.func @k(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, "
                  "tensor<?x3xf32> {nn.name = \"copy\"}) {\n"
                  "  %q = fx.quantize %x : (tensor<?x3xf32>) -> " +
                  q + "\n  %y = fx.dequantize %q : (" + q +
                  ") -> tensor<?x3xf32>\n"
                  "  return %y, %x : tensor<?x3xf32>, tensor<?x3xf32>\n}\n");
    auto emu = model.emulator();
    CHECK(emu->isQuantized());
    REQUIRE(emu->outputSpecs().size() == 2);
    REQUIRE(emu->outputSpecs()[0]);
    CHECK(emu->outputSpecs()[0]->width == 8);
    CHECK(emu->outputSpecs()[0]->intWidth == 4);
    CHECK(emu->outputSpecs()[0]->isSigned);
    CHECK(!emu->outputSpecs()[1]);
    // The float outputs still run: the input passes through unchanged.
    // Ranges are recorded on float models only.
    emu->recordRanges(true);
    std::vector<float> x = {0.25f, -1.5f, 100.0f};
    auto out = runFloat(*emu, x, 1);
    CHECK(emu->ranges().empty());
    // 100 wraps: 1600 mod 256 = 64, i.e. 4.0.
    CHECK(out == std::vector<float>{0.25f, -1.5f, 4.0f, 0.25f, -1.5f, 100.0f});
    std::vector<int64_t> raw(6);
    llvm::Error err = emu->runRaw(x.data(), raw.data(), 1);
    bool failed = bool(err);
    REQUIRE(failed);
    CHECK_THAT(llvm::toString(std::move(err)), Contains("'copy'"));
  }
}

TEST_CASE("quantized models are refused where they cannot run",
          "[emulator][fx]") {
  std::string q = tensorOf("3", typeName(fixedT(8, 4)));
  SECTION("a float op among fx ops") {
    FxModel model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
                  "  %r = nn.activation %x {activation = #nn<act relu>} : "
                  "tensor<?x3xf32>\n"
                  "  %q = fx.quantize %r : (tensor<?x3xf32>) -> " +
                  q + "\n  %y = fx.dequantize %q : (" + q +
                  ") -> tensor<?x3xf32>\n  return %y : tensor<?x3xf32>\n}\n");
    CHECK_THAT(model.createError(),
               Contains("'nn.activation': the fixed-point emulator does not "
                        "support this operation"));
  }
  SECTION("a fixed-point input") {
    FxModel model("func.func @k(%x: " + q +
                  ") -> tensor<?x3xf32> {\n"
                  "  %y = fx.dequantize %x : (" +
                  q +
                  ") -> tensor<?x3xf32>\n  return %y : tensor<?x3xf32>\n}\n");
    CHECK_THAT(model.createError(),
               Contains("input 'input0': type " + q +
                        " is not supported: a quantized model takes f32 "
                        "inputs"));
  }
  SECTION("a fixed-point output") {
    FxModel model("func.func @k(%x: tensor<?x3xf32>) -> " + q +
                  " {\n"
                  "  %q = fx.quantize %x : (tensor<?x3xf32>) -> " +
                  q + "\n  return %q : " + q + "\n}\n");
    CHECK_THAT(model.createError(),
               Contains("output 'output0': type " + q +
                        " is not supported: a quantized model gives f32 "
                        "outputs"));
  }
  SECTION("moving elements between types") {
    std::string r = tensorOf("3", typeName(fixedT(8, 3)));
    std::string c = tensorOf("6", typeName(fixedT(8, 4)));
    FxModel model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x6xf32> {\n"
                  "  %a = fx.quantize %x : (tensor<?x3xf32>) -> " +
                  q + "\n  %b = fx.quantize %x : (tensor<?x3xf32>) -> " + r +
                  "\n  %c = nn.concat %a, %b {axis = 1 : i64} : (" + q + ", " +
                  r + ") -> " + c + "\n  %y = fx.dequantize %c : (" + c +
                  ") -> tensor<?x6xf32>\n  return %y : tensor<?x6xf32>\n}\n");
    CHECK_THAT(model.createError(),
               Contains("'nn.concat': an operand's element type differs"));
  }
}

//===----------------------------------------------------------------------===//
// Speed
//===----------------------------------------------------------------------===//

TEST_CASE("the 27-81-2 trigger MLP runs at least 500k events per second",
          "[.][perf]") {
  const int64_t k = 27, h = 81, o = 2;
  const FixedSpec t16 = fixedT(16, 6);
  mlir::MLIRContext context;
  context.loadDialect<fx::FXDialect>();
  auto fx16 = fx::FixedType::get(&context, 16, 6, true);
  auto acc1 = fx::DenseOp::exactAccumulatorType(fx16, fx16, fx16, k);
  auto acc2 = fx::DenseOp::exactAccumulatorType(fx16, fx16, fx16, h);
  FixedSpec a1 = acc1.getSpec(), a2 = acc2.getSpec();
  std::mt19937_64 gen(41);
  std::uniform_int_distribution<int64_t> wd(-32768, 32767);
  std::vector<int64_t> w1(h * k), b1(h), w2(o * h), b2(o), table(1024);
  for (auto *v : {&w1, &b1, &w2, &b2})
    for (int64_t &x : *v)
      x = wd(gen) / 64;
  for (int i = 0; i < 1024; ++i)
    table[i] = std::lround(std::tanh((i - 512 + 0.5) / 128.0) * 1024);
  auto T = [](const FixedSpec &s, int64_t n) {
    return tensorOf(std::to_string(n), typeName(s));
  };
  std::string text =
      "func.func @k(%x: tensor<?x27xf32>) -> tensor<?x2xf32> {\n"
      "  %q = fx.quantize %x : (tensor<?x27xf32>) -> " +
      T(t16, k) + "\n  %a = fx.dense %q {weight = " + i64Attr(w1, {h, k}) +
      ", weight_type = " + typeName(t16) + ", bias = " + i64Attr(b1, {h}) +
      ", bias_type = " + typeName(t16) + "} : (" + T(t16, k) + ") -> " +
      T(a1, h) + "\n  %c = fx.cast %a : (" + T(a1, h) + ") -> " + T(t16, h) +
      "\n  %t = fx.table %c {table = " + i64Attr(table, {1024}) +
      ", input_low = -4096 : i64, shift = 3 : i64, function = \"tanh\"} : (" +
      T(t16, h) + ") -> " + T(t16, h) +
      "\n  %a2 = fx.dense %t {weight = " + i64Attr(w2, {o, h}) +
      ", weight_type = " + typeName(t16) + ", bias = " + i64Attr(b2, {o}) +
      ", bias_type = " + typeName(t16) + "} : (" + T(t16, h) + ") -> " +
      T(a2, o) + "\n  %c2 = fx.cast %a2 : (" + T(a2, o) + ") -> " + T(t16, o) +
      "\n  %y = fx.dequantize %c2 : (" + T(t16, o) +
      ") -> tensor<?x2xf32>\n  return %y : tensor<?x2xf32>\n}\n";
  FxModel model(text);
  auto emu = model.emulator();
  const size_t events = 200000;
  std::mt19937 fgen(43);
  std::uniform_real_distribution<float> dist(-4, 4);
  std::vector<float> x(events * k), y(events * o);
  for (float &v : x)
    v = dist(fgen);
  emu->run(x.data(), y.data(), 1000); // warm up
  // Processor time of this thread: other work on a shared machine does not
  // count against the emulator.
  auto now = [] {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
  };
  double best = 0;
  for (int repeat = 0; repeat < 3; ++repeat) {
    double start = now();
    emu->run(x.data(), y.data(), events);
    best = std::max(best, double(events) / (now() - start));
  }
  WARN("fixed<16,6> 27-81-2 MLP: " << best << " events/s (best of 3, " << events
                                   << " events, thread CPU time)");
  CHECK(best >= 500000);
}

//===----------------------------------------------------------------------===//
// Gathers and scatters at run-time indices
//===----------------------------------------------------------------------===//

TEST_CASE("gather and scatter-add on raw integers count indices outside "
          "their axis",
          "[emulator][fx][index]") {
  // Data [3] of fixed<8,3>; four indices of fixed<32,32,TRN,SAT> gather
  // them and scatter-add them back in fixed<10,5>.
  const std::string data = "tensor<?x3x!fx.fixed<8, 3>>";
  const std::string index = "tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>";
  const std::string picked = "tensor<?x4x!fx.fixed<8, 3>>";
  const std::string sums = "tensor<?x3x!fx.fixed<10, 5>>";
  FxModel model("func.func @k(%x: tensor<?x3xf32>, %i: tensor<?x4xf32>) -> "
                "(tensor<?x4xf32>, tensor<?x3xf32>) {\n"
                "  %q = fx.quantize %x : (tensor<?x3xf32>) -> " +
                data +
                "\n"
                "  %j = fx.quantize %i : (tensor<?x4xf32>) -> " +
                index +
                "\n"
                "  %g = nn.gather_elements %q, %j {axis = 1 : i64} : (" +
                data + ", " + index + ") -> " + picked +
                "\n"
                "  %w = fx.cast %g : (" +
                picked +
                ") -> tensor<?x4x!fx.fixed<10, 5>>\n"
                "  %s = nn.scatter_elements %j, %w {add, axis = 1 : i64} : (" +
                index + ", tensor<?x4x!fx.fixed<10, 5>>) -> " + sums +
                "\n"
                "  %a = fx.dequantize %g : (" +
                picked +
                ") -> tensor<?x4xf32>\n"
                "  %b = fx.dequantize %s : (" +
                sums +
                ") -> tensor<?x3xf32>\n"
                "  return %a, %b : tensor<?x4xf32>, tensor<?x3xf32>\n}\n");
  auto emu = model.emulator();
  // Event 0: indices 2, -1 (element 2), -3 (element 0), 3 (outside).
  // Event 1: 1e10 saturates to 2^31 - 1, -4 and 5.5 (floor 5) lie outside,
  // 1.75 floors to 1.
  std::vector<float> in = {1.0f, -2.5f, 3.25f, 2,     -1, -3,   3,
                           0.5f, 0.25f, -1.0f, 1e10f, -4, 5.5f, 1.75f};
  auto raw = runRaw(*emu, in, 2);
  // Raws of fixed<8,3> (5 fractional bits), then of fixed<10,5> (the same).
  std::vector<int64_t> want = {104, 104, 32, 0, 32, 0, 208, // event 0
                               0,   0,   0,  8, 0,  8, 0};  // event 1
  CHECK(raw == want);
  OverflowCount gather = countOf(*emu, "nn.gather_elements");
  OverflowCount scatter = countOf(*emu, "nn.scatter_elements");
  CHECK(gather.values == 8);
  CHECK(gather.outOfRange == 4);
  CHECK(scatter.values == 6);
  CHECK(scatter.outOfRange == 4);
  CHECK(scatter.wrapped == 0);
  // 1e10 saturated into the index type.
  uint64_t saturated = 0;
  for (const OverflowCount &count : emu->overflowReport())
    if (count.op == "fx.quantize")
      saturated += count.saturated;
  CHECK(saturated == 1);
}

TEST_CASE("a scatter-add whose type cannot hold the sum wraps and is counted",
          "[emulator][fx][index]") {
  // Four updates of 31.75 (raw 127 in fixed<8,6,...>) into one element of
  // fixed<8,6>: the sum 508 wraps to -4 in 8 bits.
  const std::string t = "tensor<?x4x!fx.fixed<8, 6>>";
  FxModel model("func.func @k(%x: tensor<?x4xf32>, %i: tensor<?x4xf32>) -> "
                "tensor<?x1xf32> {\n"
                "  %q = fx.quantize %x : (tensor<?x4xf32>) -> " +
                t +
                "\n"
                "  %j = fx.quantize %i : (tensor<?x4xf32>) -> "
                "tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>\n"
                "  %s = nn.scatter_elements %j, %q {add, axis = 1 : i64} : "
                "(tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>, " +
                t +
                ") -> tensor<?x1x!fx.fixed<8, 6>>\n"
                "  %y = fx.dequantize %s : (tensor<?x1x!fx.fixed<8, 6>>) -> "
                "tensor<?x1xf32>\n"
                "  return %y : tensor<?x1xf32>\n}\n");
  auto emu = model.emulator();
  auto raw = runRaw(*emu, {31.75f, 31.75f, 31.75f, 31.75f, 0, 0, 0, 0}, 1);
  CHECK(raw == std::vector<int64_t>{-4});
  CHECK(countOf(*emu, "nn.scatter_elements").wrapped >= 1);
}
