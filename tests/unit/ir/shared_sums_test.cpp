//===- shared_sums_test.cpp - shift-and-add with shared subexpressions ----===//
//
// shareSubexpressions against the sums it replaces: every output of a
// random constant matrix evaluates to the same integer on random inputs,
// shared sums respect the width and depth limits, and sharing never adds
// adders (and saves some where pairs recur).
//
//===----------------------------------------------------------------------===//
#include "backends/common/SharedSums.h"
#include "backends/verilog/VerilogArithmetic.h"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using namespace ariadne;
using Int128 = __int128;

namespace {

/// Every output's terms from the canonical signed digits of `weights`
/// ([outputs][inputs]).
std::vector<std::vector<ShiftedTerm>>
digitTerms(const std::vector<std::vector<int64_t>> &weights) {
  std::vector<std::vector<ShiftedTerm>> outputs;
  for (const auto &row : weights) {
    outputs.emplace_back();
    for (size_t i = 0; i < row.size(); ++i)
      for (auto [shift, negative] : csdDigits(row[i]))
        outputs.back().push_back({int(i), shift, negative});
  }
  return outputs;
}

/// The values of the inputs, then of every shared sum.
std::vector<Int128> sourceValues(const Sharing &s,
                                 const std::vector<Int128> &inputs) {
  std::vector<Int128> values = inputs;
  for (const SharedSum &sum : s.shared) {
    Int128 a = values[size_t(sum.a)] * (Int128(1) << sum.shiftA);
    Int128 b = values[size_t(sum.b)] * (Int128(1) << sum.shiftB);
    values.push_back(sum.subtract ? a - b : a + b);
  }
  return values;
}

Int128 outputValue(const std::vector<ShiftedTerm> &terms,
                   const std::vector<Int128> &values) {
  Int128 total = 0;
  for (const ShiftedTerm &t : terms) {
    Int128 v = values[size_t(t.source)] * (Int128(1) << t.shift);
    total += t.negative ? -v : v;
  }
  return total;
}

int depthOf(const Sharing &s, size_t inputs, int source) {
  if (size_t(source) < inputs)
    return 0;
  const SharedSum &sum = s.shared[size_t(source) - inputs];
  return 1 + std::max(depthOf(s, inputs, sum.a), depthOf(s, inputs, sum.b));
}

} // namespace

TEST_CASE("shared sums compute the same outputs with fewer adders",
          "[verilog]") {
  std::mt19937_64 gen(11);
  for (int trial = 0; trial < 20; ++trial) {
    size_t inputs = 3 + gen() % 12, outputs = 2 + gen() % 20;
    std::uniform_int_distribution<int64_t> weight(-600, 600);
    std::vector<std::vector<int64_t>> weights(outputs,
                                              std::vector<int64_t>(inputs));
    for (auto &row : weights)
      for (auto &w : row)
        w = gen() % 5 == 0 ? 0 : weight(gen);
    SharingLimits limits;
    limits.ranges.assign(inputs, {-512, 511});
    limits.maxWidth = 24;
    limits.maxDepth = 1 + int(trial % 3);
    auto original = digitTerms(weights);
    Sharing s = shareSubexpressions(original, limits);
    REQUIRE(s.outputs.size() == outputs);
    CHECK(addersOf(s.outputs, s.shared.size()) <= addersOf(original, 0));
    for (size_t k = 0; k < s.shared.size(); ++k) {
      CHECK(depthOf(s, inputs, int(inputs + k)) <= limits.maxDepth);
      // Every shared sum is used: an output or a later sum reads it.
      bool used = false;
      for (const auto &terms : s.outputs)
        for (const ShiftedTerm &t : terms)
          used |= size_t(t.source) == inputs + k;
      for (size_t j = k + 1; j < s.shared.size(); ++j)
        used |= size_t(s.shared[j].a) == inputs + k ||
                size_t(s.shared[j].b) == inputs + k;
      CHECK(used);
    }
    std::uniform_int_distribution<int64_t> value(-512, 511);
    for (int event = 0; event < 50; ++event) {
      std::vector<Int128> in(inputs);
      for (auto &v : in)
        v = value(gen);
      // The extremes too, where the widths are decided.
      if (event == 0)
        std::fill(in.begin(), in.end(), Int128(-512));
      if (event == 1)
        std::fill(in.begin(), in.end(), Int128(511));
      std::vector<Int128> values = sourceValues(s, in);
      for (size_t k = 0; k < s.shared.size(); ++k) {
        Int128 v = values[inputs + k];
        CHECK(v >= -(Int128(1) << (limits.maxWidth - 1)));
        CHECK(v < (Int128(1) << (limits.maxWidth - 1)));
      }
      for (size_t o = 0; o < outputs; ++o) {
        Int128 want = 0;
        for (size_t i = 0; i < inputs; ++i)
          want += Int128(weights[o][i]) * in[i];
        CHECK(outputValue(s.outputs[o], values) == want);
      }
    }
  }
}

TEST_CASE("a pair in every output is computed once", "[verilog]") {
  // x0 + 4 x1 in each of 6 outputs, at shifts 0 to 5: one shared sum.
  std::vector<std::vector<int64_t>> weights;
  for (int o = 0; o < 6; ++o)
    weights.push_back({int64_t(1) << o, int64_t(4) << o, o == 0 ? 1 : 0});
  SharingLimits limits;
  limits.ranges.assign(3, {-100, 100});
  auto original = digitTerms(weights);
  Sharing s = shareSubexpressions(original, limits);
  REQUIRE(s.shared.size() == 1);
  CHECK(s.shared[0].a == 0);
  CHECK(s.shared[0].b == 1);
  CHECK(s.shared[0].shiftB - s.shared[0].shiftA == 2);
  CHECK_FALSE(s.shared[0].subtract);
  CHECK(addersOf(original, 0) == 7);
  CHECK(addersOf(s.outputs, s.shared.size()) == 2);
  // Too narrow a limit leaves every output as it was.
  limits.maxWidth = 8;
  CHECK(shareSubexpressions(original, limits).shared.empty());
}
