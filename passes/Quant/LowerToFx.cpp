//===- LowerToFx.cpp - nn layers to fx integer ops ------------------------===//
//
// Rewrites a function whose ops carry fx-assign-precision's `fx.precision`
// into the fx dialect. The function keeps its f32 signature: its inputs are
// quantized where they enter and its results dequantized where they leave,
// so that callers (the emulator, generated code) see the float interface.
//
//===----------------------------------------------------------------------===//
#include "passes/FX/FXDialect.h"
#include "passes/Quant/Layers.h"
#include "passes/Quant/Passes.h"
#include "passes/Quant/Tables.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/APInt.h"

#include <cmath>

namespace ariadne {
#define GEN_PASS_DEF_LOWERTOFX
#include "passes/Quant/Passes.h.inc"
} // namespace ariadne

using namespace mlir;
using namespace ariadne;
using namespace ariadne::quant;
using ariadne::fx::FixedType;
using llvm::APInt;

namespace {

/// Width of the constants of leaky ReLU and hard-sigmoid.
constexpr int kConstantWidth = 16;

/// Raw extremes of a type as 256-bit signed integers.
APInt rawMin(FixedType type) {
  APInt v(64, ariadne::detail::minBits(type.getWidth(), type.isSigned()));
  return type.isSigned() ? v.sext(256) : v.zext(256);
}
APInt rawMax(FixedType type) {
  APInt v(64, ariadne::detail::maxBits(type.getWidth(), type.isSigned()));
  return type.isSigned() ? v.sext(256) : v.zext(256);
}
int64_t rawMin64(FixedType type) { return rawMin(type).getSExtValue(); }
int64_t rawMax64(FixedType type) {
  APInt v = rawMax(type);
  return v.isSignedIntN(64) ? v.getSExtValue() : INT64_MAX;
}

/// The least TRN/WRAP type with `frac` fractional bits holding [lo, hi];
/// null when that needs more than 64 bits.
FixedType typeForRawRange(MLIRContext *context, const APInt &lo,
                          const APInt &hi, int64_t frac) {
  bool isSigned = lo.isNegative();
  unsigned width =
      isSigned ? std::max(lo.getSignificantBits(), hi.getSignificantBits())
               : std::max(hi.getActiveBits(), 1u);
  if (width > 64 || fx::checkFixedWidths(width, int64_t(width) - frac))
    return {};
  return FixedType::get(context, width, int64_t(width) - frac, isSigned, TRN,
                        WRAP);
}

/// The narrowest signed integer type holding every value of `values`
/// exactly, or null when one is not an integer or needs more than 32 bits:
/// the constants of an exact intermediate (nn.exact).
FixedType exactIntegerType(MLIRContext *context, ArrayRef<double> values) {
  unsigned width = 2;
  for (double v : values) {
    if (v != std::trunc(v) || std::fabs(v) >= std::ldexp(1.0, 31))
      return {};
    APInt raw(64, static_cast<uint64_t>(static_cast<int64_t>(v)), true);
    width = std::max(width, raw.getSignificantBits());
  }
  return FixedType::get(context, width, int64_t(width), true, TRN, WRAP);
}

/// Where the activation part of `op` comes from: the last location of a
/// fused dense layer (its activation node), else the op's own.
Location activationLocation(Operation *op) {
  if (auto fused = llvm::dyn_cast<FusedLoc>(op->getLoc()))
    if (fused.getLocations().size() > 1)
      return fused.getLocations().back();
  return op->getLoc();
}

/// `type` without the fractional bits beyond `maxFrac` (its integer bits
/// and modes kept): a bias or offset that joins a sum on a coarser grid.
/// Null when no bit would be left.
FixedType capFraction(FixedType type, int64_t maxFrac) {
  int64_t extra = type.getFracWidth() - maxFrac;
  if (extra <= 0)
    return type;
  int64_t width = int64_t(type.getWidth()) - extra;
  if (width < 1)
    return {};
  return FixedType::get(type.getContext(), unsigned(width), type.getIntWidth(),
                        type.isSigned(), type.getQuant(), type.getOverflow());
}

/// Activations computed as max(x, 0), exact, plus a table of the rest,
/// which vanishes on both sides: softplus and GELU.
bool hasLinearRest(nn::ActivationKind kind) {
  return kind == nn::ActivationKind::softplus ||
         kind == nn::ActivationKind::gelu ||
         kind == nn::ActivationKind::gelu_tanh;
}

/// The bins of a table: the size the config names (`size` in its
/// settings), else sized by its function (autoBins).
TableBins tableBins(DictionaryAttr settings, double low, double high,
                    int64_t frac, int64_t rawMin, int64_t rawMax,
                    FixedType entry, llvm::function_ref<double(double)> fn,
                    bool atLowerEdge) {
  if (auto size = settings.getAs<IntegerAttr>("size"))
    return binsFor(low, high, frac, rawMin, rawMax, size.getInt());
  return autoBins(low, high, frac, rawMin, rawMax, entry, fn, atLowerEdge);
}

class Lowering {
public:
  explicit Lowering(func::FuncOp fn)
      : fn(fn), context(fn.getContext()), builder(context) {}

  LogicalResult run();

  /// The lowering of each nn op that has a fixed-point implementation.
  using Handlers = OpHandlers<LogicalResult(Operation *, Lowering &)>;
  static const Handlers &handlers();
  /// The nn ops that stay nn ops, on fixed-point tensors.
  static const std::vector<std::string> &keptOps() {
    handlers();
    return kept();
  }

private:
  static std::vector<std::string> &kept() {
    static std::vector<std::string> names;
    return names;
  }
  /// Registers data movement: the same op on fixed-point tensors.
  template <typename... OpTs> static void addDataMovement(Handlers &h) {
    h.add<OpTs...>(
        [](Operation *op, Lowering &l) { return l.lowerDataMovement(op); });
    (kept().push_back(OpTs::getOperationName().str()), ...);
  }

private:
  DictionaryAttr precisionOf(Operation *op) {
    auto dict = op->getAttrOfType<DictionaryAttr>(kPrecisionAttr);
    if (!dict)
      op->emitError("has no fx.precision; run fx-assign-precision first");
    return dict;
  }
  static FixedType typeIn(DictionaryAttr dict, StringRef key) {
    if (auto attr = dict.getAs<TypeAttr>(key))
      return llvm::dyn_cast<FixedType>(attr.getValue());
    return {};
  }
  /// The result type of `op`'s fx.precision, or an error on `op`.
  FailureOr<FixedType> resultTypeOf(Operation *op) {
    DictionaryAttr precision = precisionOf(op);
    if (!precision)
      return failure();
    if (FixedType result = typeIn(precision, "result"))
      return result;
    return op->emitError("fx.precision has no result type");
  }

  /// The tensor type of `like`'s shape with element type `element`.
  static RankedTensorType withElement(Value like, Type element) {
    return llvm::cast<RankedTensorType>(like.getType()).clone(element);
  }
  static FixedType elementOf(Value v) {
    return llvm::cast<FixedType>(
        llvm::cast<RankedTensorType>(v.getType()).getElementType());
  }

  /// The lowered value of an nn value, or an error on `user`.
  FailureOr<Value> lowered(Value v, Operation *user) {
    Value mapped = mapping.lookupOrNull(v);
    if (!mapped) {
      user->emitError("an operand computed from constants alone is not "
                      "supported in fixed point");
      return failure();
    }
    return mapped;
  }

  /// The lowered values of a binary op's two operands.
  FailureOr<std::pair<Value, Value>> loweredPair(Operation *op) {
    FailureOr<Value> a = lowered(op->getOperand(0), op);
    if (failed(a))
      return failure();
    FailureOr<Value> b = lowered(op->getOperand(1), op);
    if (failed(b))
      return failure();
    return std::pair(*a, *b);
  }

  /// `v` cast into `type` (no op when it already has it).
  Value castTo(Location loc, Value v, FixedType type) {
    if (elementOf(v) == type)
      return v;
    return builder.create<fx::CastOp>(loc, withElement(v, type), v);
  }

  DenseElementsAttr i64Attr(ArrayRef<int64_t> values, ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get(shape, builder.getI64Type());
    return DenseElementsAttr::get(type, values);
  }

  LogicalResult lowerDense(nn::DenseOp op);
  LogicalResult lowerActivationOp(nn::ActivationOp op);
  FailureOr<Value> lowerLinearAndTable(Operation *op, Value x,
                                       nn::ActivationKind kind, double alpha,
                                       double beta, DictionaryAttr precision,
                                       FixedType result);
  FailureOr<Value> lowerActivation(Operation *op, Value x,
                                   nn::ActivationKind kind, double alpha,
                                   double beta, DictionaryAttr precision);
  FailureOr<Value> lowerTable(Operation *op, Value x, nn::ActivationKind kind,
                              double alpha, double beta, DictionaryAttr table,
                              FixedType result);
  LogicalResult lowerSoftmax(nn::SoftmaxOp op);
  LogicalResult lowerAffine(Operation *op, Value input,
                            const ChannelAffine &affine);
  LogicalResult lowerWithConstant(Operation *op);
  LogicalResult lowerDataMovement(Operation *op);
  template <typename FxOp> LogicalResult lowerArith(Operation *op);
  LogicalResult lowerDivision(Operation *op);
  LogicalResult lowerMatMul(nn::MatMulOp op);
  LogicalResult lowerScatter(nn::ScatterElementsOp op);
  LogicalResult lowerCompare(nn::CompareOp op);
  LogicalResult lowerSelect(nn::SelectOp op);

  func::FuncOp fn;
  MLIRContext *context;
  OpBuilder builder;
  IRMapping mapping;
};

LogicalResult Lowering::lowerDense(nn::DenseOp op) {
  // An exact intermediate (a sum of a layer norm) has integer weights, no
  // bias and no activation, and keeps its exact accumulator.
  bool exact = op->hasAttr(nn::kExactAttr);
  DictionaryAttr precision = exact ? DictionaryAttr() : precisionOf(op);
  if (!exact && !precision)
    return failure();
  FailureOr<Value> x = lowered(op.getInput(), op);
  if (failed(x))
    return failure();
  FixedType in = elementOf(*x);
  auto weights = llvm::dyn_cast<DenseElementsAttr>(op.getWeightAttr());
  if (!weights || !weights.getElementType().isF32())
    return op.emitError("needs f32 weights to quantize");
  FixedType weightType, biasType;
  if (exact) {
    SmallVector<double> values(weights.getValues<float>());
    weightType = exactIntegerType(context, values);
    if (!weightType || op.getBiasAttr() ||
        op.getActivation() != nn::ActivationKind::none)
      return op.emitError("an exact dense layer needs integer weights, no "
                          "bias and no activation");
  } else {
    weightType = typeIn(precision, "weight");
    biasType = typeIn(precision, "bias");
  }
  if (!weightType)
    return op.emitError("needs a weight type to quantize its weights");
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  int64_t frac = in.getFracWidth() + weightType.getFracWidth();

  // Weights and bias quantized once, with their types' modes.
  SmallVector<int64_t> w;
  for (float v : weights.getValues<float>())
    w.push_back(quantizeValue(v, weightType));
  SmallVector<int64_t> b;
  if (auto bias = llvm::dyn_cast_or_null<DenseElementsAttr>(op.getBiasAttr())) {
    if (!biasType)
      return op.emitError("has a bias but no bias type");
    // The bias joins the sum on the products' grid: the fractional bits
    // the products do not have are dropped (the integer bits kept).
    FixedType capped = capFraction(biasType, frac);
    if (!capped)
      return op.emitError("bias type ")
             << biasType << " leaves no bits on the accumulator's grid of "
             << frac << " fractional bits";
    biasType = capped;
    for (float v : bias.getValues<float>())
      b.push_back(quantizeValue(v, biasType));
  } else {
    biasType = {};
  }

  // The accumulator: the config's, or exactly as wide as these weights
  // need over every input value of the input type.
  FixedType acc = exact ? FixedType() : typeIn(precision, "accumulator");
  if (acc && acc.getFracWidth() != frac)
    return op.emitError("accumulator type ")
           << acc << " has " << acc.getFracWidth()
           << " fractional bits; the products of " << in << " and "
           << weightType << " have " << frac;
  if (!acc) {
    APInt inLo = rawMin(in), inHi = rawMax(in);
    int64_t biasShift = biasType ? frac - biasType.getFracWidth() : 0;
    APInt best(256, 0), worst(256, 0);
    APInt accLo(256, 0), accHi(256, 0);
    bool first = true;
    for (int64_t row = 0; row < n; ++row) {
      APInt lo(256, 0), hi(256, 0);
      for (int64_t col = 0; col < k; ++col) {
        APInt wv(256, static_cast<uint64_t>(w[row * k + col]), true);
        if (!weightType.isSigned())
          wv = APInt(64, static_cast<uint64_t>(w[row * k + col])).zext(256);
        APInt a = wv * inLo, c = wv * inHi;
        lo += a.slt(c) ? a : c;
        hi += a.slt(c) ? c : a;
      }
      if (!b.empty()) {
        APInt bv(256, static_cast<uint64_t>(b[row]), true);
        if (!biasType.isSigned())
          bv = APInt(64, static_cast<uint64_t>(b[row])).zext(256);
        bv = bv.shl(unsigned(biasShift));
        lo += bv;
        hi += bv;
      }
      if (first || lo.slt(accLo))
        accLo = lo;
      if (first || hi.sgt(accHi))
        accHi = hi;
      first = false;
    }
    // Keep zero inside the range so that a layer of zero weights still
    // has a type.
    if (accLo.sgt(APInt(256, 0)))
      accLo = APInt(256, 0);
    acc = typeForRawRange(context, accLo, accHi, frac);
    if (!acc && exact)
      return op.emitError("the exact sum over ")
             << k << " values of " << in
             << " needs more than 64 bits (a layer norm's statistics are "
                "exact); narrow the layer's input type";
    if (!acc)
      return op.emitError("the exact accumulator of this layer needs more "
                          "than 64 bits; narrow the input or weight types, "
                          "or give a WRAP accumulator in the config");
  }

  builder.setInsertionPoint(op);
  NamedAttrList attrs;
  attrs.set("weight", i64Attr(w, {n, k}));
  attrs.set("weight_type", TypeAttr::get(weightType));
  if (biasType) {
    attrs.set("bias", i64Attr(b, {n}));
    attrs.set("bias_type", TypeAttr::get(biasType));
  }
  auto dense =
      builder.create<fx::DenseOp>(op.getLoc(), withElement(op.getResult(), acc),
                                  ValueRange{*x}, attrs.getAttrs());
  if (exact) {
    mapping.map(op.getResult(), dense.getResult());
    return success();
  }
  FailureOr<Value> result =
      lowerActivation(op, dense.getResult(), op.getActivation(),
                      op.getAlpha().convertToDouble(),
                      op.getBeta().convertToDouble(), precision);
  if (failed(result))
    return failure();
  mapping.map(op.getResult(), *result);
  return success();
}

FailureOr<Value> Lowering::lowerTable(Operation *op, Value x,
                                      nn::ActivationKind kind, double alpha,
                                      double beta, DictionaryAttr table,
                                      FixedType result) {
  if (!table)
    return op->emitError("has no table settings"), failure();
  FixedType in = elementOf(x);
  auto entry =
      llvm::dyn_cast<FixedType>(table.getAs<TypeAttr>("entry").getValue());
  double low = table.getAs<FloatAttr>("low").getValueAsDouble();
  double high = table.getAs<FloatAttr>("high").getValueAsDouble();
  bool negativeSide =
      kind == nn::ActivationKind::elu || kind == nn::ActivationKind::selu;
  bool linearRest = hasLinearRest(kind);
  // 1/sqrt and 1/x grow without bound towards 0: their entries saturate
  // at the entry type's extremes.
  double entryLow = ariadne::bitsToDouble(
      static_cast<uint64_t>(rawMin64(entry)), entry.getSpec());
  double entryHigh = ariadne::bitsToDouble(
      static_cast<uint64_t>(rawMax64(entry)), entry.getSpec());
  auto tabulated = [&](double v) {
    // ELU and SELU tables hold the exponential side only, softplus and
    // GELU what max(x, 0) leaves (lowerLinearAndTable).
    if (negativeSide && v >= 0)
      return 0.0;
    double y = nn::evalActivation(kind, alpha, beta, v);
    if (linearRest)
      return kind == nn::ActivationKind::softplus
                 ? std::log1p(std::exp(-std::fabs(v)))
                 : y - std::max(v, 0.0);
    if (std::isnan(y))
      y = entryHigh;
    return std::clamp(y, entryLow, entryHigh);
  };
  TableBins bins =
      tableBins(table, low, high, in.getFracWidth(), rawMin64(in), rawMax64(in),
                entry, tabulated, /*atLowerEdge=*/false);
  SmallVector<int64_t> entries =
      fillTable(bins, in.getFracWidth(), entry, tabulated);
  // Their input is min(x, 0): where the table ends at 0 or below, 0 itself
  // (every x >= 0) falls in the last bin, which must read exactly 0 rather
  // than the value at its centre.
  if (negativeSide && high <= 0)
    entries.back() = 0;
  // Softplus's and GELU's tables go to 0 on both sides, and inputs beyond
  // their range read the edge entries: those hold the limit, 0 (within
  // half a step of the function at the default range's edges).
  if (linearRest) {
    entries.front() = 0;
    entries.back() = 0;
  }
  NamedAttrList attrs;
  attrs.set("table", i64Attr(entries, {int64_t(entries.size())}));
  attrs.set(fx::kTableErrorAttr,
            builder.getF64FloatAttr(tableMaxError(bins, in.getFracWidth(),
                                                  entries, entry, tabulated)));
  attrs.set("input_low", builder.getI64IntegerAttr(bins.low));
  attrs.set("shift", builder.getI64IntegerAttr(bins.shift));
  attrs.set("function", builder.getStringAttr(activationTypeName(kind)));
  Location loc = activationLocation(op);
  Value y = builder.create<fx::TableOp>(loc, withElement(x, entry),
                                        ValueRange{x}, attrs.getAttrs());
  return castTo(loc, y, result);
}

/// ELU, SELU, softplus and GELU: a linear side computed exactly (max(x, 0), or
/// gamma * max(x, 0) for SELU) and the rest by a table: for ELU and SELU
/// the exponential side, a table of min(x, 0) (fx.clamp, exact) that reads
/// 0 for every x >= 0; for softplus log(1 + exp(-|x|)) and for GELU
/// gelu(x) - max(x, 0), a table of x whose edge entries (which inputs beyond
/// its range read) are 0. Their sum exact,
/// then one cast.
FailureOr<Value> Lowering::lowerLinearAndTable(Operation *op, Value x,
                                               nn::ActivationKind kind,
                                               double alpha, double beta,
                                               DictionaryAttr precision,
                                               FixedType result) {
  Location loc = activationLocation(op);
  FixedType in = elementOf(x);
  Value tableInput = x;
  if (!hasLinearRest(kind)) {
    NamedAttrList clampAttrs;
    clampAttrs.set("low", builder.getI64IntegerAttr(rawMin64(in)));
    clampAttrs.set("high", builder.getI64IntegerAttr(0));
    tableInput = builder.create<fx::ClampOp>(loc, x.getType(), ValueRange{x},
                                             clampAttrs.getAttrs());
  }
  FailureOr<Value> curve =
      lowerTable(op, tableInput, kind, alpha, beta,
                 precision.getAs<DictionaryAttr>("table"), result);
  if (failed(curve))
    return failure();
  Value linear = builder.create<fx::ReluOp>(loc, x.getType(), x);
  if (kind == nn::ActivationKind::selu) {
    FixedType gammaType =
        typeForRange(context, std::min(beta, 0.0), std::max(beta, 0.0),
                     kConstantWidth, RND, SAT);
    if (!gammaType)
      return op->emitError("SELU scale ") << beta << " has no fixed-point type",
             failure();
    NamedAttrList attrs;
    attrs.set("scale", i64Attr({quantizeValue(beta, gammaType)}, {1}));
    attrs.set("scale_type", TypeAttr::get(gammaType));
    linear = builder.create<fx::ScaleOp>(loc, withElement(x, result),
                                         ValueRange{linear}, attrs.getAttrs());
  } else {
    linear = castTo(loc, linear, result);
  }
  FixedType exact = fx::AddOp::exactType(result, elementOf(*curve));
  if (!exact)
    return op->emitError("the sum of the linear and table sides "
                         "needs more than 64 bits"),
           failure();
  Value sum =
      builder.create<fx::AddOp>(loc, withElement(x, exact), linear, *curve);
  return castTo(loc, sum, result);
}

FailureOr<Value> Lowering::lowerActivation(Operation *op, Value x,
                                           nn::ActivationKind kind,
                                           double alpha, double beta,
                                           DictionaryAttr precision) {
  FixedType result = typeIn(precision, "result");
  if (!result)
    return op->emitError("fx.precision has no result type"), failure();
  // The cast out of a dense layer's accumulator keeps the layer's name;
  // the activation's own ops take the activation's.
  Location loc = op->getLoc();
  Location actLoc = activationLocation(op);
  FixedType in = elementOf(x);
  switch (kind) {
  case nn::ActivationKind::none:
    return castTo(loc, x, result);
  case nn::ActivationKind::relu: {
    Value y = castTo(loc, x, result);
    return Value(builder.create<fx::ReluOp>(actLoc, y.getType(), y));
  }
  case nn::ActivationKind::tanh:
  case nn::ActivationKind::sigmoid:
  case nn::ActivationKind::softsign:
  case nn::ActivationKind::erf:
  case nn::ActivationKind::rsqrt:
  case nn::ActivationKind::reciprocal:
    return lowerTable(op, x, kind, alpha, beta,
                      precision.getAs<DictionaryAttr>("table"), result);
  case nn::ActivationKind::elu:
  case nn::ActivationKind::selu:
  case nn::ActivationKind::softplus:
  case nn::ActivationKind::gelu:
  case nn::ActivationKind::gelu_tanh:
    return lowerLinearAndTable(op, x, kind, alpha, beta, precision, result);
  case nn::ActivationKind::leaky_relu: {
    FixedType alphaType =
        typeForRange(context, std::min(alpha, 0.0), std::max(alpha, 0.0),
                     kConstantWidth, RND, SAT);
    if (!alphaType)
      return op->emitError("leaky ReLU slope ")
                 << alpha << " has no fixed-point type",
             failure();
    // One rounding from the accumulator where the product fits 63 bits.
    if (in.getWidth() + alphaType.getWidth() > 63)
      x = castTo(loc, x, result);
    NamedAttrList attrs;
    attrs.set("alpha",
              builder.getI64IntegerAttr(quantizeValue(alpha, alphaType)));
    attrs.set("alpha_type", TypeAttr::get(alphaType));
    return Value(builder.create<fx::LeakyReluOp>(
        actLoc, withElement(x, result), ValueRange{x}, attrs.getAttrs()));
  }
  case nn::ActivationKind::hard_sigmoid: {
    // clamp(alpha * x + beta, 0, 1): an exact affine map, one cast, and a
    // clamp onto [0, 1] in the result type.
    FixedType alphaType =
        typeForRange(context, std::min(alpha, 0.0), std::max(alpha, 0.0),
                     kConstantWidth, RND, SAT);
    if (!alphaType)
      return op->emitError("hard-sigmoid slope has no fixed-point type"),
             failure();
    if (in.getWidth() + alphaType.getWidth() + kConstantWidth > 62)
      x = castTo(loc, x, result), in = result;
    int64_t frac = in.getFracWidth() + alphaType.getFracWidth();
    FixedType betaType =
        typeForRange(context, std::min(beta, 0.0), std::max(beta, 0.0),
                     kConstantWidth, RND, SAT);
    if (!betaType)
      return op->emitError("hard-sigmoid offset has no fixed-point type"),
             failure();
    betaType = capFraction(betaType, frac);
    NamedAttrList attrs;
    attrs.set("scale", i64Attr({quantizeValue(alpha, alphaType)}, {1}));
    attrs.set("scale_type", TypeAttr::get(alphaType));
    if (betaType) {
      attrs.set("offset", i64Attr({quantizeValue(beta, betaType)}, {1}));
      attrs.set("offset_type", TypeAttr::get(betaType));
    }
    Value y = builder.create<fx::ScaleOp>(actLoc, withElement(x, result),
                                          ValueRange{x}, attrs.getAttrs());
    int64_t one = std::min(quantizeValue(1.0, result), rawMax64(result));
    int64_t zero = std::max<int64_t>(0, rawMin64(result));
    return Value(builder.create<fx::ClampOp>(actLoc, y.getType(), y,
                                             builder.getI64IntegerAttr(zero),
                                             builder.getI64IntegerAttr(one)));
  }
  case nn::ActivationKind::clip: {
    Value y = castTo(loc, x, result);
    FixedSpec bound = result.getSpec();
    bound.overflow = SAT;
    auto rawOf = [&](double v) {
      return static_cast<int64_t>(bitsFromDouble(v, bound));
    };
    return Value(builder.create<fx::ClampOp>(
        actLoc, y.getType(), y, builder.getI64IntegerAttr(rawOf(alpha)),
        builder.getI64IntegerAttr(rawOf(beta))));
  }
  case nn::ActivationKind::abs:
    break;
  }
  return op->emitError("activation ") << activationTypeName(kind)
                                      << " has no fixed-point implementation",
         failure();
}

LogicalResult Lowering::lowerSoftmax(nn::SoftmaxOp op) {
  DictionaryAttr precision = precisionOf(op);
  if (!precision)
    return failure();
  auto type = llvm::cast<RankedTensorType>(op.getType());
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += type.getRank();
  if (axis != type.getRank() - 1)
    return op.emitError("fixed-point softmax runs over the last axis; this "
                        "one is over axis ")
           << op.getAxis();
  FailureOr<Value> x = lowered(op.getInput(), op);
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  FixedType result = typeIn(precision, "result");
  FixedType in = elementOf(*x);
  if (in.getWidth() > 62)
    return op.emitError("softmax input ") << in << " is wider than 62 bits";
  auto tableOf = [&](StringRef key) {
    return precision.getAs<DictionaryAttr>(key);
  };
  DictionaryAttr expSettings = tableOf("exp_table");
  DictionaryAttr invSettings = tableOf("inv_table");
  if (!result || !expSettings || !invSettings)
    return op.emitError("fx.precision lacks the softmax types");
  auto entryOf = [](DictionaryAttr d) {
    return llvm::cast<FixedType>(d.getAs<TypeAttr>("entry").getValue());
  };
  auto boundOf = [](DictionaryAttr d, StringRef key) {
    return d.getAs<FloatAttr>(key).getValueAsDouble();
  };
  FixedType expType = entryOf(expSettings), invType = entryOf(invSettings);
  if (expType.isSigned())
    return op.emitError("the exp table's entry type must be unsigned");

  // exp(-d) over the differences d = max - x >= 0, lower bin edges so that
  // the row's maximum gets exactly exp(0).
  int64_t inFrac = in.getFracWidth();
  auto expOf = [](double d) { return std::exp(-d); };
  TableBins expBins =
      tableBins(expSettings, std::max(0.0, boundOf(expSettings, "low")),
                boundOf(expSettings, "high"), inFrac, 0,
                int64_t(1) << std::min(62u, in.getWidth()), expType, expOf,
                /*atLowerEdge=*/true);
  expBins.low = 0;
  SmallVector<int64_t> expTable =
      fillTable(expBins, inFrac, expType, expOf, /*atLowerEdge=*/true);
  // 1/s over the sums s on the exp grid.
  int64_t sumFrac = expType.getFracWidth();
  auto invOf = [](double s) { return s > 0 ? 1 / s : 0.0; };
  TableBins invBins = tableBins(
      invSettings, boundOf(invSettings, "low"), boundOf(invSettings, "high"),
      sumFrac, 0, INT64_MAX >> 2, invType, invOf, /*atLowerEdge=*/false);
  SmallVector<int64_t> invTable = fillTable(invBins, sumFrac, invType, invOf);

  NamedAttrList attrs;
  attrs.set("exp_table", i64Attr(expTable, {int64_t(expTable.size())}));
  attrs.set("exp_type", TypeAttr::get(expType));
  attrs.set("exp_shift", builder.getI64IntegerAttr(expBins.shift));
  attrs.set("inv_table", i64Attr(invTable, {int64_t(invTable.size())}));
  attrs.set("inv_type", TypeAttr::get(invType));
  attrs.set("inv_low", builder.getI64IntegerAttr(invBins.low));
  attrs.set("inv_shift", builder.getI64IntegerAttr(invBins.shift));
  attrs.set(fx::kExpTableErrorAttr,
            builder.getF64FloatAttr(
                tableMaxError(expBins, inFrac, expTable, expType, expOf)));
  attrs.set(fx::kInvTableErrorAttr,
            builder.getF64FloatAttr(
                tableMaxError(invBins, sumFrac, invTable, invType, invOf)));
  auto softmax = builder.create<fx::SoftmaxOp>(
      op.getLoc(), withElement(op.getResult(), result), ValueRange{*x},
      attrs.getAttrs());
  mapping.map(op.getResult(), softmax.getResult());
  return success();
}

/// An activation and a constant (x + c, x - c, c - x, x * c, x / c): an
/// affine map along the last axis.
LogicalResult Lowering::lowerWithConstant(Operation *op) {
  FailureOr<ConstantAffine> constant = constantAffine(op);
  if (failed(constant))
    return failure();
  if (!op->hasAttr(nn::kExactAttr))
    return lowerAffine(op, constant->input, constant->affine);
  // An exact intermediate: a product by integers, with the product's type.
  FailureOr<Value> x = lowered(constant->input, op);
  if (failed(x))
    return failure();
  FixedType scaleType = exactIntegerType(context, constant->affine.scale);
  if (!scaleType || !constant->affine.offset.empty() ||
      constant->affine.channelsFirst)
    return op->emitError("an exact product needs an integer factor along "
                         "the last axis and no offset");
  FixedType in = elementOf(*x);
  FixedType exact = fx::MulOp::exactType(in, scaleType);
  if (!exact)
    return op->emitError("the exact product of ")
           << in << " and " << scaleType << " needs more than 64 bits";
  builder.setInsertionPoint(op);
  SmallVector<int64_t> raw;
  for (double v : constant->affine.scale)
    raw.push_back(static_cast<int64_t>(v));
  NamedAttrList attrs;
  attrs.set("scale", i64Attr(raw, {int64_t(raw.size())}));
  attrs.set("scale_type", TypeAttr::get(scaleType));
  Value y = builder.create<fx::ScaleOp>(op->getLoc(),
                                        withElement(op->getResult(0), exact),
                                        ValueRange{*x}, attrs.getAttrs());
  mapping.map(op->getResult(0), y);
  return success();
}

/// x * scale[c] + offset[c] along the last axis, then one cast: a batch
/// normalization, or an activation and a constant.
LogicalResult Lowering::lowerAffine(Operation *op, Value input,
                                    const ChannelAffine &affine) {
  DictionaryAttr precision = precisionOf(op);
  if (!precision)
    return failure();
  FailureOr<Value> x = lowered(input, op);
  if (failed(x))
    return failure();
  builder.setInsertionPoint(op);
  FixedType in = elementOf(*x);
  FixedType scaleType = typeIn(precision, "weight");
  FixedType offsetType = typeIn(precision, "bias");
  FixedType result = typeIn(precision, "result");
  bool hasOffset = !affine.offset.empty();
  if (!scaleType || (hasOffset && !offsetType) || !result)
    return op->emitError("fx.precision lacks the scale, offset or result "
                         "type");
  int64_t frac = in.getFracWidth() + scaleType.getFracWidth();
  NamedAttrList attrs;
  auto quantized = [&](ArrayRef<double> values, FixedType type) {
    SmallVector<int64_t> raw;
    for (double v : values)
      raw.push_back(quantizeValue(v, type));
    return i64Attr(raw, {int64_t(raw.size())});
  };
  attrs.set("scale", quantized(affine.scale, scaleType));
  attrs.set("scale_type", TypeAttr::get(scaleType));
  if (hasOffset) {
    FixedType capped = capFraction(offsetType, frac);
    if (!capped)
      return op->emitError("offset type ")
             << offsetType << " leaves no bits on the grid of " << frac
             << " fractional bits";
    attrs.set("offset", quantized(affine.offset, capped));
    attrs.set("offset_type", TypeAttr::get(capped));
  }
  // fx.scale works on the last axis; an affine map per channel of a
  // feature map ([N, C, spatial...]: batch normalization, a per-channel
  // constant) moves the channels there and back.
  auto shape = llvm::cast<RankedTensorType>(x->getType()).getShape();
  bool channelsFirst = affine.channelsFirst;
  Value scaled = *x;
  SmallVector<int64_t> toLast, toFirst;
  if (channelsFirst) {
    int64_t rank = int64_t(shape.size());
    toLast.push_back(0);
    for (int64_t d = 2; d < rank; ++d)
      toLast.push_back(d);
    toLast.push_back(1);
    toFirst = {0, rank - 1};
    for (int64_t d = 1; d + 1 < rank; ++d)
      toFirst.push_back(d);
    SmallVector<int64_t> last;
    for (int64_t d : toLast)
      last.push_back(shape[size_t(d)]);
    scaled = builder.create<nn::TransposeOp>(
        op->getLoc(), RankedTensorType::get(last, elementOf(scaled)), scaled,
        builder.getDenseI64ArrayAttr(toLast));
  }
  auto y = builder.create<fx::ScaleOp>(
      op->getLoc(),
      withElement(channelsFirst ? scaled : op->getResult(0), result),
      ValueRange{scaled}, attrs.getAttrs());
  Value out = y.getResult();
  if (channelsFirst)
    out = builder.create<nn::TransposeOp>(
        op->getLoc(), withElement(op->getResult(0), result), out,
        builder.getDenseI64ArrayAttr(toFirst));
  mapping.map(op->getResult(0), out);
  return success();
}

/// Reshape, transpose, slice and concat move values without arithmetic:
/// the same op on fixed-point tensors (concat's inputs first cast to its
/// result type).
LogicalResult Lowering::lowerDataMovement(Operation *op) {
  builder.setInsertionPoint(op);
  FixedType element;
  if (auto precision = op->getAttrOfType<DictionaryAttr>(kPrecisionAttr))
    element = typeIn(precision, "result");
  SmallVector<Value> operands;
  for (Value operand : op->getOperands()) {
    FailureOr<Value> v = lowered(operand, op);
    if (failed(v))
      return failure();
    operands.push_back(element ? castTo(op->getLoc(), *v, element) : *v);
  }
  if (!element)
    element = elementOf(operands.front());
  Operation *clone = builder.clone(*op);
  clone->setOperands(operands);
  clone->getResult(0).setType(withElement(op->getResult(0), element));
  clone->removeAttr(kPrecisionAttr);
  clone->removeAttr(kRangeAttr);
  mapping.map(op->getResult(0), clone->getResult(0));
  return success();
}

/// The raw integer T of `type` with `x <p> value` exactly when
/// `raw(x) <p> T`: the constant's value on the type's grid, rounded the
/// way that keeps the comparison (`x > 0.3` on a grid of 1/8 is
/// `raw > 2`), clamped one step outside the type's range; NaN compares
/// false (ne: true). `type` has at most 52 bits, so every T is a double.
static double rawThreshold(nn::Predicate p, double value, FixedType type) {
  double lowest = double(rawMin64(type)), highest = double(rawMax64(type));
  double outside = highest + 1;
  if (std::isnan(value))
    return p == nn::Predicate::lt || p == nn::Predicate::le ? lowest - 1
                                                            : outside;
  double scaled = std::ldexp(value, int(type.getFracWidth()));
  double t = scaled;
  switch (p) {
  case nn::Predicate::gt:
  case nn::Predicate::le:
    t = std::floor(scaled);
    break;
  case nn::Predicate::ge:
  case nn::Predicate::lt:
    t = std::ceil(scaled);
    break;
  case nn::Predicate::eq:
  case nn::Predicate::ne:
    // Off the grid, no value equals the constant.
    if (t != std::floor(t))
      t = outside;
    break;
  }
  return std::clamp(t, lowest - 1, outside);
}

/// `value` converted to a raw integer of `type`: rounded to nearest and
/// saturated, whatever the type's modes (a fill of -1e9 is the type's most
/// negative value). Exact where the type has at most 52 bits.
static double rawFill(double value, FixedType type) {
  if (std::isnan(value))
    return 0;
  return std::clamp(std::nearbyint(std::ldexp(value, int(type.getFracWidth()))),
                    double(rawMin64(type)), double(rawMax64(type)));
}

/// A comparison: both operands cast exactly into the narrowest type that
/// holds either (or a constant made a raw threshold of the operand's
/// type); the result is a condition of the index type.
LogicalResult Lowering::lowerCompare(nn::CompareOp op) {
  FailureOr<Value> lhs = lowered(op.getLhs(), op);
  if (failed(lhs))
    return failure();
  Location loc = op.getLoc();
  builder.setInsertionPoint(op);
  auto result = withElement(op.getOutput(), indexType(context));
  Operation *compare;
  if (op.getRhs()) {
    FailureOr<Value> rhs = lowered(op.getRhs(), op);
    if (failed(rhs))
      return failure();
    FixedSpec a = elementOf(*lhs).getSpec(), b = elementOf(*rhs).getSpec();
    FixedSpec join = sumSpec(a, b);
    join.width -= 1;
    join.intWidth -= 1;
    if (join.width > 64)
      return op.emitError("comparing ")
             << elementOf(*lhs) << " with " << elementOf(*rhs)
             << " needs a common type of more than 64 bits";
    FixedType common =
        FixedType::get(context, unsigned(join.width), join.intWidth,
                       join.isSigned, QuantMode::TRN, OverflowMode::WRAP);
    compare = builder.create<nn::CompareOp>(
        loc, result, castTo(loc, *lhs, common), castTo(loc, *rhs, common),
        op.getPredicateAttr(), op.getValueAttr());
  } else {
    FixedType type = elementOf(*lhs);
    if (type.getWidth() > 52)
      return op.emitError("comparing ")
             << type << " with a constant needs a type of at most 52 bits";
    compare = builder.create<nn::CompareOp>(
        loc, result, *lhs, Value(), op.getPredicateAttr(),
        builder.getF64FloatAttr(rawThreshold(
            op.getPredicate(), op.getValue().convertToDouble(), type)));
  }
  mapping.map(op.getOutput(), compare->getResult(0));
  return success();
}

/// A select: both branches cast into the result type (indices keep
/// theirs), the fills made raw integers of it.
LogicalResult Lowering::lowerSelect(nn::SelectOp op) {
  FailureOr<Value> condition = lowered(op.getCondition(), op);
  if (failed(condition))
    return failure();
  FixedType result;
  if (auto precision = op->getAttrOfType<DictionaryAttr>(kPrecisionAttr))
    result = typeIn(precision, "result");
  if (!result)
    result = indexType(context);
  if ((!op.getX() || !op.getY()) && result.getWidth() > 52)
    return op.emitError("a fill needs a result type of at most 52 bits, not ")
           << result;
  Location loc = op.getLoc();
  builder.setInsertionPoint(op);
  Value branches[2];
  Value given[2] = {op.getX(), op.getY()};
  for (auto [k, v] : llvm::enumerate(given)) {
    if (!v)
      continue;
    FailureOr<Value> lowered = this->lowered(v, op);
    if (failed(lowered))
      return failure();
    branches[k] = castTo(loc, *lowered, result);
  }
  auto select = builder.create<nn::SelectOp>(
      loc, withElement(op.getOutput(), result), *condition, branches[0],
      branches[1],
      builder.getF64FloatAttr(
          rawFill(op.getXValue().convertToDouble(), result)),
      builder.getF64FloatAttr(
          rawFill(op.getYValue().convertToDouble(), result)));
  mapping.map(op.getOutput(), select.getResult());
  return success();
}

/// Add, sub and mul of two activations: the exact result (fx.add, fx.sub,
/// fx.mul), then one cast into the layer's result type.
template <typename FxOp> LogicalResult Lowering::lowerArith(Operation *op) {
  if (hasConstantOperand(op))
    return lowerWithConstant(op);
  // An exact intermediate keeps the exact result, with no cast.
  bool exactResult = op->hasAttr(nn::kExactAttr);
  FixedType result;
  if (!exactResult) {
    FailureOr<FixedType> assigned = resultTypeOf(op);
    if (failed(assigned))
      return failure();
    result = *assigned;
  }
  FailureOr<std::pair<Value, Value>> operands = loweredPair(op);
  if (failed(operands))
    return failure();
  auto [a, b] = *operands;
  FixedType exact = FxOp::exactType(elementOf(a), elementOf(b));
  if (!exact)
    return op->emitError("the exact result of ")
           << elementOf(a) << " and " << elementOf(b)
           << " needs more than 64 bits; narrow the operands' types";
  builder.setInsertionPoint(op);
  Value y = builder.create<FxOp>(op->getLoc(),
                                 withElement(op->getResult(0), exact), a, b);
  mapping.map(op->getResult(0),
              exactResult ? y : castTo(op->getLoc(), y, result));
  return success();
}

/// A division by an activation: 1/x of the divisor from a table over its
/// calibration range (fx.table, entries of the table type), the exact
/// product with the dividend, then one cast into the result type.
LogicalResult Lowering::lowerDivision(Operation *op) {
  if (hasConstantOperand(op))
    return lowerWithConstant(op);
  DictionaryAttr precision = precisionOf(op);
  if (!precision)
    return failure();
  FixedType result = typeIn(precision, "result");
  auto table = precision.getAs<DictionaryAttr>("table");
  if (!result || !table)
    return op->emitError("fx.precision lacks the result type or the 1/x table");
  FailureOr<std::pair<Value, Value>> operands = loweredPair(op);
  if (failed(operands))
    return failure();
  auto [a, b] = *operands;
  builder.setInsertionPoint(op);
  auto entry =
      llvm::dyn_cast<FixedType>(table.getAs<TypeAttr>("entry").getValue());
  FailureOr<Value> inverse =
      lowerTable(op, b, nn::ActivationKind::reciprocal, 0, 0, table, entry);
  if (failed(inverse))
    return failure();
  FixedType exact = fx::MulOp::exactType(elementOf(a), elementOf(*inverse));
  if (!exact)
    return op->emitError("the exact product of ")
           << elementOf(a) << " and " << elementOf(*inverse)
           << " needs more than 64 bits; narrow the operands' types";
  Value y = builder.create<fx::MulOp>(
      op->getLoc(), withElement(op->getResult(0), exact), a, *inverse);
  mapping.map(op->getResult(0), castTo(op->getLoc(), y, result));
  return success();
}

/// A scatter: the updates and the start (zeros without one) in one type
/// that holds every result exactly, the scatter itself on raw integers,
/// then one cast into the result type. Without `add` that type is the
/// result's; with it, the join of both types with the integer bits of a
/// sum of `updates.shape[axis]` updates and the start.
LogicalResult Lowering::lowerScatter(nn::ScatterElementsOp op) {
  FailureOr<FixedType> assigned = resultTypeOf(op);
  if (failed(assigned))
    return failure();
  FixedType result = *assigned;
  FailureOr<Value> indices = lowered(op.getIndices(), op);
  FailureOr<Value> updates = lowered(op.getUpdates(), op);
  if (failed(indices) || failed(updates))
    return failure();
  Value start;
  if (op.getInput()) {
    FailureOr<Value> in = lowered(op.getInput(), op);
    if (failed(in))
      return failure();
    start = *in;
  }
  FixedType exact = result;
  if (op.getAdd()) {
    FixedSpec spec = elementOf(*updates).getSpec();
    int64_t terms = llvm::cast<RankedTensorType>(op.getUpdates().getType())
                        .getDimSize(int64_t(op.getAxis()));
    if (start) {
      // The join of both types and one more bit: two terms.
      spec = sumSpec(spec, elementOf(start).getSpec());
      terms = (terms + 2) / 2;
    }
    int extra = int(llvm::Log2_64_Ceil(uint64_t(std::max<int64_t>(terms, 1))));
    spec.width += extra;
    spec.intWidth += extra;
    if (spec.width > 64)
      return op.emitError("the exact sum of the scatter needs ")
             << spec.width << " bits, more than 64";
    exact = FixedType::get(context, unsigned(spec.width), spec.intWidth,
                           spec.isSigned, QuantMode::TRN, OverflowMode::WRAP);
  }
  builder.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value scattered = builder.create<nn::ScatterElementsOp>(
      loc, withElement(op.getOutput(), exact), *indices,
      castTo(loc, *updates, exact), start ? castTo(loc, start, exact) : Value(),
      op.getAxisAttr(), op.getAddAttr());
  mapping.map(op.getOutput(), castTo(loc, scattered, result));
  return success();
}

/// A matrix product of two activations: the exact accumulator (or the
/// config's, which may wrap), then one cast into the result type.
LogicalResult Lowering::lowerMatMul(nn::MatMulOp op) {
  DictionaryAttr precision = precisionOf(op);
  if (!precision)
    return failure();
  FixedType result = typeIn(precision, "result");
  if (!result)
    return op.emitError("fx.precision has no result type");
  FailureOr<std::pair<Value, Value>> operands = loweredPair(op);
  if (failed(operands))
    return failure();
  auto [a, b] = *operands;
  FixedType ta = elementOf(a), tb = elementOf(b);
  if (!isValidSpec(productSpec(ta.getSpec(), tb.getSpec())))
    return op.emitError("a product of ")
           << ta << " and " << tb
           << " needs more than 64 bits; narrow the operands' types";
  int64_t frac = ta.getFracWidth() + tb.getFracWidth();
  FixedType acc = typeIn(precision, "accumulator");
  if (acc && acc.getFracWidth() != frac)
    return op.emitError("accumulator type ")
           << acc << " has " << acc.getFracWidth()
           << " fractional bits; the products of " << ta << " and " << tb
           << " have " << frac;
  int64_t k =
      llvm::cast<RankedTensorType>(op.getLhs().getType()).getShape().back();
  if (!acc)
    acc = fx::MatMulOp::exactType(ta, tb, k);
  if (!acc)
    return op.emitError("the exact accumulator of this product needs more "
                        "than 64 bits; narrow the operands' types, or give a "
                        "WRAP accumulator in the config");
  builder.setInsertionPoint(op);
  Value y = builder.create<fx::MatMulOp>(
      op.getLoc(), withElement(op.getResult(), acc), a, b);
  mapping.map(op.getResult(), castTo(op.getLoc(), y, result));
  return success();
}

LogicalResult Lowering::lowerActivationOp(nn::ActivationOp act) {
  Operation *op = act.getOperation();
  DictionaryAttr precision = precisionOf(op);
  FailureOr<Value> x = lowered(act.getInput(), op);
  if (!precision || failed(x))
    return failure();
  FailureOr<Value> y = lowerActivation(
      op, *x, act.getActivation(), act.getAlpha().convertToDouble(),
      act.getBeta().convertToDouble(), precision);
  if (failed(y))
    return failure();
  mapping.map(act.getResult(), *y);
  return success();
}

const Lowering::Handlers &Lowering::handlers() {
  static const Handlers handlers = [] {
    Handlers h;
    h.add<nn::DenseOp>(
        [](nn::DenseOp op, Lowering &l) { return l.lowerDense(op); });
    h.add<nn::ActivationOp>([](nn::ActivationOp op, Lowering &l) {
      return l.lowerActivationOp(op);
    });
    h.add<nn::SoftmaxOp>(
        [](nn::SoftmaxOp op, Lowering &l) { return l.lowerSoftmax(op); });
    h.add<nn::BatchNormOp>([](nn::BatchNormOp op, Lowering &l) {
      FailureOr<ChannelAffine> affine = batchNormAffine(op);
      if (failed(affine))
        return LogicalResult(failure());
      return l.lowerAffine(op, op.getInput(), *affine);
    });
    h.add<nn::AddOp>(
        [](Operation *op, Lowering &l) { return l.lowerArith<fx::AddOp>(op); });
    h.add<nn::SubOp>(
        [](Operation *op, Lowering &l) { return l.lowerArith<fx::SubOp>(op); });
    h.add<nn::MulOp>(
        [](Operation *op, Lowering &l) { return l.lowerArith<fx::MulOp>(op); });
    h.add<nn::DivOp>(
        [](Operation *op, Lowering &l) { return l.lowerDivision(op); });
    h.add<nn::MatMulOp>(
        [](nn::MatMulOp op, Lowering &l) { return l.lowerMatMul(op); });
    // A maximum selects one of its inputs: exact in the input's type.
    addDataMovement<nn::ReshapeOp, nn::TransposeOp, nn::SliceOp, nn::ConcatOp,
                    nn::WindowOp, nn::ReduceMaxOp, nn::GatherElementsOp>(h);
    // A scatter stays an nn op on its exact type, between casts.
    h.add<nn::ScatterElementsOp>([](nn::ScatterElementsOp op, Lowering &l) {
      return l.lowerScatter(op);
    });
    kept().push_back(nn::ScatterElementsOp::getOperationName().str());
    // Comparisons and selects stay nn ops on fixed-point tensors; their
    // constants become raw integers.
    h.add<nn::CompareOp>(
        [](nn::CompareOp op, Lowering &l) { return l.lowerCompare(op); });
    h.add<nn::SelectOp>(
        [](nn::SelectOp op, Lowering &l) { return l.lowerSelect(op); });
    kept().push_back(nn::CompareOp::getOperationName().str());
    kept().push_back(nn::SelectOp::getOperationName().str());
    // Read by the layers that use it, erased with them.
    h.add<nn::ConstantOp>(
        [](Operation *, Lowering &) { return LogicalResult(success()); });
    return h;
  }();
  return handlers;
}

LogicalResult Lowering::run() {
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("needs a body of one block");
  Block &body = fn.getBody().front();
  builder.setInsertionPointToStart(&body);
  for (BlockArgument arg : body.getArguments()) {
    auto type = llvm::dyn_cast<RankedTensorType>(arg.getType());
    auto precision =
        fn.getArgAttrOfType<DictionaryAttr>(arg.getArgNumber(), kPrecisionAttr);
    FixedType element = precision ? typeIn(precision, "result") : FixedType();
    if (!type || !type.getElementType().isF32() || !element)
      return fn.emitError("input ")
             << arg.getArgNumber()
             << " needs an f32 tensor type and an fx.precision result type";
    // Named after the model input, for reports and generated code.
    Location loc = NameLoc::get(
        builder.getStringAttr(inputName(fn, arg.getArgNumber())), fn.getLoc());
    Value q = builder.create<fx::QuantizeOp>(loc, type.clone(element), arg);
    mapping.map(arg, q);
    fn.removeArgAttr(arg.getArgNumber(), kPrecisionAttr);
    fn.removeArgAttr(arg.getArgNumber(), kRangeAttr);
  }

  SmallVector<Operation *> original;
  for (Operation &op : body.without_terminator())
    if (!llvm::isa<fx::QuantizeOp>(op))
      original.push_back(&op);
  for (Operation *op : original) {
    builder.setInsertionPoint(op);
    const Handlers::Handler *lower = handlers().lookup(op);
    if (!lower)
      return op->emitError("'")
             << op->getName()
             << "' has no fixed-point implementation yet (supported: dense "
                "with or without activation, activations, softmax, batch "
                "normalization, add, sub, mul, div and matmul of "
                "activations, "
                "reshape, transpose, slice, concat)";
    if (failed((*lower)(op, *this)))
      return failure();
  }

  Operation *terminator = body.getTerminator();
  builder.setInsertionPoint(terminator);
  for (OpOperand &operand : terminator->getOpOperands()) {
    FailureOr<Value> v = lowered(operand.get(), terminator);
    if (failed(v))
      return failure();
    std::string name = "output" + std::to_string(operand.getOperandNumber());
    if (auto attr = fn.getResultAttrOfType<StringAttr>(
            operand.getOperandNumber(), "nn.name"))
      name = attr.str();
    Value dq = builder.create<fx::DequantizeOp>(
        NameLoc::get(builder.getStringAttr(name), terminator->getLoc()),
        llvm::cast<RankedTensorType>(operand.get().getType()), *v);
    operand.set(dq);
  }
  for (Operation *op : llvm::reverse(original))
    op->erase();
  return success();
}

} // namespace

std::vector<std::string> quant::loweredOpNames() {
  return Lowering::handlers().opNames();
}

std::vector<std::string> quant::keptOpNames() { return Lowering::keptOps(); }

namespace {

struct LowerToFxPass : public ariadne::impl::LowerToFxBase<LowerToFxPass> {
  void runOnOperation() override {
    if (failed(Lowering(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace

void ariadne::quant::buildQuantizationPipeline(OpPassManager &pm,
                                               const QuantizeOptions &options) {
  AssignPrecisionOptions assign;
  assign.precision = options.precision;
  assign.configPath = options.configPath;
  assign.maxWidth = options.maxWidth;
  pm.addNestedPass<func::FuncOp>(createAssignPrecision(assign));
  pm.addNestedPass<func::FuncOp>(createLowerToFx());
}
