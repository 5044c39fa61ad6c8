//===- FoldBatchNorm.cpp - fold inference BatchNorm into dense layers -----===//
//
// batch_norm(dense(x)) with constant parameters is one affine map per
// output feature, so it folds into the dense layer's weight and bias; so
// does a batch_norm after transposes and reshapes that bring the dense
// layer's features to axis 1 (a convolution: window, dense, transpose).
// The folded values are computed in double and rounded once
// (DenseFolding.h).
//
//===----------------------------------------------------------------------===//
#include "passes/Transforms/DenseFolding.h"
#include "passes/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace ariadne {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Transforms/Passes.h.inc"
} // namespace ariadne

using namespace mlir;
using namespace ariadne::nn;
using namespace ariadne::nn::folding;

/// The folded weight and bias, or nullopt when `bn` does not follow a
/// foldable dense layer or has a parameter that is not a constant.
static std::optional<AffineParams> foldedParams(BatchNormOp bn, DenseOp dense,
                                                int64_t featureAxis) {
  // batch_norm normalizes axis 1, which must hold the dense layer's
  // features.
  if (!isFoldableDense(dense) || featureAxis != 1)
    return std::nullopt;
  auto scale = constantFloats(bn.getScale());
  auto shift = constantFloats(bn.getBias());
  auto mean = constantFloats(bn.getMean());
  auto variance = constantFloats(bn.getVariance());
  auto params = readAffine(dense);
  if (!scale || !shift || !mean || !variance || !params)
    return std::nullopt;
  double epsilon = bn.getEpsilon().convertToDouble();
  size_t features = params->bias.size(),
         inFeatures = params->weight.size() / features;
  for (size_t n = 0; n < features; ++n) {
    double s = (*scale)[n] / std::sqrt((*variance)[n] + epsilon);
    // A zero or negative variance leaves the runtime division producing
    // inf or NaN; folding it would move those into every weight.
    if (!std::isfinite(s))
      return std::nullopt;
    for (size_t k = 0; k < inFeatures; ++k)
      params->weight[n * inFeatures + k] *= s;
    params->bias[n] = (params->bias[n] - (*mean)[n]) * s + (*shift)[n];
  }
  params->hasBias = true;
  return params;
}

namespace {
struct FoldBatchNorm : public ariadne::impl::FoldBatchNormBase<FoldBatchNorm> {
  void runOnOperation() override {
    SmallVector<BatchNormOp> norms;
    getOperation().walk([&](BatchNormOp bn) { norms.push_back(bn); });
    IRRewriter rewriter(&getContext());
    // In program order, so that a second batch_norm sees the dense layer
    // the first one was folded into.
    for (BatchNormOp bn : norms) {
      int64_t featureAxis = -1;
      auto dense = denseBehindMovement(bn.getInput(), featureAxis);
      auto params = foldedParams(bn, dense, featureAxis);
      if (!params)
        continue;
      if (bn.getInput() == dense.getOutput()) {
        rewriter.setInsertionPoint(bn);
        replaceWithDense(rewriter, bn, dense, *params);
        continue;
      }
      // The movements stay; the dense layer takes the normalization and
      // the batch_norm's name after its own.
      rewriter.setInsertionPoint(dense);
      auto folded = replaceWithDense(rewriter, dense, dense, *params);
      folded->setLoc(rewriter.getFusedLoc({folded.getLoc(), bn.getLoc()}));
      rewriter.replaceOp(bn, bn.getInput());
    }
  }
};

} // namespace
