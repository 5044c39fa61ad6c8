//===- ImportDataMovement.cpp - reshapes, transposes, concat, slice -- ---===//
//
// The importers of ops that move elements: flatten, reshape, squeeze,
// unsqueeze, transpose, concat, slice, identity and dropout (inference),
// on run-time tensors and on compile-time values alike.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

Error importFlatten(NodeImporter &n) {
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
  if (dynamicAxis(dims) > 0)
    return n.error("Flatten of " + formatShape(dims) +
                   ", whose dynamic batch dimension is not leading, is not "
                   "supported: transpose it to the front first");
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
/// batched tensor) stands for a multiple of the dynamic batch size. A
/// batched input keeps one dynamic dimension: the batch symbol, a 0 copying
/// it, or the -1 when nothing else holds it; `factor` gets the multiple
/// (the input's is `inFactor`), and where it may go is setReshaped's rule.
static Expected<SmallVector<int64_t>>
resolveReshape(NodeImporter &n, ArrayRef<int64_t> in, int64_t inFactor,
               ArrayRef<SymInt> target, bool allowZero, int64_t &factor) {
  SmallVector<int64_t> out;
  int64_t inferred = -1;
  bool hasZero = false;
  factor = 1;
  for (auto [i, t] : llvm::enumerate(target)) {
    if (t.isBatch) {
      if (t.value <= 0)
        return n.error("the target shape holds " + str(t.value) +
                       " times the dynamic batch size");
      out.push_back(ShapedType::kDynamic);
      factor = t.value;
      continue;
    }
    if (t.value == 0 && !allowZero) {
      if (i >= in.size())
        return n.error("target dimension " + str(int64_t(i)) +
                       " is 0 (copy the input's) but the input has rank " +
                       str(int64_t(in.size())));
      out.push_back(in[i]);
      if (ShapedType::isDynamic(in[i]))
        factor = inFactor;
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
  int64_t dynamics = llvm::count_if(out, ShapedType::isDynamic);
  if (dynamics > 1)
    return n.error("the target shape " + formatShape(out) +
                   " uses the dynamic batch size more than once");
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(out))
    if (int64_t(i) != inferred && !ShapedType::isDynamic(d))
      known *= d;
  std::string what =
      "cannot reshape " + formatShape(in) + " into " + formatShape(out);
  if (dynamicAxis(in) >= 0) {
    int64_t event = inFactor;
    for (int64_t d : in)
      if (!ShapedType::isDynamic(d))
        event *= d;
    if (dynamics == 0 && inferred < 0)
      return n.error(what + ": the batch dimension would disappear");
    if (dynamics == 0) {
      // The -1 is the batch, merged with the rest of one event's elements.
      if (known <= 0 || event % known)
        return n.error(what + ": the -1 would be the dynamic batch "
                              "dimension, which would mix events");
      out[inferred] = ShapedType::kDynamic;
      factor = event / known;
      return out;
    }
    if (inferred >= 0) {
      if (known == 0 || event % (known * factor))
        return n.error(what);
      out[inferred] = event / (known * factor);
    } else if (known * factor != event) {
      return n.error(what + ": one event has " + str(event) + " elements");
    }
    return out;
  }
  if (dynamics)
    return n.error("the target shape uses the dynamic batch size but the "
                   "input " +
                   formatShape(in) + " has no batch dimension");
  int64_t total = product(in);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return n.error(what);
    out[inferred] = total / known;
  } else if (known != total) {
    return n.error(what);
  }
  return out;
}

/// Input 1 of Reshape and Expand: the target shape, a 1-D compile-time
/// integer tensor.
static Expected<IntTensor> shapeOperand(NodeImporter &n) {
  auto target = n.ints(1, "shape");
  if (target && target->rank() != 1)
    return n.error("the shape must be a 1-D tensor");
  return target;
}

Error importReshape(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto target = shapeOperand(n);
  if (!target)
    return target.takeError();
  int64_t inFactor =
      in->kind == ImportedValue::Kind::Tensor ? in->batchFactor : 1;
  int64_t factor = 1;
  auto out = resolveReshape(n, *shape, inFactor, target->values,
                            n.intAttr("allowzero", 0) != 0, factor);
  if (!out)
    return out.takeError();
  return setReshaped(n, *in, *out, factor);
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

Error importSqueeze(NodeImporter &n) {
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

Error importUnsqueeze(NodeImporter &n) {
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

Error importTranspose(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  if (in->kind != ImportedValue::Kind::Tensor) {
    // Compile-time data becomes a constant and moves at run time.
    auto x = n.tensor(0);
    if (!x)
      return x.takeError();
    in->kind = ImportedValue::Kind::Tensor;
    in->tensor = *x;
    in->batchAxis = 0;
  }
  SmallVector<int64_t> shape =
      onnxShape(shapeOf(in->tensor), in->batchAxis, in->batchFactor);
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
  if (!isBatched(shapeOf(in->tensor)))
    return n.setTensor(
        0, n.create<nn::TransposeOp>(out, in->tensor,
                                     n.builder().getDenseI64ArrayAttr(perm)));
  // The batch stays leading in the IR: the result may be a time-major view
  // (or stop being one), and only the other dimensions move.
  int64_t batchAxis = llvm::find(perm, in->batchAxis) - perm.begin();
  if (in->batchFactor != 1) {
    // A merged view moves the dimension that holds the batch as one block,
    // the batch at the same place inside it: one event's dimensions
    // (batchFactor in the batch's place) move by the same permutation.
    SmallVector<int64_t> storedPerm{0};
    for (int64_t p : perm)
      storedPerm.push_back(p + 1);
    BatchView view{batchAxis, in->batchFactor, in->batchOuter};
    if (llvm::is_sorted(storedPerm))
      return n.setTensor(0, in->tensor, view);
    return n.setTensor(
        0,
        n.create<nn::TransposeOp>(storedShape(out, batchAxis, in->batchFactor),
                                  in->tensor,
                                  n.builder().getDenseI64ArrayAttr(storedPerm)),
        view);
  }
  SmallVector<int64_t> storedPerm{0};
  for (int64_t d = 0; d < rank; ++d)
    if (d != batchAxis)
      storedPerm.push_back(storedAxis(perm[d], in->batchAxis));
  if (llvm::is_sorted(storedPerm))
    return n.setTensor(0, in->tensor, batchAxis);
  return n.setTensor(
      0,
      n.create<nn::TransposeOp>(storedShape(out, batchAxis), in->tensor,
                                n.builder().getDenseI64ArrayAttr(storedPerm)),
      batchAxis);
}

/// `v` repeated `times` times along dimension `d` (a concatenation of
/// copies), the rest of `shape` (v's shape) kept; `shape` becomes the
/// result's.
static Value repeatAlong(NodeImporter &n, Value v, size_t d, int64_t times,
                         SmallVectorImpl<int64_t> &shape) {
  shape[d] *= times;
  SmallVector<Value> copies(size_t(times), v);
  return n.create<nn::ConcatOp>(shape, copies,
                                n.builder().getI64IntegerAttr(int64_t(d)));
}

Expected<Value> expandTensor(NodeImporter &n, Value v,
                             ArrayRef<int64_t> out) {
  if (isBatched(out) && !isBatched(shapeOf(v)))
    return n.error("broadcasting " + formatShape(shapeOf(v)) + " to " +
                   formatShape(out) +
                   " would repeat it over the dynamic batch; the batch "
                   "comes from the model's inputs");
  SmallVector<int64_t> current(out.size() - size_t(shapeOf(v).size()), 1);
  llvm::append_range(current, shapeOf(v));
  if (ArrayRef<int64_t>(current) != ArrayRef<int64_t>(shapeOf(v)))
    v = n.create<nn::ReshapeOp>(current, v);
  for (size_t d = 0; d < out.size(); ++d)
    if (current[d] == 1 && out[d] != 1)
      v = repeatAlong(n, v, d, out[d], current);
  return v;
}

/// Expand: numpy broadcasting of the input to a shape known at compile
/// time (a Shape's batch symbol or 1 where the input has its batch). A
/// run-time tensor is repeated along each expanded axis by a concatenation
/// of copies, exact on every target; compile-time data is expanded as data.
Error importExpand(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto target = shapeOperand(n);
  if (!target)
    return target.takeError();
  SmallVector<int64_t> dims;
  for (const SymInt &v : target->values) {
    if (v.isBatch && v.value != 1)
      return n.error("the shape holds " + str(v.value) +
                     " times the dynamic batch size");
    if (!v.isBatch && v.value < 0)
      return n.error("the shape has a negative dimension " + str(v.value));
    dims.push_back(v.isBatch ? ShapedType::kDynamic : v.value);
  }
  auto out = broadcastBatched(n, {*shape, dims});
  if (!out)
    return out.takeError();
  if (llvm::is_contained(*out, 0))
    return n.error("expanding " + formatShape(*shape) + " to " +
                   formatShape(dims) + " gives an empty tensor");
  bool batchedIn = dynamicAxis(*shape) >= 0;
  if (!batchedIn && dynamicAxis(*out) >= 0)
    return n.error("expanding " + formatShape(*shape) +
                   " to the dynamic batch size is not supported: the batch "
                   "comes from the model's inputs");
  // The input with the output's rank.
  SmallVector<int64_t> from(out->size() - shape->size(), 1);
  from.append(shape->begin(), shape->end());

  if (in->kind == ImportedValue::Kind::Tensor) {
    auto x = n.tensor(0);
    if (!x)
      return x.takeError();
    auto expanded = expandTensor(n, *x, *out);
    if (!expanded)
      return expanded.takeError();
    return n.setTensor(0, *expanded);
  }
  if (in->kind == ImportedValue::Kind::FloatConst && in->constant->batchFill) {
    // One value repeated, now over the expanded shape.
    auto c = std::make_shared<FloatConstant>(*in->constant);
    c->shape = *out;
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
  auto strides = stridesOf(from);
  SmallVector<int64_t> index(out->size(), 0);
  SmallVector<int64_t> sources;
  for (int64_t flat = 0, total = product(*out); flat < total; ++flat) {
    sources.push_back(broadcastSource(index, from, strides));
    increment(index, *out);
  }
  setRearranged(n, *in, *out, sources);
  return Error::success();
}

void setRearranged(NodeImporter &n, const ImportedValue &in,
                   ArrayRef<int64_t> shape, ArrayRef<int64_t> sources) {
  if (in.kind == ImportedValue::Kind::FloatConst) {
    auto c = std::make_shared<FloatConstant>(*in.constant);
    c->shape.assign(shape.begin(), shape.end());
    c->data.clear();
    for (int64_t src : sources)
      c->data.push_back(in.constant->data[size_t(src)]);
    c->materialized = nullptr;
    n.setFloatConstant(0, std::move(c));
    return;
  }
  IntTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.dtype = in.ints.dtype;
  for (int64_t src : sources)
    t.values.push_back(in.ints.values[size_t(src)]);
  n.setInts(0, std::move(t));
}

/// Tile: each axis repeated `repeats` times. A run-time tensor is a
/// concatenation of copies along each repeated axis (never the batch);
/// compile-time data is tiled as data.
Error importTile(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  auto shape = valueShape(n, *in);
  if (!shape)
    return shape.takeError();
  auto repeats = intVectorInput(n, 1, "repeats");
  if (!repeats)
    return repeats.takeError();
  if (repeats->size() != shape->size())
    return n.error("repeats has " + str(int64_t(repeats->size())) +
                   " values for an input of rank " +
                   str(int64_t(shape->size())));
  SmallVector<int64_t> out = *shape;
  for (size_t d = 0; d < out.size(); ++d) {
    int64_t r = (*repeats)[d];
    if (r < 1)
      return n.error("repeats[" + str(int64_t(d)) + "] is " + str(r) +
                     "; only positive repeats are supported");
    if (ShapedType::isDynamic(out[d])) {
      if (r != 1)
        return n.error("repeating the dynamic batch dimension would mix "
                       "events");
      continue;
    }
    if (out[d] > (int64_t(1) << 40) / r)
      return n.error("the tiled dimension " + str(int64_t(d)) +
                     " is too large");
    out[d] *= r;
  }
  if (in->kind == ImportedValue::Kind::Tensor) {
    auto x = n.tensor(0);
    if (!x)
      return x.takeError();
    Value v = *x;
    SmallVector<int64_t> current = shapeOf(v);
    for (size_t d = 0; d < out.size(); ++d)
      if ((*repeats)[d] != 1)
        v = repeatAlong(n, v, d, (*repeats)[d], current);
    return n.setTensor(0, v);
  }
  if (in->kind == ImportedValue::Kind::FloatConst && in->constant->batchFill)
    return n.error("Tile of a fill of the batch size is not supported");
  if (product(out) > (int64_t(1) << 26))
    return n.error("tiling compile-time data to " + formatShape(out) +
                   " elements is too large");
  auto strides = stridesOf(*shape);
  SmallVector<int64_t> index(out.size(), 0);
  SmallVector<int64_t> sources;
  for (int64_t flat = 0, total = product(out); flat < total; ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < out.size(); ++d)
      src += (index[d] % (*shape)[d]) * strides[d];
    sources.push_back(src);
    increment(index, out);
  }
  setRearranged(n, *in, out, sources);
  return Error::success();
}

Error importConcat(NodeImporter &n) {
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

  // Time-major views (the final states of stacked recurrent layers)
  // concatenate in their stored layout when they agree on the batch axis.
  int64_t batchAxis = 0;
  if (auto v = n.value(0); v && v->kind == ImportedValue::Kind::Tensor)
    batchAxis = v->batchAxis;
  else if (!v)
    return v.takeError();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    auto v = n.value(i);
    if (!v)
      return v.takeError();
    if (batchAxis != 0 &&
        (v->kind != ImportedValue::Kind::Tensor || v->batchAxis != batchAxis))
      return n.error("input '" + n.inputName(i) +
                     "' does not have its batch dimension at axis " +
                     str(batchAxis) + " like input '" + n.inputName(0) + "'");
    if (batchAxis != 0) {
      inputs.push_back(v->tensor);
      continue;
    }
    auto t = n.tensor(i);
    if (!t)
      return t.takeError();
    inputs.push_back(*t);
  }
  SmallVector<int64_t> first = shapeOf(inputs.front());
  auto onnxAxis = normalizeAxis(n, rawAxis, int64_t(first.size()));
  if (!onnxAxis)
    return onnxAxis.takeError();
  if (batchAxis != 0 && *onnxAxis == batchAxis)
    return n.error("concatenation along the dynamic batch dimension "
                   "would mix events");
  std::optional<int64_t> axis = storedAxis(*onnxAxis, batchAxis);
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
  return n.setTensor(
      0,
      n.create<nn::ConcatOp>(out, inputs, n.builder().getI64IntegerAttr(*axis)),
      batchAxis);
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

Error importSlice(NodeImporter &n) {
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
      return n.setValue(0, *in);
    auto &b = n.builder();
    int64_t k = in->batchAxis;
    return n.setTensor(
        0,
        n.create<nn::SliceOp>(storedShape(r->counts, k), in->tensor,
                              b.getDenseI64ArrayAttr(storedShape(r->starts, k)),
                              b.getDenseI64ArrayAttr(storedShape(r->steps, k))),
        k);
  }
  case ImportedValue::Kind::FloatConst: {
    auto c = std::make_shared<FloatConstant>(*in->constant);
    c->shape = r->counts;
    c->materialized = nullptr;
    if (c->batchFill) {
      // One value repeated: any slice of it is the same fill.
      n.setFloatConstant(0, std::move(c));
      return Error::success();
    }
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

Error importIdentity(NodeImporter &n) {
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  return n.setValue(0, std::move(*in));
}

/// Inference-time Dropout is the identity.
Error importDropout(NodeImporter &n) {
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

} // namespace imports
} // namespace frontend
} // namespace ariadne
