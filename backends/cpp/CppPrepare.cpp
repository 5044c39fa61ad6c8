//===- CppPrepare.cpp - checks and buffer plan for the C++ target ---------===//
//
// The phase of the C++ backend that may change the IR: it rejects what the
// target cannot express, names every layer and decides where every value
// lives during one call, recording the plan as `cpp.*` attributes that the
// read-only emission patterns follow.
//
//===----------------------------------------------------------------------===//
#include "backends/common/KernelName.h"
#include "backends/cpp/CppEmitter.h"

#include "passes/FX/FXOps.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/Window.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <list>

using namespace mlir;

namespace ariadne {
namespace cpp {

namespace {

/// Identifiers the generated NAME.cpp uses itself, and C++ keywords.
const char *const kReservedIdentifiers[] = {
    "in",       "out",      "arena",     "scratch", "Lanes",     "lanes",
    "run",      "n",        "e",         "tileIn",  "tileOut",   "inSize",
    "outSize",  "ariadne",  "std",       "main",    "size_t",    "alignas",
    "alignof",  "and",      "asm",       "auto",    "bool",      "break",
    "case",     "catch",    "char",      "class",   "const",     "constexpr",
    "continue", "default",  "delete",    "do",      "double",    "else",
    "enum",     "explicit", "export",    "extern",  "false",     "float",
    "for",      "friend",   "goto",      "if",      "inline",    "int",
    "long",     "mutable",  "namespace", "new",     "noexcept",  "not",
    "nullptr",  "operator", "or",        "private", "protected", "public",
    "register", "return",   "short",     "signed",  "sizeof",    "static",
    "struct",   "switch",   "template",  "this",    "throw",     "true",
    "try",      "typedef",  "typename",  "union",   "unsigned",  "using",
    "virtual",  "void",     "volatile",  "while",   "xor",       "restrict"};

/// What the emission patterns append to a layer's identifier.
const char *const kIdentifierSuffixes[] = {
    "Config", "Weights", "Bias",  "Data", "Inputs",
    "Scale",  "Offset",  "Table", "Exp",  "Inv"};

/// Granularity of arena offsets: 16 floats keep every buffer of a lane
/// tile on its own 64-byte boundary.
constexpr int64_t kArenaAlignment = 16;

/// First-fit allocator over the arena, in elements per event.
class ArenaAllocator {
public:
  int64_t allocate(int64_t size) {
    size = (size + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
    for (auto it = freeList.begin(); it != freeList.end(); ++it) {
      if (it->second < size)
        continue;
      int64_t offset = it->first;
      it->first += size;
      it->second -= size;
      if (it->second == 0)
        freeList.erase(it);
      return offset;
    }
    // Grow the arena, merging a free block at its end.
    int64_t offset = end;
    if (!freeList.empty() &&
        freeList.back().first + freeList.back().second == end) {
      offset = freeList.back().first;
      freeList.pop_back();
    }
    end = offset + size;
    return offset;
  }

  void release(int64_t offset, int64_t size) {
    size = (size + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
    auto it = freeList.begin();
    while (it != freeList.end() && it->first < offset)
      ++it;
    it = freeList.insert(it, {offset, size});
    // Merge with the neighbours.
    auto next = std::next(it);
    if (next != freeList.end() && it->first + it->second == next->first) {
      it->second += next->second;
      freeList.erase(next);
    }
    if (it != freeList.begin()) {
      auto prev = std::prev(it);
      if (prev->first + prev->second == it->first) {
        prev->second += it->second;
        freeList.erase(it);
      }
    }
  }

  int64_t size() const { return end; }

private:
  std::list<std::pair<int64_t, int64_t>> freeList; // offset, size
  int64_t end = 0;
};

/// Checks a value's type: a ranked f32 tensor, static but for a dynamic
/// leading dimension, with no empty dimension.
LogicalResult checkType(Value value, Operation *owner, StringRef what) {
  auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return owner->emitOpError() << what << " has type " << value.getType()
                                << "; the cpp target needs ranked tensors";
  if (!type.getElementType().isF32() &&
      !llvm::isa<fx::FixedType>(type.getElementType()))
    return owner->emitOpError()
           << what << " has element type " << type.getElementType()
           << "; the cpp target computes in f32 or fixed point";
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (type.isDynamicDim(d) && d > 0)
      return owner->emitOpError()
             << what << " " << type
             << " has a dynamic dimension other than the leading batch";
    if (type.getDimSize(d) == 0)
      return owner->emitOpError() << what << " " << type << " is empty";
  }
  return success();
}

bool hasDynamicBatch(Type type) {
  auto ranked = llvm::cast<RankedTensorType>(type);
  return ranked.getRank() > 0 && ranked.isDynamicDim(0);
}

int64_t eventElements(Type type) {
  auto ranked = llvm::cast<RankedTensorType>(type);
  ArrayRef<int64_t> shape = ranked.getShape();
  if (hasDynamicBatch(type))
    shape = shape.drop_front();
  return product(shape);
}

/// The layer that reads the fields of window `w` in place, or null: a
/// dense layer over each field (through the reshape that merges it, as a
/// convolution imports) or a reduce_max over it (max pooling), the fields
/// read by nothing else and no model output. Float only.
Operation *inPlaceReader(nn::WindowOp w,
                         const llvm::DenseSet<Value> &returned) {
  Value fields = w.getOutput();
  auto type = llvm::cast<RankedTensorType>(fields.getType());
  if (!type.getElementType().isF32() || returned.contains(fields) ||
      !fields.hasOneUse())
    return nullptr;
  Operation *user = *fields.getUsers().begin();
  if (auto max = llvm::dyn_cast<nn::ReduceMaxOp>(user))
    return max;
  auto reshape = llvm::dyn_cast<nn::ReshapeOp>(user);
  if (!reshape || w.getPadLowest() || returned.contains(reshape.getOutput()) ||
      !reshape.getOutput().hasOneUse())
    return nullptr;
  // The fields [N?, out..., C, K] as [N?, out..., C * K].
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> merged(shape.drop_back(2));
  merged.push_back(shape[shape.size() - 2] * shape.back());
  if (llvm::cast<RankedTensorType>(reshape.getOutput().getType()).getShape() !=
      ArrayRef<int64_t>(merged))
    return nullptr;
  auto dense =
      llvm::dyn_cast<nn::DenseOp>(*reshape.getOutput().getUsers().begin());
  if (!dense || dense.getInput() != reshape.getOutput())
    return nullptr;
  return dense;
}

/// The base of a layer's identifier: the ONNX node name, else the op kind.
std::string identifierBase(Operation *op) {
  std::string name = sanitizeIdentifier(locationName(op->getLoc()));
  if (!name.empty())
    return name;
  StringRef kind = op->getName().stripDialect();
  return sanitizeIdentifier(kind);
}

} // namespace

FailureOr<func::FuncOp>
prepareCppModule(ModuleOp module, bool readWindowsInPlace, bool fuseTables) {
  auto functions = llvm::to_vector(module.getOps<func::FuncOp>());
  if (functions.size() != 1)
    return module.emitError("the module must hold exactly one func.func, "
                            "the kernel; it holds ")
           << functions.size();
  func::FuncOp fn = functions.front();
  if (fn.isExternal())
    return fn.emitError("the kernel function has no body");
  StringRef name = fn.getSymName();
  llvm::StringSet<> used;
  for (const char *reserved : kReservedIdentifiers)
    used.insert(reserved);
  std::string problem = kernelNameProblem(name.str());
  if (!problem.empty())
    return fn.emitError(problem) << "; choose another name (--name)";
  if (used.contains(name))
    return fn.emitError("kernel name '")
           << name << "' is not usable as a C function name";
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("the kernel function must have a single block");
  used.insert(name);
  used.insert((name + "_batch").str());

  // The batch: either every input has a dynamic leading dimension, or none.
  Block &block = fn.getBody().front();
  bool batched = false;
  for (BlockArgument arg : block.getArguments()) {
    std::string what = "input " + std::to_string(arg.getArgNumber());
    if (failed(checkType(arg, fn, what)))
      return failure();
    if (!llvm::cast<RankedTensorType>(arg.getType()).getElementType().isF32())
      return fn.emitError(what) << " must be an f32 tensor (a fixed-point "
                                   "model quantizes its float inputs)";
    batched |= hasDynamicBatch(arg.getType());
  }
  if (block.getNumArguments() == 0)
    return fn.emitError("the kernel has no input");
  for (BlockArgument arg : block.getArguments())
    if (hasDynamicBatch(arg.getType()) != batched)
      return fn.emitError("input ")
             << arg.getArgNumber() << " " << arg.getType()
             << (batched ? " lacks the dynamic batch dimension of the other "
                           "inputs"
                         : " has a dynamic dimension");
  auto returnOp = llvm::dyn_cast<func::ReturnOp>(block.getTerminator());
  if (!returnOp || returnOp.getNumOperands() == 0)
    return fn.emitError("the kernel has no output");
  for (auto [index, result] : llvm::enumerate(returnOp.getOperands())) {
    std::string what = "output " + std::to_string(index);
    if (failed(checkType(result, returnOp, what)))
      return failure();
    if (!llvm::cast<RankedTensorType>(result.getType())
             .getElementType()
             .isF32())
      return returnOp.emitOpError()
             << what << " must be an f32 tensor (a fixed-point model "
             << "dequantizes its outputs)";
    if (hasDynamicBatch(result.getType()) != batched)
      return returnOp.emitOpError()
             << what << " " << result.getType()
             << (batched ? " lacks the batch dimension of the inputs"
                         : " has a dynamic dimension");
  }

  // Names and types of the layers.
  SmallVector<Operation *> ops;
  for (Operation &op : block.without_terminator()) {
    for (auto [index, result] : llvm::enumerate(op.getResults()))
      if (failed(checkType(result, &op, "result " + std::to_string(index))))
        return failure();
    for (auto [index, operand] : llvm::enumerate(op.getOperands()))
      if (failed(checkType(operand, &op, "operand " + std::to_string(index))))
        return failure();
    ops.push_back(&op);
  }
  Builder builder(fn.getContext());
  for (Operation *op : ops) {
    std::string base = identifierBase(op);
    std::string unique = base;
    for (int suffix = 2; used.contains(unique); ++suffix)
      unique = base + "_" + std::to_string(suffix);
    used.insert(unique);
    // The emitted names derived from it must not meet another layer's.
    for (const char *suffix : kIdentifierSuffixes)
      used.insert(unique + suffix);
    op->setAttr(kLayerNameAttr, builder.getStringAttr(unique));
  }

  bool fixedPoint = llvm::any_of(ops, [](Operation *op) {
    return llvm::isa_and_nonnull<fx::FXDialect>(op->getDialect());
  });
  llvm::DenseSet<Value> returned(returnOp.getOperands().begin(),
                                 returnOp.getOperands().end());

  // Last use of every value, in op indices; the return counts as index
  // ops.size().
  llvm::DenseMap<Value, size_t> lastUse, opIndex;
  for (auto [index, op] : llvm::enumerate(ops)) {
    for (Value result : op->getResults())
      lastUse[result] = opIndex[result] = index;
    for (Value operand : op->getOperands())
      lastUse[operand] = index;
  }

  // Windows read in place: their input stays until the layer that reads
  // it; a transpose that only such windows read is read in place too.
  for (Operation *op : ops)
    op->removeAttr(kInPlaceAttr);
  if (readWindowsInPlace && !fixedPoint) {
    for (Operation *op : ops) {
      auto w = llvm::dyn_cast<nn::WindowOp>(op);
      Operation *reader = w ? inPlaceReader(w, returned) : nullptr;
      if (!reader)
        continue;
      w->setAttr(kInPlaceAttr, builder.getUnitAttr());
      size_t &last = lastUse[w.getInput()];
      last = std::max(last, opIndex[reader->getResult(0)]);
    }
    for (Operation *op : ops) {
      auto t = llvm::dyn_cast<nn::TransposeOp>(op);
      if (!t || returned.contains(t.getOutput()) || t->use_empty())
        continue;
      bool windowsOnly = llvm::all_of(t->getUsers(), [&](Operation *user) {
        auto w = llvm::dyn_cast<nn::WindowOp>(user);
        return w && w->hasAttr(kInPlaceAttr) && w.getInput() == t.getOutput();
      });
      if (windowsOnly)
        t->setAttr(kInPlaceAttr, builder.getUnitAttr());
    }
  }
  // A dense layer takes in the cast and the ReLU that alone read its
  // result, and on a CPU a table between it and the next dense layer
  // (kFusedAttr).
  for (Operation *op : ops)
    op->removeAttr(kFusedAttr);
  auto soleReader = [&](Value value) -> Operation * {
    if (returned.contains(value) || !value.hasOneUse())
      return nullptr;
    return *value.user_begin();
  };
  for (Operation *op : ops) {
    auto dense = llvm::dyn_cast<fx::DenseOp>(op);
    if (!dense)
      continue;
    Value last = dense.getOutput();
    Operation *next = soleReader(last);
    if (auto cast = llvm::dyn_cast_or_null<fx::CastOp>(next);
        cast && !returned.contains(cast.getOutput())) {
      cast->setAttr(kFusedAttr, builder.getUnitAttr());
      last = cast.getOutput();
      next = soleReader(last);
    }
    if (auto relu = llvm::dyn_cast_or_null<fx::ReluOp>(next);
        relu && !returned.contains(relu.getOutput())) {
      relu->setAttr(kFusedAttr, builder.getUnitAttr());
      last = relu.getOutput();
    }
    // On a CPU, a table between two dense layers, each its neighbour's
    // only reader, passes from one to the other as its indices
    // (fx::DenseConfig::Table).
    if (!fuseTables)
      continue;
    auto table = llvm::dyn_cast_or_null<fx::TableOp>(soleReader(last));
    if (table &&
        llvm::isa_and_nonnull<fx::DenseOp>(soleReader(table.getOutput())))
      table->setAttr(kFusedAttr, builder.getUnitAttr());
  }
  for (Operation *op : ops) {
    op->removeAttr(kPairsAttr);
    auto quantize = llvm::dyn_cast<fx::QuantizeOp>(op);
    if (!fuseTables || !quantize)
      continue;
    Operation *reader = soleReader(quantize.getOutput());
    if (llvm::isa_and_nonnull<fx::DenseOp>(reader) && denseTakesInt16(reader))
      quantize->setAttr(kPairsAttr, builder.getUnitAttr());
  }
  llvm::DenseMap<Value, unsigned> returnCount;
  SmallVector<int64_t> outputOffsets;
  int64_t outputOffset = 0;
  for (Value result : returnOp.getOperands()) {
    lastUse[result] = ops.size();
    ++returnCount[result];
    outputOffsets.push_back(outputOffset);
    outputOffset += eventElements(result.getType());
  }

  // Buffers of the arena: a value's buffer, shared by its reshape aliases,
  // lives until the last use of any of them.
  struct Buffer {
    int64_t offset, size;
    size_t lastUse;
  };
  std::vector<Buffer> buffers;
  llvm::DenseMap<Value, size_t> bufferOf;
  ArenaAllocator arena;
  auto storage = [&](StringRef kind, int64_t offset) {
    return builder.getDictionaryAttr(
        {builder.getNamedAttr("kind", builder.getStringAttr(kind)),
         builder.getNamedAttr("offset", builder.getI64IntegerAttr(offset))});
  };
  for (auto [index, op] : llvm::enumerate(ops)) {
    SmallVector<Attribute> storages;
    for (Value result : op->getResults()) {
      int64_t size = eventElements(result.getType());
      if (llvm::isa<nn::ConstantOp>(op)) {
        // The lane copy of a constant stays for the whole call.
        storages.push_back(storage("constant", arena.allocate(size)));
        continue;
      }
      bool alias =
          llvm::isa<nn::ReshapeOp>(op) || op->hasAttr(kFusedAttr) ||
          (llvm::isa<nn::TransposeOp>(op) && op->hasAttr(kInPlaceAttr));
      if (alias && !returnCount.count(result)) {
        Value source = op->getOperand(0);
        auto it = bufferOf.find(source);
        if (it != bufferOf.end()) {
          // Inserting may grow the map: `it` is not used after it.
          size_t buffer = it->second;
          bufferOf[result] = buffer;
          buffers[buffer].lastUse =
              std::max(buffers[buffer].lastUse, lastUse[result]);
        }
        storages.push_back(storage("alias", 0));
        continue;
      }
      if (returnCount.lookup(result) == 1) {
        unsigned position = 0;
        while (returnOp.getOperand(position) != result)
          ++position;
        storages.push_back(storage("output", outputOffsets[position]));
        continue;
      }
      // The arena holds one element type: raw integers in a fixed-point
      // model, floats otherwise.
      if (fixedPoint &&
          !llvm::isa<fx::FixedType>(
              llvm::cast<RankedTensorType>(result.getType()).getElementType()))
        return op->emitOpError(
            "computes a float intermediate value inside a fixed-point model, "
            "which the cpp target does not support");
      if (auto w = llvm::dyn_cast<nn::WindowOp>(op);
          w && w->hasAttr(kInPlaceAttr)) {
        // The padded copy of the input, if the window reaches outside it.
        WindowGeometry g = windowGeometry(w);
        size = windowPadded(g) ? windowPaddedSize(g) : 0;
      }
      int64_t offset = arena.allocate(size);
      bufferOf[result] = buffers.size();
      buffers.push_back({offset, size, lastUse[result]});
      storages.push_back(storage("arena", offset));
    }
    op->setAttr(kStorageAttr, builder.getArrayAttr(storages));
    // Free after the results are placed, so that no result overlaps an
    // operand of its own op.
    for (Buffer &buffer : buffers)
      if (buffer.size > 0 && buffer.lastUse == index) {
        arena.release(buffer.offset, buffer.size);
        buffer.size = 0;
      }
  }
  fn->setAttr(kArenaSizeAttr, builder.getI64IntegerAttr(arena.size()));
  if (fixedPoint)
    fn->setAttr(kFixedPointAttr, builder.getUnitAttr());
  else
    fn->removeAttr(kFixedPointAttr);
  if (batched)
    fn->setAttr(kBatchedAttr, builder.getUnitAttr());
  else
    fn->removeAttr(kBatchedAttr);
  return fn;
}

} // namespace cpp
} // namespace ariadne
