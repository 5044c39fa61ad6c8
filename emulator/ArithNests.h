//===- ArithNests.h - operand layouts of binary and matmul ops --*- C++ -*-===//
//
// Where the operands of an element-wise binary op (numpy broadcasting) and
// of a matrix product (numpy matmul) lie for each result element, as
// strided nests over events. The layout is the same for floats and for the
// raw integers of fixed-point values, so the float steps of nn.add/nn.matmul
// and the fixed-point steps of fx.add/fx.matmul share it; only the
// arithmetic inside differs.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_ARITHNESTS_H
#define ARIADNE_EMULATOR_ARITHNESTS_H

#include "emulator/Translate.h"
#include "passes/Support/Broadcast.h"

namespace ariadne::emu {

/// The nest of an element-wise op of two operands broadcast to its result:
/// offsets of the result, the left and the right operand.
template <typename T>
llvm::Expected<StridedNest<3>> broadcastNest(mlir::Operation *op,
                                             Translation<T> &t) {
  mlir::Value lhsValue = op->getOperand(0), rhsValue = op->getOperand(1);
  mlir::Value outValue = op->getResult(0);
  auto lhs = t.broadcastView(op, lhsValue);
  if (!lhs)
    return lhs.takeError();
  auto rhs = t.broadcastView(op, rhsValue);
  if (!rhs)
    return rhs.takeError();
  const TensorInfo &out = t.info(outValue);
  auto sa = broadcastStrides(*lhs, out.shape);
  auto sb = broadcastStrides(*rhs, out.shape);
  if (mlir::failed(sa) || mlir::failed(sb))
    return t.error(op, "operand shapes do not broadcast to the result");
  auto so = stridesOf(out.shape);
  llvm::SmallVector<StridedNest<3>::Offsets, 4> strides;
  for (size_t d = 0; d < out.shape.size(); ++d)
    strides.push_back({so[d], (*sa)[d], (*sb)[d]});
  return StridedNest<3>({out.eventStride(), t.info(lhsValue).eventStride(),
                         t.info(rhsValue).eventStride()},
                        out.shape, strides);
}

/// A batch of matrix products C[m, n] = sum_k A[m, k] * B[k, n]: the
/// matrices' sizes and the nest over events and broadcast batch dimensions
/// of the three matrices' first elements (result, left, right).
struct MatMulLayout {
  int64_t m, k, n;
  StridedNest<3> nest;
};

template <typename T>
llvm::Expected<MatMulLayout> matMulLayout(mlir::Operation *op,
                                          Translation<T> &t) {
  mlir::Value lhsValue = op->getOperand(0), rhsValue = op->getOperand(1);
  const TensorInfo &lhs = t.info(lhsValue), &rhs = t.info(rhsValue);
  const TensorInfo &out = t.info(op->getResult(0));
  llvm::SmallVector<int64_t, 4> a = lhs.shape, b = rhs.shape;
  if (t.batched(op)) {
    // Per event, the product must be the matmul of the operands' event
    // parts: the batch dimension has to be a broadcast dimension of both
    // (or the rows of a 2-D left operand), never the contracted one.
    auto rankOf = [](mlir::Value v) {
      return llvm::cast<mlir::RankedTensorType>(v.getType()).getRank();
    };
    int64_t ra = rankOf(lhsValue), rb = rankOf(rhsValue);
    int64_t la = std::max<int64_t>(ra, 2) - 2,
            lb = std::max<int64_t>(rb, 2) - 2;
    int64_t lead = std::max(la, lb);
    auto view = [&](const TensorInfo &info, int64_t rank, int64_t len,
                    bool isLhs,
                    llvm::SmallVector<int64_t, 4> &shape) -> llvm::Error {
      if (info.perEvent) {
        if ((len >= 1 && len == lead) || (isLhs && rank == 2 && lead == 0))
          return llvm::Error::success();
        return t.error(op, "the event batch dimension of the " +
                               llvm::Twine(isLhs ? "left" : "right") +
                               " operand would be contracted or moved");
      }
      if (len >= 1 && len == lead) {
        if (shape.front() != 1)
          return t.error(op, "a constant operand's leading dimension (size " +
                                 llvm::Twine(shape.front()) +
                                 ") lines up with the event batch; it must "
                                 "be 1");
        shape.erase(shape.begin());
      }
      return llvm::Error::success();
    };
    if (auto err = view(lhs, ra, la, true, a))
      return err;
    if (auto err = view(rhs, rb, lb, false, b))
      return err;
  }
  auto shape = matMulShape(a, b);
  if (mlir::failed(shape))
    return t.error(op, "operand shapes do not multiply");
  if (llvm::ArrayRef<int64_t>(shape->result) !=
      llvm::ArrayRef<int64_t>(out.shape))
    return t.error(op, "the per-event product does not have the result's "
                       "shape");
  int64_t m = shape->m, k = shape->k, n = shape->n;
  llvm::ArrayRef<int64_t> batch = shape->batch;
  // The batch dimensions broadcast: matMulShape checked them.
  auto stridesA = *broadcastStrides(matMulBatchOf(a), batch);
  auto stridesB = *broadcastStrides(matMulBatchOf(b), batch);
  auto stridesC = stridesOf(batch);
  llvm::SmallVector<StridedNest<3>::Offsets, 4> strides;
  for (size_t d = 0; d < batch.size(); ++d)
    strides.push_back(
        {stridesC[d] * m * n, stridesA[d] * m * k, stridesB[d] * k * n});
  return MatMulLayout{
      m, k, n,
      StridedNest<3>({out.eventStride(), lhs.eventStride(), rhs.eventStride()},
                     batch, strides)};
}

} // namespace ariadne::emu

#endif // ARIADNE_EMULATOR_ARITHNESTS_H
