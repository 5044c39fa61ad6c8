//===- element_sources_test.cpp - data movement as element copies ---------===//
//
// The element map the hardware targets wire transpose, slice, concat and
// reshape with, against references written out with explicit loops over
// the indices.
//
//===----------------------------------------------------------------------===//
#include "backends/common/ElementSources.h"
#include "ir_test_util.h"

#include <vector>

using ariadne::ElementSource;
using ariadne::elementSources;

namespace {

/// The sources of the op that defines the function's first result.
std::vector<ElementSource> sourcesOf(const std::string &body,
                                     const std::string &signature) {
  irtest::ParsedModule parsed("func.func @f" + signature + " {\n" + body +
                              "\n}\n");
  auto ret = llvm::cast<mlir::func::ReturnOp>(
      parsed.fn.getBody().front().getTerminator());
  auto sources = elementSources(ret.getOperand(0).getDefiningOp());
  return std::vector<ElementSource>(sources.begin(), sources.end());
}

} // namespace

TEST_CASE("transpose of one event [2,3,4] to [4,2,3]", "[wiring]") {
  auto sources =
      sourcesOf("  %y = nn.transpose %x {perm = array<i64: 0, 3, 1, 2>} : "
                "(tensor<?x2x3x4xf32>) -> tensor<?x4x2x3xf32>\n  return %y : "
                "tensor<?x4x2x3xf32>",
                "(%x: tensor<?x2x3x4xf32>) -> tensor<?x4x2x3xf32>");
  std::vector<ElementSource> expected;
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        expected.push_back({0u, (i * 3 + j) * 4 + k});
  CHECK(sources == expected);
}

TEST_CASE("slice with a start, a step and a negative step", "[wiring]") {
  // x[:, 1:3, 3::-2] of a [3,4] event: rows 1 and 2, columns 3 and 1.
  auto sources = sourcesOf(
      "  %y = nn.slice %x {starts = array<i64: 0, 1, 3>, steps = array<i64: "
      "1, 1, -2>} : (tensor<?x3x4xf32>) -> tensor<?x2x2xf32>\n  return %y : "
      "tensor<?x2x2xf32>",
      "(%x: tensor<?x3x4xf32>) -> tensor<?x2x2xf32>");
  std::vector<ElementSource> expected;
  for (int row : {1, 2})
    for (int column : {3, 1})
      expected.push_back({0u, row * 4 + column});
  CHECK(sources == expected);
}

TEST_CASE("concat along the inner axis interleaves the operands' rows",
          "[wiring]") {
  auto sources = sourcesOf(
      "  %y = nn.concat %a, %b {axis = 2 : i64} : (tensor<?x2x3xf32>, "
      "tensor<?x2x1xf32>) -> tensor<?x2x4xf32>\n  return %y : "
      "tensor<?x2x4xf32>",
      "(%a: tensor<?x2x3xf32>, %b: tensor<?x2x1xf32>) -> tensor<?x2x4xf32>");
  std::vector<ElementSource> expected;
  for (int row = 0; row < 2; ++row) {
    for (int c = 0; c < 3; ++c)
      expected.push_back({0u, row * 3 + c});
    expected.push_back({1u, row});
  }
  CHECK(sources == expected);
}

TEST_CASE("reshape and a static model keep the element order", "[wiring]") {
  auto sources = sourcesOf(
      "  %y = nn.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>\n  return "
      "%y : tensor<6xf32>",
      "(%x: tensor<2x3xf32>) -> tensor<6xf32>");
  REQUIRE(sources.size() == 6);
  for (int i = 0; i < 6; ++i)
    CHECK(sources[i] == ElementSource{0u, i});
}
