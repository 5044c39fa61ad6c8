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

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
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

/// The base of a layer's identifier: the ONNX node name, else the op kind.
std::string identifierBase(Operation *op) {
  std::string name = sanitizeIdentifier(locationName(op->getLoc()));
  if (!name.empty())
    return name;
  StringRef kind = op->getName().stripDialect();
  return sanitizeIdentifier(kind);
}

} // namespace

FailureOr<func::FuncOp> prepareCppModule(ModuleOp module) {
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

  // Last use of every value, in op indices; the return counts as index
  // ops.size().
  llvm::DenseMap<Value, size_t> lastUse;
  for (auto [index, op] : llvm::enumerate(ops)) {
    for (Value result : op->getResults())
      lastUse[result] = index;
    for (Value operand : op->getOperands())
      lastUse[operand] = index;
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
  bool fixedPoint = llvm::any_of(ops, [](Operation *op) {
    return llvm::isa_and_nonnull<fx::FXDialect>(op->getDialect());
  });
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
      if (llvm::isa<nn::ReshapeOp>(op) && !returnCount.count(result)) {
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
