//===- emulator_ranges_test.cpp - calibration ranges on the float path ----===//
//
// The float emulator records the least and greatest value of every value of
// the function over the events it runs, NaN aside, for calibration.
//
//===----------------------------------------------------------------------===//
#include "emulator_test_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace emutest;

namespace {

const std::vector<float> kWeight = {0.5f, -1.25f, 2.0f, -0.75f, 0.25f, 1.5f};
const std::vector<float> kBias = {0.125f, -0.5f};

/// x -> dense (3 -> 2) -> + constant -> tanh -> reshape.
std::string rangeModel() {
  return "func.func @k(%x: tensor<?x3xf32>) -> tensor<?x2x1xf32> {\n"
         "  %d = nn.dense %x {weight = " +
         denseHex(kWeight, "tensor<2x3xf32>") +
         ", bias = " + denseHex(kBias, "tensor<2xf32>") +
         "} : (tensor<?x3xf32>) -> tensor<?x2xf32>\n"
         "  %c = nn.constant dense<[0.5, -0.25]> : tensor<2xf32>\n"
         "  %s = nn.add %d, %c : (tensor<?x2xf32>, tensor<2xf32>) -> "
         "tensor<?x2xf32>\n"
         "  %t = nn.activation %s {activation = #nn<act tanh>} : "
         "tensor<?x2xf32>\n"
         "  %r = nn.reshape %t : (tensor<?x2xf32>) -> tensor<?x2x1xf32>\n"
         "  return %r : tensor<?x2x1xf32>\n}\n";
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isnan(v))
      return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

/// The values of the model in order: x, d, c, s, t, r.
std::vector<mlir::Value> valuesOf(mlir::func::FuncOp fn) {
  std::vector<mlir::Value> values;
  for (mlir::BlockArgument arg : fn.getArguments())
    values.push_back(arg);
  for (mlir::Operation &op : fn.getBody().front().without_terminator())
    values.push_back(op.getResult(0));
  return values;
}

/// Reference ranges of x, d, c, s, t (r is t) over the events of `x`.
std::vector<Range> referenceRanges(const std::vector<float> &x) {
  std::vector<Range> ranges(5);
  const double c[2] = {0.5, -0.25};
  ranges[2].add(c[0]);
  ranges[2].add(c[1]);
  for (size_t e = 0; e < x.size() / 3; ++e) {
    for (int j = 0; j < 3; ++j)
      ranges[0].add(x[e * 3 + j]);
    for (int i = 0; i < 2; ++i) {
      double d = kBias[i];
      for (int j = 0; j < 3; ++j)
        d += double(x[e * 3 + j]) * kWeight[i * 3 + j];
      ranges[1].add(d);
      ranges[3].add(d + c[i]);
      ranges[4].add(std::tanh(d + c[i]));
    }
  }
  return ranges;
}

} // namespace

TEST_CASE("the float emulator records the range of every value", "[emulator]") {
  Model model(rangeModel());
  auto emu = model.emulator(4);
  std::vector<mlir::Value> values = valuesOf(model.fn);
  REQUIRE(values.size() == 6);
  const size_t n = 11;
  auto x = randomFloats(n * 3, 51, -3, 3);

  // Nothing is recorded until asked.
  run(*emu, x, n);
  CHECK(emu->ranges().empty());

  emu->recordRanges(true);
  // A NaN input: it and what it reaches are ignored, the rest of its event
  // counts.
  x[7] = std::numeric_limits<float>::quiet_NaN();
  run(*emu, x, n);
  ariadne::ValueRanges ranges = emu->ranges();
  CHECK(ranges.size() == 6);
  std::vector<Range> want = referenceRanges(x);
  want.push_back(want[4]); // the reshape's result is the tanh's
  for (size_t v = 0; v < values.size(); ++v) {
    INFO("value " << v);
    REQUIRE(ranges.count(values[v]));
    auto [lo, hi] = ranges.lookup(values[v]);
    CHECK(close(float(lo), want[v].lo));
    CHECK(close(float(hi), want[v].hi));
  }
  // The input range is exact.
  CHECK(ranges.lookup(values[0]).first == want[0].lo);
  CHECK(ranges.lookup(values[0]).second == want[0].hi);

  // Ranges widen over runs while recording, and stay once it stops.
  std::vector<float> wide(3 * 2, 50.0f);
  wide[3] = wide[4] = wide[5] = -50.0f;
  run(*emu, wide, 2);
  CHECK(emu->ranges().lookup(values[0]) == std::make_pair(-50.0, 50.0));
  emu->recordRanges(false);
  std::vector<float> wider(3, 1000.0f);
  run(*emu, wider, 1);
  CHECK(emu->ranges().lookup(values[0]) == std::make_pair(-50.0, 50.0));

  emu->clearRanges();
  CHECK(emu->ranges().empty());
}

TEST_CASE("a value that is only NaN has no range", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {\n"
              "  %y = nn.div %x, %x : (tensor<?x2xf32>, tensor<?x2xf32>) -> "
              "tensor<?x2xf32>\n  return %y : tensor<?x2xf32>\n}\n");
  auto emu = model.emulator();
  emu->recordRanges(true);
  run(*emu, {0.0f, 0.0f, 0.0f, 0.0f}, 2);
  std::vector<mlir::Value> values = valuesOf(model.fn);
  auto ranges = emu->ranges();
  CHECK(ranges.lookup(values[0]) == std::make_pair(0.0, 0.0));
  CHECK(!ranges.count(values[1]));
}
