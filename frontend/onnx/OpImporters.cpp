//===- OpImporters.cpp - the ONNX op import table -------------------------===//
//
// One table maps each ONNX op_type to its importer. Regular ops share
// generic builders (element-wise arithmetic, activations); only irregular
// ops have a function of their own.
//
// Shapes: every result type is computed here from the operand types, with
// ShapedType::kDynamic standing for the event batch. An op that would move
// the batch away from the leading dimension or mix events (softmax, concat,
// transpose or slice along it) is an error.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "passes/NN/NNOps.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::frontend;
using llvm::Error;
using llvm::Expected;
using nn::ActivationKind;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> shapeOf(Value v) {
  return SmallVector<int64_t>(
      llvm::cast<RankedTensorType>(v.getType()).getShape());
}

static bool isBatched(ArrayRef<int64_t> shape) {
  return !shape.empty() && ShapedType::isDynamic(shape.front());
}

static int64_t product(ArrayRef<int64_t> dims) {
  return nn::elementCount(dims);
}
using nn::stridesOf;

static std::string str(int64_t v) { return std::to_string(v); }

/// Maps an ONNX axis in [-rank, rank) to [0, rank).
static Expected<int64_t> normalizeAxis(NodeImporter &n, int64_t axis,
                                       int64_t rank,
                                       llvm::StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return n.error(what + " " + str(axis) + " is out of range for rank " +
                   str(rank));
  return axis < 0 ? axis + rank : axis;
}

/// Numpy broadcasting of several shapes, with the batch (dynamic) dimension
/// allowed to meet only itself or 1, and required to stay leading.
static Expected<SmallVector<int64_t>>
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
static int64_t broadcastSource(ArrayRef<int64_t> index, ArrayRef<int64_t> in,
                               ArrayRef<int64_t> inStrides) {
  size_t offset = index.size() - in.size();
  int64_t src = 0;
  for (size_t d = 0; d < in.size(); ++d)
    if (in[d] != 1)
      src += index[offset + d] * inStrides[d];
  return src;
}

/// Advances a multi-index over `shape` in C order.
static void increment(SmallVectorImpl<int64_t> &index,
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
static Expected<SmallVector<int64_t>> valueShape(NodeImporter &n,
                                                 const ImportedValue &v) {
  switch (v.kind) {
  case ImportedValue::Kind::Tensor:
    return shapeOf(v.tensor);
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
static SmallVector<T> stridedSlice(ArrayRef<T> data, ArrayRef<int64_t> shape,
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
static SmallVector<T> gatherAlong(ArrayRef<T> data, ArrayRef<int64_t> shape,
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
static SmallVector<T>
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
static Expected<SmallVector<int64_t>>
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
static Expected<SmallVector<int64_t>> intVectorInput(NodeImporter &n, size_t i,
                                                     llvm::StringRef role) {
  auto t = n.ints(i, role);
  if (!t)
    return t.takeError();
  if (t->rank() > 1)
    return n.error("the " + role + " must be a 1-D tensor, not rank " +
                   str(t->rank()));
  return knownValues(n, *t, role);
}

/// Registers `in` reshaped to `shape`: a reshape op for run-time tensors,
/// new metadata for compile-time data.
static Error setReshaped(NodeImporter &n, const ImportedValue &in,
                         ArrayRef<int64_t> shape) {
  switch (in.kind) {
  case ImportedValue::Kind::Tensor:
    if (ArrayRef<int64_t>(shapeOf(in.tensor)) == shape)
      return n.setTensor(0, in.tensor);
    return n.setTensor(0, n.create<nn::ReshapeOp>(shape, in.tensor));
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

namespace {
enum class IntOp { Add, Sub, Mul, Div };
} // namespace

/// Integer arithmetic on shape values. The batch size passes through the
/// identities (b + 0, b * 1, b / 1); any other use of it is not known at
/// compile time.
static Expected<SymInt> foldInt(NodeImporter &n, IntOp op, SymInt a, SymInt b) {
  if (a.isBatch || b.isBatch) {
    SymInt other = a.isBatch ? b : a;
    bool identity =
        !other.isBatch && ((op == IntOp::Add && other.value == 0) ||
                           (op == IntOp::Sub && b.value == 0 && a.isBatch) ||
                           (op == IntOp::Mul && other.value == 1) ||
                           (op == IntOp::Div && b.value == 1 && a.isBatch));
    if (identity)
      return SymInt::batch();
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

/// Element-wise arithmetic with numpy broadcasting: an nn op on float
/// tensors, folded at import time on integer shape values.
template <typename OpT, IntOp Int> static Error importBinary(NodeImporter &n) {
  if (n.isIntInput(0) && n.isIntInput(1)) {
    auto lhs = n.ints(0, "lhs"), rhs = n.ints(1, "rhs");
    if (!lhs)
      return lhs.takeError();
    if (!rhs)
      return rhs.takeError();
    auto shape = broadcastBatched(n, {lhs->shape, rhs->shape});
    if (!shape)
      return shape.takeError();
    IntTensor out;
    out.shape = *shape;
    out.dtype = lhs->dtype;
    auto lhsStrides = stridesOf(lhs->shape), rhsStrides = stridesOf(rhs->shape);
    SmallVector<int64_t> index(shape->size(), 0);
    for (int64_t flat = 0, total = product(*shape); flat < total; ++flat) {
      auto v = foldInt(
          n, Int, lhs->values[broadcastSource(index, lhs->shape, lhsStrides)],
          rhs->values[broadcastSource(index, rhs->shape, rhsStrides)]);
      if (!v)
        return v.takeError();
      out.values.push_back(*v);
      increment(index, *shape);
    }
    n.setInts(0, std::move(out));
    return Error::success();
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

namespace {
/// An activation parameter read from an attribute.
struct ActivationParam {
  const char *attribute = nullptr;
  float defaultValue = 0.0f;
};
} // namespace

/// Element-wise activation functions: one nn.activation of `kind` with its
/// alpha and beta taken from the node's attributes.
static OpImportFn activation(ActivationKind kind, ActivationParam alpha = {},
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

//===----------------------------------------------------------------------===//
// Irregular ops
//===----------------------------------------------------------------------===//

static Error importSoftmax(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  int64_t rank = int64_t(shape.size());
  if (rank == 0)
    return n.error("softmax of a scalar");
  // Before version 13 the input is coerced to 2-D at `axis` and the softmax
  // runs over all dimensions from `axis` on.
  bool coerced = n.version() < 13;
  auto axis = normalizeAxis(n, n.intAttr("axis", coerced ? 1 : -1), rank);
  if (!axis)
    return axis.takeError();
  if (*axis == 0 && isBatched(shape))
    return n.error("softmax along the dynamic batch dimension would mix "
                   "events");
  auto axisAttr = n.builder().getI64IntegerAttr(*axis);
  if (!coerced || *axis == rank - 1)
    return n.setTensor(0, n.create<nn::SoftmaxOp>(shape, *x, axisAttr));
  // Keeping the dimensions before `axis` (rather than flattening them) keeps
  // the batch leading.
  SmallVector<int64_t> folded(shape.begin(), shape.begin() + *axis);
  folded.push_back(product(ArrayRef<int64_t>(shape).drop_front(*axis)));
  Value flat = n.create<nn::ReshapeOp>(folded, *x);
  Value soft = n.create<nn::SoftmaxOp>(folded, flat, axisAttr);
  return n.setTensor(0, n.create<nn::ReshapeOp>(shape, soft));
}

/// A Clip bound: absent, a compile-time value, or a run-time tensor.
namespace {
struct ClipBound {
  bool present = false;
  std::optional<float> constant;
  size_t input = 0;
};
} // namespace

static Error importClip(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  float lowest = std::numeric_limits<float>::lowest();
  float highest = std::numeric_limits<float>::max();
  ClipBound bounds[2];
  if (n.version() < 11) {
    bounds[0] = {true, n.floatAttr("min", lowest), 0};
    bounds[1] = {true, n.floatAttr("max", highest), 0};
  } else {
    for (size_t b = 0; b < 2; ++b) {
      size_t input = b + 1;
      if (!n.hasInput(input))
        continue;
      auto constant = n.floatConstant(input);
      if (!constant)
        return constant.takeError();
      bounds[b].present = true;
      bounds[b].input = input;
      if (*constant) {
        if ((*constant)->data.size() != 1)
          return n.error("the " + std::string(b ? "max" : "min") +
                         " bound must be a scalar");
        bounds[b].constant = (*constant)->data.front();
      }
    }
  }
  bool allConstant = llvm::all_of(
      bounds, [](const ClipBound &b) { return !b.present || b.constant; });
  if (allConstant) {
    float lo = bounds[0].present ? *bounds[0].constant : lowest;
    float hi = bounds[1].present ? *bounds[1].constant : highest;
    if (std::isnan(lo) || std::isnan(hi))
      return n.error("a Clip bound is NaN");
    // An infinite bound is no bound, and keeps the parameters finite.
    lo = std::max(lo, lowest);
    hi = std::min(hi, highest);
    // ONNX applies max then min, so min > max clamps everything to max.
    lo = std::min(lo, hi);
    auto &b = n.builder();
    Value y = n.create<nn::ActivationOp>(
        shape, *x,
        nn::ActivationKindAttr::get(b.getContext(), ActivationKind::clip),
        b.getF32FloatAttr(lo), b.getF32FloatAttr(hi));
    return n.setTensor(0, y);
  }
  // Bounds known only at run time: max with the lower, then min with the
  // upper, as the ONNX definition reads.
  Value y = *x;
  for (size_t b = 0; b < 2; ++b) {
    if (!bounds[b].present)
      continue;
    auto bound = n.tensor(bounds[b].input);
    if (!bound)
      return bound.takeError();
    if (product(shapeOf(*bound)) != 1 || isBatched(shapeOf(*bound)))
      return n.error("the " + std::string(b ? "max" : "min") +
                     " bound must be a scalar");
    auto out = broadcastBatched(n, {shapeOf(y), shapeOf(*bound)});
    if (!out)
      return out.takeError();
    y = b == 0 ? n.create<nn::MaxOp>(*out, y, *bound)
               : n.create<nn::MinOp>(*out, y, *bound);
  }
  return n.setTensor(0, y);
}

/// The result shape of a numpy matrix product, with the batch rules.
static Expected<SmallVector<int64_t>>
matmulShape(NodeImporter &n, ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.empty() || b.empty())
    return n.error("MatMul operands must have rank >= 1");
  if (isBatched(b) && b.size() <= 2)
    return n.error("the dynamic batch dimension of the right operand " +
                   formatShape(b) + " would be contracted or become a column");
  if (isBatched(a) && a.size() == 1)
    return n.error("the dynamic batch dimension of the left operand " +
                   formatShape(a) + " would be contracted");
  SmallVector<int64_t> pa(a), pb(b);
  if (a.size() == 1)
    pa.insert(pa.begin(), 1);
  if (b.size() == 1)
    pb.push_back(1);
  int64_t ka = pa.back(), kb = pb[pb.size() - 2];
  if (ka != kb)
    return n.error("MatMul contraction dimensions differ: " + formatShape(a) +
                   " and " + formatShape(b));
  auto batch =
      broadcastBatched(n, {SmallVector<int64_t>(ArrayRef(pa).drop_back(2)),
                           SmallVector<int64_t>(ArrayRef(pb).drop_back(2))});
  if (!batch)
    return batch.takeError();
  SmallVector<int64_t> out(*batch);
  if (a.size() > 1)
    out.push_back(pa[pa.size() - 2]);
  if (b.size() > 1)
    out.push_back(pb.back());
  for (size_t d = 1; d < out.size(); ++d)
    if (ShapedType::isDynamic(out[d]))
      return n.error("the product of " + formatShape(a) + " and " +
                     formatShape(b) +
                     " would move the dynamic batch dimension away from the "
                     "leading position");
  return out;
}

static Error importMatMul(NodeImporter &n) {
  auto a = n.tensor(0);
  if (!a)
    return a.takeError();
  auto b = n.tensor(1);
  if (!b)
    return b.takeError();
  auto shape = matmulShape(n, shapeOf(*a), shapeOf(*b));
  if (!shape)
    return shape.takeError();
  return n.setTensor(0, n.create<nn::MatMulOp>(*shape, *a, *b));
}

static Value transpose2d(NodeImporter &n, Value v) {
  SmallVector<int64_t> s = shapeOf(v);
  return n.create<nn::TransposeOp>({s[1], s[0]}, v,
                                   n.builder().getDenseI64ArrayAttr({1, 0}));
}

/// Y = alpha * A' B' + beta * C as [transpose] -> matmul -> [mul alpha] ->
/// [add beta*C]; a constant B stays an nn.constant operand so that
/// nn-fold-constants turns the product into nn.dense.
static Error importGemm(NodeImporter &n) {
  auto a = n.tensor(0);
  if (!a)
    return a.takeError();
  auto b = n.tensor(1);
  if (!b)
    return b.takeError();
  if (shapeOf(*a).size() != 2 || shapeOf(*b).size() != 2)
    return n.error("Gemm operands must be matrices, got " +
                   formatShape(shapeOf(*a)) + " and " +
                   formatShape(shapeOf(*b)));
  Value lhs = *a, rhs = *b;
  if (n.intAttr("transA", 0)) {
    if (isBatched(shapeOf(lhs)))
      return n.error("transA would transpose the dynamic batch dimension");
    lhs = transpose2d(n, lhs);
  }
  if (isBatched(shapeOf(rhs)))
    return n.error("the dynamic batch dimension of B would be contracted or "
                   "become a column");
  if (n.intAttr("transB", 0))
    rhs = transpose2d(n, rhs);
  int64_t m = shapeOf(lhs)[0], k = shapeOf(lhs)[1];
  int64_t kb = shapeOf(rhs)[0], cols = shapeOf(rhs)[1];
  if (k != kb)
    return n.error("Gemm inner dimensions differ: A' is " +
                   formatShape({m, k}) + " and B' is " +
                   formatShape({kb, cols}));
  SmallVector<int64_t> shape = {m, cols};
  Value y = n.create<nn::MatMulOp>(shape, lhs, rhs);
  float alpha = n.floatAttr("alpha", 1.0f);
  if (alpha != 1.0f)
    y = n.create<nn::MulOp>(shape, y, n.scalar(alpha));
  float beta = n.floatAttr("beta", 1.0f);
  if (n.hasInput(2) && beta != 0.0f) {
    auto constantC = n.floatConstant(2);
    if (!constantC)
      return constantC.takeError();
    // A constant C is scaled here, so no dead constant is left behind.
    bool foldBeta = *constantC && beta != 1.0f;
    std::shared_ptr<FloatConstant> scaled;
    if (foldBeta) {
      scaled = std::make_shared<FloatConstant>(**constantC);
      scaled->materialized = nullptr;
      for (float &v : scaled->data)
        v *= beta;
      beta = 1.0f;
    }
    auto c = foldBeta ? n.materialize(*scaled) : n.tensor(2);
    if (!c)
      return c.takeError();
    SmallVector<int64_t> cShape = shapeOf(*c);
    // C broadcasts one way only: to [M, N]; version 6 broadcasts only with
    // broadcast=1 and otherwise needs C of shape [M, N].
    bool fits = cShape.size() <= 2;
    if (n.version() < 7 && !n.intAttr("broadcast", 0))
      fits = cShape == shape;
    for (size_t d = 0; fits && d < cShape.size(); ++d) {
      int64_t target = shape[2 - cShape.size() + d];
      fits = cShape[d] == 1 || cShape[d] == target;
    }
    if (!fits)
      return n.error("C of shape " + formatShape(cShape) +
                     " does not broadcast to " + formatShape(shape));
    Value bias = *c;
    if (beta != 1.0f)
      bias = n.create<nn::MulOp>(cShape, bias, n.scalar(beta));
    y = n.create<nn::AddOp>(shape, y, bias);
  }
  return n.setTensor(0, y);
}

static Error importBatchNorm(NodeImporter &n) {
  // Version 6 says inference with is_test=1 instead of training_mode=0.
  if (n.version() < 7 && n.intAttr("is_test", 0) != 1)
    return n.error("is_test=0 (training) is not supported (inference only)");
  if (n.intAttr("training_mode", 0))
    return n.error("training_mode=1 is not supported (inference only)");
  if (n.intAttr("spatial", 1) != 1)
    return n.error("spatial=0 is not supported");
  for (size_t i = 1; i < n.numOutputs(); ++i)
    if (n.outputUsed(i))
      return n.error("output " + str(int64_t(i)) + " ('" +
                     n.node().output(int(i)) +
                     "') holds training statistics; only inference "
                     "(output 0) is supported");
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  if (shape.size() < 2)
    return n.error("the input must have rank >= 2 (batch, channel, ...), "
                   "got " +
                   formatShape(shape));
  SmallVector<Value, 4> params;
  static const char *const names[] = {"scale", "bias", "mean", "variance"};
  for (size_t i = 1; i <= 4; ++i) {
    auto p = n.tensor(i);
    if (!p)
      return p.takeError();
    if (shapeOf(*p) != SmallVector<int64_t>{shape[1]})
      return n.error(std::string("the ") + names[i - 1] + " has shape " +
                     formatShape(shapeOf(*p)) + "; expected [" + str(shape[1]) +
                     "]");
    params.push_back(*p);
  }
  float epsilon = n.floatAttr("epsilon", 1e-5f);
  return n.setTensor(0, n.create<nn::BatchNormOp>(
                            shape, *x, params[0], params[1], params[2],
                            params[3], n.builder().getF32FloatAttr(epsilon)));
}

static Error importFlatten(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  int64_t rank = int64_t(shape->size());
  int64_t axis = n.intAttr("axis", 1);
  if (axis < -rank || axis > rank)
    return n.error("axis " + str(axis) + " is out of range for rank " +
                   str(rank));
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> dims(*shape);
  SmallVector<int64_t> out;
  if (isBatched(dims)) {
    if (axis == 0 || product(dims.slice(1, axis - 1)) != 1)
      return n.error("Flatten with axis " + str(axis) + " of " +
                     formatShape(dims) +
                     " would merge the dynamic batch dimension with others");
    out = {ShapedType::kDynamic, product(dims.drop_front(axis))};
  } else {
    out = {product(dims.take_front(axis)), product(dims.drop_front(axis))};
  }
  return setReshaped(n, *in, out);
}

/// ONNX Reshape target resolution: 0 copies the input dimension (unless
/// allowzero), -1 is inferred, and the batch symbol (from a Shape of a
/// batched tensor) may only lead.
static Expected<SmallVector<int64_t>> resolveReshape(NodeImporter &n,
                                                     ArrayRef<int64_t> in,
                                                     ArrayRef<SymInt> target,
                                                     bool allowZero) {
  SmallVector<int64_t> out;
  int64_t inferred = -1;
  bool hasZero = false;
  for (auto [i, t] : llvm::enumerate(target)) {
    if (t.isBatch) {
      if (i != 0)
        return n.error("the dynamic batch size may only be the leading "
                       "dimension of the target shape");
      out.push_back(ShapedType::kDynamic);
      continue;
    }
    if (t.value == 0 && !allowZero) {
      if (i >= in.size())
        return n.error("target dimension " + str(int64_t(i)) +
                       " is 0 (copy the input's) but the input has rank " +
                       str(int64_t(in.size())));
      out.push_back(in[i]);
      continue;
    }
    if (t.value == 0)
      hasZero = true;
    if (t.value == -1) {
      if (inferred >= 0)
        return n.error("the target shape has more than one -1");
      inferred = int64_t(i);
      out.push_back(-1);
      continue;
    }
    if (t.value < 0)
      return n.error("invalid target dimension " + str(t.value));
    out.push_back(t.value);
  }
  if (hasZero && inferred >= 0)
    return n.error("with allowzero=1 the target shape cannot hold both 0 and "
                   "-1");
  auto knownProduct = [&](size_t from) {
    int64_t p = 1;
    for (size_t i = from; i < out.size(); ++i)
      if (int64_t(i) != inferred)
        p *= out[i];
    return p;
  };
  std::string what =
      "cannot reshape " + formatShape(in) + " into " + formatShape(out);
  if (isBatched(in)) {
    int64_t event = product(in.drop_front());
    if (out.empty())
      return n.error(what + ": the batch dimension would disappear");
    if (ShapedType::isDynamic(out[0]) || inferred == 0) {
      int64_t known = knownProduct(1);
      if (inferred > 0) {
        if (known == 0 || event % known)
          return n.error(what);
        out[inferred] = event / known;
      } else if (known != event) {
        return n.error(what +
                       (inferred == 0
                            ? ": the inferred leading dimension would "
                              "mix events"
                            : ": one event has " + str(event) + " elements"));
      }
      out[0] = ShapedType::kDynamic;
      return out;
    }
    return n.error(what + ": the dynamic batch dimension must stay the "
                          "leading one");
  }
  for (int64_t d : out)
    if (ShapedType::isDynamic(d))
      return n.error("the target shape uses the dynamic batch size but the "
                     "input " +
                     formatShape(in) + " has no batch dimension");
  int64_t total = product(in);
  int64_t known = knownProduct(0);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return n.error(what);
    out[inferred] = total / known;
  } else if (known != total) {
    return n.error(what);
  }
  return out;
}

static Error importReshape(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto target = n.ints(1, "shape");
  if (!target)
    return target.takeError();
  if (target->rank() != 1)
    return n.error("the shape must be a 1-D tensor");
  auto out =
      resolveReshape(n, *shape, target->values, n.intAttr("allowzero", 0) != 0);
  if (!out)
    return out.takeError();
  return setReshaped(n, *in, *out);
}

/// Axes from the `axes` attribute (older versions) or input 1.
static Expected<std::optional<SmallVector<int64_t>>>
axesOperand(NodeImporter &n, int64_t inputSinceVersion) {
  if (n.version() < inputSinceVersion)
    return n.intsAttr("axes");
  if (!n.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  auto axes = intVectorInput(n, 1, "axes");
  if (!axes)
    return axes.takeError();
  return std::optional<SmallVector<int64_t>>(std::move(*axes));
}

static Error importSqueeze(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto axes = axesOperand(n, 13);
  if (!axes)
    return axes.takeError();
  int64_t rank = int64_t(shape->size());
  SmallVector<bool> drop(rank, false);
  if (*axes) {
    for (int64_t a : **axes) {
      auto axis = normalizeAxis(n, a, rank);
      if (!axis)
        return axis.takeError();
      if (drop[*axis])
        return n.error("axis " + str(a) + " is repeated");
      if (ShapedType::isDynamic((*shape)[*axis]))
        return n.error("cannot squeeze the dynamic batch dimension");
      if ((*shape)[*axis] != 1)
        return n.error("cannot squeeze dimension " + str(*axis) + " of size " +
                       str((*shape)[*axis]));
      drop[*axis] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = (*shape)[d] == 1;
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      out.push_back((*shape)[d]);
  return setReshaped(n, *in, out);
}

static Error importUnsqueeze(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto axes = axesOperand(n, 13);
  if (!axes)
    return axes.takeError();
  if (!*axes)
    return n.error("the axes are missing");
  int64_t outRank = int64_t(shape->size() + (*axes)->size());
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : **axes) {
    auto axis = normalizeAxis(n, a, outRank);
    if (!axis)
      return axis.takeError();
    if (inserted[*axis])
      return n.error("axis " + str(a) + " is repeated");
    inserted[*axis] = true;
  }
  if (isBatched(*shape) && inserted[0])
    return n.error("inserting a dimension before the dynamic batch "
                   "dimension is not supported");
  SmallVector<int64_t> out;
  size_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    out.push_back(inserted[d] ? 1 : (*shape)[next++]);
  return setReshaped(n, *in, out);
}

static Error importTranspose(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  int64_t rank = int64_t(shape.size());
  SmallVector<int64_t> perm;
  if (auto given = n.intsAttr("perm"))
    perm = *given;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (int64_t(perm.size()) != rank)
    return n.error("perm has " + str(int64_t(perm.size())) +
                   " entries for rank " + str(rank));
  SmallVector<bool> seen(rank, false);
  SmallVector<int64_t> out;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return n.error("perm is not a permutation of the dimensions");
    seen[p] = true;
    out.push_back(shape[p]);
  }
  if (isBatched(shape) && perm[0] != 0)
    return n.error("the permutation would move the dynamic batch dimension");
  return n.setTensor(0, n.create<nn::TransposeOp>(
                            out, *x, n.builder().getDenseI64ArrayAttr(perm)));
}

static Error importConcat(NodeImporter &n) {
  if (n.numInputs() == 0)
    return n.error("Concat needs at least one input");
  bool allInts = true;
  for (size_t i = 0; i < n.numInputs(); ++i)
    allInts &= n.isIntInput(i);
  int64_t rawAxis = n.intAttr("axis", 1);

  if (allInts) {
    SmallVector<IntTensor> parts;
    for (size_t i = 0; i < n.numInputs(); ++i) {
      auto t = n.ints(i, "input");
      if (!t)
        return t.takeError();
      parts.push_back(std::move(*t));
    }
    auto axis = normalizeAxis(n, rawAxis, parts.front().rank());
    if (!axis)
      return axis.takeError();
    IntTensor out;
    out.shape = parts.front().shape;
    out.dtype = parts.front().dtype;
    out.shape[*axis] = 0;
    SmallVector<std::pair<ArrayRef<SymInt>, ArrayRef<int64_t>>> blocks;
    for (const IntTensor &t : parts) {
      for (int64_t d = 0; d < out.rank(); ++d)
        if (t.rank() != out.rank() ||
            (d != *axis && t.shape[d] != parts.front().shape[d]))
          return n.error("inputs " + formatShape(parts.front().shape) +
                         " and " + formatShape(t.shape) +
                         " cannot be concatenated along axis " + str(*axis));
      out.shape[*axis] += t.shape[*axis];
      blocks.push_back({t.values, t.shape});
    }
    out.values = concatAlong<SymInt>(blocks, *axis);
    n.setInts(0, std::move(out));
    return Error::success();
  }

  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    auto t = n.tensor(i);
    if (!t)
      return t.takeError();
    inputs.push_back(*t);
  }
  SmallVector<int64_t> first = shapeOf(inputs.front());
  auto axis = normalizeAxis(n, rawAxis, int64_t(first.size()));
  if (!axis)
    return axis.takeError();
  SmallVector<int64_t> out = first;
  out[*axis] = 0;
  for (Value v : inputs) {
    SmallVector<int64_t> s = shapeOf(v);
    if (s.size() != first.size())
      return n.error("inputs " + formatShape(first) + " and " + formatShape(s) +
                     " differ in rank");
    for (size_t d = 0; d < s.size(); ++d)
      if (int64_t(d) != *axis && s[d] != first[d])
        return n.error("inputs " + formatShape(first) + " and " +
                       formatShape(s) + " differ in dimension " +
                       str(int64_t(d)));
    if (ShapedType::isDynamic(s[*axis]))
      return n.error("concatenation along the dynamic batch dimension "
                     "would mix events");
    out[*axis] += s[*axis];
  }
  return n.setTensor(0, n.create<nn::ConcatOp>(
                            out, inputs, n.builder().getI64IntegerAttr(*axis)));
}

namespace {
/// A slice in the form nn.slice takes: one start, step and element count
/// per dimension.
struct ResolvedSlice {
  SmallVector<int64_t> starts, steps, counts;
};
} // namespace

/// ONNX Slice semantics: negative starts/ends count from the end, then are
/// clamped to [0, dim] (to [0, dim-1] and [-1, dim-1] for negative steps).
static Expected<ResolvedSlice>
resolveSlice(NodeImporter &n, ArrayRef<int64_t> shape, ArrayRef<int64_t> starts,
             ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
             ArrayRef<int64_t> steps) {
  int64_t rank = int64_t(shape.size());
  ResolvedSlice r;
  r.starts.assign(rank, 0);
  r.steps.assign(rank, 1);
  r.counts.assign(shape.begin(), shape.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = normalizeAxis(n, axes[i], rank);
    if (!axis)
      return axis.takeError();
    if (seen[*axis])
      return n.error("axis " + str(axes[i]) + " is repeated");
    seen[*axis] = true;
    int64_t step = steps[i];
    if (step == 0)
      return n.error("a slice step is 0");
    int64_t dim = shape[*axis];
    int64_t start = starts[i], end = ends[i];
    if (ShapedType::isDynamic(dim)) {
      // Only the whole batch may pass: the batch size is unknown here.
      if (start == 0 && step == 1 && end >= std::numeric_limits<int32_t>::max())
        continue;
      return n.error("slicing the dynamic batch dimension is not supported "
                     "(only the whole batch may pass)");
    }
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count = 0;
    if (dim == 0) {
      start = 0;
    } else if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      int64_t stride = step == std::numeric_limits<int64_t>::min()
                           ? std::numeric_limits<int64_t>::max()
                           : -step;
      count = start > end ? (start - end - 1) / stride + 1 : 0;
    }
    r.starts[*axis] = count ? start : 0;
    r.steps[*axis] = step;
    r.counts[*axis] = count;
  }
  return r;
}

static Error importSlice(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.version() < 10) {
    starts = n.intsAttr("starts").value_or(SmallVector<int64_t>());
    ends = n.intsAttr("ends").value_or(SmallVector<int64_t>());
    if (auto a = n.intsAttr("axes"))
      axes = *a;
  } else {
    static const char *const roles[] = {"starts", "ends", "axes", "steps"};
    SmallVector<int64_t> *targets[] = {&starts, &ends, &axes, &steps};
    for (size_t i = 1; i <= 4; ++i) {
      if (!n.hasInput(i))
        continue;
      auto v = intVectorInput(n, i, roles[i - 1]);
      if (!v)
        return v.takeError();
      *targets[i - 1] = std::move(*v);
    }
  }
  if (starts.size() != ends.size())
    return n.error("starts and ends differ in length");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(int64_t(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    return n.error("starts, ends, axes and steps differ in length");
  auto r = resolveSlice(n, *shape, starts, ends, axes, steps);
  if (!r)
    return r.takeError();

  switch (in->kind) {
  case ImportedValue::Kind::Tensor: {
    if (r->counts == *shape &&
        llvm::all_of(r->starts, [](int64_t s) { return s == 0; }) &&
        llvm::all_of(r->steps, [](int64_t s) { return s == 1; }))
      return n.setTensor(0, in->tensor);
    auto &b = n.builder();
    return n.setTensor(0,
                       n.create<nn::SliceOp>(r->counts, in->tensor,
                                             b.getDenseI64ArrayAttr(r->starts),
                                             b.getDenseI64ArrayAttr(r->steps)));
  }
  case ImportedValue::Kind::FloatConst: {
    auto c = std::make_shared<FloatConstant>();
    c->shape = r->counts;
    c->origin = in->constant->origin;
    auto data = stridedSlice<float>(in->constant->data, *shape, r->starts,
                                    r->steps, r->counts);
    c->data.assign(data.begin(), data.end());
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
  case ImportedValue::Kind::Int: {
    IntTensor t;
    t.shape = r->counts;
    t.dtype = in->ints.dtype;
    t.values = stridedSlice<SymInt>(in->ints.values, *shape, r->starts,
                                    r->steps, r->counts);
    n.setInts(0, std::move(t));
    return Error::success();
  }
  case ImportedValue::Kind::Unsupported:
    return n.error(in->reason);
  }
  llvm_unreachable("unknown value kind");
}

static Error importIdentity(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  return n.setValue(0, std::move(*in));
}

/// Inference-time Dropout is the identity.
static Error importDropout(NodeImporter &n) {
  if (n.version() >= 12 && n.hasInput(2)) {
    auto training = n.ints(2, "training_mode");
    if (!training)
      return training.takeError();
    if (llvm::any_of(training->values,
                     [](const SymInt &v) { return v.isBatch || v.value; }))
      return n.error("training_mode=true is not supported (inference only)");
  }
  if (n.outputUsed(1))
    return n.error("the mask output ('" + n.node().output(1) +
                   "') is a training output; it is not supported");
  return importIdentity(n);
}

static Error importConstant(NodeImporter &n) {
  std::string origin = "constant '" +
                       (n.numOutputs() ? n.node().output(0) : std::string()) +
                       "'";
  for (const onnx::AttributeProto &a : n.node().attribute()) {
    const std::string &name = a.name();
    if (name == "value") {
      int32_t dtype = a.t().data_type();
      if (dtype == onnx::TensorProto_DataType_FLOAT) {
        auto c = decodeFloatTensor(a.t(), origin);
        if (!c)
          return n.error("the value " + llvm::toString(c.takeError()));
        n.setFloatConstant(0, std::move(*c));
        return Error::success();
      }
      if (isIntegerDataType(dtype)) {
        auto t = decodeIntTensor(a.t());
        if (!t)
          return n.error("the value " + llvm::toString(t.takeError()));
        n.setInts(0, std::move(*t));
        return Error::success();
      }
      return n.error("the value has dtype " + dataTypeName(dtype) +
                     "; only float32 and integer constants are supported");
    }
    if (name == "value_float" || name == "value_floats") {
      auto c = std::make_shared<FloatConstant>();
      c->origin = origin;
      if (name == "value_float") {
        c->data = {a.f()};
      } else {
        c->data.assign(a.floats().begin(), a.floats().end());
        c->shape = {int64_t(c->data.size())};
      }
      n.setFloatConstant(0, std::move(c));
      return Error::success();
    }
    if (name == "value_int" || name == "value_ints") {
      IntTensor t;
      if (name == "value_int") {
        t.values = {SymInt::known(a.i())};
      } else {
        for (int64_t v : a.ints())
          t.values.push_back(SymInt::known(v));
        t.shape = {int64_t(t.values.size())};
      }
      n.setInts(0, std::move(t));
      return Error::success();
    }
    return n.error("Constant with attribute '" + name + "' is not supported");
  }
  return n.error("Constant has no value attribute");
}

/// The shape of a tensor as a compile-time value; a batched tensor's leading
/// dimension becomes the batch symbol.
static Error importShape(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  int64_t rank = int64_t(shape->size());
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampIndex(n.intAttr("start", 0));
  int64_t end = n.attr("end") ? clampIndex(n.intAttr("end", rank)) : rank;
  SmallVector<SymInt> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(ShapedType::isDynamic((*shape)[d])
                       ? SymInt::batch()
                       : SymInt::known((*shape)[d]));
  n.setInts(0, IntTensor::vector(dims));
  return Error::success();
}

static Error importGather(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  if (in->kind == ImportedValue::Kind::Tensor)
    return n.error("Gather of a tensor computed at run time is not "
                   "supported (only of compile-time data)");
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  if (shape->empty())
    return n.error("Gather from a scalar");
  auto indexTensor = n.ints(1, "indices");
  if (!indexTensor)
    return indexTensor.takeError();
  auto indices = knownValues(n, *indexTensor, "indices");
  if (!indices)
    return indices.takeError();
  auto axis = normalizeAxis(n, n.intAttr("axis", 0), int64_t(shape->size()));
  if (!axis)
    return axis.takeError();
  int64_t dim = (*shape)[*axis];
  for (int64_t &i : *indices) {
    if (i < -dim || i >= dim)
      return n.error("index " + str(i) + " is out of range for dimension " +
                     "of size " + str(dim));
    if (i < 0)
      i += dim;
  }
  SmallVector<int64_t> out(shape->begin(), shape->begin() + *axis);
  out.append(indexTensor->shape.begin(), indexTensor->shape.end());
  out.append(shape->begin() + *axis + 1, shape->end());
  if (in->kind == ImportedValue::Kind::Int) {
    IntTensor t;
    t.shape = out;
    t.dtype = in->ints.dtype;
    t.values = gatherAlong<SymInt>(in->ints.values, *shape, *axis, *indices);
    n.setInts(0, std::move(t));
    return Error::success();
  }
  auto c = std::make_shared<FloatConstant>();
  c->shape = out;
  c->origin = in->constant->origin;
  auto data = gatherAlong<float>(in->constant->data, *shape, *axis, *indices);
  c->data.assign(data.begin(), data.end());
  n.setFloatConstant(0, std::move(c));
  return Error::success();
}

static Error importConstantOfShape(NodeImporter &n) {
  auto shapeValues = intVectorInput(n, 0, "shape");
  if (!shapeValues)
    return shapeValues.takeError();
  for (int64_t d : *shapeValues)
    if (d < 0)
      return n.error("the shape has a negative dimension");
  int64_t count = 1;
  for (int64_t d : *shapeValues)
    if (d != 0 && (count *= d) > (int64_t(1) << 26))
      return n.error("the shape " + formatShape(*shapeValues) +
                     " is too large for a constant");
  count = product(*shapeValues);
  const onnx::AttributeProto *value = n.attr("value");
  int32_t dtype = value ? value->t().data_type()
                        : int32_t(onnx::TensorProto_DataType_FLOAT);
  if (dtype == onnx::TensorProto_DataType_FLOAT) {
    float fill = 0.0f;
    if (value) {
      auto c = decodeFloatTensor(value->t(), "");
      if (!c)
        return n.error("the value " + llvm::toString(c.takeError()));
      if ((*c)->data.size() != 1)
        return n.error("the value must hold one element");
      fill = (*c)->data.front();
    }
    auto c = std::make_shared<FloatConstant>();
    c->shape = *shapeValues;
    c->data.assign(size_t(count), fill);
    c->origin = "constant '" + n.node().output(0) + "'";
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
  if (isIntegerDataType(dtype)) {
    auto t = decodeIntTensor(value->t());
    if (!t)
      return n.error("the value " + llvm::toString(t.takeError()));
    if (t->values.size() != 1)
      return n.error("the value must hold one element");
    IntTensor out;
    out.shape = *shapeValues;
    out.dtype = dtype;
    out.values.assign(size_t(count), t->values.front());
    n.setInts(0, std::move(out));
    return Error::success();
  }
  return n.error("the value has dtype " + dataTypeName(dtype) +
                 "; only float32 and integer values are supported");
}

/// Wraps an integer into the range of an integer data type, as a C cast.
static int64_t castInteger(int64_t v, int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto_DataType_INT32:
    return int32_t(v);
  case onnx::TensorProto_DataType_INT16:
    return int16_t(v);
  case onnx::TensorProto_DataType_INT8:
    return int8_t(v);
  case onnx::TensorProto_DataType_UINT32:
    return uint32_t(v);
  case onnx::TensorProto_DataType_UINT16:
    return uint16_t(v);
  case onnx::TensorProto_DataType_UINT8:
    return uint8_t(v);
  case onnx::TensorProto_DataType_BOOL:
    return v != 0;
  default:
    return v;
  }
}

static Error importCast(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  int32_t to = int32_t(n.intAttr("to", 0));
  bool toFloat = to == onnx::TensorProto_DataType_FLOAT;
  bool toInt = isIntegerDataType(to);
  if (!toFloat && !toInt)
    return n.error("Cast to " + dataTypeName(to) +
                   " is not supported; only float32 and integer types are");
  switch (in->kind) {
  case ImportedValue::Kind::Tensor:
    if (toFloat)
      return n.setTensor(0, in->tensor);
    return n.error("Cast of a tensor computed at run time to " +
                   dataTypeName(to) + " is not supported");
  case ImportedValue::Kind::FloatConst: {
    if (toFloat) {
      n.setFloatConstant(0, in->constant);
      return Error::success();
    }
    IntTensor t;
    t.shape = in->constant->shape;
    t.dtype = to;
    for (float v : in->constant->data) {
      if (!std::isfinite(v) || std::fabs(v) >= 9.2e18f)
        return n.error(in->constant->origin + " holds " + std::to_string(v) +
                       ", which has no " + dataTypeName(to) + " value");
      t.values.push_back(SymInt::known(castInteger(int64_t(v), to)));
    }
    n.setInts(0, std::move(t));
    return Error::success();
  }
  case ImportedValue::Kind::Int: {
    if (toFloat) {
      auto values = knownValues(n, in->ints, "value cast to float32");
      if (!values)
        return values.takeError();
      auto c = std::make_shared<FloatConstant>();
      c->shape = in->ints.shape;
      c->origin = "constant '" + n.node().output(0) + "'";
      for (int64_t v : *values)
        c->data.push_back(float(v));
      n.setFloatConstant(0, std::move(c));
      return Error::success();
    }
    IntTensor t = in->ints;
    bool wide = to == onnx::TensorProto_DataType_INT64 ||
                to == onnx::TensorProto_DataType_INT32 ||
                to == onnx::TensorProto_DataType_UINT64;
    for (SymInt &v : t.values) {
      if (v.isBatch && !wide)
        return n.error("Cast of the dynamic batch size to " + dataTypeName(to) +
                       " is not supported");
      if (!v.isBatch)
        v.value = castInteger(v.value, to);
    }
    t.dtype = to;
    n.setInts(0, std::move(t));
    return Error::success();
  }
  case ImportedValue::Kind::Unsupported:
    return n.error(in->reason);
  }
  llvm_unreachable("unknown value kind");
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const llvm::StringMap<OpImporter> &frontend::getOpImporters() {
  // minVersion is the oldest schema version with the semantics implemented:
  // version 6 of the arithmetic ops, Gemm and BatchNormalization differ from
  // 7 only in attributes their importers check, and the versions before 6 of the activations carry the legacy
  // consumed_inputs attribute.
  static const llvm::StringMap<OpImporter> table = {
      {"Add", {6, importBinary<nn::AddOp, IntOp::Add>}},
      {"Sub", {6, importBinary<nn::SubOp, IntOp::Sub>}},
      {"Mul", {6, importBinary<nn::MulOp, IntOp::Mul>}},
      {"Div", {6, importBinary<nn::DivOp, IntOp::Div>}},

      {"Relu", {6, activation(ActivationKind::relu)}},
      {"LeakyRelu",
       {6, activation(ActivationKind::leaky_relu, {"alpha", 0.01f})}},
      {"Tanh", {6, activation(ActivationKind::tanh)}},
      {"Abs", {6, activation(ActivationKind::abs)}},
      {"Sigmoid", {6, activation(ActivationKind::sigmoid)}},
      {"Softsign", {1, activation(ActivationKind::softsign)}},
      {"HardSigmoid",
       {6, activation(ActivationKind::hard_sigmoid, {"alpha", 0.2f},
                      {"beta", 0.5f})}},
      {"Clip", {6, importClip}},
      {"Softmax", {1, importSoftmax}},

      {"Gemm", {6, importGemm}},
      {"MatMul", {1, importMatMul}},
      {"BatchNormalization", {6, importBatchNorm}},

      {"Flatten", {1, importFlatten}},
      {"Reshape", {5, importReshape}},
      {"Squeeze", {1, importSqueeze}},
      {"Unsqueeze", {1, importUnsqueeze}},
      {"Transpose", {1, importTranspose}},
      {"Concat", {1, importConcat}},
      {"Slice", {1, importSlice}},
      {"Identity", {1, importIdentity}},
      {"Dropout", {7, importDropout}},

      {"Constant", {1, importConstant}},
      {"Shape", {1, importShape}},
      {"Gather", {1, importGather}},
      {"ConstantOfShape", {9, importConstantOfShape}},
      {"Cast", {6, importCast}},
  };
  return table;
}
