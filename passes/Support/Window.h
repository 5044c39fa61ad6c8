//===- Window.h - the geometry of an nn.window ------------------*- C++ -*-===//
//
// The sizes of a sliding window (convolution, pooling) from its attributes,
// shared by the importer, the nn verifier, the emulator and the backends;
// the element map itself is runtime/ariadne/window.h's forEachWindowSource.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_SUPPORT_WINDOW_H
#define ARIADNE_PASSES_SUPPORT_WINDOW_H

#include "ariadne/window.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cstdint>

namespace ariadne {

/// The number of window positions along one dimension of `in` elements
/// padded by `begin` and `end`; 0 or less when the dilated kernel does not
/// fit the padded input.
inline int64_t windowPositions(int64_t in, int64_t kernel, int64_t stride,
                               int64_t dilation, int64_t begin, int64_t end) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t room = in + begin + end - span;
  if (room < 0)
    return 0;
  return room / stride + 1;
}

/// The geometry of one event of `op` (a verified nn.window).
inline WindowGeometry windowGeometry(nn::WindowOp op) {
  auto in = llvm::cast<mlir::RankedTensorType>(op.getInput().getType());
  llvm::ArrayRef<int64_t> shape = in.getShape();
  int rank = int(op.getKernelShape().size());
  WindowGeometry g;
  g.rank = rank;
  g.channels = int(shape[shape.size() - rank - 1]);
  llvm::SmallVector<int64_t, 3> out = op.getOutputSpatial();
  for (int d = 0; d < rank; ++d) {
    g.in[d] = int(shape[shape.size() - rank + d]);
    g.kernel[d] = int(op.getKernelShape()[d]);
    g.stride[d] = int(op.getStrides()[d]);
    g.dilation[d] = int(op.getDilations()[d]);
    g.padBegin[d] = int(op.getPads()[d]);
    g.out[d] = int(out[d]);
  }
  return g;
}

} // namespace ariadne

#endif // ARIADNE_PASSES_SUPPORT_WINDOW_H
