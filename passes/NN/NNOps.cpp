//===- NNOps.cpp - nn dialect operations ----------------------------------===//
#include "passes/NN/NNOps.h"
#include "passes/Support/Broadcast.h"
#include "passes/Support/Window.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace ariadne::nn;

#include "passes/NN/NNEnums.cpp.inc"

#define GET_OP_CLASSES
#include "passes/NN/NNOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
ariadne::nn::broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  return ariadne::broadcastShapes(lhs, rhs);
}

double ariadne::nn::evalActivation(ActivationKind kind, double alpha,
                                   double beta, double x) {
  switch (kind) {
  case ActivationKind::none:
    return x;
  case ActivationKind::relu:
    return x > 0 ? x : 0.0;
  case ActivationKind::leaky_relu:
    return x < 0 ? alpha * x : x;
  case ActivationKind::tanh:
    return std::tanh(x);
  case ActivationKind::sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case ActivationKind::softsign:
    return x / (1.0 + std::fabs(x));
  case ActivationKind::hard_sigmoid:
    return std::max(0.0, std::min(1.0, alpha * x + beta));
  case ActivationKind::clip:
    return std::min(beta, std::max(alpha, x));
  case ActivationKind::abs:
    return std::fabs(x);
  case ActivationKind::elu:
    return x < 0 ? alpha * std::expm1(x) : x;
  case ActivationKind::selu:
    return beta * (x < 0 ? alpha * std::expm1(x) : x);
  case ActivationKind::softplus:
    return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
  case ActivationKind::erf:
    return std::erf(x);
  case ActivationKind::gelu:
    return 0.5 * x * std::erfc(-x / std::sqrt(2.0));
  case ActivationKind::gelu_tanh:
    return x / (1.0 + std::exp(-2.0 * std::sqrt(2.0 / M_PI) *
                               (x + 0.044715 * x * x * x)));
  case ActivationKind::rsqrt:
    return 1.0 / std::sqrt(alpha * x + beta);
  case ActivationKind::reciprocal:
    return 1.0 / x;
  }
  llvm_unreachable("unknown activation kind");
}

static LogicalResult verifyShape(Operation *op, ArrayRef<int64_t> expected,
                                 RankedTensorType actual) {
  if (actual.getShape() == expected)
    return success();
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      expected, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return op->emitOpError("result type ")
         << actual << " does not match the expected shape " << os.str();
}

static RankedTensorType rankedType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

int64_t ariadne::nn::elementCount(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t, 4> ariadne::nn::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

int64_t DenseOp::getInFeatures() {
  return llvm::cast<ShapedType>(getWeight().getType()).getDimSize(1);
}
int64_t DenseOp::getOutFeatures() {
  return llvm::cast<ShapedType>(getWeight().getType()).getDimSize(0);
}

LogicalResult DenseOp::verify() {
  auto inType = rankedType(getInput());
  auto weightType = llvm::cast<ShapedType>(getWeight().getType());
  if (inType.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  if (weightType.getRank() != 2)
    return emitOpError("weight must have shape [N, K]");
  int64_t k = inType.getShape().back();
  if (!ShapedType::isDynamic(k) && k != getInFeatures())
    return emitOpError("weight has ")
           << getInFeatures() << " input features but the input has " << k;
  if (auto bias = getBiasAttr()) {
    auto biasType = llvm::cast<ShapedType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != getOutFeatures())
      return emitOpError("bias must have shape [") << getOutFeatures() << "]";
  }
  SmallVector<int64_t> expected(inType.getShape());
  expected.back() = getOutFeatures();
  return verifyShape(*this, expected, rankedType(getOutput()));
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  ArrayRef<int64_t> a = rankedType(getLhs()).getShape();
  ArrayRef<int64_t> b = rankedType(getRhs()).getShape();
  if (a.empty() || b.empty())
    return emitOpError("operands must have rank >= 1");
  int64_t ka = a.back(), kb = b.size() == 1 ? b[0] : b[b.size() - 2];
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(kb) && ka != kb)
    return emitOpError("contraction dimensions differ: ") << ka << " vs " << kb;
  auto shape = ariadne::matMulShape(a, b);
  if (failed(shape))
    return emitOpError("batch dimensions do not broadcast");
  SmallVector<int64_t> expected = shape->result;
  return verifyShape(*this, expected, rankedType(getOutput()));
}

//===----------------------------------------------------------------------===//
// ActivationOp, SoftmaxOp, BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult ActivationOp::verify() {
  if (getActivation() == ActivationKind::clip &&
      getAlpha().convertToFloat() > getBeta().convertToFloat())
    return emitOpError("clip needs alpha (min) <= beta (max)");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  auto type = rankedType(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= type.getRank())
    return emitOpError("axis ") << axis << " out of range";
  if (type.isDynamicDim(axis))
    return emitOpError("softmax across the dynamic batch dimension");
  return success();
}

LogicalResult BatchNormOp::verify() {
  auto type = rankedType(getInput());
  if (type.getRank() < 2)
    return emitOpError("input must have rank >= 2 (batch, channel, ...)");
  int64_t channels = type.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto pt = rankedType(param);
    if (pt.getRank() != 1 || pt.getDimSize(0) != channels)
      return emitOpError("parameters must have shape [") << channels << "]";
  }
  return verifyShape(*this, type.getShape(), rankedType(getOutput()));
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

template <typename Op> static LogicalResult verifyBinary(Op op) {
  auto shape = broadcastShapes(rankedType(op.getLhs()).getShape(),
                               rankedType(op.getRhs()).getShape());
  if (failed(shape))
    return op.emitOpError("operand shapes do not broadcast");
  return verifyShape(op, *shape, rankedType(op.getOutput()));
}

/// Folds a binary op whose operands are both float constants.
template <typename Fn>
static OpFoldResult foldBinary(Attribute lhsAttr, Attribute rhsAttr,
                               RankedTensorType resultType, Fn fn) {
  auto lhs = llvm::dyn_cast_or_null<DenseElementsAttr>(lhsAttr);
  auto rhs = llvm::dyn_cast_or_null<DenseElementsAttr>(rhsAttr);
  if (!lhs || !rhs || !resultType.hasStaticShape() ||
      !llvm::isa<FloatType>(resultType.getElementType()) ||
      !llvm::isa<FloatType>(lhs.getElementType()) ||
      !llvm::isa<FloatType>(rhs.getElementType()))
    return {};
  ArrayRef<int64_t> shape = resultType.getShape();
  auto lhsShape = lhs.getType().getShape(), rhsShape = rhs.getType().getShape();
  auto lhsStrides = stridesOf(lhsShape), rhsStrides = stridesOf(rhsShape);
  auto lhsValues = llvm::to_vector(lhs.getValues<APFloat>());
  auto rhsValues = llvm::to_vector(rhs.getValues<APFloat>());
  int64_t count = resultType.getNumElements();
  SmallVector<APFloat> out;
  out.reserve(count);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t li = 0, ri = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t ld = int64_t(d) - int64_t(shape.size() - lhsShape.size());
      int64_t rd = int64_t(d) - int64_t(shape.size() - rhsShape.size());
      if (ld >= 0 && lhsShape[ld] != 1)
        li += index[d] * lhsStrides[ld];
      if (rd >= 0 && rhsShape[rd] != 1)
        ri += index[d] * rhsStrides[rd];
    }
    double v =
        fn(lhsValues[li].convertToDouble(), rhsValues[ri].convertToDouble());
    APFloat value(v);
    bool lost;
    value.convert(
        llvm::cast<FloatType>(resultType.getElementType()).getFloatSemantics(),
        APFloat::rmNearestTiesToEven, &lost);
    out.push_back(value);
    for (int d = int(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(resultType, out);
}

// Max and min propagate NaN, as numpy and PyTorch do; std::max alone returns
// its first operand when either is NaN, so the fold of max(NaN, 1) and of
// max(1, NaN) would differ.
static double maxPropagatingNaN(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? a + b : std::max(a, b);
}
static double minPropagatingNaN(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? a + b : std::min(a, b);
}

#define ARIADNE_BINARY_OP(OP, EXPR)                                            \
  LogicalResult OP::verify() { return verifyBinary(*this); }                   \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldBinary(adaptor.getLhs(), adaptor.getRhs(),                      \
                      rankedType(getOutput()),                                 \
                      [](double a, double b) { return EXPR; });                \
  }
// Folding computes in double and rounds once to the result type, so it
// matches the float32 computation for +, -, *, / (exactly rounded).
ARIADNE_BINARY_OP(AddOp, a + b)
ARIADNE_BINARY_OP(SubOp, a - b)
ARIADNE_BINARY_OP(MulOp, a *b)
ARIADNE_BINARY_OP(DivOp, a / b)
ARIADNE_BINARY_OP(MaxOp, maxPropagatingNaN(a, b))
ARIADNE_BINARY_OP(MinOp, minPropagatingNaN(a, b))
#undef ARIADNE_BINARY_OP

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  auto eventCount = [](RankedTensorType t, bool dropBatch) {
    int64_t n = 1;
    for (int64_t d : t.getShape().drop_front(dropBatch ? 1 : 0))
      n *= d;
    return n;
  };
  bool inBatch = in.getRank() > 0 && in.isDynamicDim(0);
  bool outBatch = out.getRank() > 0 && out.isDynamicDim(0);
  if (inBatch != outBatch)
    return emitOpError("the dynamic batch dimension must stay the leading one");
  for (RankedTensorType t : {in, out})
    for (int64_t i = inBatch ? 1 : 0; i < t.getRank(); ++i)
      if (t.isDynamicDim(i))
        return emitOpError("only the leading dimension may be dynamic");
  if (eventCount(in, inBatch) != eventCount(out, outBatch))
    return emitOpError("element count differs between ")
           << in << " and " << out;
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes");
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  if (auto dense =
          llvm::dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (rankedType(getOutput()).hasStaticShape())
      return dense.reshape(rankedType(getOutput()));
  return {};
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  auto in = rankedType(getInput());
  ArrayRef<int64_t> perm = getPerm();
  if (int64_t(perm.size()) != in.getRank())
    return emitOpError("perm has ")
           << perm.size() << " entries for rank " << in.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expected.push_back(in.getDimSize(p));
  }
  if (in.getRank() > 0 && in.isDynamicDim(0) && perm[0] != 0)
    return emitOpError("the dynamic batch dimension must stay the leading one");
  return verifyShape(*this, expected, rankedType(getOutput()));
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPerm();
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == int64_t(i);
  if (identity)
    return getInput();
  // A transpose of a transpose is one transpose (none when they cancel, as
  // the pairs around a convolution of a channel-last export do).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> first = inner.getPerm();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(first[p]);
    if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      return inner.getInput();
    setPerm(composed);
    getInputMutable().set(inner.getInput());
    return getResult();
  }
  auto dense = llvm::dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  auto outType = rankedType(getOutput());
  if (!dense || !outType.hasStaticShape())
    return {};
  auto inShape = dense.getType().getShape();
  auto inStrides = stridesOf(inShape);
  auto values = llvm::to_vector(dense.getValues<Attribute>());
  SmallVector<Attribute> out;
  out.reserve(values.size());
  ArrayRef<int64_t> outShape = outType.getShape();
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t flat = 0, n = outType.getNumElements(); flat < n; ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < outShape.size(); ++d)
      src += index[d] * inStrides[perm[d]];
    out.push_back(values[src]);
    for (int d = int(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(outType, out);
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto first = rankedType(getInputs().front());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOpError("axis ") << axis << " out of range";
  if (first.isDynamicDim(axis))
    return emitOpError("concatenation along the dynamic batch dimension");
  SmallVector<int64_t> expected(first.getShape());
  expected[axis] = 0;
  for (Value v : getInputs()) {
    auto t = rankedType(v);
    if (t.getRank() != first.getRank())
      return emitOpError("inputs differ in rank");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOpError("inputs differ in dimension ") << d;
    expected[axis] += t.getDimSize(axis);
  }
  return verifyShape(*this, expected, rankedType(getOutput()));
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  if (int64_t(starts.size()) != in.getRank() ||
      int64_t(steps.size()) != in.getRank() || out.getRank() != in.getRank())
    return emitOpError("needs one start and step per dimension");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (steps[d] == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    if (in.isDynamicDim(d) || out.isDynamicDim(d)) {
      if (d != 0 || !in.isDynamicDim(d) || !out.isDynamicDim(d) ||
          starts[d] != 0 || steps[d] != 1)
        return emitOpError("only the whole dynamic batch dimension may pass");
      continue;
    }
    int64_t n = out.getDimSize(d);
    if (n == 0)
      continue;
    int64_t last = starts[d] + (n - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= in.getDimSize(d) || last < 0 ||
        last >= in.getDimSize(d))
      return emitOpError("dimension ") << d << " reads outside the input";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// WindowOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t, 3> WindowOp::getOutputSpatial() {
  ArrayRef<int64_t> shape = rankedType(getInput()).getShape();
  size_t rank = getKernelShape().size();
  SmallVector<int64_t, 3> out;
  for (size_t d = 0; d < rank; ++d)
    out.push_back(ariadne::windowPositions(
        shape[shape.size() - rank + d], getKernelShape()[d], getStrides()[d],
        getDilations()[d], getPads()[d], getPads()[rank + d]));
  return out;
}

LogicalResult WindowOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  size_t rank = getKernelShape().size();
  if (rank < 1 || rank > size_t(ariadne::kMaxWindowRank))
    return emitOpError("has ") << rank << " spatial dimensions; 1 to "
                               << ariadne::kMaxWindowRank << " are supported";
  if (getStrides().size() != rank || getDilations().size() != rank ||
      getPads().size() != 2 * rank)
    return emitOpError("needs one stride and dilation and two pads per "
                       "spatial dimension");
  // [N?, C, spatial...]: a dynamic leading dimension is the batch.
  bool batched = in.getRank() > 0 && in.isDynamicDim(0);
  if (size_t(in.getRank()) != rank + 1 + (batched ? 1 : 0))
    return emitOpError("input must be [N?, C, spatial...] with ")
           << rank << " spatial dimensions";
  for (int64_t d = batched ? 1 : 0; d < in.getRank(); ++d)
    if (in.isDynamicDim(d))
      return emitOpError("only the leading (batch) dimension may be dynamic");
  for (size_t d = 0; d < rank; ++d) {
    if (getKernelShape()[d] < 1 || getStrides()[d] < 1 || getDilations()[d] < 1)
      return emitOpError("kernel, stride and dilation must be positive");
    if (getPads()[d] < 0 || getPads()[rank + d] < 0)
      return emitOpError("pads must not be negative");
  }
  SmallVector<int64_t> expected;
  if (batched)
    expected.push_back(ShapedType::kDynamic);
  for (int64_t size : getOutputSpatial()) {
    if (size < 1)
      return emitOpError("the kernel does not fit the padded input");
    expected.push_back(size);
  }
  expected.push_back(in.getDimSize(batched ? 1 : 0));
  expected.push_back(elementCount(getKernelShape()));
  if (out.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("result shape must be ")
           << RankedTensorType::get(expected, out.getElementType());
  // The window only moves values.
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes");
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceMaxOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceMaxOp::verify() {
  auto in = rankedType(getInput()), out = rankedType(getOutput());
  if (in.getRank() < 1 || (in.getRank() == 1 && in.isDynamicDim(0)))
    return emitOpError("needs a last axis that is not the batch");
  if (in.isDynamicDim(in.getRank() - 1))
    return emitOpError("reduces a dynamic axis");
  if (in.getDimSize(in.getRank() - 1) < 1)
    return emitOpError("reduces an empty axis");
  if (out.getShape() != in.getShape().drop_back())
    return emitOpError("result shape must be the input's without its last "
                       "axis");
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type changes");
  return success();
}

//===----------------------------------------------------------------------===//
// GatherElementsOp, ScatterElementsOp
//===----------------------------------------------------------------------===//

/// The axis of an index op on `rank` dimensions, or failure; a dynamic
/// batch (dimension 0) is never gathered or scattered along.
static FailureOr<int64_t> indexAxis(Operation *op, int64_t axis,
                                    RankedTensorType result) {
  if (axis < 0 || axis >= result.getRank())
    return op->emitOpError("axis ")
           << axis << " is outside the rank " << result.getRank();
  if (result.isDynamicDim(axis))
    return op->emitOpError("cannot index along the dynamic batch dimension");
  return axis;
}

/// Whether dimension `d` of `part` fits dimension `d` of `whole`: equal,
/// or both the dynamic batch, or (`broadcast`) a static 1.
static bool fitsDim(RankedTensorType part, RankedTensorType whole, int64_t d,
                    bool broadcast) {
  if (part.isDynamicDim(d) || whole.isDynamicDim(d))
    return part.isDynamicDim(d) == whole.isDynamicDim(d) ||
           (broadcast && part.getDimSize(d) == 1);
  return part.getDimSize(d) == whole.getDimSize(d) ||
         (broadcast && part.getDimSize(d) == 1);
}

LogicalResult GatherElementsOp::verify() {
  auto in = rankedType(getInput()), idx = rankedType(getIndices()),
       out = rankedType(getOutput());
  if (in.getRank() != out.getRank() || idx.getRank() != out.getRank())
    return emitOpError("input, indices and result need one rank");
  if (in.getElementType() != out.getElementType())
    return emitOpError("result needs the input's element type");
  FailureOr<int64_t> axis = indexAxis(*this, getAxis(), out);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < out.getRank(); ++d) {
    if (!fitsDim(idx, out, d, true))
      return emitOpError("indices dimension ")
             << d << " neither matches the result's nor broadcasts";
    if (d != *axis && !fitsDim(in, out, d, false))
      return emitOpError("input dimension ")
             << d << " differs from the result's";
  }
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  auto idx = rankedType(getIndices()), upd = rankedType(getUpdates()),
       out = rankedType(getOutput());
  RankedTensorType in = getInput() ? rankedType(getInput()) : out;
  if (in.getRank() != out.getRank() || idx.getRank() != out.getRank() ||
      upd.getRank() != out.getRank())
    return emitOpError("input, indices, updates and result need one rank");
  if (in.getElementType() != out.getElementType() ||
      upd.getElementType() != out.getElementType())
    return emitOpError("input, updates and result need one element type");
  FailureOr<int64_t> axis = indexAxis(*this, getAxis(), out);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < out.getRank(); ++d) {
    bool batch = d == 0 && out.isDynamicDim(0);
    if (!fitsDim(in, out, d, batch))
      return emitOpError("input dimension ")
             << d << " differs from the result's";
    if (!fitsDim(idx, upd, d, true))
      return emitOpError("indices dimension ")
             << d << " neither matches the updates' nor broadcasts";
    if (batch ? !upd.isDynamicDim(0)
              : d != *axis && upd.getDimSize(d) > out.getDimSize(d))
      return emitOpError("updates dimension ") << d << " exceeds the result's";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// CompareOp, SelectOp
//===----------------------------------------------------------------------===//

/// Whether `a` and `b` have one shape (the dynamic batch matching itself).
static bool sameShape(RankedTensorType a, RankedTensorType b) {
  return a.getShape() == b.getShape();
}

LogicalResult CompareOp::verify() {
  auto lhs = rankedType(getLhs()), out = rankedType(getOutput());
  if (getRhs() && !sameShape(rankedType(getRhs()), lhs))
    return emitOpError("lhs and rhs need one shape");
  if (!sameShape(lhs, out))
    return emitOpError("result needs the operands' shape");
  return success();
}

LogicalResult SelectOp::verify() {
  auto cond = rankedType(getCondition()), out = rankedType(getOutput());
  if (cond.getRank() != out.getRank())
    return emitOpError("condition and result need one rank");
  for (int64_t d = 0; d < out.getRank(); ++d)
    if (!fitsDim(cond, out, d, true))
      return emitOpError("condition dimension ")
             << d << " neither matches the result's nor broadcasts";
  for (Value v : {getX(), getY()}) {
    if (!v)
      continue;
    if (!sameShape(rankedType(v), out))
      return emitOpError("x and y need the result's shape");
    if (rankedType(v).getElementType() != out.getElementType())
      return emitOpError("x and y need the result's element type");
  }
  return success();
}
