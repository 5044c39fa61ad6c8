//===- data_test.cpp - events, filters, transforms and reweighting --------===//
#include "frontend/torch/Data.h"
#include "torch_test_util.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>

using namespace ariadne::train;
using ariadne::test::writeScratch;

namespace {

EventTable makeTable(const std::vector<std::string> &columns,
                     const std::vector<double> &values) {
  EventTable table;
  table.columns = columns;
  table.values = values;
  return table;
}

} // namespace

TEST_CASE("CSV files name their columns in a header line", "[train][data]") {
  std::string path = writeScratch("events.csv", "# x, y,z\n"
                                                "1, 2, 3\n"
                                                "\n"
                                                "4,5,6.5\n");
  EventTable table;
  std::string error;
  REQUIRE(readEventCsv(path, table, error));
  CHECK(table.columns == std::vector<std::string>{"x", "y", "z"});
  REQUIRE(table.rows() == 2);
  CHECK(table.at(1, 2) == 6.5);
  std::vector<int> indices;
  REQUIRE(table.match({"z", "[xy]"}, indices, error));
  CHECK(indices == std::vector<int>{2, 0, 1});
  CHECK_FALSE(table.match({"w*"}, indices, error));
  CHECK(error.find("'w*'") != std::string::npos);

  std::string bad = writeScratch("bad.csv", "x,y\n1,2\n3,oops\n");
  REQUIRE_FALSE(readEventCsv(bad, table, error));
  CHECK(error == bad + ":3: column 'y': expected a finite number, got 'oops'");
  std::string ragged = writeScratch("ragged.csv", "x,y\n1,2,3\n");
  REQUIRE_FALSE(readEventCsv(ragged, table, error));
  CHECK(error.find(ragged + ":2:") == 0);
}

TEST_CASE("filters compose with all, any and not", "[train][data]") {
  EventTable table = makeTable({"v"}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  FilterSpec range;
  range.kind = FilterSpec::Kind::Range;
  range.column = "v";
  range.min = 2;
  range.max = 7;
  FilterSpec first;
  first.kind = FilterSpec::Kind::First;
  first.count = 3;
  std::vector<std::size_t> keep;
  std::string error;
  // Range, then the first three that pass it.
  REQUIRE(applyFilters(table, {range, first}, keep, error));
  CHECK(keep == std::vector<std::size_t>{2, 3, 4});

  FilterSpec low = range, high = range;
  low.min.reset();
  low.max = 1;
  high.min = 8;
  high.max.reset();
  FilterSpec any;
  any.kind = FilterSpec::Kind::Any;
  any.children = {low, high};
  REQUIRE(applyFilters(table, {any}, keep, error));
  CHECK(keep == std::vector<std::size_t>{0, 1, 8, 9});
  FilterSpec negation;
  negation.kind = FilterSpec::Kind::Not;
  negation.children = {any};
  REQUIRE(applyFilters(table, {negation}, keep, error));
  CHECK(keep == std::vector<std::size_t>{2, 3, 4, 5, 6, 7});

  FilterSpec missing = range;
  missing.column = "w";
  CHECK_FALSE(applyFilters(table, {missing}, keep, error));
  CHECK(error.find("'w'") != std::string::npos);
}

TEST_CASE("standard and min-max scaling are fitted, applied and inverted",
          "[train][data]") {
  EventTable table = makeTable({"a", "b"}, {1, 10, 2, 20, 3, 40, 6, 30});
  EventTable original = table;
  TransformSpec standard{"standard", {"a"}, {}, {}, -1.0, 1.0};
  TransformSpec minmax{"minmax", {"b"}, {}, {}, 0.0, 1.0};
  TransformChain chain;
  std::string error;
  REQUIRE(chain.fit({standard, minmax}, table, error));
  // Independent: mean 3, population std sqrt(3.5).
  double std = std::sqrt((4.0 + 1.0 + 0.0 + 9.0) / 4.0);
  CHECK(table.at(0, 0) == Approx((1 - 3) / std));
  CHECK(table.at(3, 0) == Approx((6 - 3) / std));
  CHECK(table.at(0, 1) == Approx(0.0));
  CHECK(table.at(2, 1) == Approx(1.0));
  CHECK(table.at(3, 1) == Approx(2.0 / 3.0));
  // The same parameters on other events.
  EventTable other = makeTable({"a", "b"}, {3, 25});
  chain.apply(other);
  CHECK(other.at(0, 0) == Approx(0.0));
  CHECK(other.at(0, 1) == Approx(0.5));
  for (std::size_t row = 0; row < table.rows(); ++row) {
    std::vector<double> values = {table.at(row, 0), table.at(row, 1)};
    chain.invert(values);
    CHECK(values[0] == Approx(original.at(row, 0)));
    CHECK(values[1] == Approx(original.at(row, 1)));
  }
  std::string saved = chain.toToml(table.columns);
  CHECK(saved.find("mean = [3.0]") != std::string::npos);
  CHECK(saved.find("max = [40.0]") != std::string::npos);
}

TEST_CASE("cylindrical and cartesian coordinates convert both ways",
          "[train][data]") {
  EventTable table = makeTable({"r", "phi"}, {2.0, M_PI / 2, 1.0, M_PI});
  TransformChain chain;
  std::string error;
  REQUIRE(
      chain.fit({{"cyl_to_cart", {"r", "phi"}, {}, {}, -1, 1}}, table, error));
  CHECK(table.at(0, 0) == Approx(0.0).margin(1e-12));
  CHECK(table.at(0, 1) == Approx(2.0));
  CHECK(table.at(1, 0) == Approx(-1.0));
  TransformChain back;
  REQUIRE(
      back.fit({{"cart_to_cyl", {"r", "phi"}, {}, {}, -1, 1}}, table, error));
  CHECK(table.at(0, 0) == Approx(2.0));
  CHECK(table.at(0, 1) == Approx(M_PI / 2));
  CHECK(table.at(1, 1) == Approx(M_PI));
}

TEST_CASE("reweighting resamples towards a normal distribution",
          "[train][data]") {
  ReweightSpec spec;
  spec.enabled = true;
  spec.column = "z";
  spec.mean = 0.0;
  spec.std = 1.0;
  spec.buckets = 4;
  spec.min = -2.0;
  spec.max = 2.0;
  std::vector<double> edges, probabilities;
  reweightBuckets(spec, edges, probabilities);
  // Finite: normalized over [-2, 2]. Phi(1) - Phi(0) = 0.341345,
  // Phi(2) - Phi(1) = 0.135905 (tables of the normal distribution).
  double inner = 0.3413447, outer = 0.1359051, total = 2 * (inner + outer);
  CHECK(probabilities[0] == Approx(outer / total).epsilon(1e-5));
  CHECK(probabilities[1] == Approx(inner / total).epsilon(1e-5));
  spec.infiniteOuter = true;
  reweightBuckets(spec, edges, probabilities);
  CHECK(std::isinf(edges.front()));
  CHECK(probabilities[0] == Approx(0.5 - inner).epsilon(1e-5));
  CHECK(probabilities[2] == Approx(inner).epsilon(1e-5));

  // A flat sample in [-3, 3] resampled with infinite outer buckets.
  EventTable table;
  table.columns = {"z"};
  std::vector<std::size_t> rows;
  for (int i = 0; i < 6000; ++i) {
    table.values.push_back(-3.0 + 6.0 * (i + 0.5) / 6000);
    rows.push_back(static_cast<std::size_t>(i));
  }
  std::vector<std::size_t> chosen;
  std::string error;
  REQUIRE(reweightRows(table, spec, rows, 7, chosen, error));
  CHECK(chosen.size() == 6000);
  std::map<int, int> counts;
  for (std::size_t row : chosen) {
    double z = table.at(row, 0);
    counts[z < -1 ? 0 : z < 0 ? 1 : z < 1 ? 2 : 3]++;
  }
  CHECK(counts[0] == static_cast<int>(std::lround(6000 * (0.5 - inner))));
  CHECK(counts[1] == static_cast<int>(std::lround(6000 * inner)));
  // The same seed gives the same events.
  std::vector<std::size_t> again;
  REQUIRE(reweightRows(table, spec, rows, 7, again, error));
  CHECK(again == chosen);
}

TEST_CASE("seeded shuffles depend on the seed alone", "[train][data]") {
  std::vector<std::size_t> a(50), b;
  for (std::size_t i = 0; i < a.size(); ++i)
    a[i] = i;
  b = a;
  std::vector<std::size_t> sorted = a;
  seededShuffle(a, 11);
  seededShuffle(b, 11);
  CHECK(a == b);
  CHECK(a != sorted);
  std::vector<std::size_t> c = sorted;
  seededShuffle(c, 12);
  CHECK(c != a);
  std::sort(c.begin(), c.end());
  CHECK(c == sorted);
}
