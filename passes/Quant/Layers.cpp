//===- Layers.cpp - what the quantization passes know of nn ops -----------===//
#include "passes/Quant/Layers.h"

#include "mlir/IR/Location.h"

#include <cmath>
#include <cstdio>

using namespace mlir;

namespace ariadne::quant {

llvm::SmallVector<std::string, 2> layerNames(Operation *op) {
  llvm::SmallVector<std::string, 2> names;
  op->getLoc()->walk([&](Location loc) {
    if (auto name = llvm::dyn_cast<NameLoc>(loc))
      names.push_back(name.getName().str());
    return WalkResult::advance();
  });
  return names;
}

std::string inputName(func::FuncOp fn, unsigned index) {
  if (DictionaryAttr attrs = fn.getArgAttrDict(index))
    if (auto name = attrs.getAs<StringAttr>("nn.name"))
      return name.str();
  return "input" + std::to_string(index);
}

StringRef activationTypeName(nn::ActivationKind kind) {
  return nn::stringifyActivationKind(kind);
}

bool isTableActivation(nn::ActivationKind kind) {
  switch (kind) {
  case nn::ActivationKind::tanh:
  case nn::ActivationKind::sigmoid:
  case nn::ActivationKind::softsign:
  case nn::ActivationKind::elu:
  case nn::ActivationKind::selu:
  case nn::ActivationKind::softplus:
  case nn::ActivationKind::erf:
  case nn::ActivationKind::gelu:
  case nn::ActivationKind::gelu_tanh:
  case nn::ActivationKind::rsqrt:
  case nn::ActivationKind::reciprocal:
    return true;
  default:
    return false;
  }
}

fx::FixedType typeForRange(MLIRContext *context, double lo, double hi,
                           int width, QuantMode quant, OverflowMode overflow) {
  bool isSigned = lo < 0;
  double magnitude = std::max(std::fabs(lo), std::fabs(hi));
  // The least I with magnitude < 2^I (unsigned) or 2^(I-1) (signed); a
  // negative lo only needs -2^(I-1) <= lo, which magnitude < 2^(I-1)
  // implies with one value to spare.
  int64_t intWidth = 1;
  if (magnitude > 0 && std::isfinite(magnitude)) {
    int exponent = 0;
    std::frexp(magnitude, &exponent); // magnitude < 2^exponent
    intWidth = exponent + (isSigned ? 1 : 0);
  } else if (!std::isfinite(magnitude)) {
    return {};
  }
  if (fx::checkFixedWidths(width, intWidth))
    return {};
  return fx::FixedType::get(context, static_cast<unsigned>(width), intWidth,
                            isSigned, quant, overflow);
}

llvm::DenseSet<Value> indexValues(func::FuncOp fn) {
  llvm::DenseSet<Value> indices;
  for (BlockArgument arg : fn.getArguments())
    if (fn.getArgAttr(arg.getArgNumber(), nn::kIndexAttr))
      indices.insert(arg);
  fn.walk([&](Operation *op) {
    // Comparisons give conditions; a select of indices (or of whole
    // numbers alone, marked nn.index) gives indices.
    if (llvm::isa<nn::CompareOp>(op) || op->hasAttr(nn::kIndexAttr)) {
      indices.insert(op->getResult(0));
      return;
    }
    if (auto select = llvm::dyn_cast<nn::SelectOp>(op)) {
      if ((select.getX() && indices.contains(select.getX())) ||
          (select.getY() && indices.contains(select.getY())))
        indices.insert(op->getResult(0));
      return;
    }
    if (!llvm::isa<nn::ReshapeOp, nn::TransposeOp, nn::SliceOp, nn::ConcatOp>(
            op))
      return;
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return indices.contains(v); }))
      indices.insert(op->getResult(0));
  });
  return indices;
}

fx::FixedType indexType(MLIRContext *context) {
  return fx::FixedType::get(context, unsigned(nn::kIndexBits), nn::kIndexBits,
                            true, QuantMode::TRN, OverflowMode::SAT);
}

FailureOr<ChannelAffine> batchNormAffine(nn::BatchNormOp op) {
  auto type = llvm::cast<RankedTensorType>(op.getInput().getType());
  if (type.getRank() < 2)
    return op.emitError("a batch normalization needs an input [batch, "
                        "channels, ...] in fixed point; this one has rank ")
           << type.getRank();
  SmallVector<SmallVector<double>> params;
  for (Value v :
       {op.getScale(), op.getBias(), op.getMean(), op.getVariance()}) {
    auto constant = v.getDefiningOp<nn::ConstantOp>();
    auto dense = constant
                     ? llvm::dyn_cast<DenseElementsAttr>(constant.getValue())
                     : DenseElementsAttr();
    if (!dense || !dense.getElementType().isF32())
      return op.emitError("batch normalization parameters must be f32 "
                          "constants in fixed point");
    SmallVector<double> values;
    for (float f : dense.getValues<float>())
      values.push_back(f);
    params.push_back(std::move(values));
  }
  ChannelAffine affine;
  affine.channelsFirst = type.getRank() > 2;
  size_t channels = params[0].size();
  for (size_t c = 0; c < channels; ++c) {
    double s =
        params[0][c] /
        std::sqrt(params[3][c] + double(op.getEpsilon().convertToFloat()));
    if (!std::isfinite(s))
      return op.emitError("batch normalization channel ")
             << c << " has a non-finite scale";
    affine.scale.push_back(s);
    affine.offset.push_back(params[1][c] - params[2][c] * s);
  }
  return affine;
}

/// A constant as %g writes it.
static std::string formatConstant(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", v);
  return text;
}

bool hasConstantOperand(Operation *op) {
  if (!llvm::isa<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp>(op))
    return false;
  return llvm::any_of(op->getOperands(), [](Value v) {
    return v.getDefiningOp<nn::ConstantOp>() != nullptr;
  });
}

FailureOr<ConstantAffine> constantAffine(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  bool constantLeft = lhs.getDefiningOp<nn::ConstantOp>() != nullptr;
  Value input = constantLeft ? rhs : lhs;
  auto constant = (constantLeft ? lhs : rhs).getDefiningOp<nn::ConstantOp>();
  if (!constant || input.getDefiningOp<nn::ConstantOp>())
    return op->emitError("needs one constant and one computed operand");
  auto dense = llvm::dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || !dense.getElementType().isF32())
    return op->emitError("a constant operand must be f32 in fixed point");
  auto resultType = llvm::cast<RankedTensorType>(op->getResult(0).getType());
  if (input.getType() != resultType)
    return op->emitError("the constant operand broadcasts the activation ")
           << input.getType() << " to " << resultType
           << "; fixed point applies a constant to an activation of the "
              "result's shape only";
  SmallVector<double> values;
  for (float f : dense.getValues<float>())
    values.push_back(f);
  // One value for all (of any shape: a tensor of zeros), one per channel
  // of the last axis, or one per channel of axis 1 of a feature map
  // ([N, C, spatial...]).
  bool splat = !values.empty() && llvm::all_equal(values);
  if (splat)
    values.resize(1);
  ArrayRef<int64_t> shape = dense.getType().getShape();
  ArrayRef<int64_t> result = resultType.getShape();
  int64_t channels = shape.empty() ? 1 : shape.back();
  bool lastAxis =
      splat ||
      (llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; }) &&
       (channels == 1 || (!result.empty() && channels == result.back())));
  bool channelsFirst = false;
  if (!lastAxis && result.size() > 2 && shape.size() >= result.size() - 1) {
    // Right-aligned, the constant's only dimension above 1 is axis 1.
    size_t offset = result.size() - shape.size();
    channelsFirst = true;
    for (size_t d = 0; d < shape.size(); ++d)
      channelsFirst &= d + offset == 1 ? shape[d] == result[1] : shape[d] == 1;
  }
  if (!lastAxis && !channelsFirst)
    return op->emitError("constant operand of shape [")
           << llvm::make_range(shape.begin(), shape.end())
           << "] varies along another axis than the last or the channels; "
              "fixed point takes one value, or one per channel of the last "
              "axis or of axis 1 of a feature map";
  ConstantAffine affineOf{input, {}};
  ChannelAffine &affine = affineOf.affine;
  affine.channelsFirst = channelsFirst;
  if (llvm::isa<nn::AddOp>(op)) {
    affine.scale = {1.0};
    affine.offset = values;
  } else if (llvm::isa<nn::SubOp>(op)) {
    affine.scale = {constantLeft ? -1.0 : 1.0};
    for (double v : values)
      affine.offset.push_back(constantLeft ? v : -v);
  } else if (llvm::isa<nn::MulOp>(op)) {
    affine.scale = values;
  } else {
    if (constantLeft)
      return op->emitError("division by an activation has no fixed-point "
                           "implementation yet");
    for (double v : values) {
      if (v == 0 || !std::isfinite(1 / v))
        return op->emitError("division by the constant ")
               << formatConstant(v) << " has no finite fixed-point factor";
      affine.scale.push_back(1 / v);
    }
  }
  return affineOf;
}

} // namespace ariadne::quant
