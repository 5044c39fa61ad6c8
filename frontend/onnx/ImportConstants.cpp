//===- ImportConstants.cpp - the shape-folding evaluator ----------- ---===//
//
// Constants and the shape computations around them (Shape, Gather,
// ConstantOfShape, Cast) folded at compile time, so that exported shape
// subgraphs become constant operands.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

Error importConstant(NodeImporter &n) {
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
Error importShape(NodeImporter &n) {
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
  int64_t factor =
      in->kind == ImportedValue::Kind::Tensor ? in->batchFactor : 1;
  SmallVector<SymInt> dims;
  for (int64_t d = start; d < end; ++d)
    dims.push_back(ShapedType::isDynamic((*shape)[d])
                       ? SymInt::batch(factor)
                       : SymInt::known((*shape)[d]));
  n.setInts(0, IntTensor::vector(dims));
  return Error::success();
}

/// Gather from a run-time tensor at compile-time indices (the last step of
/// a sequence, `h[-1]` of stacked recurrent layers): a slice per index,
/// their concatenation and a reshape to the result's shape `out`.
static Error gatherTensor(NodeImporter &n, const ImportedValue &in,
                          int64_t axis, ArrayRef<int64_t> indices,
                          ArrayRef<int64_t> out) {
  if (indices.empty())
    return n.error("Gather with no indices gives an empty tensor");
  int64_t stored = storedAxis(axis, in.batchAxis);
  SmallVector<int64_t> counts = shapeOf(in.tensor);
  SmallVector<int64_t> starts(counts.size(), 0), steps(counts.size(), 1);
  counts[stored] = 1;
  auto &b = n.builder();
  SmallVector<Value> rows;
  for (int64_t i : indices) {
    starts[stored] = i;
    rows.push_back(n.create<nn::SliceOp>(counts, in.tensor,
                                         b.getDenseI64ArrayAttr(starts),
                                         b.getDenseI64ArrayAttr(steps)));
  }
  counts[stored] = int64_t(rows.size());
  Value gathered =
      rows.size() == 1
          ? rows.back()
          : n.create<nn::ConcatOp>(counts, rows, b.getI64IntegerAttr(stored));
  ImportedValue v = in;
  v.tensor = gathered;
  return setReshaped(n, v, out);
}

Error importGather(NodeImporter &n) {
  if (n.isIndexInput(1))
    return gatherAtIndices(n);
  auto in = n.value(0);
  if (!in)
    return in.takeError();
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
  if (ShapedType::isDynamic(dim))
    return n.error("gathering along the dynamic batch dimension would mix "
                   "events");
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
  if (in->kind == ImportedValue::Kind::Tensor)
    return gatherTensor(n, *in, *axis, *indices, out);
  if (in->kind == ImportedValue::Kind::FloatConst && in->constant->batchFill) {
    auto c = std::make_shared<FloatConstant>(*in->constant);
    c->shape = out;
    c->materialized = nullptr;
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
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

Error importConstantOfShape(NodeImporter &n) {
  auto shapeTensor = n.ints(0, "shape");
  if (!shapeTensor)
    return shapeTensor.takeError();
  if (shapeTensor->rank() > 1)
    return n.error("the shape must be a 1-D tensor, not rank " +
                   str(shapeTensor->rank()));
  // A shape holding the batch size makes a batch fill (FloatConstant); it
  // counts as size 1 here.
  std::optional<size_t> batchDim;
  SmallVector<int64_t> shapeValues;
  for (auto [d, v] : llvm::enumerate(shapeTensor->values)) {
    if (v.isBatch && batchDim)
      return n.error("the shape uses the dynamic batch size more than once");
    // A multiple of the batch (the batch merged with attention heads)
    // makes the same fill: one value in every event.
    if (v.isBatch && v.value < 1)
      return n.error("the shape holds " + str(v.value) +
                     " times the dynamic batch size");
    if (v.isBatch)
      batchDim = d;
    shapeValues.push_back(v.isBatch ? 1 : v.value);
  }
  for (int64_t d : shapeValues)
    if (d < 0)
      return n.error("the shape has a negative dimension");
  int64_t count = 1;
  for (int64_t d : shapeValues)
    if (d != 0 && (count *= d) > (int64_t(1) << 26))
      return n.error("the shape " + formatShape(shapeValues) +
                     " is too large for a constant");
  count = product(shapeValues);
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
    c->shape = shapeValues;
    c->data.assign(size_t(count), fill);
    c->origin = "constant '" + n.node().output(0) + "'";
    if (batchDim) {
      c->shape[*batchDim] = ShapedType::kDynamic;
      c->data.assign(1, fill);
      c->batchFill = true;
    }
    n.setFloatConstant(0, std::move(c));
    return Error::success();
  }
  if (isIntegerDataType(dtype)) {
    if (batchDim)
      return n.error("an integer tensor whose shape depends on the dynamic "
                     "batch size is not supported");
    auto t = decodeIntTensor(value->t());
    if (!t)
      return n.error("the value " + llvm::toString(t.takeError()));
    if (t->values.size() != 1)
      return n.error("the value must hold one element");
    IntTensor out;
    out.shape = shapeValues;
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

Error importCast(NodeImporter &n) {
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
    if (in->isIndex && to == onnx::TensorProto_DataType_BOOL &&
        !in->isCondition)
      return castToCondition(n);
    if (in->isIndex && toInt)
      return n.setValue(0, *in);
    if (in->isCondition)
      return castCondition(n);
    if (in->isIndex)
      return n.error("Cast of the indices '" + n.inputName(0).str() +
                     "' to float32 is not supported: indices only feed "
                     "gathers, scatters, comparisons and selects");
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

/// Where over compile-time integers (a condition known at compile time),
/// folded; else a select at run time (ImportConditions.cpp).
Error importWhere(NodeImporter &n) {
  for (size_t i = 0; i < 3; ++i)
    if (!n.isIntInput(i))
      return importSelect(n);
  auto c = n.ints(0, "condition"), x = n.ints(1, "X"), y = n.ints(2, "Y");
  if (!c)
    return c.takeError();
  if (!x)
    return x.takeError();
  if (!y)
    return y.takeError();
  return foldInts(n, {*c, *x, *y}, x->dtype,
                  [&](ArrayRef<SymInt> v) -> Expected<SymInt> {
                    if (v[0].isBatch)
                      return n.error("the condition depends on the dynamic "
                                     "batch size");
                    return v[0].value ? v[1] : v[2];
                  });
}

} // namespace imports
} // namespace frontend
} // namespace ariadne
