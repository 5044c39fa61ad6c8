//===- Broadcast.h - numpy broadcasting of shapes ---------------*- C++ -*-===//
//
// The one shape rule of the element-wise ops of both dialects: numpy's
// broadcasting, right-aligned, with dynamic dimensions as
// ShapedType::kDynamic.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_SUPPORT_BROADCAST_H
#define ARIADNE_PASSES_SUPPORT_BROADCAST_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace ariadne {

/// The numpy broadcast of two shapes, or failure when they are
/// incompatible.
inline mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  llvm::SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == r)
      out[i] = l;
    else if (l == 1)
      out[i] = r;
    else if (r == 1)
      out[i] = l;
    else if (mlir::ShapedType::isDynamic(l) || mlir::ShapedType::isDynamic(r))
      out[i] = mlir::ShapedType::kDynamic;
    else
      return mlir::failure();
  }
  return out;
}

} // namespace ariadne

#endif // ARIADNE_PASSES_SUPPORT_BROADCAST_H
