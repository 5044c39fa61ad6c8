//===- FoldConstants.cpp - fold constants and canonicalize nn ops ---------===//
//
// Folds ops whose operands are constants (through the ops' folders) and
// rewrites the patterns PyTorch and ONNX exporters leave around a linear
// layer: MatMul by a constant, then Add of a bias, then a scale by a
// constant, become one nn.dense whose weight and bias absorb the constants.
// See DenseFolding.h for the rounding of folded values.
//
//===----------------------------------------------------------------------===//
#include "passes/Transforms/DenseFolding.h"
#include "passes/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace ariadne {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "passes/Transforms/Passes.h.inc"
} // namespace ariadne

using namespace mlir;
using namespace ariadne::nn;
using namespace ariadne::nn::folding;

namespace {

//===----------------------------------------------------------------------===//
// matmul(x, W) with a constant W -> dense
//===----------------------------------------------------------------------===//

/// `nn.matmul %x, %W` with W a constant [K, N] is a dense layer whose weight
/// is W transposed into the [N, K] layout of nn.dense. A rank-1 %x is left
/// alone: the dense layer's consumers expect at least a feature axis and an
/// event axis.
struct MatMulToDense : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto lhsType = llvm::cast<RankedTensorType>(op.getLhs().getType());
    if (lhsType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "lhs has rank < 2");
    ElementsAttr rhs;
    if (!matchPattern(op.getRhs(), m_Constant(&rhs)))
      return rewriter.notifyMatchFailure(op, "rhs is not a constant");
    auto rhsType = llvm::cast<ShapedType>(rhs.getType());
    Type elementType = rhsType.getElementType();
    if (rhsType.getRank() != 2 || !llvm::isa<FloatType>(elementType) ||
        lhsType.getElementType() != elementType ||
        op.getType().getElementType() != elementType)
      return rewriter.notifyMatchFailure(op, "rhs is not a float matrix");
    auto values = readFloats(rhs);
    if (!values)
      return rewriter.notifyMatchFailure(op, "rhs values are unreadable");
    int64_t k = rhsType.getDimSize(0), n = rhsType.getDimSize(1);
    SmallVector<double> transposed(values->size());
    for (int64_t row = 0; row < k; ++row)
      for (int64_t col = 0; col < n; ++col)
        transposed[col * k + row] = (*values)[row * n + col];
    // Widening to double and narrowing back is exact: the values are only
    // moved.
    auto weight =
        makeFloats(RankedTensorType::get({n, k}, elementType), transposed);
    rewriter.replaceOpWithNewOp<DenseOp>(
        op, op.getType(), op.getLhs(), weight, /*bias=*/ElementsAttr(),
        ActivationKind::none, APFloat(0.0f), APFloat(0.0f));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// binary(dense, constant) -> dense
//===----------------------------------------------------------------------===//

/// How a constant c, one value per output feature, combines with the affine
/// result `y = x W^T + b` of a dense layer. Each returns false when the
/// combination cannot be folded.
struct AddCombine {
  static bool apply(AffineParams &p, ArrayRef<double> c, bool) {
    for (size_t n = 0; n < c.size(); ++n)
      p.bias[n] += c[n];
    p.hasBias = true;
    return true;
  }
};

struct SubCombine {
  static bool apply(AffineParams &p, ArrayRef<double> c, bool denseOnLeft) {
    if (!denseOnLeft) {
      // c - (x W^T + b) = x (-W)^T + (c - b); negation is exact.
      for (double &w : p.weight)
        w = -w;
      for (size_t n = 0; n < c.size(); ++n)
        p.bias[n] = c[n] - p.bias[n];
    } else {
      for (size_t n = 0; n < c.size(); ++n)
        p.bias[n] -= c[n];
    }
    p.hasBias = true;
    return true;
  }
};

/// Scales row n of the weight and bias[n] by `factor(c[n])`; a non-finite
/// factor is refused, since 0 * inf in the folded weights would turn into
/// NaN what the unfolded graph computes as +-inf or 0.
template <typename Scale>
static bool scaleRows(AffineParams &p, ArrayRef<double> c, Scale scale) {
  for (double v : c)
    if (!std::isfinite(v))
      return false;
  size_t n = c.size(), k = p.weight.size() / n;
  for (size_t row = 0; row < n; ++row) {
    for (size_t col = 0; col < k; ++col)
      p.weight[row * k + col] = scale(p.weight[row * k + col], c[row]);
    p.bias[row] = scale(p.bias[row], c[row]);
  }
  return true;
}

struct MulCombine {
  static bool apply(AffineParams &p, ArrayRef<double> c, bool) {
    return scaleRows(p, c, [](double w, double s) { return w * s; });
  }
};

struct DivCombine {
  static bool apply(AffineParams &p, ArrayRef<double> c, bool denseOnLeft) {
    // c / (x W^T + b) is not affine, and dividing by zero must stay a
    // runtime division.
    if (!denseOnLeft || llvm::is_contained(c, 0.0))
      return false;
    return scaleRows(p, c, [](double w, double s) { return w / s; });
  }
};

/// `op(dense, c)` or `op(c, dense)` with c a constant along the last axis
/// becomes a dense layer with the constant folded into weight and bias.
template <typename BinaryOp, typename Combine>
struct FoldIntoDense : OpRewritePattern<BinaryOp> {
  using OpRewritePattern<BinaryOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = llvm::cast<RankedTensorType>(op.getType());
    for (bool denseOnLeft : {true, false}) {
      Value denseValue = denseOnLeft ? op.getLhs() : op.getRhs();
      Value constValue = denseOnLeft ? op.getRhs() : op.getLhs();
      auto dense = denseValue.template getDefiningOp<DenseOp>();
      // The result type must be the dense layer's: a constant that
      // broadcasts the result to a larger shape is not a per-feature
      // constant.
      if (!isFoldableDense(dense) || dense.getType() != resultType ||
          getElementTypeOrSelf(constValue) != resultType.getElementType())
        continue;
      auto c = lastAxisVector(constValue, resultType.getRank(),
                              dense.getOutFeatures());
      if (!c)
        continue;
      auto params = readAffine(dense);
      if (!params || !Combine::apply(*params, *c, denseOnLeft))
        continue;
      replaceWithDense(rewriter, op, dense, *params);
      return success();
    }
    return rewriter.notifyMatchFailure(
        op, "no single-use dense operand with a last-axis constant");
  }
};

//===----------------------------------------------------------------------===//
// Chains of data movement
//===----------------------------------------------------------------------===//

/// reshape(reshape(x)) -> reshape(x): only the final shape matters.
struct MergeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a reshape");
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getInput());
    return success();
  }
};

/// transpose(transpose(x, p1), p2) -> transpose(x, p) with p[i] = p1[p2[i]].
struct MergeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    ArrayRef<int64_t> first = inner.getPerm(), second = op.getPerm();
    SmallVector<int64_t> perm;
    for (int64_t p : second)
      perm.push_back(first[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getInput(),
                                             perm);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Activations spelled out in arithmetic
//===----------------------------------------------------------------------===//

/// Whether `v` is a constant whose every element is `value`.
static bool isConstantSplat(Value v, double value) {
  ElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  auto values = readFloats(attr);
  return values && llvm::all_of(*values, [&](double x) { return x == value; });
}

/// x / (1 + abs(x)) -> softsign(x): PyTorch exports nn.Softsign this way,
/// and as one activation it is a single lookup table in fixed point.
struct RecognizeSoftsign : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DivOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getLhs();
    if (x.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "the division broadcasts x");
    auto add = op.getRhs().getDefiningOp<AddOp>();
    if (!add)
      return rewriter.notifyMatchFailure(op, "divisor is not an add");
    for (auto [absSide, oneSide] :
         {std::pair(add.getLhs(), add.getRhs()),
          std::pair(add.getRhs(), add.getLhs())}) {
      auto abs = absSide.getDefiningOp<ActivationOp>();
      if (!abs || abs.getActivation() != ActivationKind::abs ||
          abs.getInput() != x || !isConstantSplat(oneSide, 1.0))
        continue;
      rewriter.replaceOpWithNewOp<ActivationOp>(
          op, op.getType(), x,
          ActivationKindAttr::get(getContext(), ActivationKind::softsign),
          rewriter.getF32FloatAttr(0), rewriter.getF32FloatAttr(0));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x / (1 + abs(x))");
  }
};

struct FoldConstants : public ariadne::impl::FoldConstantsBase<FoldConstants> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<MatMulToDense, FoldIntoDense<AddOp, AddCombine>,
             FoldIntoDense<SubOp, SubCombine>, FoldIntoDense<MulOp, MulCombine>,
             FoldIntoDense<DivOp, DivCombine>, MergeReshapes, MergeTransposes,
             RecognizeSoftsign>(
            &getContext());
    // Each pattern removes an op, shortens a reshape or transpose chain, or
    // turns a matmul into a dense layer, and none undoes another, so the
    // rewriting ends without an iteration cap; a cap would leave a deep model
    // half folded.
    GreedyRewriteConfig config;
    config.maxIterations = GreedyRewriteConfig::kNoLimit;
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns),
                                            config))) {
      getOperation().emitError("nn-fold-constants did not converge");
      signalPassFailure();
    }
  }
};

} // namespace
