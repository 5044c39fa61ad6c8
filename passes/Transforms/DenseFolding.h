//===- DenseFolding.h - constant arithmetic on dense layers -----*- C++ -*-===//
//
// Helpers shared by the passes that fold constants into the weights and bias
// of an nn.dense layer.
//
// Folded values are computed in double precision from the stored constants
// and rounded once, to nearest even, into the element type. For a single
// +, -, * or / of two float32 values this is exactly the float32 result
// (double carries more than 2 * 24 + 2 significand bits, so the double
// rounding is innocuous); for longer formulas (BatchNorm folding) the result
// is the exact value rounded once, within one ulp of a step-by-step float32
// evaluation of the formula in practice.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_TRANSFORMS_DENSEFOLDING_H
#define ARIADNE_PASSES_TRANSFORMS_DENSEFOLDING_H

#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <optional>

namespace ariadne::nn::folding {

/// The values of a float constant widened to double, in C order; nullopt
/// when the attribute does not hold floats.
inline std::optional<llvm::SmallVector<double>>
readFloats(mlir::ElementsAttr attr) {
  if (!attr || !llvm::isa<mlir::FloatType>(attr.getElementType()))
    return std::nullopt;
  llvm::SmallVector<double> out;
  out.reserve(attr.getNumElements());
  if (auto values = attr.tryGetValues<llvm::APFloat>()) {
    for (const llvm::APFloat &v : *values) {
      // Widening into double is exact for f16, bf16, f32 and f64.
      llvm::APFloat wide = v;
      bool lost;
      wide.convert(llvm::APFloat::IEEEdouble(),
                   llvm::APFloat::rmNearestTiesToEven, &lost);
      out.push_back(wide.convertToDouble());
    }
    return out;
  }
  if (auto values = attr.tryGetValues<float>()) {
    for (float v : *values)
      out.push_back(v);
    return out;
  }
  return std::nullopt;
}

/// The float constant produced by `value`, if any.
inline std::optional<llvm::SmallVector<double>>
constantFloats(mlir::Value value) {
  mlir::ElementsAttr attr;
  if (!mlir::matchPattern(value, mlir::m_Constant(&attr)))
    return std::nullopt;
  return readFloats(attr);
}

/// An attribute of `type` holding `values` rounded once to its element type.
inline mlir::DenseElementsAttr makeFloats(mlir::ShapedType type,
                                          llvm::ArrayRef<double> values) {
  const llvm::fltSemantics &semantics =
      llvm::cast<mlir::FloatType>(type.getElementType()).getFloatSemantics();
  llvm::SmallVector<llvm::APFloat> rounded;
  rounded.reserve(values.size());
  for (double v : values) {
    llvm::APFloat f(v);
    bool lost;
    f.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &lost);
    rounded.push_back(f);
  }
  return mlir::DenseElementsAttr::get(type, rounded);
}

/// The per-output-feature vector (length `features`) of a constant that
/// broadcasts along the last axis of a tensor of rank `rank` only: a scalar,
/// [N], [1, N], [1, ..., 1, N] or the same with N = 1. Anything else, or a
/// constant whose rank exceeds `rank` (it would change the result's shape),
/// gives nullopt.
inline std::optional<llvm::SmallVector<double>>
lastAxisVector(mlir::Value value, int64_t rank, int64_t features) {
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getRank() > rank)
    return std::nullopt;
  llvm::ArrayRef<int64_t> shape = type.getShape();
  for (size_t d = 0; d + 1 < shape.size(); ++d)
    if (shape[d] != 1)
      return std::nullopt;
  int64_t last = shape.empty() ? 1 : shape.back();
  if (last != 1 && last != features)
    return std::nullopt;
  auto values = constantFloats(value);
  if (!values)
    return std::nullopt;
  if (last == features)
    return values;
  return llvm::SmallVector<double>(features, values->front());
}

/// A dense layer whose affine result may absorb a following constant
/// operation: no fused activation (it would come before the operation) and
/// no other user that still needs the unmodified result.
inline bool isFoldableDense(DenseOp dense) {
  return dense && dense.getActivation() == ActivationKind::none &&
         dense.getOutput().hasOneUse() && !dense->hasAttr(kExactAttr);
}

/// The dense layer that `value` moves, through single-use transposes and
/// reshapes (a convolution's transpose back to channels first), or null;
/// `featureAxis` is where the dense layer's output features (its last
/// axis) are in `value`, or -1 when a reshape splits or merges them.
/// `chain` lists the movements, from `value` back.
inline DenseOp
denseBehindMovement(mlir::Value value, int64_t &featureAxis,
                    llvm::SmallVectorImpl<mlir::Operation *> *chain = nullptr) {
  llvm::SmallVector<mlir::Operation *> moves;
  mlir::Value v = value;
  // Every moved value, `value` included, must have one user: the fold or
  // fusion changes what the dense layer computes, and with it every
  // movement's result.
  while (mlir::Operation *def = v.getDefiningOp()) {
    if (!llvm::isa<TransposeOp, ReshapeOp>(def) || !v.hasOneUse())
      break;
    moves.push_back(def);
    v = def->getOperand(0);
  }
  auto dense = v.getDefiningOp<DenseOp>();
  if (!dense)
    return {};
  auto shapeOf = [](mlir::Value x) {
    return llvm::cast<mlir::RankedTensorType>(x.getType()).getShape();
  };
  featureAxis = int64_t(shapeOf(v).size()) - 1;
  // Follow the feature axis forward through the movements.
  for (mlir::Operation *move : llvm::reverse(moves)) {
    if (featureAxis < 0)
      break;
    if (auto t = llvm::dyn_cast<TransposeOp>(move)) {
      auto perm = t.getPerm();
      featureAxis = llvm::find(perm, featureAxis) - perm.begin();
      continue;
    }
    auto in = shapeOf(move->getOperand(0)), out = shapeOf(move->getResult(0));
    // The axis survives a reshape where the same size stands before the
    // same number of trailing elements.
    auto inner = [](llvm::ArrayRef<int64_t> s, size_t d) {
      int64_t n = 1;
      for (size_t i = d + 1; i < s.size(); ++i)
        n *= s[i];
      return n;
    };
    int64_t found = -1;
    for (size_t d = 0; d < out.size(); ++d)
      if (out[d] == in[size_t(featureAxis)] &&
          inner(out, d) == inner(in, size_t(featureAxis)))
        found = int64_t(d);
    featureAxis = found;
  }
  if (chain)
    chain->assign(moves.begin(), moves.end());
  return dense;
}

/// The weight [N, K] and bias [N] (zeros when absent) of a dense layer.
struct AffineParams {
  llvm::SmallVector<double> weight;
  llvm::SmallVector<double> bias;
  bool hasBias = false;
};

inline std::optional<AffineParams> readAffine(DenseOp dense) {
  AffineParams params;
  auto weight = readFloats(dense.getWeight());
  if (!weight)
    return std::nullopt;
  params.weight = std::move(*weight);
  if (auto biasAttr = dense.getBiasAttr()) {
    auto bias = readFloats(biasAttr);
    if (!bias)
      return std::nullopt;
    params.bias = std::move(*bias);
    params.hasBias = true;
  } else {
    params.bias.assign(dense.getOutFeatures(), 0.0);
  }
  return params;
}

/// Replaces `root` (whose result type is the dense layer's) by a copy of
/// `dense` with the given parameters; the old dense layer is erased when
/// `root` was its only user (`root` may be `dense` itself). Without
/// `hasBias` the copy has no bias.
inline DenseOp replaceWithDense(mlir::RewriterBase &rewriter,
                                mlir::Operation *root, DenseOp dense,
                                const AffineParams &params) {
  auto weightType = llvm::cast<mlir::ShapedType>(dense.getWeight().getType());
  mlir::ElementsAttr bias;
  if (params.hasBias)
    bias = makeFloats(mlir::RankedTensorType::get({dense.getOutFeatures()},
                                                  weightType.getElementType()),
                      params.bias);
  // The dense layer's name stays first: reports and generated code name
  // layers by it.
  auto replacement = rewriter.create<DenseOp>(
      rewriter.getFusedLoc({dense.getLoc(), root->getLoc()}),
      root->getResult(0).getType(), dense.getInput(),
      makeFloats(weightType, params.weight), bias, dense.getActivation(),
      dense.getAlpha(), dense.getBeta());
  bool replacesDense = root == dense.getOperation();
  rewriter.replaceOp(root, replacement.getOutput());
  if (!replacesDense && dense->use_empty())
    rewriter.eraseOp(dense);
  return replacement;
}

} // namespace ariadne::nn::folding

#endif // ARIADNE_PASSES_TRANSFORMS_DENSEFOLDING_H
