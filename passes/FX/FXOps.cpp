//===- FXOps.cpp - fx dialect operations ----------------------------------===//
#include "passes/FX/FXOps.h"
#include "passes/Support/Broadcast.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::fx;

#define GET_OP_CLASSES
#include "passes/FX/FXOps.cpp.inc"

FixedType ariadne::fx::elementTypeOf(Value value) {
  return llvm::cast<FixedType>(
      llvm::cast<RankedTensorType>(value.getType()).getElementType());
}

SmallVector<int64_t> ariadne::fx::rawValuesOf(ElementsAttr attr) {
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

static RankedTensorType rankedType(Value value) {
  return llvm::cast<RankedTensorType>(value.getType());
}

static FixedType fixedElementType(Value value) {
  return llvm::cast<FixedType>(rankedType(value).getElementType());
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << '?';
    else
      os << dim;
  });
  os << ']';
  return text;
}

/// Only the leading dimension may be dynamic: it is the event batch, and
/// every other extent must be known to size an event.
static LogicalResult verifyEventShape(Operation *op, Value value,
                                      StringRef what) {
  ArrayRef<int64_t> shape = rankedType(value).getShape();
  for (auto [index, dim] : llvm::enumerate(shape))
    if (index > 0 && ShapedType::isDynamic(dim))
      return op->emitOpError() << what << " shape " << formatShape(shape)
                               << " has a dynamic dimension " << index
                               << "; only the leading (batch) one may be";
  return success();
}

/// The element-wise ops: one result value per input value.
static LogicalResult verifyElementwise(Operation *op, Value input,
                                       Value output) {
  if (failed(verifyEventShape(op, input, "input")) ||
      failed(verifyEventShape(op, output, "result")))
    return failure();
  ArrayRef<int64_t> in = rankedType(input).getShape();
  ArrayRef<int64_t> out = rankedType(output).getShape();
  if (in != out)
    return op->emitOpError()
           << "input shape " << formatShape(in) << " and result shape "
           << formatShape(out) << " differ";
  return success();
}

/// Whether `value`, an i64 raw value as the attributes hold them (see
/// FXOps.td), is a raw value of `type`.
static bool fitsRaw(const APInt &value, FixedType type) {
  unsigned width = type.getWidth();
  // The 64-bit pattern of a 64-bit ufixed value is its integer.
  return type.isSigned() ? value.isSignedIntN(width) : value.isIntN(width);
}

static std::string rawRange(FixedType type) {
  FixedSpec spec = type.getSpec();
  uint64_t lo = ariadne::detail::minBits(spec.width, spec.isSigned);
  uint64_t hi = ariadne::detail::maxBits(spec.width, spec.isSigned);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (spec.isSigned)
    os << static_cast<int64_t>(lo) << " to " << static_cast<int64_t>(hi);
  else
    os << lo << " to " << hi;
  return text;
}

/// Checks that `attr` holds i64 raw values of `type`, naming the first that
/// does not fit by its position.
static LogicalResult verifyRawValues(Operation *op, ElementsAttr attr,
                                     FixedType type, StringRef what) {
  auto shaped = llvm::cast<ShapedType>(attr.getType());
  if (!shaped.getElementType().isInteger(64))
    return op->emitOpError() << what << " must hold i64 raw values of " << type
                             << ", not " << shaped.getElementType();
  auto values = attr.tryGetValues<APInt>();
  if (!values)
    return op->emitOpError() << what << " values cannot be read as integers";
  ArrayRef<int64_t> shape = shaped.getShape();
  for (auto [flat, value] : llvm::enumerate(*values)) {
    if (fitsRaw(value, type))
      continue;
    SmallVector<int64_t> position(shape.size());
    int64_t rest = static_cast<int64_t>(flat);
    for (size_t dim = shape.size(); dim-- > 0;) {
      position[dim] = rest % shape[dim];
      rest /= shape[dim];
    }
    return op->emitOpError()
           << what << " value " << value.getSExtValue() << " at "
           << formatShape(position) << " is not a raw value of " << type << " ("
           << rawRange(type) << ")";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp, DequantizeOp, CastOp, ReluOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return verifyElementwise(*this, getInput(), getOutput());
}

LogicalResult DequantizeOp::verify() {
  return verifyElementwise(*this, getInput(), getOutput());
}

LogicalResult CastOp::verify() {
  return verifyElementwise(*this, getInput(), getOutput());
}

LogicalResult ReluOp::verify() {
  return verifyElementwise(*this, getInput(), getOutput());
}

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

/// The extreme raw values of a type, as signed integers of `bits` bits.
static APInt rawMin(FixedType type, unsigned bits) {
  APInt value(64, ariadne::detail::minBits(type.getWidth(), type.isSigned()));
  return type.isSigned() ? value.sext(bits) : value.zext(bits);
}

static APInt rawMax(FixedType type, unsigned bits) {
  APInt value(64, ariadne::detail::maxBits(type.getWidth(), type.isSigned()));
  return type.isSigned() ? value.sext(bits) : value.zext(bits);
}

/// The narrowest TRN/WRAP type holding every sum of `terms` products of
/// raw values of `a` and `b`, plus a bias of type `bias` (may be null)
/// shifted onto the products' grid; null beyond 64 bits.
static FixedType exactSumOfProducts(FixedType a, FixedType b, FixedType bias,
                                    int64_t terms) {
  if (!a || !b || terms < 0)
    return {};
  int64_t frac = a.getFracWidth() + b.getFracWidth();
  int64_t biasShift = bias ? frac - bias.getFracWidth() : 0;
  // A bias shifted by more than 128 bits needs more than 64 bits on its own
  // (every type has a nonzero extreme); the bound keeps the integers below
  // small: products < 2^128, times K < 2^63, plus the bias < 2^192.
  if (biasShift < 0 || biasShift > 128)
    return {};
  constexpr unsigned kBits = 256;
  APInt aLo = rawMin(a, kBits), aHi = rawMax(a, kBits);
  APInt bLo = rawMin(b, kBits), bHi = rawMax(b, kBits);
  APInt corners[] = {aLo * bLo, aLo * bHi, aHi * bLo, aHi * bHi};
  APInt productLo = corners[0], productHi = corners[0];
  for (const APInt &corner : corners) {
    if (corner.slt(productLo))
      productLo = corner;
    if (corner.sgt(productHi))
      productHi = corner;
  }
  APInt count(kBits, static_cast<uint64_t>(terms));
  APInt lo = productLo * count, hi = productHi * count;
  if (bias) {
    lo += rawMin(bias, kBits).shl(static_cast<unsigned>(biasShift));
    hi += rawMax(bias, kBits).shl(static_cast<unsigned>(biasShift));
  }
  bool isSigned = lo.isNegative();
  unsigned width =
      isSigned ? std::max(lo.getSignificantBits(), hi.getSignificantBits())
               : std::max(hi.getActiveBits(), 1u);
  int64_t intWidth = static_cast<int64_t>(width) - frac;
  if (checkFixedWidths(width, intWidth))
    return {};
  return FixedType::get(a.getContext(), width, intWidth, isSigned, TRN, WRAP);
}

FixedType DenseOp::exactAccumulatorType(FixedType input, FixedType weight,
                                        FixedType bias, int64_t inFeatures) {
  return exactSumOfProducts(input, weight, bias, inFeatures);
}

/// A TRN/WRAP accumulator with `frac` fractional bits: what a sum of
/// products must be written into so that it never depends on the order of
/// the additions.
static LogicalResult verifyAccumulator(Operation *op, FixedType acc,
                                       FixedType a, FixedType b) {
  int64_t frac = a.getFracWidth() + b.getFracWidth();
  if (acc.getOverflow() != WRAP || acc.getQuant() != TRN)
    return op->emitOpError("accumulator type ")
           << acc << " must be TRN, WRAP: a rounding or saturating sum "
           << "depends on the order of the additions";
  if (acc.getFracWidth() != frac)
    return op->emitOpError("accumulator type ")
           << acc << " has " << acc.getFracWidth()
           << " fractional bits, but the products of " << a << " and " << b
           << " have " << frac;
  return success();
}

int64_t DenseOp::getOutFeatures() {
  return llvm::cast<ShapedType>(getWeight().getType()).getDimSize(0);
}

int64_t DenseOp::getInFeatures() {
  return llvm::cast<ShapedType>(getWeight().getType()).getDimSize(1);
}

LogicalResult DenseOp::verify() {
  if (failed(verifyEventShape(*this, getInput(), "input")) ||
      failed(verifyEventShape(*this, getOutput(), "result")))
    return failure();
  RankedTensorType inType = rankedType(getInput());
  if (inType.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  auto weightShaped = llvm::cast<ShapedType>(getWeight().getType());
  if (weightShaped.getRank() != 2)
    return emitOpError("weight must have shape [N, K], not ")
           << formatShape(weightShaped.getShape());
  int64_t k = inType.getShape().back();
  if (k != getInFeatures())
    return emitOpError("weight has ")
           << getInFeatures() << " input features but the input has "
           << (ShapedType::isDynamic(k) ? std::string("?") : std::to_string(k));
  FixedType weightType = getWeightType();
  if (failed(verifyRawValues(*this, getWeight(), weightType, "weight")))
    return failure();

  FixedType inElement = fixedElementType(getInput());
  FixedType acc = fixedElementType(getOutput());
  int64_t frac = inElement.getFracWidth() + weightType.getFracWidth();

  std::optional<FixedType> biasType = getBiasType();
  if (getBiasAttr() && !biasType)
    return emitOpError("has a bias but no bias_type");
  if (!getBiasAttr() && biasType)
    return emitOpError("has a bias_type but no bias");
  if (auto bias = getBiasAttr()) {
    auto biasShaped = llvm::cast<ShapedType>(bias.getType());
    if (biasShaped.getRank() != 1 ||
        biasShaped.getDimSize(0) != getOutFeatures())
      return emitOpError("bias must have shape [")
             << getOutFeatures() << "], not "
             << formatShape(biasShaped.getShape());
    if (failed(verifyRawValues(*this, bias, *biasType, "bias")))
      return failure();
    // The bias joins the sum by a left shift; a right one would round.
    if (biasType->getFracWidth() > frac)
      return emitOpError("bias type ")
             << *biasType << " has " << biasType->getFracWidth()
             << " fractional bits, more than the accumulator's " << frac;
  }

  // A sum that rounded or saturated would depend on the order of the
  // additions, which the backends choose freely.
  if (failed(verifyAccumulator(*this, acc, inElement, weightType)))
    return failure();

  SmallVector<int64_t> expected(inType.getShape());
  expected.back() = getOutFeatures();
  ArrayRef<int64_t> out = rankedType(getOutput()).getShape();
  if (out != ArrayRef<int64_t>(expected))
    return emitOpError("result shape ")
           << formatShape(out) << " should be " << formatShape(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// TableOp
//===----------------------------------------------------------------------===//

LogicalResult TableOp::verify() {
  if (failed(verifyElementwise(*this, getInput(), getOutput())))
    return failure();
  auto tableShaped = llvm::cast<ShapedType>(getTable().getType());
  if (tableShaped.getRank() != 1 || tableShaped.getDimSize(0) < 1)
    return emitOpError("table must have shape [T] with T >= 1, not ")
           << formatShape(tableShaped.getShape());
  if (failed(verifyRawValues(*this, getTable(), fixedElementType(getOutput()),
                             "table")))
    return failure();
  // The I64Attr getters read the integer as unsigned.
  int64_t inputLow = getInputLowAttr().getInt();
  int64_t shift = getShiftAttr().getInt();
  FixedType inElement = fixedElementType(getInput());
  if (!fitsRaw(APInt(64, static_cast<uint64_t>(inputLow)), inElement))
    return emitOpError("input_low ")
           << inputLow << " is not a raw value of " << inElement << " ("
           << rawRange(inElement) << ")";
  if (shift < 0 || shift > 63)
    return emitOpError("shift must be 0 to 63, got ") << shift;
  return success();
}

//===----------------------------------------------------------------------===//
// LeakyReluOp, ClampOp, ScaleOp
//===----------------------------------------------------------------------===//

/// The raw value an I64Attr holds (its getter reads it as unsigned).
static int64_t rawOf(IntegerAttr attr) {
  return attr.getValue().getSExtValue();
}

static LogicalResult verifyRawScalar(Operation *op, IntegerAttr attr,
                                     FixedType type, StringRef what) {
  if (!fitsRaw(APInt(64, static_cast<uint64_t>(rawOf(attr))), type))
    return op->emitOpError()
           << what << " " << rawOf(attr) << " is not a raw value of " << type
           << " (" << rawRange(type) << ")";
  return success();
}

LogicalResult LeakyReluOp::verify() {
  if (failed(verifyElementwise(*this, getInput(), getOutput())) ||
      failed(verifyRawScalar(*this, getAlphaAttr(), getAlphaType(), "alpha")))
    return failure();
  unsigned width =
      fixedElementType(getInput()).getWidth() + getAlphaType().getWidth();
  if (width > 63)
    return emitOpError("input and alpha widths add up to ")
           << width << " bits; at most 63 keep the product exact";
  return success();
}

LogicalResult ClampOp::verify() {
  if (failed(verifyElementwise(*this, getInput(), getOutput())))
    return failure();
  FixedType type = fixedElementType(getInput());
  if (failed(verifyRawScalar(*this, getLowAttr(), type, "low")) ||
      failed(verifyRawScalar(*this, getHighAttr(), type, "high")))
    return failure();
  uint64_t low = static_cast<uint64_t>(rawOf(getLowAttr()));
  uint64_t high = static_cast<uint64_t>(rawOf(getHighAttr()));
  bool ordered = type.isSigned()
                     ? static_cast<int64_t>(low) <= static_cast<int64_t>(high)
                     : low <= high;
  if (!ordered)
    return emitOpError("low must not exceed high");
  return success();
}

/// Checks a per-channel vector of `scale`'s: shape [C] or [1].
static LogicalResult verifyChannelValues(Operation *op, ElementsAttr attr,
                                         FixedType type, int64_t channels,
                                         StringRef what) {
  auto shaped = llvm::cast<ShapedType>(attr.getType());
  if (shaped.getRank() != 1 ||
      (shaped.getDimSize(0) != 1 && shaped.getDimSize(0) != channels))
    return op->emitOpError() << what << " must have shape [1] or [" << channels
                             << "], not " << formatShape(shaped.getShape());
  return verifyRawValues(op, attr, type, what);
}

LogicalResult ScaleOp::verify() {
  if (failed(verifyElementwise(*this, getInput(), getOutput())))
    return failure();
  RankedTensorType inType = rankedType(getInput());
  if (inType.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  int64_t channels = inType.getShape().back();
  FixedType inElement = fixedElementType(getInput());
  FixedType scaleType = getScaleType();
  if (failed(
          verifyChannelValues(*this, getScale(), scaleType, channels, "scale")))
    return failure();
  std::optional<FixedType> offsetType = getOffsetType();
  if (getOffsetAttr() && !offsetType)
    return emitOpError("has an offset but no offset_type");
  if (!getOffsetAttr() && offsetType)
    return emitOpError("has an offset_type but no offset");
  int64_t frac = inElement.getFracWidth() + scaleType.getFracWidth();
  // Bits of |v|: the product, plus one for the offset's addition.
  int64_t bits = inElement.getWidth() + scaleType.getWidth();
  if (auto offset = getOffsetAttr()) {
    if (failed(verifyChannelValues(*this, offset, *offsetType, channels,
                                   "offset")))
      return failure();
    int64_t shift = frac - offsetType->getFracWidth();
    if (shift < 0)
      return emitOpError("offset type ")
             << *offsetType << " has more fractional bits than the "
             << "product's " << frac;
    bits = std::max<int64_t>(bits, offsetType->getWidth() + shift) + 1;
  }
  if (bits > 63)
    return emitOpError("x * scale + offset needs up to ")
           << bits << " bits; at most 63 keep it exact";
  return success();
}

//===----------------------------------------------------------------------===//
// SoftmaxOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyTableShape(Operation *op, ElementsAttr table,
                                      FixedType type, StringRef what) {
  auto shaped = llvm::cast<ShapedType>(table.getType());
  if (shaped.getRank() != 1 || shaped.getDimSize(0) < 1)
    return op->emitOpError() << what << " must have shape [T] with T >= 1, not "
                             << formatShape(shaped.getShape());
  return verifyRawValues(op, table, type, what);
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyElementwise(*this, getInput(), getOutput())))
    return failure();
  RankedTensorType inType = rankedType(getInput());
  if (inType.getRank() < 1 || ShapedType::isDynamic(inType.getShape().back()))
    return emitOpError("input must have a static last axis");
  int64_t n = inType.getShape().back();
  FixedType inElement = fixedElementType(getInput());
  FixedType expType = getExpType(), invType = getInvType();
  if (inElement.getWidth() > 62)
    return emitOpError("input is ")
           << inElement.getWidth() << " bits wide; at most 62";
  if (expType.isSigned())
    return emitOpError("exp_type ") << expType << " must be unsigned";
  if (failed(verifyTableShape(*this, getExpTable(), expType, "exp_table")) ||
      failed(verifyTableShape(*this, getInvTable(), invType, "inv_table")))
    return failure();
  unsigned sumBits = expType.getWidth() +
                     llvm::APInt(64, static_cast<uint64_t>(n)).getActiveBits();
  if (sumBits > 62)
    return emitOpError("the sum of ")
           << n << " values of " << expType << " needs " << sumBits
           << " bits; at most 62";
  if (expType.getWidth() + invType.getWidth() > 63)
    return emitOpError("exp_type and inv_type widths add up to more than 63");
  for (auto [attr, what] : {std::pair(getExpShiftAttr(), "exp_shift"),
                            std::pair(getInvShiftAttr(), "inv_shift")})
    if (rawOf(attr) < 0 || rawOf(attr) > 63)
      return emitOpError() << what << " must be 0 to 63, got " << rawOf(attr);
  if (rawOf(getInvLowAttr()) < 0)
    return emitOpError("inv_low must be >= 0 (the sum is), got ")
           << rawOf(getInvLowAttr());
  return success();
}

//===----------------------------------------------------------------------===//
// AddOp, SubOp, MulOp, MatMulOp
//===----------------------------------------------------------------------===//

static FixedType typeOfSpec(MLIRContext *context, const FixedSpec &spec) {
  if (!isValidSpec(spec))
    return {};
  return FixedType::get(context, unsigned(spec.width), spec.intWidth,
                        spec.isSigned, TRN, WRAP);
}

FixedType AddOp::exactType(FixedType lhs, FixedType rhs) {
  return typeOfSpec(lhs.getContext(), sumSpec(lhs.getSpec(), rhs.getSpec()));
}

FixedType SubOp::exactType(FixedType lhs, FixedType rhs) {
  return typeOfSpec(lhs.getContext(),
                    differenceSpec(lhs.getSpec(), rhs.getSpec()));
}

FixedType MulOp::exactType(FixedType lhs, FixedType rhs) {
  return typeOfSpec(lhs.getContext(),
                    productSpec(lhs.getSpec(), rhs.getSpec()));
}

/// The shapes of an element-wise op of two operands: both broadcast to the
/// result's, and only leading dimensions dynamic.
static LogicalResult verifyBroadcast(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value out = op->getResult(0);
  if (failed(verifyEventShape(op, lhs, "left operand")) ||
      failed(verifyEventShape(op, rhs, "right operand")) ||
      failed(verifyEventShape(op, out, "result")))
    return failure();
  ArrayRef<int64_t> a = rankedType(lhs).getShape();
  ArrayRef<int64_t> b = rankedType(rhs).getShape();
  ArrayRef<int64_t> y = rankedType(out).getShape();
  auto expected = broadcastShapes(a, b);
  if (failed(expected) || ArrayRef<int64_t>(*expected) != y)
    return op->emitOpError("operand shapes ")
           << formatShape(a) << " and " << formatShape(b)
           << " do not broadcast to the result shape " << formatShape(y);
  return success();
}

/// An exact element-wise op: broadcast shapes and the exact result type.
template <typename OpT> static LogicalResult verifyExactArith(OpT op) {
  if (failed(verifyBroadcast(op)))
    return failure();
  FixedType a = fixedElementType(op.getLhs());
  FixedType b = fixedElementType(op.getRhs());
  FixedType out = fixedElementType(op.getOutput());
  FixedType exact = OpT::exactType(a, b);
  if (!exact)
    return op.emitOpError("the exact result of ")
           << a << " and " << b << " needs more than 64 bits";
  if (out != exact)
    return op.emitOpError("result type ")
           << out << " is not the exact type " << exact << " of " << a
           << " and " << b;
  return success();
}

LogicalResult AddOp::verify() { return verifyExactArith(*this); }
LogicalResult SubOp::verify() { return verifyExactArith(*this); }
LogicalResult MulOp::verify() { return verifyExactArith(*this); }

int64_t MatMulOp::getContracted() {
  return rankedType(getLhs()).getShape().back();
}

FixedType MatMulOp::exactType(FixedType lhs, FixedType rhs, int64_t k) {
  return exactSumOfProducts(lhs, rhs, {}, k);
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyEventShape(*this, getLhs(), "left operand")) ||
      failed(verifyEventShape(*this, getRhs(), "right operand")) ||
      failed(verifyEventShape(*this, getOutput(), "result")))
    return failure();
  ArrayRef<int64_t> a = rankedType(getLhs()).getShape();
  ArrayRef<int64_t> b = rankedType(getRhs()).getShape();
  auto shape = matMulShape(a, b);
  if (failed(shape) || ShapedType::isDynamic(shape->k))
    return emitOpError("operand shapes ")
           << formatShape(a) << " x " << formatShape(b) << " do not multiply";
  ArrayRef<int64_t> out = rankedType(getOutput()).getShape();
  if (ArrayRef<int64_t>(shape->result) != out)
    return emitOpError("result shape ")
           << formatShape(out) << " is not the product's "
           << formatShape(shape->result);
  FixedType lhs = fixedElementType(getLhs()), rhs = fixedElementType(getRhs());
  if (!isValidSpec(productSpec(lhs.getSpec(), rhs.getSpec())))
    return emitOpError("a product of ")
           << lhs << " and " << rhs << " needs more than 64 bits";
  return verifyAccumulator(*this, fixedElementType(getOutput()), lhs, rhs);
}
