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
// It can record the range of every value, for calibration.
//
// A function with fx ops is quantized and runs bit-accurately on raw
// integers (emulator/FixedSteps.cpp), with the semantics FXOps.td states:
// fx.quantize takes the f32 inputs in, fx.dequantize gives the f32 outputs
// back, and every step that applies an overflow mode counts the values
// that overflowed.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_EMULATOR_H
#define ARIADNE_EMULATOR_EMULATOR_H

#include "ariadne/fixed_bits.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ariadne {

/// A model input or output as one event sees it.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> eventShape; // without the batch dimension, if any
  int64_t eventSize = 1;           // product of eventShape
};

/// How many values of one tensor of a quantized model overflowed its type
/// on the events run so far.
struct OverflowCount {
  std::string layer; ///< The ONNX node's name, else e.g. "fx.cast#4".
  std::string op;    ///< The op that computed the tensor ("fx.cast").
  std::string type;  ///< Its element type ("!fx.fixed<16, 6, RND, SAT>").
  std::uint64_t values = 0; ///< Values computed.
  /// Values whose exact result lay outside the type (for SAT_SYM: outside
  /// the symmetric range) and were saturated (SAT, SAT_SYM) or set to zero
  /// (SAT_ZERO).
  std::uint64_t saturated = 0;
  /// Values that wrapped: outside the range of a WRAP type, or, for
  /// fx.dense, sums that did not fit the accumulator.
  std::uint64_t wrapped = 0;
  /// Indices outside their axis: gathered elements that read 0 and
  /// scattered updates that were dropped (nn.gather_elements,
  /// nn.scatter_elements).
  std::uint64_t outOfRange = 0;
};

/// The least and greatest value seen per value of a function (NaN ignored).
using ValueRanges = llvm::DenseMap<mlir::Value, std::pair<double, double>>;

class Emulator {
public:
  /// Translates `fn`; fails with a located message on an op it cannot run.
  static llvm::Expected<std::unique_ptr<Emulator>>
  create(mlir::func::FuncOp fn);
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
  /// Whether the function has fx ops and runs on raw integers.
  bool isQuantized() const { return quantized_; }
  /// Per output, the fixed-point type of the value the fx.dequantize that
  /// produces it converts; none for an output that no fx.dequantize
  /// produces, and for every output of a float model.
  const std::vector<std::optional<FixedSpec>> &outputSpecs() const {
    return outputSpecs_;
  }

  /// Runs `n` events: `in` holds n rows of eventInputSize() floats, `out`
  /// receives n rows of eventOutputSize() floats. Not reentrant: the
  /// emulator owns the buffers of a chunk.
  virtual void run(const float *in, float *out, size_t n) = 0;

  /// As `run`, writing instead of each output value the raw integer of the
  /// fixed-point value its fx.dequantize converts: the W-bit integer,
  /// sign-extended for a signed type and zero-extended for an unsigned one
  /// (so a 64-bit unsigned value from 2^63 up reads as negative). Fails,
  /// computing nothing, when the model is not quantized or an output has
  /// no type in `outputSpecs`.
  virtual llvm::Error runRaw(const float *in, std::int64_t *out, size_t n);

  /// Per tensor whose step applies an overflow mode (fx.quantize, fx.cast,
  /// fx.leaky_relu, fx.scale, fx.softmax) or sums into an accumulator
  /// (fx.dense), in the order of the function: the counts since creation or
  /// the last reset. Empty for a float model.
  virtual std::vector<OverflowCount> overflowReport() const { return {}; }
  virtual void resetOverflowCounts() {}

  /// Float models: while on, `run` records the least and greatest value of
  /// every block argument and op result (NaN ignored), for calibration.
  /// Quantized models record nothing.
  virtual void recordRanges(bool on) {}
  /// What was recorded, keyed by the values of the function given to
  /// `create` (which must outlive the emulator); a value appears once an
  /// event gave it a value that is not NaN.
  virtual ValueRanges ranges() const { return ValueRanges(); }
  virtual void clearRanges() {}

protected:
  Emulator() = default;
  std::vector<TensorSpec> inputs_, outputs_;
  std::vector<std::optional<FixedSpec>> outputSpecs_;
  bool hasBatch_ = false;
  bool quantized_ = false;
  size_t chunkEvents_ = 1;
};

/// The ops the float reference and the bit-accurate interpretation
/// translate (for the op-coverage test).
std::vector<std::string> floatEmulatorOpNames();
std::vector<std::string> fixedEmulatorOpNames();

} // namespace ariadne

#endif // ARIADNE_EMULATOR_EMULATOR_H
