//===- Emulator.cpp - the reference emulator ------------------------------===//
//
// Walks the function once: decides for every value whether it is computed
// per event or shared, evaluates the shared ones right away, and keeps the
// steps of the per-event ones for `run`. A function with fx ops becomes a
// program on raw integers, any other a float program.
//
//===----------------------------------------------------------------------===//
#include "emulator/Emulator.h"
#include "emulator/Translate.h"
#include "passes/FX/FXOps.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::emu;

namespace {

/// Events per chunk when the model has a batch (fewer if events are large).
constexpr size_t kDefaultChunkEvents = 256;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string locationPrefix(Location loc) {
  if (auto file = LocationAttr(loc).findInstanceOf<FileLineColLoc>())
    return (file.getFilename().getValue() + ":" + llvm::Twine(file.getLine()) +
            ":" + llvm::Twine(file.getColumn()) + ": ")
        .str();
  return "";
}

std::string typeText(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return os.str();
}

/// The ranked tensor type of a value whose elements a program holds: f32,
/// or fixed-point in a quantized program; else a message saying why not.
llvm::Expected<RankedTensorType> tensorType(Type type, bool quantized) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  bool supported =
      tensor &&
      (tensor.getElementType().isF32() ||
       (quantized && llvm::isa<fx::FixedType>(tensor.getElementType())));
  if (!supported)
    return makeError(
        "type " + typeText(type) +
        (quantized ? " is not supported (the fixed-point emulator runs "
                     "ranked tensors of f32 and fixed-point values)"
                   : " is not supported (the float emulator runs ranked f32 "
                     "tensors)"));
  for (int64_t d = 1; d < tensor.getRank(); ++d)
    if (tensor.isDynamicDim(d))
      return makeError("type " + typeText(type) +
                       " has a dynamic dimension other than the leading "
                       "event batch");
  return tensor;
}

std::string nameOf(DictionaryAttr attrs, const char *fallback, unsigned i) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("nn.name"))
      return name.str();
  return fallback + std::to_string(i);
}

TensorSpec specOf(std::string name, ArrayRef<int64_t> shape) {
  TensorSpec spec;
  spec.name = std::move(name);
  spec.eventShape.assign(shape.begin(), shape.end());
  spec.eventSize = productOf(shape);
  return spec;
}

/// Whether a function body is a quantized model: it has fx ops.
bool isQuantizedFunction(Block &body) {
  return llvm::any_of(body, [](Operation &op) {
    return op.getName().getDialectNamespace() ==
           fx::FXDialect::getDialectNamespace();
  });
}

/// An emulator that runs a Program<T>; `build` translates the function.
template <typename T> class ProgramEmulator : public Emulator {
protected:
  /// Translates the body of `fn` with `table`: the inputs, every op, the
  /// outputs. Steps that count overflows keep their counts in `counts`.
  llvm::Error build(func::FuncOp fn, size_t maxChunkEvents,
                    const TranslatorTable<T> &table,
                    std::deque<OverflowCount> *counts = nullptr);

  Program<T> program;
  /// Every block argument and op result, with its tensor.
  std::vector<std::pair<Value, int>> valueTensors;
  llvm::DenseMap<Value, int> tensorOf;
};

template <typename T>
llvm::Error ProgramEmulator<T>::build(func::FuncOp fn, size_t maxChunkEvents,
                                      const TranslatorTable<T> &table,
                                      std::deque<OverflowCount> *counts) {
  std::string where =
      locationPrefix(fn.getLoc()) + "function '" + fn.getSymName().str() + "'";
  Block &body = fn.getBody().front();
  bool quantized = quantized_;
  // The batch: a dynamic leading dimension, shared by every input.
  for (BlockArgument arg : body.getArguments()) {
    auto type = llvm::dyn_cast<RankedTensorType>(arg.getType());
    hasBatch_ |= type && type.getRank() > 0 && type.isDynamicDim(0);
  }
  Translation<T> t(program, hasBatch_);
  t.overflowCounts = counts;
  for (BlockArgument arg : body.getArguments()) {
    std::string name = nameOf(fn.getArgAttrDict(arg.getArgNumber()), "input",
                              arg.getArgNumber());
    std::string what = where + ": input '" + name + "'";
    auto type = tensorType(arg.getType(), /*quantized=*/false);
    if (!type) {
      if (quantized) {
        llvm::consumeError(type.takeError());
        return makeError(what + ": type " + typeText(arg.getType()) +
                         " is not supported: a quantized model takes f32 "
                         "inputs, which fx.quantize converts");
      }
      return makeError(what + ": " + llvm::toString(type.takeError()));
    }
    bool batch = type->getRank() > 0 && type->isDynamicDim(0);
    if (hasBatch_ && !batch)
      return makeError(what + " has no batch dimension while other inputs "
                              "have one; all inputs must share the batch");
    ArrayRef<int64_t> shape = type->getShape().drop_front(hasBatch_ ? 1 : 0);
    int tensor = program.addTensor(shape, /*perEvent=*/true);
    program.allocate(tensor);
    program.addInput(tensor);
    t.bind(arg, tensor);
    valueTensors.push_back({arg, tensor});
    inputs_.push_back(specOf(name, shape));
  }

  for (Operation &op : body.without_terminator()) {
    auto *translator = table.lookup(&op);
    if (!translator)
      return t.error(&op, quantized ? "the fixed-point emulator does not "
                                      "support this operation"
                                    : "the emulator does not support this "
                                      "operation");
    if (op.getNumResults() != 1 || op.getNumRegions() != 0)
      return t.error(&op, "the emulator expects one result and no regions");
    bool perEvent = llvm::any_of(op.getOperands(),
                                 [&](Value v) { return t.info(v).perEvent; });
    Value result = op.getResult(0);
    auto type = tensorType(result.getType(), quantized);
    if (!type)
      return t.error(&op, "result " + llvm::toString(type.takeError()));
    bool batch = type->getRank() > 0 && type->isDynamicDim(0);
    if (batch && !(hasBatch_ && perEvent))
      return t.error(&op, "result has a dynamic dimension but is not "
                          "computed per event of a batched model");
    if (hasBatch_ && perEvent && !batch)
      return t.error(&op, "result is computed from the events but has no "
                          "leading batch dimension");
    int tensor =
        program.addTensor(type->getShape().drop_front(batch ? 1 : 0), perEvent);
    t.bind(result, tensor);
    valueTensors.push_back({result, tensor});
    auto step = (*translator)(&op, t);
    if (!step)
      return step.takeError();
    program.allocate(tensor);
    if (!*step)
      continue;
    if (perEvent)
      program.addStep(std::move(*step));
    else
      program.evaluateShared(**step);
  }

  Operation *terminator = body.getTerminator();
  if (!llvm::isa<func::ReturnOp>(terminator))
    return t.error(terminator, "the function must end in func.return");
  for (OpOperand &operand : terminator->getOpOperands()) {
    unsigned i = operand.getOperandNumber();
    std::string name = nameOf(fn.getResultAttrDict(i), "output", i);
    // Op results and inputs are checked; only f32 may leave a quantized
    // model.
    if (quantized && !llvm::cast<RankedTensorType>(operand.get().getType())
                          .getElementType()
                          .isF32())
      return makeError(where + ": output '" + name + "': type " +
                       typeText(operand.get().getType()) +
                       " is not supported: a quantized model gives f32 "
                       "outputs, which fx.dequantize produces");
    int tensor = t.tensorOf(operand.get());
    program.addOutput(tensor);
    outputs_.push_back(specOf(name, program.tensor(tensor).shape));
    outputSpecs_.push_back(std::nullopt);
  }
  for (const auto &[value, tensor] : valueTensors)
    tensorOf[value] = tensor;
  program.finalize(maxChunkEvents);
  chunkEvents_ = program.chunkEvents();
  return llvm::Error::success();
}

void copyFloats(size_t, const float *src, float *dst, int64_t count) {
  std::copy(src, src + count, dst);
}

class FloatEmulator final : public ProgramEmulator<float> {
public:
  llvm::Error build(func::FuncOp fn, size_t maxChunkEvents) {
    if (auto err =
            ProgramEmulator::build(fn, maxChunkEvents, floatTranslators()))
      return err;
    clearRanges();
    return llvm::Error::success();
  }

  void run(const float *in, float *out, size_t n) override {
    if (!recording) {
      program.run(in, out, n, copyFloats, copyFloats);
      return;
    }
    program.run(in, out, n, program.outputTensors(), copyFloats, copyFloats,
                [&](float *const *tensors, int64_t events) {
                  record(tensors, events);
                });
  }

  void recordRanges(bool on) override { recording = on; }

  ValueRanges ranges() const override {
    ValueRanges result;
    for (size_t i = 0; i < valueTensors.size(); ++i)
      if (lows[i] <= highs[i])
        result[valueTensors[i].first] = {double(lows[i]), double(highs[i])};
    return result;
  }

  void clearRanges() override {
    lows.assign(valueTensors.size(), std::numeric_limits<float>::infinity());
    highs.assign(valueTensors.size(), -std::numeric_limits<float>::infinity());
  }

private:
  static const TranslatorTable<float> &floatTranslators() {
    static const TranslatorTable<float> table = [] {
      TranslatorTable<float> t;
      registerFloatTranslators(t);
      return t;
    }();
    return table;
  }

  /// Widens the ranges by the values of a chunk of `events` events.
  void record(float *const *tensors, int64_t events) {
    for (size_t i = 0; i < valueTensors.size(); ++i) {
      int tensor = valueTensors[i].second;
      const TensorInfo &info = program.tensor(tensor);
      const float *values = tensors[tensor];
      int64_t count = info.perEvent ? events * info.size : info.size;
      if (!values || count == 0)
        continue;
      // NaN compares false and changes neither bound.
      float lo = lows[i], hi = highs[i];
      for (int64_t j = 0; j < count; ++j) {
        lo = values[j] < lo ? values[j] : lo;
        hi = values[j] > hi ? values[j] : hi;
      }
      lows[i] = lo;
      highs[i] = hi;
    }
  }

  bool recording = false;
  std::vector<float> lows, highs; // per entry of valueTensors
};

class FixedEmulator final : public ProgramEmulator<std::uint64_t> {
public:
  using Bits = std::uint64_t;

  llvm::Error build(func::FuncOp fn, size_t maxChunkEvents) {
    quantized_ = true;
    if (auto err = ProgramEmulator::build(fn, maxChunkEvents,
                                          fixedTranslators(), &counts))
      return err;
    // The raw outputs: the operands of the fx.dequantize ops that produce
    // the outputs.
    Operation *terminator = fn.getBody().front().getTerminator();
    for (OpOperand &operand : terminator->getOpOperands()) {
      auto dequantize = operand.get().getDefiningOp<fx::DequantizeOp>();
      if (!dequantize) {
        rawTensors.push_back(-1);
        continue;
      }
      Value raw = dequantize.getInput();
      rawTensors.push_back(tensorOf.lookup(raw));
      outputSpecs_[operand.getOperandNumber()] =
          llvm::cast<fx::FixedType>(
              llvm::cast<RankedTensorType>(raw.getType()).getElementType())
              .getSpec();
    }
    // Steps on shared values ran while the program was built; the counts
    // are those of the events run.
    resetOverflowCounts();
    return llvm::Error::success();
  }

  void run(const float *in, float *out, size_t n) override {
    program.run(in, out, n, program.outputTensors(), loadFloats, storeFloats,
                [](Bits *const *, int64_t) {});
  }

  llvm::Error runRaw(const float *in, std::int64_t *out, size_t n) override {
    for (size_t i = 0; i < rawTensors.size(); ++i)
      if (rawTensors[i] < 0)
        return makeError("output '" + outputs_[i].name +
                         "' is not produced by fx.dequantize; it has no raw "
                         "fixed-point values");
    auto storeRaw = [](size_t, const Bits *src, std::int64_t *dst,
                       int64_t count) {
      for (int64_t j = 0; j < count; ++j)
        dst[j] = static_cast<std::int64_t>(src[j]);
    };
    program.run(in, out, n, rawTensors, loadFloats, storeRaw,
                [](Bits *const *, int64_t) {});
    return llvm::Error::success();
  }

  std::vector<OverflowCount> overflowReport() const override {
    return std::vector<OverflowCount>(counts.begin(), counts.end());
  }

  void resetOverflowCounts() override {
    for (OverflowCount &count : counts)
      count.values = count.saturated = count.wrapped = count.outOfRange = 0;
  }

private:
  static const TranslatorTable<Bits> &fixedTranslators() {
    static const TranslatorTable<Bits> table = [] {
      TranslatorTable<Bits> t;
      registerFixedTranslators(t);
      return t;
    }();
    return table;
  }

  /// f32 tensors of the integer program hold the floats' bit patterns.
  static void loadFloats(size_t, const float *src, Bits *dst, int64_t count) {
    for (int64_t j = 0; j < count; ++j) {
      std::uint32_t bits;
      std::memcpy(&bits, src + j, sizeof(bits));
      dst[j] = bits;
    }
  }

  static void storeFloats(size_t, const Bits *src, float *dst, int64_t count) {
    for (int64_t j = 0; j < count; ++j) {
      auto bits = static_cast<std::uint32_t>(src[j]);
      std::memcpy(dst + j, &bits, sizeof(bits));
    }
  }

  std::deque<OverflowCount> counts;
  std::vector<int> rawTensors; // per output; -1 without fx.dequantize
};

} // namespace

std::string ariadne::emu::describeOp(Operation *op) {
  std::string text = locationPrefix(op->getLoc()) + "'" +
                     op->getName().getStringRef().str() + "'";
  if (auto name = LocationAttr(op->getLoc()).findInstanceOf<NameLoc>())
    text += " (node '" + name.getName().str() + "')";
  return text;
}

std::string ariadne::emu::layerName(Operation *op) {
  if (auto name = LocationAttr(op->getLoc()).findInstanceOf<NameLoc>())
    return name.getName().str();
  unsigned index = 0;
  if (Block *block = op->getBlock())
    for (Operation &other : *block) {
      if (&other == op)
        break;
      ++index;
    }
  return op->getName().getStringRef().str() + "#" + std::to_string(index);
}

OverflowCount ariadne::emu::overflowCountOf(Operation *op) {
  OverflowCount count;
  count.layer = layerName(op);
  count.op = op->getName().getStringRef().str();
  Type type = op->getResult(0).getType();
  if (auto shaped = llvm::dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  count.type = typeText(type);
  return count;
}

Emulator::~Emulator() = default;

llvm::Error Emulator::runRaw(const float *, std::int64_t *, size_t) {
  return makeError("the model is not quantized (it has no fx ops); only a "
                   "quantized model has raw fixed-point outputs");
}

int64_t Emulator::eventInputSize() const {
  int64_t n = 0;
  for (const TensorSpec &s : inputs_)
    n += s.eventSize;
  return n;
}

int64_t Emulator::eventOutputSize() const {
  int64_t n = 0;
  for (const TensorSpec &s : outputs_)
    n += s.eventSize;
  return n;
}

llvm::Expected<std::unique_ptr<Emulator>> Emulator::create(func::FuncOp fn) {
  return create(fn, kDefaultChunkEvents);
}

llvm::Expected<std::unique_ptr<Emulator>>
Emulator::create(func::FuncOp fn, size_t maxChunkEvents) {
  std::string where =
      locationPrefix(fn.getLoc()) + "function '" + fn.getSymName().str() + "'";
  if (fn.isExternal() || !fn.getBody().hasOneBlock())
    return makeError(where + ": needs a body of one block");
  if (isQuantizedFunction(fn.getBody().front())) {
    auto emulator = std::make_unique<FixedEmulator>();
    if (auto err = emulator->build(fn, maxChunkEvents))
      return err;
    return std::unique_ptr<Emulator>(std::move(emulator));
  }
  auto emulator = std::make_unique<FloatEmulator>();
  if (auto err = emulator->build(fn, maxChunkEvents))
    return err;
  return std::unique_ptr<Emulator>(std::move(emulator));
}

std::vector<std::string> ariadne::floatEmulatorOpNames() {
  emu::TranslatorTable<float> table;
  emu::registerFloatTranslators(table);
  return table.opNames();
}

std::vector<std::string> ariadne::fixedEmulatorOpNames() {
  emu::TranslatorTable<std::uint64_t> table;
  emu::registerFixedTranslators(table);
  return table.opNames();
}
