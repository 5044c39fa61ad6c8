//===- RecurrentSteps.h - the steps of an unrolled recurrent layer -*- C++
//-*-===//
//
// A recurrent layer imports unrolled (frontend/onnx/ImportRecurrent.cpp),
// and its steps keep a mark in their locations: each op of step `step` of
// direction `direction` is located at a FusedLoc of the layer's location
// whose metadata is {recurrent_step = array<i64: direction, step>}. The
// passes carry locations to the ops they create, so the fx ops of a step
// carry it too; a hardware target reads it to run the steps as a loop over
// one cell.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_SUPPORT_RECURRENTSTEPS_H
#define ARIADNE_PASSES_SUPPORT_RECURRENTSTEPS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace ariadne {

constexpr llvm::StringLiteral kRecurrentStepAttr = "recurrent_step";

/// The location of step `step` (in processing order) of direction
/// `direction` of the recurrent layer at `layer`.
inline mlir::Location stepLocation(mlir::Location layer, int64_t direction,
                                   int64_t step) {
  mlir::Builder b(layer.getContext());
  auto metadata = b.getDictionaryAttr(b.getNamedAttr(
      kRecurrentStepAttr, b.getDenseI64ArrayAttr({direction, step})));
  return mlir::FusedLoc::get(layer.getContext(), {layer}, metadata);
}

/// The (direction, step) that `loc` marks, with the location of its layer;
/// none for an op outside a recurrent layer's steps.
struct RecurrentStep {
  mlir::Location layer;
  int64_t direction = 0, step = 0;
};
inline std::optional<RecurrentStep> recurrentStepOf(mlir::Location loc) {
  std::optional<RecurrentStep> found;
  loc->walk([&](mlir::Location inner) {
    auto fused = llvm::dyn_cast<mlir::FusedLoc>(inner);
    auto metadata =
        fused
            ? llvm::dyn_cast_or_null<mlir::DictionaryAttr>(fused.getMetadata())
            : mlir::DictionaryAttr();
    auto mark =
        metadata ? metadata.getAs<mlir::DenseI64ArrayAttr>(kRecurrentStepAttr)
                 : mlir::DenseI64ArrayAttr();
    if (!mark || mark.size() != 2 || fused.getLocations().size() != 1)
      return mlir::WalkResult::advance();
    found = RecurrentStep{fused.getLocations().front(), mark[0], mark[1]};
    return mlir::WalkResult::interrupt();
  });
  return found;
}

} // namespace ariadne

#endif // ARIADNE_PASSES_SUPPORT_RECURRENTSTEPS_H
