//===- ImportSupport.h - what the ONNX op importers share -------*- C++ -*-===//
//
// Private to frontend/onnx: the shape helpers, the compile-time element
// movements on constants, the generic builders (element-wise arithmetic,
// activations) and the importer of every irregular op, by category:
// ImportLayers.cpp (softmax, clip, matmul, gemm, batch norm),
// ImportWindows.cpp (convolution, pooling, pad),
// ImportNormalization.cpp (reductions, layer norm, split),
// ImportRecurrent.cpp (GRU, LSTM and RNN, unrolled),
// ImportDataMovement.cpp (flatten, reshape, squeeze, unsqueeze, transpose,
// concat, slice, identity, dropout), ImportConstants.cpp (the
// shape-folding evaluator: constant, shape, gather, constant-of-shape,
// cast), ImportIndexing.cpp (gathers and scatters at run-time indices) and
// ImportConditions.cpp (comparisons, logic and Where at run time).
// OpImporters.cpp holds the table.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_ONNX_IMPORTSUPPORT_H
#define ARIADNE_FRONTEND_ONNX_IMPORTSUPPORT_H

#include "frontend/onnx/GraphImporter.h"
#include "passes/NN/NNOps.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

namespace ariadne {
namespace frontend {
namespace imports {

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using nn::ActivationKind;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

inline SmallVector<int64_t> shapeOf(Value v) {
  return SmallVector<int64_t>(
      llvm::cast<RankedTensorType>(v.getType()).getShape());
}

inline bool isBatched(ArrayRef<int64_t> shape) {
  return !shape.empty() && ShapedType::isDynamic(shape.front());
}

inline int64_t product(ArrayRef<int64_t> dims) {
  return nn::elementCount(dims);
}
using nn::stridesOf;

inline std::string str(int64_t v) { return std::to_string(v); }

/// Maps an ONNX axis in [-rank, rank) to [0, rank).
inline Expected<int64_t> normalizeAxis(NodeImporter &n, int64_t axis,
                                       int64_t rank,
                                       llvm::StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return n.error(what + " " + str(axis) + " is out of range for rank " +
                   str(rank));
  return axis < 0 ? axis + rank : axis;
}

/// Numpy broadcasting of several shapes, with the batch (dynamic) dimension
/// allowed to meet only itself or 1, and required to stay leading.
inline Expected<SmallVector<int64_t>>
broadcastBatched(NodeImporter &n, ArrayRef<SmallVector<int64_t>> shapes) {
  size_t rank = 0;
  for (const auto &s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> out(rank, 1);
  auto describe = [&]() {
    std::string text;
    for (const auto &s : shapes)
      text += (text.empty() ? "" : " and ") + formatShape(s);
    return text;
  };
  for (const auto &s : shapes) {
    size_t offset = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t &o = out[offset + d];
      int64_t v = s[d];
      if (o == v || v == 1)
        continue;
      if (o == 1) {
        o = v;
        continue;
      }
      if (ShapedType::isDynamic(o) || ShapedType::isDynamic(v))
        return n.error("operand shapes " + describe() +
                       " broadcast the dynamic batch dimension against a "
                       "fixed size");
      return n.error("operand shapes " + describe() + " do not broadcast");
    }
  }
  for (size_t d = 1; d < rank; ++d)
    if (ShapedType::isDynamic(out[d]))
      return n.error("operand shapes " + describe() +
                     " would move the dynamic batch dimension away from the "
                     "leading position");
  return out;
}

/// The flat index into a broadcast operand of shape `in` for the output
/// multi-index `index` of rank >= in.size().
inline int64_t broadcastSource(ArrayRef<int64_t> index, ArrayRef<int64_t> in,
                               ArrayRef<int64_t> inStrides) {
  size_t offset = index.size() - in.size();
  int64_t src = 0;
  for (size_t d = 0; d < in.size(); ++d)
    if (in[d] != 1)
      src += index[offset + d] * inStrides[d];
  return src;
}

/// Advances a multi-index over `shape` in C order.
inline void increment(SmallVectorImpl<int64_t> &index,
                      ArrayRef<int64_t> shape) {
  for (int d = int(shape.size()) - 1; d >= 0; --d) {
    if (++index[d] < shape[d])
      return;
    index[d] = 0;
  }
}

//===----------------------------------------------------------------------===//
// Compile-time data: the same element movements on float constants and on
// integer (shape) tensors
//===----------------------------------------------------------------------===//

/// The shape of any imported value; fails for values with no usable type.
inline Expected<SmallVector<int64_t>> valueShape(NodeImporter &n,
                                                 const ImportedValue &v) {
  switch (v.kind) {
  case ImportedValue::Kind::Tensor:
    return onnxShape(shapeOf(v.tensor), v.batchAxis, v.batchFactor);
  case ImportedValue::Kind::FloatConst:
    return v.constant->shape;
  case ImportedValue::Kind::Int:
    return v.ints.shape;
  case ImportedValue::Kind::Unsupported:
    return n.error(v.reason);
  }
  llvm_unreachable("unknown value kind");
}

template <typename T>
inline SmallVector<T> stridedSlice(ArrayRef<T> data, ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> starts,
                                   ArrayRef<int64_t> steps,
                                   ArrayRef<int64_t> counts) {
  auto strides = stridesOf(shape);
  int64_t total = product(counts);
  SmallVector<T> out;
  out.reserve(size_t(total));
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      src += (starts[d] + index[d] * steps[d]) * strides[d];
    out.push_back(data[size_t(src)]);
    increment(index, counts);
  }
  return out;
}

template <typename T>
inline SmallVector<T> gatherAlong(ArrayRef<T> data, ArrayRef<int64_t> shape,
                                  int64_t axis, ArrayRef<int64_t> indices) {
  int64_t outer = product(shape.take_front(axis));
  int64_t dim = shape[axis];
  int64_t inner = product(shape.drop_front(axis + 1));
  SmallVector<T> out;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : indices)
      for (int64_t k = 0; k < inner; ++k)
        out.push_back(data[size_t((o * dim + i) * inner + k)]);
  return out;
}

/// Concatenation of compile-time data along `axis`; `parts` are (data,
/// shape) pairs of equal rank.
template <typename T>
inline SmallVector<T>
concatAlong(ArrayRef<std::pair<ArrayRef<T>, ArrayRef<int64_t>>> parts,
            int64_t axis) {
  int64_t outer = product(parts.front().second.take_front(axis));
  SmallVector<T> out;
  for (int64_t o = 0; o < outer; ++o)
    for (const auto &[data, shape] : parts) {
      int64_t block = product(shape.drop_front(axis));
      for (int64_t k = 0; k < block; ++k)
        out.push_back(data[size_t(o * block + k)]);
    }
  return out;
}

/// A compile-time integer tensor of known values (no batch symbol), as a
/// plain vector; `role` names it in errors.
inline Expected<SmallVector<int64_t>>
knownValues(NodeImporter &n, const IntTensor &t, llvm::StringRef role) {
  SmallVector<int64_t> out;
  for (const SymInt &v : t.values) {
    if (v.isBatch)
      return n.error("the " + role +
                     " depends on the dynamic batch size; it must be known "
                     "at compile time");
    out.push_back(v.value);
  }
  return out;
}

/// An integer parameter given as a 1-D (or scalar) compile-time input.
inline Expected<SmallVector<int64_t>> intVectorInput(NodeImporter &n, size_t i,
                                                     llvm::StringRef role) {
  auto t = n.ints(i, role);
  if (!t)
    return t.takeError();
  if (t->rank() > 1)
    return n.error("the " + role + " must be a 1-D tensor, not rank " +
                   str(t->rank()));
  return knownValues(n, *t, role);
}

/// The ONNX axis of the dynamic dimension of `shape`, or -1.
inline int64_t dynamicAxis(ArrayRef<int64_t> shape) {
  for (auto [d, size] : llvm::enumerate(shape))
    if (ShapedType::isDynamic(size))
      return int64_t(d);
  return -1;
}

/// Registers `in` reshaped to the ONNX shape `shape`: a reshape op for
/// run-time tensors, new metadata for compile-time data. A batched tensor
/// may move its batch dimension (a time-major view) only where the
/// dimensions before it keep their product: then one event keeps its
/// values and their order.
inline Error setReshaped(NodeImporter &n, const ImportedValue &in,
                         ArrayRef<int64_t> shape,
                         std::optional<int64_t> batchFactor = std::nullopt) {
  switch (in.kind) {
  case ImportedValue::Kind::Tensor: {
    SmallVector<int64_t> from =
        onnxShape(shapeOf(in.tensor), in.batchAxis, in.batchFactor);
    int64_t axis = dynamicAxis(shape);
    if (!isBatched(shapeOf(in.tensor))) {
      if (ArrayRef<int64_t>(shapeOf(in.tensor)) == shape)
        return n.setTensor(0, in.tensor);
      return n.setTensor(0, n.create<nn::ReshapeOp>(shape, in.tensor));
    }
    // A reshape keeps the elements' order: the batch stays after the same
    // number of one event's elements. The target dimension holding it
    // (batchFactor times the batch) must split there.
    int64_t factor = batchFactor.value_or(in.batchFactor);
    int64_t before = product(ArrayRef<int64_t>(from).take_front(in.batchAxis)) *
                     in.batchOuter;
    int64_t lead = axis < 0 ? 0 : product(shape.take_front(axis));
    if (lead <= 0 || before % lead || factor % (before / lead))
      return n.error("reshaping " + formatShape(from) + " into " +
                     formatShape(shape) +
                     " would mix the values of different events (the "
                     "dynamic batch dimension cannot go there)");
    BatchView view{axis, factor, before / lead};
    SmallVector<int64_t> stored = storedShape(shape, axis, factor);
    if (shapeOf(in.tensor) == stored)
      return n.setTensor(0, in.tensor, view);
    return n.setTensor(0, n.create<nn::ReshapeOp>(stored, in.tensor), view);
  }
  case ImportedValue::Kind::FloatConst: {
    auto c = std::make_shared<FloatConstant>(*in.constant);
    c->shape.assign(shape.begin(), shape.end());
    c->materialized = nullptr;
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
  case ImportedValue::Kind::Int: {
    IntTensor t = in.ints;
    t.shape.assign(shape.begin(), shape.end());
    n.setInts(0, std::move(t));
    return Error::success();
  }
  case ImportedValue::Kind::Unsupported:
    return n.error(in.reason);
  }
  llvm_unreachable("unknown value kind");
}

//===----------------------------------------------------------------------===//
// Generic builders
//===----------------------------------------------------------------------===//

enum class IntOp { Add, Sub, Mul, Div };

/// Integer arithmetic on shape values. A multiple of the batch size stays
/// one through the identities (b + 0, b - 0, b * 1), multiplication by a
/// known value and exact division by one (how exports merge the batch with
/// the heads of an attention block and split it again); any other use of
/// it is not known at compile time.
inline Expected<SymInt> foldInt(NodeImporter &n, IntOp op, SymInt a, SymInt b) {
  if (a.isBatch || b.isBatch) {
    SymInt other = a.isBatch ? b : a;
    SymInt batch = a.isBatch ? a : b;
    if (!other.isBatch) {
      int64_t times = 0;
      if ((op == IntOp::Add && other.value == 0) ||
          (op == IntOp::Sub && b.value == 0 && a.isBatch))
        return batch;
      if (op == IntOp::Mul && other.value > 0 &&
          !__builtin_mul_overflow(batch.value, other.value, &times))
        return SymInt::batch(times);
      if (op == IntOp::Div && a.isBatch && b.value > 0 &&
          a.value % b.value == 0)
        return SymInt::batch(a.value / b.value);
    }
    return n.error("the result depends on the dynamic batch size, which is "
                   "not known at compile time");
  }
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
  case IntOp::Add:
    overflow = __builtin_add_overflow(a.value, b.value, &r);
    break;
  case IntOp::Sub:
    overflow = __builtin_sub_overflow(a.value, b.value, &r);
    break;
  case IntOp::Mul:
    overflow = __builtin_mul_overflow(a.value, b.value, &r);
    break;
  case IntOp::Div:
    if (b.value == 0)
      return n.error("integer division by zero");
    overflow = a.value == std::numeric_limits<int64_t>::min() && b.value == -1;
    if (!overflow)
      r = a.value / b.value;
    break;
  }
  if (overflow)
    return n.error("integer overflow");
  return SymInt::known(r);
}

/// Element-wise over compile-time integer tensors with numpy broadcasting:
/// `fn` gets the elements of the inputs at one output position.
inline Error
foldInts(NodeImporter &n, ArrayRef<IntTensor> inputs, int32_t dtype,
         llvm::function_ref<Expected<SymInt>(ArrayRef<SymInt>)> fn) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (const IntTensor &t : inputs)
    shapes.push_back(t.shape);
  auto shape = broadcastBatched(n, shapes);
  if (!shape)
    return shape.takeError();
  SmallVector<SmallVector<int64_t>> strides;
  for (const IntTensor &t : inputs)
    strides.push_back(stridesOf(t.shape));
  IntTensor out;
  out.shape = *shape;
  out.dtype = dtype;
  SmallVector<int64_t> index(shape->size(), 0);
  SmallVector<SymInt> at(inputs.size());
  for (int64_t flat = 0, total = product(*shape); flat < total; ++flat) {
    for (auto [i, t] : llvm::enumerate(inputs))
      at[i] = t.values[broadcastSource(index, t.shape, strides[i])];
    auto v = fn(at);
    if (!v)
      return v.takeError();
    out.values.push_back(*v);
    increment(index, *shape);
  }
  n.setInts(0, std::move(out));
  return Error::success();
}

/// Element-wise arithmetic with numpy broadcasting: an nn op on float
/// tensors, folded at import time on integer shape values.
template <typename OpT, IntOp Int> inline Error importBinary(NodeImporter &n) {
  if (n.isIntInput(0) && n.isIntInput(1)) {
    auto lhs = n.ints(0, "lhs"), rhs = n.ints(1, "rhs");
    if (!lhs)
      return lhs.takeError();
    if (!rhs)
      return rhs.takeError();
    return foldInts(n, {*lhs, *rhs}, lhs->dtype, [&](ArrayRef<SymInt> v) {
      return foldInt(n, Int, v[0], v[1]);
    });
  }
  auto lhs = n.tensor(0);
  if (!lhs)
    return lhs.takeError();
  auto rhs = n.tensor(1);
  if (!rhs)
    return rhs.takeError();
  if (n.version() < 7) {
    // Version 6: equal shapes, or with broadcast=1 B broadcast onto A from
    // the trailing dimensions (a case of numpy broadcasting); the `axis`
    // form aligns B elsewhere and has no numpy equivalent.
    if (n.attr("axis"))
      return n.error("the legacy broadcast 'axis' attribute is not supported");
    if (!n.intAttr("broadcast", 0) && shapeOf(*lhs) != shapeOf(*rhs))
      return n.error("operands of shapes " + formatShape(shapeOf(*lhs)) +
                     " and " + formatShape(shapeOf(*rhs)) +
                     " differ and broadcast is 0");
  }
  auto shape = broadcastBatched(n, {shapeOf(*lhs), shapeOf(*rhs)});
  if (!shape)
    return shape.takeError();
  if (n.version() < 7 && *shape != shapeOf(*lhs))
    return n.error("broadcast=1 broadcasts B onto A only, but " +
                   formatShape(shapeOf(*rhs)) + " would widen A's " +
                   formatShape(shapeOf(*lhs)));
  return n.setTensor(0, n.create<OpT>(*shape, *lhs, *rhs));
}

/// An activation parameter read from an attribute.
struct ActivationParam {
  const char *attribute = nullptr;
  float defaultValue = 0.0f;
};

/// Element-wise activation functions: one nn.activation of `kind` with its
/// alpha and beta taken from the node's attributes.
inline OpImportFn activation(ActivationKind kind, ActivationParam alpha = {},
                             ActivationParam beta = {}) {
  return [=](NodeImporter &n) -> Error {
    auto x = n.tensor(0);
    if (!x)
      return x.takeError();
    auto param = [&](const ActivationParam &p) {
      return n.builder().getF32FloatAttr(
          p.attribute ? n.floatAttr(p.attribute, p.defaultValue) : 0.0f);
    };
    Value y = n.create<nn::ActivationOp>(
        shapeOf(*x), *x,
        nn::ActivationKindAttr::get(n.builder().getContext(), kind),
        param(alpha), param(beta));
    return n.setTensor(0, y);
  };
}

/// A run-time tensor broadcast to the static-or-batch shape `out` (its
/// numpy broadcast with `out` is `out`): reshaped to `out`'s rank, then
/// repeated along each broadcast axis by a concatenation of copies, exact
/// on every target. The batch is never broadcast: a tensor without it is
/// an error naming the node.
Expected<Value> expandTensor(NodeImporter &n, Value v, ArrayRef<int64_t> out);

/// Registers output 0 as compile-time data of `shape` whose element k is
/// element `sources[k]` of `in` (float or integer data).
void setRearranged(NodeImporter &n, const ImportedValue &in,
                   ArrayRef<int64_t> shape, ArrayRef<int64_t> sources);

//===----------------------------------------------------------------------===//
// The irregular ops
//===----------------------------------------------------------------------===//

Error importSoftmax(NodeImporter &n);
Error importClip(NodeImporter &n);
Error importHardSwish(NodeImporter &n);
Error importGelu(NodeImporter &n);
Error importPRelu(NodeImporter &n);
Error importNeg(NodeImporter &n);
Error importMatMul(NodeImporter &n);
Error importGemm(NodeImporter &n);
Error importBatchNorm(NodeImporter &n);
Error importConv(NodeImporter &n);
Error importMaxPool(NodeImporter &n);
Error importAveragePool(NodeImporter &n);
Error importGlobalPool(NodeImporter &n, bool max);
Error importPad(NodeImporter &n);
enum class Reduction { Max, Sum, Mean };
Error importReduce(NodeImporter &n, Reduction kind);
Error importLayerNorm(NodeImporter &n);
Error importSplit(NodeImporter &n);
Error importGru(NodeImporter &n);
Error importLstm(NodeImporter &n);
Error importRnn(NodeImporter &n);
Error importFlatten(NodeImporter &n);
Error importReshape(NodeImporter &n);
Error importSqueeze(NodeImporter &n);
Error importUnsqueeze(NodeImporter &n);
Error importTranspose(NodeImporter &n);
Error importConcat(NodeImporter &n);
Error importSlice(NodeImporter &n);
Error importIdentity(NodeImporter &n);
Error importDropout(NodeImporter &n);
Error importConstant(NodeImporter &n);
Error importShape(NodeImporter &n);
Error importGather(NodeImporter &n);
Error importConstantOfShape(NodeImporter &n);
Error importCast(NodeImporter &n);
Error importWhere(NodeImporter &n);
Error importTile(NodeImporter &n);
/// Comparisons, logical ops, Where and casts of run-time conditions
/// (ImportConditions.cpp).
Error importCompare(NodeImporter &n, nn::Predicate predicate);
enum class Logic { And, Or, Xor };
Error importNot(NodeImporter &n);
Error importLogic(NodeImporter &n, Logic op);
Error importSelect(NodeImporter &n);
Error castCondition(NodeImporter &n);
Error castToCondition(NodeImporter &n);
Error importExpand(NodeImporter &n);
Error importGatherElements(NodeImporter &n);
Error importScatterElements(NodeImporter &n);
Error importGatherND(NodeImporter &n);
Error importScatterND(NodeImporter &n);
/// Gather whose indices are an index tensor (ImportIndexing.cpp).
Error gatherAtIndices(NodeImporter &n);

} // namespace imports
} // namespace frontend
} // namespace ariadne

#endif // ARIADNE_FRONTEND_ONNX_IMPORTSUPPORT_H
