//===- ElementSources.cpp - data movement as element copies ---------------===//
#include "backends/common/ElementSources.h"

#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXTypes.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/Broadcast.h"
#include "passes/Support/Window.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;

namespace ariadne {

namespace {

/// Element sources of a gather from operand 0: output index (C order over
/// `out`) to the input offset `offsetOf(index)`.
template <class OffsetOf>
SmallVector<ElementSource> gatherSources(ArrayRef<int64_t> out,
                                         OffsetOf offsetOf) {
  SmallVector<ElementSource> sources;
  SmallVector<int64_t> index(out.size(), 0);
  for (int64_t flat = 0, total = product(out); flat < total; ++flat) {
    int64_t rest = flat;
    for (size_t d = out.size(); d-- > 0;) {
      index[d] = rest % out[d];
      rest /= out[d];
    }
    sources.push_back({0u, offsetOf(index)});
  }
  return sources;
}

} // namespace

FailureOr<SelectLayout> selectLayout(Operation *select, StringRef target) {
  auto op = llvm::cast<nn::SelectOp>(select);
  if (failed(indexOpEventAxis(op, 0, target)))
    return failure();
  bool batched = false;
  SelectLayout layout;
  layout.out = eventShapeOf(op.getOutput(), batched);
  layout.cond = eventShapeOf(op.getCondition(), batched);
  auto strides = broadcastStrides(layout.cond, layout.out);
  if (failed(strides))
    return op->emitOpError("the condition does not broadcast to the result");
  layout.condStrides = *strides;
  return layout;
}

std::optional<bool> constantOutcome(Operation *operation) {
  auto op = llvm::cast<nn::CompareOp>(operation);
  auto type = llvm::cast<fx::FixedType>(
      llvm::cast<RankedTensorType>(op.getLhs().getType()).getElementType());
  if (op.getRhs())
    return std::nullopt;
  double lowest = type.isSigned() ? -std::ldexp(1.0, type.getWidth() - 1) : 0;
  double highest =
      std::ldexp(1.0, type.getWidth() - (type.isSigned() ? 1 : 0)) - 1;
  double t = op.getValue().convertToDouble();
  if (t >= lowest && t <= highest)
    return std::nullopt;
  // Every value lies above a threshold below the range, below one above.
  int order = t < lowest ? 1 : -1;
  switch (op.getPredicate()) {
  case nn::Predicate::eq:
    return false;
  case nn::Predicate::ne:
    return true;
  case nn::Predicate::lt:
  case nn::Predicate::le:
    return order < 0;
  case nn::Predicate::gt:
  case nn::Predicate::ge:
    return order > 0;
  }
  return std::nullopt;
}

SmallVector<int64_t> eventShapeOf(Value value, bool &batched) {
  auto shape = llvm::cast<RankedTensorType>(value.getType()).getShape();
  batched = !shape.empty() && ShapedType::isDynamic(shape.front());
  return SmallVector<int64_t>(batched ? shape.drop_front() : shape);
}

FailureOr<int64_t> indexOpEventAxis(Operation *op, int64_t axis,
                                    llvm::StringRef target) {
  bool resultBatched = false;
  eventShapeOf(op->getResult(0), resultBatched);
  for (Value v : op->getOperands()) {
    bool batched = false;
    eventShapeOf(v, batched);
    if (batched != resultBatched)
      return op->emitOpError("mixes tensors with and without the batch "
                             "dimension, which ")
             << target << " does not";
  }
  return axis - (resultBatched ? 1 : 0);
}

SmallVector<ElementSource> elementSources(Operation *operation) {
  bool batched = false;
  if (auto op = llvm::dyn_cast<nn::TransposeOp>(operation)) {
    SmallVector<int64_t> in = eventShapeOf(op.getInput(), batched);
    SmallVector<int64_t> perm(op.getPerm());
    if (batched) {
      perm.erase(perm.begin());
      for (int64_t &p : perm)
        --p;
    }
    SmallVector<int64_t> out;
    for (int64_t p : perm)
      out.push_back(in[p]);
    auto inStrides = nn::stridesOf(in);
    return gatherSources(out, [&](ArrayRef<int64_t> index) {
      int64_t offset = 0;
      for (size_t d = 0; d < index.size(); ++d)
        offset += index[d] * inStrides[perm[d]];
      return offset;
    });
  }
  if (auto op = llvm::dyn_cast<nn::SliceOp>(operation)) {
    SmallVector<int64_t> in = eventShapeOf(op.getInput(), batched);
    SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (batched) {
      starts = starts.drop_front();
      steps = steps.drop_front();
    }
    auto inStrides = nn::stridesOf(in);
    return gatherSources(out, [&](ArrayRef<int64_t> index) {
      int64_t offset = 0;
      for (size_t d = 0; d < index.size(); ++d)
        offset += (starts[d] + index[d] * steps[d]) * inStrides[d];
      return offset;
    });
  }
  if (auto op = llvm::dyn_cast<nn::ConcatOp>(operation)) {
    SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
    int64_t axis = op.getAxis() - (batched ? 1 : 0);
    int64_t outer = product(ArrayRef<int64_t>(out).take_front(axis));
    SmallVector<ElementSource> sources;
    for (int64_t o = 0; o < outer; ++o)
      for (auto [index, input] : llvm::enumerate(op.getInputs())) {
        bool inBatched = false;
        SmallVector<int64_t> shape = eventShapeOf(input, inBatched);
        int64_t chunk = product(ArrayRef<int64_t>(shape).drop_front(axis));
        for (int64_t c = 0; c < chunk; ++c)
          sources.push_back({unsigned(index), o * chunk + c});
      }
    return sources;
  }
  if (auto op = llvm::dyn_cast<nn::WindowOp>(operation)) {
    SmallVector<ElementSource> sources(
        size_t(product(eventShapeOf(op.getOutput(), batched))));
    forEachWindowSource(windowGeometry(op), [&](int o, int i) {
      sources[size_t(o)] = {0u, i < 0 ? kPadding : int64_t(i)};
    });
    return sources;
  }
  // A reshape keeps the order of the elements.
  auto op = llvm::cast<nn::ReshapeOp>(operation);
  SmallVector<ElementSource> sources;
  for (int64_t i = 0, n = product(eventShapeOf(op.getInput(), batched)); i < n;
       ++i)
    sources.push_back({0u, i});
  return sources;
}

} // namespace ariadne
