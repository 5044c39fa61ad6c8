//===- Broadcast.h - numpy broadcasting of shapes ---------------*- C++ -*-===//
//
// The one shape rule of the element-wise ops of both dialects: numpy's
// broadcasting, right-aligned, with dynamic dimensions as
// ShapedType::kDynamic; and the operand strides of matrix products and
// index ops that the backends share.
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

/// Element strides of an operand of static shape `shape` along each
/// dimension of the static shape `out` it broadcasts to (right-aligned):
/// its C-order stride, or 0 where it has size 1 or lacks the dimension.
/// Failure where a size neither matches nor is 1.
inline mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastStrides(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> out) {
  if (shape.size() > out.size())
    return mlir::failure();
  size_t lead = out.size() - shape.size();
  llvm::SmallVector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1 && shape[d] != out[lead + d])
      return mlir::failure();
    if (shape[d] != 1)
      strides[lead + d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/// The batch dimensions of an operand of numpy's matmul: all but its last
/// two (none for a vector or a matrix).
inline llvm::ArrayRef<int64_t> matMulBatchOf(llvm::ArrayRef<int64_t> shape) {
  return shape.drop_back(std::min<size_t>(2, shape.size()));
}

/// numpy's matmul of operands of shapes `lhs` and `rhs` (rank >= 1; a
/// rank-1 left operand is a row, a right one a column): M, K, N, the
/// broadcast batch shape and the result shape. Failure when a rank is 0,
/// the batch dimensions do not broadcast, or the contracted dimensions
/// differ (dynamic ones match anything).
struct MatMulShape {
  int64_t m, k, n;
  llvm::SmallVector<int64_t> batch, result;
};

inline mlir::FailureOr<MatMulShape> matMulShape(llvm::ArrayRef<int64_t> lhs,
                                                llvm::ArrayRef<int64_t> rhs) {
  if (lhs.empty() || rhs.empty())
    return mlir::failure();
  llvm::SmallVector<int64_t> a(lhs), b(rhs);
  bool vectorA = a.size() == 1, vectorB = b.size() == 1;
  if (vectorA)
    a.insert(a.begin(), 1);
  if (vectorB)
    b.push_back(1);
  int64_t ka = a.back(), kb = b[b.size() - 2];
  if (ka != kb && !mlir::ShapedType::isDynamic(ka) &&
      !mlir::ShapedType::isDynamic(kb))
    return mlir::failure();
  auto batch = broadcastShapes(llvm::ArrayRef<int64_t>(a).drop_back(2),
                               llvm::ArrayRef<int64_t>(b).drop_back(2));
  if (mlir::failed(batch))
    return mlir::failure();
  MatMulShape shape{a[a.size() - 2], ka, b.back(), *batch, *batch};
  if (!vectorA)
    shape.result.push_back(shape.m);
  if (!vectorB)
    shape.result.push_back(shape.n);
  return shape;
}

/// The C-order strides of a tensor of static shape `of`, with 0 where `of`
/// has size 1 (it broadcasts) and at `axis` (unless -1): where an element
/// of a same-rank result reads `of`, an index op's gathered or scattered
/// axis left out (nn.gather_elements, nn.scatter_elements).
inline llvm::SmallVector<int64_t> stridesWithin(llvm::ArrayRef<int64_t> of,
                                                int64_t axis) {
  llvm::SmallVector<int64_t> strides(of.size(), 0);
  int64_t step = 1;
  for (size_t d = of.size(); d-- > 0;) {
    if (of[d] != 1 && int64_t(d) != axis)
      strides[d] = step;
    step *= of[d];
  }
  return strides;
}

} // namespace ariadne

#endif // ARIADNE_PASSES_SUPPORT_BROADCAST_H
