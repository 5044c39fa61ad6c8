//===- ElementSources.h - data movement as element copies -------*- C++ -*-===//
//
// The hardware targets (hls, verilog) build reshape, transpose, slice,
// concat and window as wiring: every element of one event of the result is one
// element of one operand. This is that map, computed once for both.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_ELEMENTSOURCES_H
#define ARIADNE_BACKENDS_COMMON_ELEMENTSOURCES_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace ariadne {

/// Element `second` (flat, in C order within one event) of operand
/// `first`; `second` is kPadding for an nn.window's padding.
using ElementSource = std::pair<unsigned, int64_t>;
constexpr int64_t kPadding = -1;

/// The event shape of `value`: its shape without a dynamic (batch) leading
/// dimension; `batched` says whether there was one.
llvm::SmallVector<int64_t> eventShapeOf(mlir::Value value, bool &batched);

/// The axis `axis` of an index op (nn.gather_elements, nn.scatter_elements)
/// within one event, or an error naming `target` when an operand is
/// batched and the result is not, or the other way round.
mlir::FailureOr<int64_t> indexOpEventAxis(mlir::Operation *op, int64_t axis,
                                          llvm::StringRef target);

/// The event shapes of an nn.select's result and condition, and the
/// condition's strides within the result (0 where it broadcasts).
struct SelectLayout {
  llvm::SmallVector<int64_t> out, cond, condStrides;
};
/// The layout of `select`, or an error naming `target` when its operands
/// mix batched and unbatched tensors or the condition does not broadcast.
mlir::FailureOr<SelectLayout> selectLayout(mlir::Operation *select,
                                           llvm::StringRef target);

/// For an nn.compare with a constant on fixed-point values (its `value` is
/// fx-lower's raw threshold): the outcome every element has when the
/// threshold lies outside the raw range of the operand's type (one step
/// below or above it), so that hardware compares only with thresholds of
/// the operand's own type; none when the comparison is needed.
std::optional<bool> constantOutcome(mlir::Operation *compare);

/// The source of every element of one event of the result of `op`, an
/// nn.reshape, nn.transpose, nn.slice, nn.concat or nn.window, in C order.
llvm::SmallVector<ElementSource> elementSources(mlir::Operation *op);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_ELEMENTSOURCES_H
