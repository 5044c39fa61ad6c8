//===- Emulator.cpp - the reference emulator ------------------------------===//
//
// Walks the function once: decides for every value whether it is computed
// per event or shared, evaluates the shared ones right away, and keeps the
// steps of the per-event ones for `run`.
//
//===----------------------------------------------------------------------===//
#include "emulator/Emulator.h"
#include "emulator/Translate.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"

#include <algorithm>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::emu;

namespace {

/// Events per chunk when the model has a batch (fewer if events are large).
constexpr size_t kDefaultChunkEvents = 256;

class FloatEmulator final : public Emulator {
public:
  FloatEmulator() = default;
  void run(const float *in, float *out, size_t n) override {
    auto copy = [](size_t, const float *src, float *dst, int64_t count) {
      std::copy(src, src + count, dst);
    };
    program.run(in, out, n, copy, copy);
  }

  Program<float> program;
};

const TranslatorTable<float> &floatTranslators() {
  static const TranslatorTable<float> table = [] {
    TranslatorTable<float> t;
    registerFloatTranslators(t);
    return t;
  }();
  return table;
}

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

/// The f32 ranked tensor type of a value, or a message saying why not.
llvm::Expected<RankedTensorType> floatTensorType(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.getElementType().isF32())
    return makeError("type " + typeText(type) +
                     " is not supported (the float emulator runs ranked f32 "
                     "tensors)");
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

} // namespace

std::string ariadne::emu::describeOp(Operation *op) {
  std::string text = locationPrefix(op->getLoc()) + "'" +
                     op->getName().getStringRef().str() + "'";
  if (auto name = LocationAttr(op->getLoc()).findInstanceOf<NameLoc>())
    text += " (node '" + name.getName().str() + "')";
  return text;
}

Emulator::~Emulator() = default;

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
  Block &body = fn.getBody().front();
  auto emulator = std::make_unique<FloatEmulator>();
  Program<float> &program = emulator->program;

  // The batch: a dynamic leading dimension, shared by every input.
  bool hasBatch = false;
  for (BlockArgument arg : body.getArguments()) {
    auto type = llvm::dyn_cast<RankedTensorType>(arg.getType());
    hasBatch |= type && type.getRank() > 0 && type.isDynamicDim(0);
  }
  emulator->hasBatch_ = hasBatch;
  Translation<float> t(program, hasBatch);
  for (BlockArgument arg : body.getArguments()) {
    std::string name = nameOf(fn.getArgAttrDict(arg.getArgNumber()), "input",
                              arg.getArgNumber());
    std::string what = where + ": input '" + name + "'";
    auto type = floatTensorType(arg.getType());
    if (!type)
      return makeError(what + ": " + llvm::toString(type.takeError()));
    bool batch = type->getRank() > 0 && type->isDynamicDim(0);
    if (hasBatch && !batch)
      return makeError(what + " has no batch dimension while other inputs "
                              "have one; all inputs must share the batch");
    ArrayRef<int64_t> shape = type->getShape().drop_front(hasBatch ? 1 : 0);
    int tensor = program.addTensor(shape, /*perEvent=*/true);
    program.allocate(tensor);
    program.addInput(tensor);
    t.bind(arg, tensor);
    emulator->inputs_.push_back(specOf(name, shape));
  }

  const TranslatorTable<float> &table = floatTranslators();
  for (Operation &op : body.without_terminator()) {
    auto translator = table.find(op.getName().getStringRef());
    if (translator == table.end())
      return t.error(&op, "the emulator does not support this operation");
    if (op.getNumResults() != 1 || op.getNumRegions() != 0)
      return t.error(&op, "the emulator expects one result and no regions");
    bool perEvent = llvm::any_of(op.getOperands(),
                                 [&](Value v) { return t.info(v).perEvent; });
    Value result = op.getResult(0);
    auto type = floatTensorType(result.getType());
    if (!type)
      return t.error(&op, "result " + llvm::toString(type.takeError()));
    bool batch = type->getRank() > 0 && type->isDynamicDim(0);
    if (batch && !(hasBatch && perEvent))
      return t.error(&op, "result has a dynamic dimension but is not "
                          "computed per event of a batched model");
    if (hasBatch && perEvent && !batch)
      return t.error(&op, "result is computed from the events but has no "
                          "leading batch dimension");
    int tensor =
        program.addTensor(type->getShape().drop_front(batch ? 1 : 0), perEvent);
    t.bind(result, tensor);
    auto step = (translator->second)(&op, t);
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
    int tensor = t.tensorOf(operand.get());
    program.addOutput(tensor);
    emulator->outputs_.push_back(
        specOf(nameOf(fn.getResultAttrDict(i), "output", i),
               program.tensor(tensor).shape));
  }
  program.finalize(maxChunkEvents);
  emulator->chunkEvents_ = program.chunkEvents();
  return std::unique_ptr<Emulator>(std::move(emulator));
}
