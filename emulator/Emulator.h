//===- Emulator.h - the reference emulator ----------------------*- C++ -*-===//
//
// Interprets a function of the nn dialect on batches of events. `create`
// translates the IR once into a flat program of steps over preallocated
// buffers; `run` executes it for a batch without touching MLIR, a chunk of
// events at a time.
//
// The float interpretation is the reference for generated code: element-wise
// work rounds like PyTorch (float arithmetic), sums of products (dense,
// matmul) accumulate in double and round once (emulator/FloatSteps.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_EMULATOR_H
#define ARIADNE_EMULATOR_EMULATOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ariadne {

/// A model input or output as one event sees it.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> eventShape; // without the batch dimension, if any
  int64_t eventSize = 1;           // product of eventShape
};

class Emulator {
public:
  /// Translates `fn`; fails with a located message on an op it cannot run.
  static llvm::Expected<std::unique_ptr<Emulator>> create(mlir::func::FuncOp fn);
  /// As above, running at most `maxChunkEvents` events at a time (memory
  /// stays bounded whatever the number of events given to `run`).
  static llvm::Expected<std::unique_ptr<Emulator>>
  create(mlir::func::FuncOp fn, size_t maxChunkEvents);
  virtual ~Emulator();

  const std::vector<TensorSpec> &inputs() const { return inputs_; }
  const std::vector<TensorSpec> &outputs() const { return outputs_; }
  /// Floats of one event row: the inputs (outputs) concatenated.
  int64_t eventInputSize() const;
  int64_t eventOutputSize() const;
  /// Whether the model has a dynamic batch dimension; without one each
  /// event is the whole of every tensor.
  bool hasBatch() const { return hasBatch_; }
  /// Events processed together by `run`.
  size_t chunkEvents() const { return chunkEvents_; }

  /// Runs `n` events: `in` holds n rows of eventInputSize() floats, `out`
  /// receives n rows of eventOutputSize() floats. Not reentrant: the
  /// emulator owns the buffers of a chunk.
  virtual void run(const float *in, float *out, size_t n) = 0;

protected:
  Emulator() = default;
  std::vector<TensorSpec> inputs_, outputs_;
  bool hasBatch_ = false;
  size_t chunkEvents_ = 1;
};

} // namespace ariadne

#endif // ARIADNE_EMULATOR_EMULATOR_H
