//===- ImportNormalization.cpp - reductions, layer norm, split ------------===//
//
// ReduceMax, ReduceSum and ReduceMean over any axes move the reduced axes
// last and merge them; the maximum is nn.reduce_max, a sum a dense layer of
// ones and a mean one of 1/K (the rule of average pooling), so that every
// target computes them with its dense kernel and fixed point keeps the
// dense layer's exact accumulator.
//
// LayerNormalization (and the decomposed form fused into it by
// ImportFusions.cpp) becomes ops whose intermediates fixed point keeps
// exact (nn.exact): with N the normalized size, S = sum(x), d = N x - S,
// q = sum(d^2), r = 1 / sqrt(q / N + N^2 eps) (a table over q) and
// y = d r, then the scale and bias. In real numbers d = N (x - mean) and
// q = N^3 var, so d r = (x - mean) / sqrt(var + eps).
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

namespace {

/// A dense layer over the last axis of `x` without bias, of `weight`
/// [out, in] row-major.
Value denseOverLastAxis(NodeImporter &n, Value x, ArrayRef<float> weight,
                        int64_t out) {
  auto &b = n.builder();
  SmallVector<int64_t> shape = shapeOf(x);
  int64_t in = shape.back();
  auto weightAttr = DenseElementsAttr::get(
      RankedTensorType::get({out, in}, b.getF32Type()), weight);
  shape.back() = out;
  return n.create<nn::DenseOp>(
      shape, x, weightAttr, DenseElementsAttr(),
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::none),
      b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.0f));
}

/// The location of the node's op named NODE + `suffix`: the parts of a
/// decomposed layer that the quantization config can address.
Location partLoc(NodeImporter &n, llvm::StringRef suffix) {
  auto name = llvm::cast<NameLoc>(n.loc());
  return NameLoc::get(
      n.builder().getStringAttr(name.getName().str() + suffix.str()),
      name.getChildLoc());
}

Value markExact(Value v) {
  v.getDefiningOp()->setAttr(nn::kExactAttr, UnitAttr::get(v.getContext()));
  return v;
}

} // namespace

Error importReduce(NodeImporter &n, Reduction kind) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  int64_t rank = int64_t(shape.size());
  // The axes became an input in version 13 of ReduceSum and 18 of the
  // others.
  bool axesInput = n.version() >= (kind == Reduction::Sum ? 13 : 18);
  std::optional<SmallVector<int64_t>> axes;
  if (!axesInput) {
    axes = n.intsAttr("axes");
  } else if (n.hasInput(1)) {
    auto given = intVectorInput(n, 1, "axes");
    if (!given)
      return given.takeError();
    axes = *given;
  }
  if (!axes || axes->empty()) {
    if (axesInput && n.intAttr("noop_with_empty_axes", 0))
      return n.setTensor(0, *x);
    axes = SmallVector<int64_t>();
    for (int64_t d = 0; d < rank; ++d)
      axes->push_back(d);
  }
  SmallVector<bool> reduced(size_t(rank), false);
  for (int64_t a : *axes) {
    auto axis = normalizeAxis(n, a, rank);
    if (!axis)
      return axis.takeError();
    if (reduced[size_t(*axis)])
      return n.error("axis " + str(a) + " is named twice");
    reduced[size_t(*axis)] = true;
  }
  if (isBatched(shape) && reduced[0])
    return n.error("reducing the dynamic batch dimension would mix events");
  SmallVector<int64_t> perm, kept;
  int64_t length = 1;
  for (int64_t d = 0; d < rank; ++d)
    if (!reduced[size_t(d)]) {
      perm.push_back(d);
      kept.push_back(shape[size_t(d)]);
    }
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[size_t(d)]) {
      perm.push_back(d);
      length *= shape[size_t(d)];
    }
  if (length == 0)
    return n.error("reduces an empty axis");
  Value y = *x;
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, rank))) {
    SmallVector<int64_t> moved;
    for (int64_t p : perm)
      moved.push_back(shape[size_t(p)]);
    y = n.create<nn::TransposeOp>(moved, y,
                                  n.builder().getDenseI64ArrayAttr(perm));
  }
  SmallVector<int64_t> merged(kept);
  merged.push_back(length);
  if (ArrayRef<int64_t>(shapeOf(y)) != ArrayRef<int64_t>(merged))
    y = n.create<nn::ReshapeOp>(merged, y);
  if (kind == Reduction::Max) {
    y = n.create<nn::ReduceMaxOp>(kept, y);
  } else {
    float w = kind == Reduction::Sum ? 1.0f : 1.0f / float(length);
    y = denseOverLastAxis(n, y, std::vector<float>(size_t(length), w), 1);
  }
  SmallVector<int64_t> out;
  if (n.intAttr("keepdims", 1))
    for (int64_t d = 0; d < rank; ++d)
      out.push_back(reduced[size_t(d)] ? 1 : shape[size_t(d)]);
  else
    out = kept;
  if (ArrayRef<int64_t>(shapeOf(y)) != ArrayRef<int64_t>(out))
    y = n.create<nn::ReshapeOp>(out, y);
  return n.setTensor(0, y);
}

Error importLayerNorm(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  int64_t rank = int64_t(shape.size());
  auto axis = normalizeAxis(n, n.intAttr("axis", -1), rank);
  if (!axis)
    return axis.takeError();
  if (*axis == 0 && isBatched(shape))
    return n.error("normalizing over the dynamic batch dimension would mix "
                   "events");
  for (size_t out = 1; out < n.numOutputs(); ++out)
    if (n.outputUsed(out))
      return n.error("output " + str(int64_t(out)) +
                     " (the mean or inverse standard deviation) is a "
                     "training output; it is not supported");
  if (n.intAttr("stash_type", 1) != 1)
    return n.error("stash_type " + str(n.intAttr("stash_type", 1)) +
                   " is not supported (only float32 statistics)");
  float epsilon = n.floatAttr("epsilon", 1e-5f);
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return n.error("epsilon must be a finite non-negative number");
  int64_t length = product(ArrayRef<int64_t>(shape).drop_front(*axis));
  if (length == 0)
    return n.error("normalizes an empty axis");

  // Scale and bias: compile-time data broadcast onto the normalized axes.
  std::vector<float> params[2];
  for (size_t i : {1, 2}) {
    if (!n.hasInput(i))
      continue;
    auto c = n.floatConstant(i);
    if (!c)
      return c.takeError();
    if (!*c)
      return n.error(std::string(i == 1 ? "the scale" : "the bias") +
                     " must be known at compile time");
    // Broadcast onto the normalized dimensions, aligned at the end.
    ArrayRef<int64_t> normalized = ArrayRef<int64_t>(shape).drop_front(*axis);
    ArrayRef<int64_t> given = (*c)->shape;
    bool broadcasts = !(*c)->batchFill && given.size() <= normalized.size();
    for (size_t d = 0; broadcasts && d < given.size(); ++d) {
      int64_t target = normalized[normalized.size() - given.size() + d];
      broadcasts = given[d] == 1 || given[d] == target;
    }
    if (!broadcasts)
      return n.error(std::string(i == 1 ? "the scale" : "the bias") +
                     " of shape " + formatShape(given) +
                     " does not broadcast to the normalized shape " +
                     formatShape(normalized));
    params[i - 1].clear();
    auto strides = stridesOf(given);
    SmallVector<int64_t> index(normalized.size(), 0);
    for (int64_t k = 0; k < length; ++k) {
      params[i - 1].push_back(
          (*c)->data[size_t(broadcastSource(index, given, strides))]);
      increment(index, normalized);
    }
  }

  // The normalized axes merged into one, last.
  SmallVector<int64_t> flat(ArrayRef<int64_t>(shape).take_front(*axis));
  flat.push_back(length);
  Value v = *x;
  if (flat != shape)
    v = n.create<nn::ReshapeOp>(flat, v);
  SmallVector<int64_t> sumShape(flat);
  sumShape.back() = 1;
  auto &b = n.builder();
  std::vector<float> ones(size_t(length), 1.0f);
  Value sum = markExact(denseOverLastAxis(n, v, ones, 1));
  Value scaled = markExact(
      n.create<nn::MulOp>(flat, v, n.scalar(static_cast<float>(length))));
  Value centred = markExact(n.create<nn::SubOp>(flat, scaled, sum));
  Value squares = markExact(n.create<nn::MulOp>(flat, centred, centred));
  Value q = markExact(denseOverLastAxis(n, squares, ones, 1));
  double count = double(length);
  Value r = b.create<nn::ActivationOp>(
      partLoc(n, "/rsqrt"), n.tensorType(sumShape), q,
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::rsqrt),
      b.getF32FloatAttr(float(1 / count)),
      b.getF32FloatAttr(float(count * count * double(epsilon))));
  bool hasScale = llvm::any_of(params[0], [](float s) { return s != 1.0f; });
  bool hasBias = llvm::any_of(params[1], [](float s) { return s != 0.0f; });
  // The last op carries the node's name; the ones before it a suffix.
  auto lastOr = [&](bool last, llvm::StringRef suffix) {
    return last ? n.loc() : partLoc(n, suffix);
  };
  Value y = b.create<nn::MulOp>(lastOr(!hasScale && !hasBias, "/normalized"),
                                n.tensorType(flat), centred, r);
  auto vector = [&](const std::vector<float> &values) {
    auto c = std::make_shared<FloatConstant>();
    c->shape = {length};
    c->data = values;
    c->origin = "the layer norm's parameters";
    return c;
  };
  if (hasScale) {
    auto c = vector(params[0]);
    auto scale = n.materialize(*c);
    if (!scale)
      return scale.takeError();
    y = b.create<nn::MulOp>(lastOr(!hasBias, "/scale"), n.tensorType(flat), y,
                            *scale);
  }
  if (hasBias) {
    auto c = vector(params[1]);
    auto bias = n.materialize(*c);
    if (!bias)
      return bias.takeError();
    y = b.create<nn::AddOp>(n.loc(), n.tensorType(flat), y, *bias);
  }
  if (flat != shape)
    y = n.create<nn::ReshapeOp>(shape, y);
  return n.setTensor(0, y);
}

/// Split along one axis into slices.
Error importSplit(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  if (in->kind != ImportedValue::Kind::Tensor)
    return n.error("split of a compile-time tensor is not supported");
  SmallVector<int64_t> shape = onnxShape(shapeOf(in->tensor), in->batchAxis);
  int64_t rank = int64_t(shape.size());
  auto axis = normalizeAxis(n, n.intAttr("axis", 0), rank);
  if (!axis)
    return axis.takeError();
  if (*axis == in->batchAxis && isBatched(shapeOf(in->tensor)))
    return n.error("splitting the dynamic batch dimension would mix events");
  int64_t dim = shape[size_t(*axis)];
  SmallVector<int64_t> sizes;
  if (n.version() < 13) {
    if (auto s = n.intsAttr("split"))
      sizes = *s;
  } else if (n.hasInput(1)) {
    auto s = intVectorInput(n, 1, "split");
    if (!s)
      return s.takeError();
    sizes = *s;
  }
  int64_t parts = int64_t(n.numOutputs());
  if (sizes.empty()) {
    if (parts == 0 || dim % parts != 0)
      return n.error("axis of size " + str(dim) + " does not split into " +
                     str(parts) + " equal parts");
    sizes.assign(size_t(parts), dim / parts);
  }
  if (int64_t(sizes.size()) != parts)
    return n.error(str(int64_t(sizes.size())) + " split sizes for " +
                   str(parts) + " outputs");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return n.error("split size " + str(s) + " is negative");
    total += s;
  }
  if (total != dim)
    return n.error("split sizes add up to " + str(total) +
                   ", not the axis "
                   "size " +
                   str(dim));
  auto &b = n.builder();
  int64_t k = in->batchAxis;
  int64_t start = 0;
  for (int64_t i = 0; i < parts; ++i) {
    SmallVector<int64_t> counts(shape), starts(size_t(rank), 0),
        steps(size_t(rank), 1);
    counts[size_t(*axis)] = sizes[size_t(i)];
    starts[size_t(*axis)] = start;
    start += sizes[size_t(i)];
    if (!n.outputUsed(size_t(i)))
      continue;
    if (sizes[size_t(i)] == 0)
      return n.error("output " + str(i) + " is empty");
    Value part =
        n.create<nn::SliceOp>(storedShape(counts, k), in->tensor,
                              b.getDenseI64ArrayAttr(storedShape(starts, k)),
                              b.getDenseI64ArrayAttr(storedShape(steps, k)));
    if (auto err = n.setTensor(size_t(i), part, k))
      return err;
  }
  return Error::success();
}

} // namespace imports
} // namespace frontend
} // namespace ariadne
