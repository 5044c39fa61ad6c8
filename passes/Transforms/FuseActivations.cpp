//===- FuseActivations.cpp - fuse activations into dense layers -----------===//
//
// A dense layer followed by an activation is computed by the backends as one
// kernel with the activation applied to the accumulator, which saves the
// intermediate tensor (and, in fixed point, its rounding). An element-wise
// activation commutes with transposes and reshapes, so one after a
// convolution's transpose back to channels first fuses too.
//
//===----------------------------------------------------------------------===//
#include "passes/Transforms/DenseFolding.h"
#include "passes/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace ariadne {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#include "passes/Transforms/Passes.h.inc"
} // namespace ariadne

using namespace mlir;
using namespace ariadne::nn;

namespace {

struct FuseActivations
    : public ariadne::impl::FuseActivationsBase<FuseActivations> {
  void runOnOperation() override {
    SmallVector<ActivationOp> activations;
    getOperation().walk([&](ActivationOp act) { activations.push_back(act); });
    IRRewriter rewriter(&getContext());
    for (ActivationOp act : activations) {
      int64_t featureAxis = -1;
      auto dense = folding::denseBehindMovement(act.getInput(), featureAxis);
      // A dense layer that already has an activation cannot take a second
      // one, and one with another user must keep its affine result.
      if (!folding::isFoldableDense(dense))
        continue;
      rewriter.setInsertionPoint(dense);
      // The layer keeps the dense layer's name first (reports and generated
      // code name layers by it) and the activation's after it.
      auto fused = rewriter.create<DenseOp>(
          rewriter.getFusedLoc({dense.getLoc(), act.getLoc()}), dense.getType(),
          dense.getInput(), dense.getWeightAttr(), dense.getBiasAttr(),
          act.getActivation(), act.getAlpha(), act.getBeta());
      rewriter.replaceOp(dense, fused);
      // The movements between them, if any, now move activated values.
      rewriter.replaceOp(act, act.getInput());
    }
  }
};

} // namespace
