//===- VerilogPatterns.cpp - one emission pattern per op ------------------===//
//
// Each pattern turns the element signals of its operands into those of its
// result: dense layers into constant multiplications and adder trees,
// sums, differences and products of two activations (fx.add, fx.sub,
// fx.mul, fx.matmul) into adders and multipliers of the operands' signals,
// tables into ROM modules, casts into rounding and overflow logic, data
// movement into wiring. Arithmetic is on signed wires wide enough for the
// exact value; an accumulator narrower than the exact sum is computed
// modulo 2^W, which is what fx.dense's and fx.matmul's WRAP means whatever
// the order of the additions. A layer computes at most `max_products`
// products per event: at one event per clock each is a multiplier.
//
//===----------------------------------------------------------------------===//
#include "backends/common/SharedSums.h"
#include "backends/verilog/VerilogArithmetic.h"

#include "backends/common/ElementSources.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/Broadcast.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <array>
#include <tuple>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace verilog {

namespace {

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Every signal of `signals` delayed to the latest stage among them.
std::vector<Signal> aligned(VerilogEmission &emission,
                            const std::vector<Signal> &signals) {
  int64_t stage = VerilogEmission::latestStage(signals);
  std::vector<Signal> result;
  for (const Signal &s : signals)
    result.push_back(emission.at(s, stage));
  return result;
}

/// A located error when `products`, the products `op` computes per event
/// (`how`: where the count comes from), exceed the layer's
/// `max_products`.
LogicalResult checkProducts(Operation *op, VerilogEmission &emission,
                            const VerilogLayerSettings &settings,
                            Int128 products, const std::string &how) {
  if (products <= settings.maxProducts)
    return success();
  return op->emitOpError() << "layer '" << emission.layerName(op)
                           << "' computes " << decimal(products)
                           << " products per event (" << how
                           << "), over its verilog limit max_products = "
                           << settings.maxProducts
                           << ": at one event per clock each product is a "
                              "multiplier of its own; make the layer smaller "
                              "or raise max_products ([verilog], [type.T] or "
                              "[layer.\"N\"])";
}

/// A product (Verilog `expr`, of range [low, high], valid at `stage`) as a
/// term of a sum kept modulo 2^modulus: a wire as wide as the exact
/// product, or, where that is `modulus` bits or more, its low `modulus`
/// bits, which are all a wrapping sum needs.
Term productTerm(VerilogEmission &emission, const std::string &expr, Int128 low,
                 Int128 high, int modulus, int64_t stage,
                 const std::string &base) {
  bool modular =
      beyondLimit(low) || beyondLimit(high) || signedBits(low, high) >= modulus;
  Term t;
  t.modular = modular;
  t.signal = emission.wire(base, modular ? modulus : signedBits(low, high),
                           expr, stage, low, high);
  if (modular) {
    t.signal.low = -(Int128(1) << (modulus - 1));
    t.signal.high = (Int128(1) << (modulus - 1)) - 1;
  }
  return t;
}

/// The range of x * y.
std::pair<Int128, Int128> productRange(const Signal &x, const Signal &y) {
  Int128 corners[] = {x.low * y.low, x.low * y.high, x.high * y.low,
                      x.high * y.high};
  return {*std::min_element(std::begin(corners), std::end(corners)),
          *std::max_element(std::begin(corners), std::end(corners))};
}

/// The sum of `terms` (products valid at `inStage`) in the accumulator type
/// `acc`: its low W bits, which are the exact sum where it fits and the
/// sum modulo 2^W (TRN/WRAP) otherwise, in a register. Counts the adders
/// and the deepest tree's register stages into `report` and `treeStages`.
Signal accumulate(VerilogEmission &emission, std::vector<Term> terms,
                  FixedType acc, int64_t pipelineLevels, int64_t inStage,
                  const std::string &base, VerilogLayerReport &report,
                  int64_t &treeStages, int64_t levelsBefore = 0) {
  int modulus = int(acc.getWidth());
  int64_t adders = 0, stages = 0;
  Term sum = adderTree(emission, std::move(terms), modulus, pipelineLevels,
                       base, adders, stages, levelsBefore);
  report.adders += adders;
  treeStages = std::max(treeStages, stages);
  Signal root = sum.signal;
  int64_t stage = root.constant ? inStage + stages : root.stage;
  if (sum.negative) {
    root =
        emission.wire(base + "_neg",
                      sum.modular ? modulus : signedBits(-root.high, -root.low),
                      "-" + root.name, stage, -root.high, -root.low);
    ++report.adders;
  }
  // The low W bits of the sum are the accumulator's raw value.
  Signal low = emission.wire(base + "_acc", modulus, root.name, stage, root.low,
                             root.high);
  auto [accLow, accHigh] = rangeOf(acc);
  Int128 outLow = accLow, outHigh = accHigh;
  if (!sum.modular && root.low >= accLow && root.high <= accHigh) {
    outLow = root.low;
    outHigh = root.high;
  }
  return emission.reg(base + "_r", internalWidth(acc), fromRaw(low.name, acc),
                      stage, outLow, outHigh);
}

/// Binds `out`, the sums of a layer of adder trees (accumulate), to
/// `result` once the deepest tree's register holds them: sums of fewer
/// levels wait for the others. Records the layer's stages and report.
LogicalResult bindSums(VerilogEmission &emission, Value result,
                       std::vector<Signal> out, int64_t inStage,
                       int64_t treeStages, VerilogLayerReport &report) {
  int64_t outStage = inStage + treeStages + 1;
  for (Signal &s : out)
    s = emission.at(s, outStage);
  report.stages = outStage - inStage;
  emission.addLayer(report);
  emission.bind(result, std::move(out));
  return success();
}

/// `x << shift`, negated when `negative`, as a term of a sum of `modulus`
/// bits: exact, or cut to the sum's width first where the shifted range
/// would reach past it.
Term shiftedTerm(VerilogEmission &emission, const Signal &x, int shift,
                 bool negative, int modulus, int64_t inStage,
                 const std::string &base) {
  Term t;
  t.negative = negative;
  t.signal = x;
  if (shift == 0)
    return t;
  t.signal.name = "(" + x.name + " <<< " + std::to_string(shift) + ")";
  t.signal.width = x.width + shift;
  Int128 scale = Int128(1) << std::min(shift, 100);
  if (shift >= 100 || beyondLimit(x.low * scale) ||
      beyondLimit(x.high * scale) || x.width + shift >= modulus) {
    t.signal = emission.wire(base, modulus, t.signal.name, inStage, 0, 0);
    t.signal.low = -(Int128(1) << (modulus - 1));
    t.signal.high = (Int128(1) << (modulus - 1)) - 1;
    t.modular = true;
  } else {
    t.signal.low = x.low * scale;
    t.signal.high = x.high * scale;
  }
  return t;
}

LogicalResult emitDense(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::DenseOp>(operation);
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  if (k <= 0 || int64_t(in.size()) % k != 0)
    return op.emitOpError("has ")
           << in.size() << " input elements per event, not rows of " << k;
  // Several rows per event (a dense layer on a matrix) are independent
  // rows of the same layer.
  int64_t rows = int64_t(in.size()) / k;
  std::string id = emission.identifier(op);
  VerilogLayerSettings settings = emission.settingsOf(op, "dense");
  FixedType acc = fx::elementTypeOf(op.getOutput());
  int modulus = int(acc.getWidth());
  SmallVector<int64_t> weights = fx::rawValuesOf(op.getWeight());
  int64_t nonzero = llvm::count_if(weights, [](int64_t w) { return w != 0; });
  if (failed(checkProducts(
          op, emission, settings, Int128(nonzero) * rows,
          std::to_string(nonzero) + " nonzero weights" +
              (rows > 1 ? " x " + std::to_string(rows) + " rows" : ""))))
    return failure();
  SmallVector<int64_t> bias;
  int64_t biasShift = 0;
  if (op.getBiasAttr()) {
    bias = fx::rawValuesOf(op.getBiasAttr());
    biasShift = acc.getFracWidth() - op.getBiasType()->getFracWidth();
  }
  int64_t inStage = VerilogEmission::latestStage(in);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.dense " << k
                  << " -> " << n
                  << (rows > 1 ? " on " + std::to_string(rows) + " rows" : "")
                  << ", accumulator " << fx::formatPrecision(acc) << "\n";
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.dense";
  report.detail = std::to_string(k) + " -> " + std::to_string(n) +
                  (rows > 1 ? " on " + std::to_string(rows) + " rows" : "") +
                  ", weight " + fx::formatPrecision(op.getWeightType());
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  int64_t treeStages = 0;
  std::vector<Signal> out;
  bool shiftAdd = settings.multiplier == VerilogMultiplier::ShiftAdd;
  for (int64_t r = 0; r < rows; ++r) {
    std::string rowBase = id + (rows > 1 ? "_r" + std::to_string(r) : "");
    // Every output's constant products: a DSP product each, or (shift_add)
    // the canonical signed digits of its weights as shifted inputs, with
    // the pairs that recur across outputs computed once (SharedSums.h).
    std::vector<std::vector<Term>> products(static_cast<size_t>(n));
    std::vector<std::vector<ShiftedTerm>> digits(static_cast<size_t>(n));
    SharingLimits limits;
    limits.maxWidth = modulus;
    // With a register every N adder levels, shared sums take at most N - 1
    // of the first stage's levels.
    if (settings.pipelineLevels > 0)
      limits.maxDepth =
          int(std::min<int64_t>(limits.maxDepth, settings.pipelineLevels - 1));
    for (int64_t i = 0; i < k; ++i) {
      const Signal &x = in[r * k + i];
      limits.ranges.push_back({x.low, x.high});
    }
    for (int64_t o = 0; o < n; ++o) {
      std::string base = rowBase + "_n" + std::to_string(o);
      for (int64_t i = 0; i < k; ++i) {
        Int128 w = weights[o * k + i];
        if (w == 0)
          continue;
        const Signal &x = in[r * k + i];
        // A window's zero padding adds nothing.
        if (x.constant && x.low == 0)
          continue;
        auto csd = csdDigits(w);
        if (!shiftAdd && csd.size() > 1) {
          auto [low, high] = productRange(x, w);
          products[size_t(o)].push_back(
              productTerm(emission, x.name + " * " + literal(w), low, high,
                          modulus, inStage, base + "_m"));
          ++report.multipliers;
          continue;
        }
        for (auto [shift, negative] : csd)
          digits[size_t(o)].push_back({int(i), shift, negative});
      }
    }
    int64_t before = 0;
    for (const auto &terms : digits)
      before += int64_t(terms.size());
    Sharing sharing;
    if (shiftAdd && limits.maxDepth > 0)
      sharing = shareSubexpressions(std::move(digits), limits);
    else
      sharing.outputs = std::move(digits);
    // The adder levels of the deepest shared sum, before the trees.
    int64_t levelsBefore = deepestSharedSum(sharing, size_t(k));
    std::vector<Signal> sources(in.begin() + r * k, in.begin() + (r + 1) * k);
    for (auto [j, sum] : llvm::enumerate(sharing.shared)) {
      const Signal &a = sources[size_t(sum.a)], &b = sources[size_t(sum.b)];
      auto shifted = [](const Signal &x, int shift) {
        return shift == 0
                   ? x.name
                   : "(" + x.name + " <<< " + std::to_string(shift) + ")";
      };
      Int128 low =
          (a.low << sum.shiftA) +
          (sum.subtract ? -(b.high << sum.shiftB) : b.low << sum.shiftB);
      Int128 high =
          (a.high << sum.shiftA) +
          (sum.subtract ? -(b.low << sum.shiftB) : b.high << sum.shiftB);
      sources.push_back(emission.wire(
          rowBase + "_s" + std::to_string(j), signedBits(low, high),
          shifted(a, sum.shiftA) + (sum.subtract ? " - " : " + ") +
              shifted(b, sum.shiftB),
          inStage, low, high));
    }
    int64_t after = 0;
    for (const auto &terms : sharing.outputs)
      after += int64_t(terms.size());
    int64_t treeAdders = report.adders;
    for (int64_t o = 0; o < n; ++o) {
      std::string base = rowBase + "_n" + std::to_string(o);
      std::vector<Term> terms = std::move(products[size_t(o)]);
      for (const ShiftedTerm &t : sharing.outputs[size_t(o)])
        terms.push_back(shiftedTerm(emission, sources[size_t(t.source)],
                                    t.shift, t.negative, modulus, inStage,
                                    base + "_t"));
      if (!bias.empty() && bias[o] != 0) {
        Int128 b = Int128(bias[o]) * (Int128(1) << biasShift);
        Term t;
        if (beyondLimit(b) || signedBits(b, b) > modulus) {
          // Only its low bits count.
          Int128 mask = (Int128(1) << modulus) - 1;
          b = b & mask;
          if (b >= (Int128(1) << (modulus - 1)))
            b -= Int128(1) << modulus;
        }
        t.signal = VerilogEmission::constant(b);
        terms.push_back(t);
      }
      out.push_back(accumulate(emission, std::move(terms), acc,
                               settings.pipelineLevels, inStage, base, report,
                               treeStages, levelsBefore));
    }
    // The same trees without sharing: one more adder per term saved.
    int64_t rowAdders = report.adders - treeAdders;
    report.adders += int64_t(sharing.shared.size());
    report.addersUnshared += rowAdders + (before - after);
    report.sharedSums += int64_t(sharing.shared.size());
  }
  if (report.sharedSums)
    report.detail += ", " + std::to_string(report.sharedSums) +
                     " shared sums (" + std::to_string(report.addersUnshared) +
                     " adders without)";
  return bindSums(emission, op.getOutput(), std::move(out), inStage, treeStages,
                  report);
}

/// `shape` as text: 4x8.
std::string shapeText(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? "x" : "") + std::to_string(d);
  return text;
}

/// The flat offset, per `strides`, of every element of `shape` in C order.
SmallVector<int64_t> offsetsOf(ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> strides) {
  SmallVector<int64_t> offsets;
  SmallVector<int64_t> index(shape.size(), 0);
  int64_t total = 1;
  for (int64_t d : shape)
    total *= d;
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rest = flat, offset = 0;
    for (size_t d = shape.size(); d-- > 0;) {
      offset += (rest % shape[d]) * strides[d];
      rest /= shape[d];
    }
    offsets.push_back(offset);
  }
  return offsets;
}

/// The event shape of `operand` of `op` as it lines up with the result's
/// event: where the result has the event batch and the operand, of the
/// same rank, has none, the operand's leading dimension (which must be 1)
/// lines up with the batch and is dropped. An operand with the batch must
/// have the result's rank so that the two batch dimensions line up.
FailureOr<SmallVector<int64_t>> operandEventShape(Operation *op, Value operand,
                                                  int64_t alignedRank,
                                                  StringRef which) {
  bool resultBatched = false, batched = false;
  eventShapeOf(op->getResult(0), resultBatched);
  SmallVector<int64_t> shape = eventShapeOf(operand, batched);
  int64_t rank = llvm::cast<RankedTensorType>(operand.getType()).getRank();
  if (!resultBatched)
    return shape;
  if (batched) {
    if (rank != alignedRank)
      return op->emitOpError() << "the event batch dimension of the " << which
                               << " operand does not line up with the result's";
    return shape;
  }
  if (rank == alignedRank) {
    if (shape.front() != 1)
      return op->emitOpError()
             << "the " << which << " operand's leading dimension (size "
             << shape.front() << ") lines up with the event batch; it must "
             << "be 1";
    shape.erase(shape.begin());
  }
  return shape;
}

/// fx.add, fx.sub, fx.mul: for each element of one event of the result,
/// the two operand elements broadcast to it, combined exactly on raw
/// integers (fixed_bits.h arithBits) and registered:
///   add/sub: a * 2^(F - frac(a)) +- b * 2^(F - frac(b)), F = frac(result),
///   mul:     a * b.
/// Every signal is signed (an unsigned type carries a zero sign bit), so
/// mixed signedness needs no care beyond Verilog's signed arithmetic; the
/// wire holding the result is as wide as its exact range, and a
/// difference of unsigned operands is as signed as any other.
LogicalResult emitArith(Operation *op, VerilogEmission &emission) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value result = op->getResult(0);
  bool isMul = llvm::isa<fx::MulOp>(op), isSub = llvm::isa<fx::SubOp>(op);
  std::string kind = isMul ? "mul" : isSub ? "sub" : "add";
  bool resultBatched = false;
  SmallVector<int64_t> shape = eventShapeOf(result, resultBatched);
  int64_t rank = llvm::cast<RankedTensorType>(result.getType()).getRank();
  auto lhsShape = operandEventShape(op, lhs, rank, "left");
  if (failed(lhsShape))
    return failure();
  auto rhsShape = operandEventShape(op, rhs, rank, "right");
  if (failed(rhsShape))
    return failure();
  auto lhsStrides = broadcastStrides(*lhsShape, shape);
  auto rhsStrides = broadcastStrides(*rhsShape, shape);
  if (failed(lhsStrides) || failed(rhsStrides))
    return op->emitOpError("operands of one event ")
           << shapeText(*lhsShape) << " and " << shapeText(*rhsShape)
           << " do not broadcast to the result's " << shapeText(shape);
  SmallVector<int64_t> lhsAt = offsetsOf(shape, *lhsStrides);
  SmallVector<int64_t> rhsAt = offsetsOf(shape, *rhsStrides);
  int64_t elements = int64_t(lhsAt.size());
  VerilogLayerSettings settings = emission.settingsOf(op, kind);
  if (isMul && failed(checkProducts(op, emission, settings, elements,
                                    std::to_string(elements) + " elements")))
    return failure();
  FixedType ta = fx::elementTypeOf(lhs), tb = fx::elementTypeOf(rhs);
  FixedType ty = fx::elementTypeOf(result);
  // add/sub align both operands on the finer grid, the result's.
  int64_t shiftA = isMul ? 0 : ty.getFracWidth() - ta.getFracWidth();
  int64_t shiftB = isMul ? 0 : ty.getFracWidth() - tb.getFracWidth();
  const std::vector<Signal> &a = emission.signalsOf(lhs);
  const std::vector<Signal> &b = emission.signalsOf(rhs);
  int64_t stage = std::max(VerilogEmission::latestStage(a),
                           VerilogEmission::latestStage(b));
  std::string id = emission.identifier(op);
  std::string detail = shapeText(*lhsShape) +
                       (isMul   ? " * "
                        : isSub ? " - "
                                : " + ") +
                       shapeText(*rhsShape) + " -> " + shapeText(shape);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx." << kind
                  << " " << detail << ", exact " << fx::formatPrecision(ty)
                  << "\n";
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx." + kind;
  report.detail = detail;
  report.stages = 1;
  if (isMul)
    report.multiplier = "dsp";
  // x * 2^shift: the operand on the result's grid.
  auto onGrid = [](const Signal &x, int64_t shift) {
    Signal s = x;
    if (shift > 0) {
      s.name = "(" + x.name + " <<< " + std::to_string(shift) + ")";
      s.low = x.low * (Int128(1) << shift);
      s.high = x.high * (Int128(1) << shift);
    }
    return s;
  };
  std::vector<Signal> out;
  for (int64_t i = 0; i < elements; ++i) {
    std::string base = id + "_" + std::to_string(i);
    Signal x = emission.at(a[size_t(lhsAt[i])], stage);
    Signal y = emission.at(b[size_t(rhsAt[i])], stage);
    std::string expr;
    Int128 low = 0, high = 0;
    if (isMul) {
      expr = x.name + " * " + y.name;
      std::tie(low, high) = productRange(x, y);
      if (!x.constant && !y.constant)
        ++report.multipliers;
    } else {
      Signal xs = onGrid(x, shiftA), ys = onGrid(y, shiftB);
      expr = xs.name + (isSub ? " - " : " + ") + ys.name;
      low = isSub ? xs.low - ys.high : xs.low + ys.low;
      high = isSub ? xs.high - ys.low : xs.high + ys.high;
      ++report.adders;
    }
    Signal v = emission.wire(base + "_v", signedBits(low, high), expr, stage,
                             low, high);
    out.push_back(
        emission.reg(base + "_r", internalWidth(ty), v.name, stage, low, high));
  }
  emission.addLayer(report);
  emission.bind(result, std::move(out));
  return success();
}

/// One event of an fx.matmul: `batches` matrix products C = A B of m x k
/// by k x n, each with the flat offsets of its C, A and B within the
/// event of the result and the operands.
struct MatMulEvent {
  int64_t m = 0, k = 0, n = 0;
  SmallVector<std::array<int64_t, 3>> batches;
  std::string detail;
};

/// The layout of one event of `op`, as numpy's matmul lays out the
/// operands' event parts: a batched operand's event batch must be a batch
/// dimension lined up with the result's (or the rows of a 2-d left
/// operand), never the contracted one.
FailureOr<MatMulEvent> matMulEvent(fx::MatMulOp op) {
  Value lhs = op.getLhs(), rhs = op.getRhs();
  bool batched = false, lhsBatched = false, rhsBatched = false;
  SmallVector<int64_t> y = eventShapeOf(op.getOutput(), batched);
  SmallVector<int64_t> a = eventShapeOf(lhs, lhsBatched);
  SmallVector<int64_t> b = eventShapeOf(rhs, rhsBatched);
  if (batched) {
    auto rankOf = [](Value v) {
      return llvm::cast<RankedTensorType>(v.getType()).getRank();
    };
    int64_t ra = rankOf(lhs), rb = rankOf(rhs);
    int64_t la = std::max<int64_t>(ra, 2) - 2,
            lb = std::max<int64_t>(rb, 2) - 2;
    int64_t lead = std::max(la, lb);
    auto view = [&](bool operandBatched, int64_t rank, int64_t len, bool isLhs,
                    SmallVector<int64_t> &shape) -> LogicalResult {
      StringRef which = isLhs ? "left" : "right";
      if (operandBatched) {
        if ((len >= 1 && len == lead) || (isLhs && rank == 2 && lead == 0))
          return success();
        return op.emitOpError("the event batch dimension of the ")
               << which << " operand would be contracted or moved";
      }
      if (len >= 1 && len == lead) {
        if (shape.front() != 1)
          return op.emitOpError("the ")
                 << which << " operand's leading dimension (size "
                 << shape.front() << ") lines up with the event batch; it "
                 << "must be 1";
        shape.erase(shape.begin());
      }
      return success();
    };
    if (failed(view(lhsBatched, ra, la, true, a)) ||
        failed(view(rhsBatched, rb, lb, false, b)))
      return failure();
  }
  MatMulEvent e;
  std::string operands = shapeText(a) + " @ " + shapeText(b);
  if (a.empty() || b.empty())
    return op.emitOpError("has a scalar operand per event");
  auto shape = matMulShape(a, b);
  if (failed(shape) || shape->result != y)
    return op.emitOpError("one event's product ")
           << operands << " does not give the result's " << shapeText(y);
  e.m = shape->m;
  e.k = shape->k;
  e.n = shape->n;
  // The batch dimensions broadcast: matMulShape checked them.
  ArrayRef<int64_t> batch = shape->batch;
  SmallVector<int64_t> offA =
      offsetsOf(batch, *broadcastStrides(matMulBatchOf(a), batch));
  SmallVector<int64_t> offB =
      offsetsOf(batch, *broadcastStrides(matMulBatchOf(b), batch));
  for (size_t i = 0; i < offA.size(); ++i)
    e.batches.push_back(
        {int64_t(i) * e.m * e.n, offA[i] * e.m * e.k, offB[i] * e.k * e.n});
  e.detail = operands;
  return e;
}

/// fx.matmul: every element of one event's result is the sum of k products
/// of two activations, each a `*` of the signed raw integers (exact; the
/// low W bits where it is as wide as the accumulator), summed by a balanced
/// tree modulo 2^W of the TRN/WRAP accumulator (exact where the interval
/// analysis says it fits), then registered, as a dense layer's neurons.
LogicalResult emitMatMul(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::MatMulOp>(operation);
  auto layout = matMulEvent(op);
  if (failed(layout))
    return failure();
  const MatMulEvent &e = *layout;
  VerilogLayerSettings settings = emission.settingsOf(op, "matmul");
  int64_t batches = int64_t(e.batches.size());
  std::string how = "m x k x n = " + std::to_string(e.m) + " x " +
                    std::to_string(e.k) + " x " + std::to_string(e.n);
  if (batches > 1)
    how += ", times " + std::to_string(batches) + " batch matrices";
  if (failed(checkProducts(op, emission, settings,
                           Int128(e.m) * e.k * e.n * batches, how)))
    return failure();
  FixedType acc = fx::elementTypeOf(op.getOutput());
  int modulus = int(acc.getWidth());
  const std::vector<Signal> &a = emission.signalsOf(op.getLhs());
  const std::vector<Signal> &b = emission.signalsOf(op.getRhs());
  int64_t inStage = std::max(VerilogEmission::latestStage(a),
                             VerilogEmission::latestStage(b));
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.matmul "
                  << e.detail << ", accumulator " << fx::formatPrecision(acc)
                  << "\n";
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.matmul";
  report.detail = e.detail;
  report.multiplier = "dsp";
  int64_t treeStages = 0;
  std::vector<Signal> out(size_t(batches * e.m * e.n));
  for (const auto &[offC, offA, offB] : e.batches)
    for (int64_t i = 0; i < e.m; ++i)
      for (int64_t j = 0; j < e.n; ++j) {
        int64_t index = offC + i * e.n + j;
        std::string base = id + "_" + std::to_string(index);
        std::vector<Term> terms;
        for (int64_t t = 0; t < e.k; ++t) {
          Signal x = emission.at(a[size_t(offA + i * e.k + t)], inStage);
          Signal y = emission.at(b[size_t(offB + t * e.n + j)], inStage);
          if ((x.constant && x.low == 0) || (y.constant && y.low == 0))
            continue;
          auto [low, high] = productRange(x, y);
          terms.push_back(productTerm(emission, x.name + " * " + y.name, low,
                                      high, modulus, inStage, base + "_m"));
          if (!x.constant && !y.constant)
            ++report.multipliers;
        }
        out[size_t(index)] =
            accumulate(emission, std::move(terms), acc, settings.pipelineLevels,
                       inStage, base, report, treeStages);
      }
  return bindSums(emission, op.getOutput(), std::move(out), inStage, treeStages,
                  report);
}

LogicalResult emitCastOp(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::CastOp>(operation);
  FixedType from = fx::elementTypeOf(op.getInput());
  FixedType to = fx::elementTypeOf(op.getOutput());
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.cast "
                  << fx::formatPrecision(from) << " -> "
                  << fx::formatPrecision(to) << "\n";
  std::vector<Signal> out;
  const std::vector<Signal> &in = emission.signalsOf(op.getInput());
  for (auto [i, x] : llvm::enumerate(in))
    out.push_back(emitCast(emission, x, from.getFracWidth(), to,
                           id + "_" + std::to_string(i)));
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.cast";
  report.detail = fx::formatPrecision(to);
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitRelu(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ReluOp>(operation);
  FixedType type = fx::elementTypeOf(op.getInput());
  const std::vector<Signal> &in = emission.signalsOf(op.getInput());
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.relu";
  emission.addLayer(report);
  if (!type.isSigned()) {
    emission.bind(op.getOutput(), in);
    return success();
  }
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << report.name << ": fx.relu\n";
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in))
    out.push_back(emission.wire(
        id + "_" + std::to_string(i), x.width,
        "(" + x.name + " < 0) ? " + literal(0) + " : " + x.name, x.stage,
        std::max<Int128>(x.low, 0), std::max<Int128>(x.high, 0)));
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// The maximum over the last axis: a tree of signed comparators and
/// multiplexers per row, combinational.
LogicalResult emitReduceMax(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<nn::ReduceMaxOp>(operation);
  int64_t length =
      llvm::cast<ShapedType>(op.getInput().getType()).getShape().back();
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op)
                  << ": nn.reduce_max of " << length << "\n";
  int64_t comparators = 0;
  std::vector<Signal> out;
  for (size_t r = 0; r * length < in.size(); ++r) {
    std::vector<Signal> level(in.begin() + r * length,
                              in.begin() + (r + 1) * length);
    for (int depth = 0; level.size() > 1; ++depth) {
      std::vector<Signal> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2) {
        const Signal &a = level[i], &b = level[i + 1];
        next.push_back(emission.wire(
            id + "_r" + std::to_string(r) + "_d" + std::to_string(depth) + "_" +
                std::to_string(i / 2),
            std::max(a.width, b.width),
            "(" + a.name + " > " + b.name + ") ? " + a.name + " : " + b.name,
            std::max(a.stage, b.stage), std::max(a.low, b.low),
            std::max(a.high, b.high)));
        ++comparators;
      }
      if (level.size() % 2)
        next.push_back(level.back());
      level = std::move(next);
    }
    out.push_back(level.front());
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "nn.reduce_max";
  report.detail = std::to_string(comparators) + " comparators";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitClamp(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ClampOp>(operation);
  Int128 low = op.getLowAttr().getValue().getSExtValue();
  Int128 high = op.getHighAttr().getValue().getSExtValue();
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.clamp\n";
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(emission.signalsOf(op.getInput())))
    out.push_back(emission.wire(id + "_" + std::to_string(i), x.width,
                                "(" + x.name + " < " + literal(low) + ") ? " +
                                    literal(low) + " : (" + x.name + " > " +
                                    literal(high) + ") ? " + literal(high) +
                                    " : " + x.name,
                                x.stage, std::max(low, std::min(x.low, high)),
                                std::min(high, std::max(x.high, low))));
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.clamp";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitLeakyRelu(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::LeakyReluOp>(operation);
  FixedType inType = fx::elementTypeOf(op.getInput());
  FixedType alphaType = op.getAlphaType();
  Int128 alpha = op.getAlphaAttr().getValue().getSExtValue();
  int64_t fa = alphaType.getFracWidth();
  if (fa < 0)
    return op.emitOpError("has an alpha type with negative fractional bits; "
                          "the verilog target does not support it");
  VerilogLayerSettings settings = emission.settingsOf(op, "leaky_relu");
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.leaky_relu\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    // x * 2^fa for x >= 0, x * alpha below.
    Int128 posLow = std::max<Int128>(x.low, 0), posHigh = x.high;
    auto [negLow, negHigh] = productRange(x, alpha);
    Int128 low = std::min<Int128>(negLow, posLow * (Int128(1) << fa));
    Int128 high = std::max<Int128>(negHigh, posHigh * (Int128(1) << fa));
    low = std::min<Int128>(low, 0);
    high = std::max<Int128>(high, 0);
    std::string positive =
        fa > 0 ? "(" + x.name + " <<< " + std::to_string(fa) + ")" : x.name;
    Signal v = emission.wire(
        base + "_v", signedBits(low, high),
        "(" + x.name + " < 0) ? " +
            constantProduct(x, alpha, settings.multiplier) + " : " + positive,
        stage, low, high);
    Signal y = emitCast(emission, v, inType.getFracWidth() + fa,
                        fx::elementTypeOf(op.getOutput()), base + "_c");
    out.push_back(
        emission.reg(base + "_r", y.width, y.name, stage, y.low, y.high));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.leaky_relu";
  report.stages = 1;
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  if (settings.multiplier == VerilogMultiplier::Dsp &&
      csdDigits(alpha).size() > 1)
    report.multipliers = int64_t(in.size());
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitScale(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ScaleOp>(operation);
  FixedType inType = fx::elementTypeOf(op.getInput());
  int64_t frac = inType.getFracWidth() + op.getScaleType().getFracWidth();
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t channels = shape.back();
  auto expand = [&](ElementsAttr attr) {
    SmallVector<int64_t> values = fx::rawValuesOf(attr);
    if (values.size() == 1)
      values.assign(channels, values.front());
    return values;
  };
  SmallVector<int64_t> scale = expand(op.getScale());
  SmallVector<int64_t> offset;
  int64_t offsetShift = 0;
  if (op.getOffsetAttr()) {
    offset = expand(op.getOffsetAttr());
    offsetShift = frac - op.getOffsetType()->getFracWidth();
  }
  VerilogLayerSettings settings = emission.settingsOf(op, "scale");
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.scale\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  VerilogLayerReport report;
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    int64_t c = int64_t(i) % channels;
    auto [low, high] = productRange(x, scale[c]);
    std::string expr = constantProduct(x, scale[c], settings.multiplier);
    if (settings.multiplier == VerilogMultiplier::Dsp &&
        csdDigits(scale[c]).size() > 1)
      ++report.multipliers;
    if (!offset.empty()) {
      Int128 o = Int128(offset[c]) * (Int128(1) << offsetShift);
      low += o;
      high += o;
      expr = expr + " + " + literal(o);
    }
    low = std::min<Int128>(low, 0);
    high = std::max<Int128>(high, 0);
    Signal v = emission.wire(base + "_v", signedBits(low, high), expr, stage,
                             low, high);
    Signal y = emitCast(emission, v, frac, fx::elementTypeOf(op.getOutput()),
                        base + "_c");
    out.push_back(
        emission.reg(base + "_r", y.width, y.name, stage, y.low, y.high));
  }
  report.name = emission.layerName(op);
  report.op = "fx.scale";
  report.stages = 1;
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// A ROM module `name` of `table` (raw values of `type`), read with a
/// registered output.
void writeRom(VerilogEmission &emission, const std::string &name,
              ArrayRef<int64_t> table, FixedType type, int addrBits) {
  int64_t w = type.getWidth();
  uint64_t mask = w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
  raw_ostream &os = emission.modules();
  os << "\n// " << table.size() << " entries of " << fx::formatPrecision(type)
     << ", registered read.\nmodule " << name << " (\n"
     << "  input wire clk,\n"
     << "  input wire [" << addrBits - 1 << ":0] addr,\n"
     << "  output reg [" << w - 1
     << ":0] data\n);\n"
     // Verilator builds the module once for all its instances (with
     // --hierarchical) instead of flattening a copy of the case into each.
     << "  /*verilator hier_block*/\n"
     << "  always @(posedge clk)\n    case (addr)\n";
  for (size_t i = 0; i + 1 < table.size(); ++i)
    os << "      " << addrBits << "'d" << i << ": data <= " << w << "'h"
       << llvm::utohexstr(uint64_t(table[i]) & mask, /*LowerCase=*/true)
       << ";\n";
  os << "      default: data <= " << w << "'h"
     << llvm::utohexstr(uint64_t(table.back()) & mask, /*LowerCase=*/true)
     << ";\n    endcase\nendmodule\n";
}

int addressBits(size_t entries) {
  return std::max(1, bitLength((unsigned __int128)(entries - 1)));
}

/// Looks `index` (an address wire of `addrBits`) up in the ROM module
/// `rom`; the result, of `type`, is valid one stage later.
Signal lookUp(VerilogEmission &emission, const std::string &rom,
              const std::string &index, int64_t stage, FixedType type,
              const std::string &base) {
  std::string data = emission.unique(base + "_data");
  emission.body() << "  wire [" << type.getWidth() - 1 << ":0] " << data
                  << ";\n  " << rom << " " << emission.unique(base + "_rom")
                  << " (.clk(clk), .addr(" << index << "), .data(" << data
                  << "));\n";
  auto [low, high] = rangeOf(type);
  return emission.wire(base + "_y", internalWidth(type), fromRaw(data, type),
                       stage + 1, low, high);
}

/// The address of `clamp((x - low) >> shift, 0, entries - 1)`.
std::string tableAddress(VerilogEmission &emission, const Signal &x, Int128 low,
                         int64_t shift, size_t entries,
                         const std::string &base) {
  int addrBits = addressBits(entries);
  Int128 dLow = x.low - low, dHigh = x.high - low;
  int width = std::max(signedBits(dLow, dHigh), addrBits + 1);
  Signal d = emission.wire(base + "_d", width, x.name + " - " + literal(low),
                           x.stage, dLow, dHigh);
  Signal b = emission.wire(base + "_b", width,
                           d.name + " >>> " + std::to_string(shift), x.stage,
                           dLow, dHigh);
  std::string addr = emission.unique(base + "_a");
  Int128 last = Int128(entries) - 1;
  emission.body() << "  wire [" << addrBits - 1 << ":0] " << addr << " = ("
                  << b.name << " < 0) ? " << addrBits << "'d0 : (" << b.name
                  << " > " << literal(last) << ") ? " << addrBits << "'d"
                  << decimal(last) << " : " << b.name << "[" << addrBits - 1
                  << ":0];\n";
  return addr;
}

LogicalResult emitTable(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::TableOp>(operation);
  SmallVector<int64_t> table = fx::rawValuesOf(op.getTable());
  if (table.empty())
    return op.emitOpError("has an empty table");
  FixedType outType = fx::elementTypeOf(op.getOutput());
  std::string id = emission.identifier(op);
  std::string rom = emission.unique(emission.function().getSymName().str() +
                                    "_" + id + "_rom");
  int addrBits = addressBits(table.size());
  writeRom(emission, rom, table, outType, addrBits);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.table"
                  << (op.getFunction() ? " (" + op.getFunction()->str() + ")"
                                       : "")
                  << ", " << table.size() << " entries\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  Int128 low = op.getInputLowAttr().getValue().getSExtValue();
  int64_t shift = op.getShiftAttr().getValue().getSExtValue();
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    std::string addr =
        tableAddress(emission, x, low, shift, table.size(), base);
    out.push_back(lookUp(emission, rom, addr, stage, outType, base));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.table";
  report.detail = (op.getFunction() ? op.getFunction()->str() + ", " : "") +
                  std::to_string(table.size()) + " entries";
  report.stages = 1;
  report.roms = int64_t(in.size());
  report.romBits = int64_t(table.size()) * outType.getWidth();
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitSoftmax(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::SoftmaxOp>(operation);
  FixedType expType = op.getExpType(), invType = op.getInvType();
  FixedType outType = fx::elementTypeOf(op.getOutput());
  SmallVector<int64_t> expTable = fx::rawValuesOf(op.getExpTable());
  SmallVector<int64_t> invTable = fx::rawValuesOf(op.getInvTable());
  if (expTable.empty() || invTable.empty())
    return op.emitOpError("has an empty table");
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t length = shape.back();
  std::string id = emission.identifier(op);
  std::string top = emission.function().getSymName().str();
  std::string expRom = emission.unique(top + "_" + id + "_exp_rom");
  std::string invRom = emission.unique(top + "_" + id + "_inv_rom");
  writeRom(emission, expRom, expTable, expType, addressBits(expTable.size()));
  writeRom(emission, invRom, invTable, invType, addressBits(invTable.size()));
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.softmax over "
                  << length << "\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  int64_t expShift = op.getExpShiftAttr().getValue().getSExtValue();
  int64_t invShift = op.getInvShiftAttr().getValue().getSExtValue();
  Int128 invLow = op.getInvLowAttr().getValue().getSExtValue();
  VerilogLayerReport report;
  std::vector<Signal> out;
  for (size_t row = 0; row < in.size(); row += size_t(length)) {
    std::string base = id + "_r" + std::to_string(row / size_t(length));
    std::vector<Signal> x(in.begin() + row, in.begin() + row + length);
    // The row's maximum, by a tree of comparisons; registered.
    std::vector<Signal> level = x;
    while (level.size() > 1) {
      std::vector<Signal> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2) {
        const Signal &a = level[i], &b = level[i + 1];
        next.push_back(emission.wire(
            base + "_max", std::max(a.width, b.width),
            "(" + a.name + " > " + b.name + ") ? " + a.name + " : " + b.name,
            stage, std::max(a.low, b.low), std::max(a.high, b.high)));
      }
      if (level.size() % 2)
        next.push_back(level.back());
      level = std::move(next);
    }
    Signal max = emission.reg(base + "_m", level[0].width, level[0].name, stage,
                              level[0].low, level[0].high);
    // e_j = exp_table[min((max - x_j) >> exp_shift, T - 1)].
    std::vector<Signal> e;
    for (auto [j, xj] : llvm::enumerate(x)) {
      std::string b = base + "_" + std::to_string(j);
      Signal xd = emission.at(xj, stage + 1);
      Int128 dHigh = max.high - xd.low;
      Signal d = emission.wire(b + "_d", signedBits(0, dHigh) + 1,
                               max.name + " - " + xd.name, stage + 1, 0, dHigh);
      std::string addr =
          tableAddress(emission, d, 0, expShift, expTable.size(), b + "_e");
      e.push_back(
          lookUp(emission, expRom, addr, stage + 1, expType, b + "_exp"));
    }
    // s = sum_j e_j, exact; registered.
    std::vector<Term> terms;
    for (const Signal &s : e) {
      Term t;
      t.signal = s;
      terms.push_back(t);
    }
    int64_t adders = 0, stages = 0;
    Term sum = adderTree(emission, std::move(terms), 126, 0, base + "_sum",
                         adders, stages);
    report.adders += adders;
    Signal s = emission.reg(base + "_s", sum.signal.width, sum.signal.name,
                            stage + 2, sum.signal.low, sum.signal.high);
    // r = inv_table[clamp((s - inv_low) >> inv_shift, 0, T - 1)].
    std::string invAddr = tableAddress(emission, s, invLow, invShift,
                                       invTable.size(), base + "_i");
    Signal r =
        lookUp(emission, invRom, invAddr, stage + 3, invType, base + "_inv");
    // y_j = cast of e_j * r.
    for (auto [j, ej] : llvm::enumerate(e)) {
      std::string b = base + "_" + std::to_string(j);
      Signal ed = emission.at(ej, stage + 4);
      Int128 corners[] = {ed.low * r.low, ed.low * r.high, ed.high * r.low,
                          ed.high * r.high};
      Int128 low = *std::min_element(std::begin(corners), std::end(corners));
      Int128 high = *std::max_element(std::begin(corners), std::end(corners));
      Signal p = emission.wire(b + "_p", signedBits(low, high),
                               ed.name + " * " + r.name, stage + 4, low, high);
      ++report.multipliers;
      Signal y =
          emitCast(emission, p, expType.getFracWidth() + invType.getFracWidth(),
                   outType, b + "_c");
      out.push_back(
          emission.reg(b + "_y", y.width, y.name, stage + 4, y.low, y.high));
    }
  }
  report.name = emission.layerName(op);
  report.op = "fx.softmax";
  report.detail = std::to_string(expTable.size()) + " + " +
                  std::to_string(invTable.size()) + " entries";
  report.stages = 5;
  report.roms = int64_t(in.size()) + int64_t(in.size()) / length;
  report.romBits = int64_t(expTable.size()) * expType.getWidth() +
                   int64_t(invTable.size()) * invType.getWidth();
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// Data movement (reshape, transpose, slice, concat, window): element `i`
/// of the result is element `source.second` of operand `source.first`, or
/// a window's constant padding. Wiring only.
LogicalResult emitGather(Operation *op, VerilogEmission &emission) {
  // A window's padding: 0, or the lowest value of the type (max pooling).
  Signal padding = VerilogEmission::constant(0);
  if (auto window = llvm::dyn_cast<nn::WindowOp>(op);
      window && window.getPadLowest())
    padding = VerilogEmission::constant(
        rangeOf(fx::elementTypeOf(window.getInput())).first);
  std::vector<Signal> out;
  for (auto [operand, index] : elementSources(op))
    out.push_back(index == kPadding ? padding
                                    : emission.signalsOf(op->getOperand(
                                          operand))[size_t(index)]);
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = op->getName().getStringRef().str();
  report.detail = "wiring";
  emission.addLayer(report);
  emission.bind(op->getResult(0), std::move(out));
  return success();
}

/// `(I == k || I == k - size)`: whether index signal `index` names element
/// `k` of an axis of `size` elements (fixed_bits.h's indexElement).
std::string namesElement(const Signal &index, int64_t k, int64_t size) {
  return "(" + index.name + " == " + literal(k) + " || " + index.name +
         " == " + literal(k - size) + ")";
}

/// Gathers at run-time indices: per output element a multiplexer over the
/// axis, 0 where the index names none of its elements. Combinational.
LogicalResult emitGatherElements(Operation *operation,
                                 VerilogEmission &emission) {
  auto op = llvm::cast<nn::GatherElementsOp>(operation);
  FailureOr<int64_t> axis =
      indexOpEventAxis(op, int64_t(op.getAxis()), "the verilog target");
  if (failed(axis))
    return failure();
  bool batched = false;
  SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
  SmallVector<int64_t> in = eventShapeOf(op.getInput(), batched);
  SmallVector<int64_t> index = eventShapeOf(op.getIndices(), batched);
  int64_t size = in[*axis], step = nn::stridesOf(in)[*axis];
  SmallVector<int64_t> base = offsetsOf(out, stridesWithin(in, *axis));
  SmallVector<int64_t> at = offsetsOf(out, stridesWithin(index, -1));
  int64_t inputs = int64_t(base.size()) * size;
  VerilogLayerSettings settings = emission.settingsOf(op, "gather");
  if (failed(checkProducts(op, emission, settings, inputs,
                           std::to_string(base.size()) + " multiplexers of " +
                               std::to_string(size) + " inputs")))
    return failure();
  const std::vector<Signal> &x = emission.signalsOf(op.getInput());
  const std::vector<Signal> &indices = emission.signalsOf(op.getIndices());
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op)
                  << ": nn.gather_elements " << shapeText(in) << " at "
                  << shapeText(index) << "\n";
  std::vector<Signal> result;
  for (size_t o = 0; o < base.size(); ++o) {
    std::vector<Signal> operands = {indices[size_t(at[o])]};
    for (int64_t k = 0; k < size; ++k)
      operands.push_back(x[size_t(base[o] + k * step)]);
    operands = aligned(emission, operands);
    std::string expr;
    int width = 1;
    Int128 low = 0, high = 0;
    for (int64_t k = 0; k < size; ++k) {
      const Signal &v = operands[size_t(k + 1)];
      expr += namesElement(operands[0], k, size) + " ? " + v.name + " : ";
      width = std::max(width, v.width);
      low = std::min(low, v.low);
      high = std::max(high, v.high);
    }
    expr += literal(0);
    result.push_back(emission.wire(id + "_" + std::to_string(o),
                                   std::max(width, signedBits(low, high)), expr,
                                   operands[0].stage, low, high));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "nn.gather_elements";
  report.detail = std::to_string(base.size()) + " multiplexers of " +
                  std::to_string(size) + " inputs";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(result));
  return success();
}

/// Comparisons: one signed comparator per element, of two signals of one
/// type or of a signal and the raw threshold (a literal, which may lie
/// one step outside the type). Combinational; the condition is 0 or 1.
LogicalResult emitCompare(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<nn::CompareOp>(operation);
  if (failed(indexOpEventAxis(op, 0, "the verilog target")))
    return failure();
  static const char *const operators[] = {"==", "!=", "<", "<=", ">", ">="};
  const char *cmp = operators[int(op.getPredicate())];
  const std::vector<Signal> &lhs = emission.signalsOf(op.getLhs());
  const std::vector<Signal> *rhs =
      op.getRhs() ? &emission.signalsOf(op.getRhs()) : nullptr;
  Signal threshold =
      VerilogEmission::constant(Int128(op.getValue().convertToDouble()));
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": nn.compare "
                  << nn::stringifyPredicate(op.getPredicate()) << "\n";
  std::vector<Signal> out;
  for (size_t i = 0; i < lhs.size(); ++i) {
    std::vector<Signal> operands =
        aligned(emission, {lhs[i], rhs ? (*rhs)[i] : threshold});
    out.push_back(emission.wire(id + "_" + std::to_string(i), 2,
                                "(" + operands[0].name + " " + cmp + " " +
                                    operands[1].name + ") ? " + literal(1) +
                                    " : " + literal(0),
                                std::max(operands[0].stage, operands[1].stage),
                                0, 1));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "nn.compare";
  report.detail = std::to_string(out.size()) + " comparators";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// Selects: one two-input multiplexer per element, a missing branch being
/// its raw fill. Combinational.
LogicalResult emitSelect(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<nn::SelectOp>(operation);
  FailureOr<SelectLayout> layout = selectLayout(op, "the verilog target");
  if (failed(layout))
    return failure();
  SmallVector<int64_t> at = offsetsOf(layout->out, layout->condStrides);
  const std::vector<Signal> &c = emission.signalsOf(op.getCondition());
  auto branch = [&](Value v, double fill, size_t i) {
    return v ? emission.signalsOf(v)[i]
             : VerilogEmission::constant(Int128(fill));
  };
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": nn.select by "
                  << shapeText(layout->cond) << "\n";
  std::vector<Signal> result;
  for (size_t i = 0; i < at.size(); ++i) {
    std::vector<Signal> operands = aligned(
        emission, {c[size_t(at[i])],
                   branch(op.getX(), op.getXValue().convertToDouble(), i),
                   branch(op.getY(), op.getYValue().convertToDouble(), i)});
    const Signal &a = operands[1], &b = operands[2];
    Int128 low = std::min(a.low, b.low), high = std::max(a.high, b.high);
    int64_t stage = std::max({operands[0].stage, a.stage, b.stage});
    result.push_back(emission.wire(
        id + "_" + std::to_string(i),
        std::max({a.width, b.width, signedBits(low, high)}),
        "(" + operands[0].name + " != " + literal(0) + ") ? " + a.name +
            " : " + b.name,
        stage, low, high));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "nn.select";
  report.detail = std::to_string(result.size()) + " multiplexers of 2 inputs";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(result));
  return success();
}

/// Scatters at run-time indices: per output element, the updates of its
/// row whose index names it, summed with the start (reduction add: an
/// adder over masked terms, exact in the result's type) or the last of
/// them taken (a priority multiplexer). Registered once.
LogicalResult emitScatterElements(Operation *operation,
                                  VerilogEmission &emission) {
  auto op = llvm::cast<nn::ScatterElementsOp>(operation);
  FailureOr<int64_t> axis =
      indexOpEventAxis(op, int64_t(op.getAxis()), "the verilog target");
  if (failed(axis))
    return failure();
  bool batched = false;
  SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
  SmallVector<int64_t> updates = eventShapeOf(op.getUpdates(), batched);
  // Update k's index signal (indices broadcast over the updates).
  SmallVector<int64_t> indexOfUpdate = offsetsOf(
      updates,
      stridesWithin(eventShapeOf(op.getIndices(), batched), int64_t(-1)));
  int64_t size = out[*axis];
  // A row: the elements that differ in the axis coordinate alone. Every
  // update and output element is named by its row (its offset with the
  // axis coordinate 0) and, for outputs, its coordinate on the axis.
  SmallVector<int64_t> rowStrides = stridesWithin(out, *axis);
  SmallVector<int64_t> rowOfOutput = offsetsOf(out, rowStrides);
  SmallVector<int64_t> rowOfUpdate = offsetsOf(updates, rowStrides);
  SmallVector<int64_t> axisStrides(out.size(), 0);
  axisStrides[*axis] = 1;
  SmallVector<int64_t> coordinate = offsetsOf(out, axisStrides);
  // The updates that can reach each row of the axis, in order.
  std::map<int64_t, SmallVector<size_t>> reaching;
  for (size_t u = 0; u < rowOfUpdate.size(); ++u)
    reaching[rowOfUpdate[u]].push_back(u);
  int64_t inputs = int64_t(rowOfUpdate.size()) * size;
  VerilogLayerSettings settings = emission.settingsOf(op, "scatter");
  if (failed(checkProducts(op, emission, settings, inputs,
                           std::to_string(rowOfUpdate.size()) +
                               " updates compared with " +
                               std::to_string(size) + " places each")))
    return failure();
  FixedType type = fx::elementTypeOf(op.getOutput());
  auto [typeLow, typeHigh] = rangeOf(type);
  const std::vector<Signal> &u = emission.signalsOf(op.getUpdates());
  const std::vector<Signal> &indices = emission.signalsOf(op.getIndices());
  const std::vector<Signal> *start =
      op.getInput() ? &emission.signalsOf(op.getInput()) : nullptr;
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op)
                  << ": nn.scatter_elements " << shapeText(updates) << " into "
                  << shapeText(out)
                  << (op.getAdd() ? ", summed exactly in " : ", in ")
                  << fx::formatPrecision(type) << "\n";
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "nn.scatter_elements";
  report.stages = 1;
  std::vector<Signal> result;
  for (size_t o = 0; o < rowOfOutput.size(); ++o) {
    const SmallVector<size_t> &row = reaching[rowOfOutput[o]];
    std::vector<Signal> operands;
    operands.push_back(start ? (*start)[o] : VerilogEmission::constant(0));
    for (size_t k : row) {
      operands.push_back(indices[size_t(indexOfUpdate[k])]);
      operands.push_back(u[k]);
    }
    operands = aligned(emission, operands);
    int64_t stage = VerilogEmission::latestStage(operands);
    std::string base = id + "_" + std::to_string(o);
    std::string expr = operands[0].name;
    for (size_t t = 0; t < row.size(); ++t) {
      const Signal &index = operands[1 + 2 * t], &value = operands[2 + 2 * t];
      std::string match = namesElement(index, coordinate[o], size);
      if (op.getAdd()) {
        Signal term = emission.wire(
            base + "_t" + std::to_string(t), value.width,
            match + " ? " + value.name + " : " + literal(0), stage,
            std::min<Int128>(value.low, 0), std::max<Int128>(value.high, 0));
        expr += " + " + term.name;
        ++report.adders;
      } else {
        expr = match + " ? " + value.name + " : (" + expr + ")";
      }
    }
    Signal v = emission.wire(base + "_v", internalWidth(type), expr, stage,
                             typeLow, typeHigh);
    result.push_back(emission.reg(base + "_r", internalWidth(type), v.name,
                                  stage, typeLow, typeHigh));
  }
  report.detail = std::to_string(inputs) + " comparisons";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(result));
  return success();
}

/// fx.quantize and fx.dequantize are the module's ports, which the
/// package writer declares from the hardware boundary: no logic here.
LogicalResult emitPort(Operation *, VerilogEmission &) { return success(); }

} // namespace

void populateVerilogPatterns(VerilogPatterns &patterns) {
  patterns.add<fx::QuantizeOp, fx::DequantizeOp>(emitPort);
  patterns.add<fx::DenseOp>(emitDense);
  patterns.add<fx::AddOp, fx::SubOp, fx::MulOp>(emitArith);
  patterns.add<fx::MatMulOp>(emitMatMul);
  patterns.add<fx::CastOp>(emitCastOp);
  patterns.add<fx::ReluOp>(emitRelu);
  patterns.add<fx::ClampOp>(emitClamp);
  patterns.add<fx::LeakyReluOp>(emitLeakyRelu);
  patterns.add<fx::ScaleOp>(emitScale);
  patterns.add<fx::TableOp>(emitTable);
  patterns.add<fx::SoftmaxOp>(emitSoftmax);
  patterns.add<nn::ReshapeOp, nn::TransposeOp, nn::SliceOp, nn::ConcatOp,
               nn::WindowOp>(emitGather);
  patterns.add<nn::ReduceMaxOp>(emitReduceMax);
  patterns.add<nn::GatherElementsOp>(emitGatherElements);
  patterns.add<nn::ScatterElementsOp>(emitScatterElements);
  patterns.add<nn::CompareOp>(emitCompare);
  patterns.add<nn::SelectOp>(emitSelect);
}

} // namespace verilog
} // namespace ariadne
