//===- Translate.h - from nn ops to emulator steps --------------*- C++ -*-===//
//
// The emulator translates each op with a translator looked up by op name in
// a table; a translator reads the op's attributes and the layout of its
// operands and returns the step that computes its result. A new op (or a new
// interpretation, such as fixed point) is new entries in a table, not a new
// branch in the run loop.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EMULATOR_TRANSLATE_H
#define ARIADNE_EMULATOR_TRANSLATE_H

#include "emulator/Emulator.h"
#include "emulator/Program.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <deque>
#include <functional>
#include <string>

namespace ariadne::emu {

/// "file:line:col: 'nn.op' (node 'name')" for messages about `op`.
std::string describeOp(mlir::Operation *op);

/// The layer `op` belongs to in reports: the ONNX node's name from its
/// location, else the op's name and its position in the block
/// ("fx.cast#4").
std::string layerName(mlir::Operation *op);

/// An overflow count of zero for `op`'s result, with its layer, op name and
/// result element type filled in.
OverflowCount overflowCountOf(mlir::Operation *op);

/// State of the translation of one function, handed to every translator.
template <typename T> class Translation {
public:
  Translation(Program<T> &program, bool hasBatch)
      : program(program), hasBatch(hasBatch) {}

  Program<T> &program;
  /// Whether the model's inputs have a dynamic leading (batch) dimension.
  const bool hasBatch;

  void bind(mlir::Value value, int tensor) { tensors[value] = tensor; }
  int tensorOf(mlir::Value value) const { return tensors.lookup(value); }
  const TensorInfo &info(mlir::Value value) const {
    return program.tensor(tensorOf(value));
  }

  /// Whether `op` computes one result per event of a batched model: then
  /// its per-event tensors lack the batch dimension and axes shift by one.
  bool batched(mlir::Operation *op) const {
    return hasBatch && info(op->getResult(0)).perEvent;
  }
  int64_t axisShift(mlir::Operation *op) const { return batched(op) ? 1 : 0; }

  /// Where the steps that apply an overflow mode keep their counts; null
  /// when the interpretation counts none.
  std::deque<OverflowCount> *overflowCounts = nullptr;

  /// A new count for `op`'s result that its step updates as it runs (the
  /// deque keeps it in place).
  OverflowCount *overflowCounter(mlir::Operation *op) {
    overflowCounts->push_back(overflowCountOf(op));
    return &overflowCounts->back();
  }

  /// The shape under which `operand` takes part in `op`'s per-event
  /// computation, for ops that align shapes to the right (numpy
  /// broadcasting, concat). A shared operand whose leading dimension lines up
  /// with the event batch must have size 1 there and loses it.
  llvm::Expected<llvm::SmallVector<int64_t, 4>>
  broadcastView(mlir::Operation *op, mlir::Value operand) const {
    const TensorInfo &in = info(operand);
    if (!batched(op))
      return in.shape;
    auto fullRank = [](mlir::Value v) {
      return llvm::cast<mlir::RankedTensorType>(v.getType()).getRank();
    };
    int64_t resultRank = fullRank(op->getResult(0));
    int64_t rank = fullRank(operand);
    if (in.perEvent) {
      if (rank != resultRank)
        return error(op, "an operand's event batch dimension does not line "
                         "up with the result's");
      return in.shape;
    }
    if (rank < resultRank)
      return in.shape;
    if (in.shape.front() != 1)
      return error(op, "a constant operand's leading dimension (size " +
                           llvm::Twine(in.shape.front()) +
                           ") lines up with the event batch; it must be 1");
    return llvm::SmallVector<int64_t, 4>(in.shape.begin() + 1, in.shape.end());
  }

  llvm::Error error(mlir::Operation *op, const llvm::Twine &reason) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   describeOp(op) + ": " + reason.str());
  }

private:
  llvm::DenseMap<mlir::Value, int> tensors;
};

/// Translators by op class (passes/Support/OpHandlers.h):
/// `table.add<nn::DenseOp>(translateDense)`.
template <typename T>
using TranslatorTable = OpHandlers<llvm::Expected<std::unique_ptr<Step<T>>>(
    mlir::Operation *, Translation<T> &)>;

/// The float reference: every nn op.
void registerFloatTranslators(TranslatorTable<float> &table);

/// The bit-accurate interpretation of quantized functions: every fx op and
/// the nn ops that move elements, on raw integers (emulator/FixedSteps.cpp).
/// Each element is a std::uint64_t: the raw value of a fixed-point element,
/// extended as fixed_bits.h carries it, or the bit pattern of an f32 one.
void registerFixedTranslators(TranslatorTable<std::uint64_t> &table);

} // namespace ariadne::emu

#endif // ARIADNE_EMULATOR_TRANSLATE_H
