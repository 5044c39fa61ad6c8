//===- fx_ops_test.cpp - fx.dense accumulator sizing ----------------------===//
#include "passes/FX/FXOps.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <catch2/catch.hpp>

using namespace ariadne::fx;

namespace {
std::string spell(FixedType type) {
  if (!type)
    return "null";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << mlir::Type(type);
  return text;
}
} // namespace

TEST_CASE("exactAccumulatorType is the narrowest type no sum overflows",
          "[fx]") {
  mlir::MLIRContext ctx;
  ctx.loadDialect<FXDialect>();
  auto s = [&](unsigned w, int64_t i) {
    return FixedType::get(&ctx, w, i, true);
  };
  auto u = [&](unsigned w, int64_t i) {
    return FixedType::get(&ctx, w, i, false);
  };
  // fixed<16,6> x fixed<8,1>, 3 terms, bias fixed<8,2>: F = 10 + 7 = 17;
  // raw sums lie in [3 * -4194176 - 128 * 2^11, 3 * 4194304 + 127 * 2^11]
  // = [-12844672, 12843008], which needs 25 signed bits.
  CHECK(spell(DenseOp::exactAccumulatorType(s(16, 6), s(8, 1), s(8, 2), 3)) ==
        "!fx.fixed<25, 8>");
  // Unsigned operands: 2 * 255 * 255 = 130050 < 2^17.
  CHECK(spell(DenseOp::exactAccumulatorType(u(8, 0), u(8, 4), {}, 2)) ==
        "!fx.ufixed<17, 5>");
  // (-2) * (-2) = 4 needs a fourth bit even though the operands have two.
  CHECK(spell(DenseOp::exactAccumulatorType(s(2, 2), s(2, 2), {}, 1)) ==
        "!fx.fixed<4, 4>");
  // No terms: the sum is always 0.
  CHECK(spell(DenseOp::exactAccumulatorType(s(16, 6), s(8, 1), {}, 0)) ==
        "!fx.ufixed<1, -16>");
  // 2^40 products of 8-bit by 8-bit integers.
  CHECK(spell(DenseOp::exactAccumulatorType(s(8, 8), s(8, 8), {},
                                            int64_t(1) << 40)) ==
        "!fx.fixed<56, 56>");
  // Beyond 64 bits, or a bias finer than the products: no such type.
  CHECK(spell(DenseOp::exactAccumulatorType(s(64, 6), s(8, 1), {}, 1)) ==
        "null");
  CHECK(spell(DenseOp::exactAccumulatorType(s(16, 6), s(8, 1), s(20, 2), 1)) ==
        "null");
}
