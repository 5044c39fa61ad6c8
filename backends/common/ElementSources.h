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
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <utility>

namespace ariadne {

/// Element `second` (flat, in C order within one event) of operand
/// `first`; `second` is kPadding for an nn.window's padding.
using ElementSource = std::pair<unsigned, int64_t>;
constexpr int64_t kPadding = -1;

/// The event shape of `value`: its shape without a dynamic (batch) leading
/// dimension; `batched` says whether there was one.
llvm::SmallVector<int64_t> eventShapeOf(mlir::Value value, bool &batched);

/// The source of every element of one event of the result of `op`, an
/// nn.reshape, nn.transpose, nn.slice, nn.concat or nn.window, in C order.
llvm::SmallVector<ElementSource> elementSources(mlir::Operation *op);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_ELEMENTSOURCES_H
