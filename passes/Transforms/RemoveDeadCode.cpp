//===- RemoveDeadCode.cpp - remove unused ops -----------------------------===//
#include "passes/Transforms/Passes.h"

#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace ariadne {
#define GEN_PASS_DEF_REMOVEDEADCODE
#include "passes/Transforms/Passes.h.inc"
} // namespace ariadne

using namespace mlir;

namespace {
struct RemoveDeadCode
    : public ariadne::impl::RemoveDeadCodeBase<RemoveDeadCode> {
  void runOnOperation() override {
    // Visit each block bottom-up so that an op whose users were all dead is
    // seen after them, and one sweep removes whole dead chains.
    getOperation().walk([](Block *block) {
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*block)))
        if (isOpTriviallyDead(&op))
          op.erase();
    });
  }
};
} // namespace
