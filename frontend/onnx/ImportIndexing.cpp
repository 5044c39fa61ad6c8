//===- ImportIndexing.cpp - gathers and scatters at run-time indices ------===//
//
// The index ops of graph networks: GatherElements, ScatterElements,
// GatherND and ScatterND (tuples of one index) and Gather whose indices
// are an index tensor (ImportedValue::isIndex), as PyTorch exports
// torch.gather, scatter_add, x[index] and index_put. They import as
// nn.gather_elements and nn.scatter_elements; the Unsqueeze/Expand chains
// around them are data movement of the index tensors.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

/// The axis attribute of an index op on `shape`, normalized; the batch is
/// never indexed along.
static Expected<int64_t> indexAxis(NodeImporter &n, ArrayRef<int64_t> shape) {
  auto axis = normalizeAxis(n, n.intAttr("axis", 0), int64_t(shape.size()));
  if (!axis)
    return axis.takeError();
  if (ShapedType::isDynamic(shape[size_t(*axis)]))
    return n.error("indexing along the dynamic batch dimension would mix "
                   "events");
  return *axis;
}

/// The start of a scatter: none for zeros (a constant of zeros, or a fill
/// of the batch size with 0, as torch.zeros builds it), else the tensor.
static Expected<Value> scatterStart(NodeImporter &n, size_t i) {
  auto in = n.value(i);
  if (!in)
    return in.takeError();
  if (in->kind == ImportedValue::Kind::FloatConst &&
      llvm::all_of(in->constant->data, [](float v) { return v == 0; }))
    return Value();
  return n.tensor(i);
}

/// The ONNX shape of input `i`.
static Expected<SmallVector<int64_t>> inputShape(NodeImporter &n, size_t i) {
  auto in = n.value(i);
  if (!in)
    return in.takeError();
  return valueShape(n, *in);
}

/// A gather's data (input 0) and its indices (input 1).
static Expected<std::pair<Value, Value>> dataAndIndices(NodeImporter &n) {
  auto data = n.tensor(0);
  if (!data)
    return data.takeError();
  auto indices = n.indexTensor(1, "indices");
  if (!indices)
    return indices.takeError();
  return std::make_pair(*data, *indices);
}

/// The indices before an Expand's copies: a concat of one value repeated
/// along a dimension other than `axis` (where that value has size 1) reads
/// as that value, broadcast. The kernels then read one index per row, as a
/// graph's edge index expanded over the features.
static Value withoutCopies(Value indices, int64_t axis) {
  while (auto concat = indices.getDefiningOp<nn::ConcatOp>()) {
    auto inputs = concat.getInputs();
    int64_t d = int64_t(concat.getAxis());
    if (d == axis || inputs.empty() || !llvm::all_equal(inputs) ||
        shapeOf(inputs.front())[size_t(d)] != 1)
      break;
    indices = inputs.front();
  }
  return indices;
}

Error importGatherElements(NodeImporter &n) {
  auto operands = dataAndIndices(n);
  if (!operands)
    return operands.takeError();
  auto [data, indices] = *operands;
  SmallVector<int64_t> in = shapeOf(data), idx = shapeOf(indices);
  if (in.size() != idx.size())
    return n.error("data of rank " + str(int64_t(in.size())) +
                   " and indices of rank " + str(int64_t(idx.size())) +
                   " differ");
  if (in.empty())
    return n.error("GatherElements of a scalar");
  auto axis = indexAxis(n, in);
  if (!axis)
    return axis.takeError();
  for (size_t d = 0; d < in.size(); ++d)
    if (int64_t(d) != *axis && in[d] != idx[d])
      return n.error("indices dimension " + str(int64_t(d)) + " (" +
                     str(idx[d]) + ") differs from the data's (" + str(in[d]) +
                     "); only the gathered axis may differ");
  return n.setTensor(0, n.create<nn::GatherElementsOp>(
                            idx, data, withoutCopies(indices, *axis),
                            n.builder().getI64IntegerAttr(*axis)));
}

/// A scatter's operands: the start (none for zeros), the indices and the
/// updates, their shapes (the start's as ONNX gives it), and whether the
/// reduction (none or add) sums.
struct ScatterOperands {
  Value data, indices, updates;
  SmallVector<int64_t> in, idx, upd;
  bool add = false;
};

static Expected<ScatterOperands> scatterOperands(NodeImporter &n) {
  std::string reduction = "none";
  if (const onnx::AttributeProto *a = n.attr("reduction"))
    reduction = a->s();
  if (reduction != "none" && reduction != "add")
    return n.error("reduction '" + reduction +
                   "' is not supported; only none and add are");
  ScatterOperands s;
  s.add = reduction == "add";
  auto indices = n.indexTensor(1, "indices");
  if (!indices)
    return indices.takeError();
  auto updates = n.tensor(2);
  if (!updates)
    return updates.takeError();
  auto data = scatterStart(n, 0);
  if (!data)
    return data.takeError();
  auto dataShape = inputShape(n, 0);
  if (!dataShape)
    return dataShape.takeError();
  s.data = *data;
  s.indices = *indices;
  s.updates = *updates;
  s.in = *dataShape;
  s.idx = shapeOf(*indices);
  s.upd = shapeOf(*updates);
  return s;
}

Error importScatterElements(NodeImporter &n) {
  auto operands = scatterOperands(n);
  if (!operands)
    return operands.takeError();
  auto &[data, indices, updates, in, idx, upd, add] = *operands;
  if (in.size() != idx.size() || upd != idx)
    return n.error("data " + formatShape(in) + ", indices " + formatShape(idx) +
                   " and updates " + formatShape(upd) +
                   " need one rank, and indices and updates one shape");
  if (in.empty())
    return n.error("ScatterElements into a scalar");
  // The result: the data's shape, batched when the updates are.
  SmallVector<int64_t> out = in;
  if (isBatched(upd) != isBatched(in)) {
    if (!isBatched(upd) || in.front() != 1)
      return n.error("the data " + formatShape(in) + " and the updates " +
                     formatShape(upd) + " disagree on the dynamic batch");
    out.front() = ShapedType::kDynamic;
  }
  auto axis = indexAxis(n, out);
  if (!axis)
    return axis.takeError();
  for (size_t d = 0; d < out.size(); ++d)
    if (int64_t(d) != *axis && !ShapedType::isDynamic(out[d]) &&
        idx[d] > out[d])
      return n.error("indices dimension " + str(int64_t(d)) + " (" +
                     str(idx[d]) + ") exceeds the data's (" + str(out[d]) +
                     ")");
  auto &b = n.builder();
  return n.setTensor(0, n.create<nn::ScatterElementsOp>(
                            out, withoutCopies(indices, *axis), updates, data,
                            b.getI64IntegerAttr(*axis),
                            add ? b.getUnitAttr() : UnitAttr()));
}

/// The one-element index tuples of GatherND and ScatterND: tuples of more
/// elements (indexing several axes at once) are not supported.
static Error checkOneAxisTuples(NodeImporter &n, ArrayRef<int64_t> idx) {
  if (idx.empty() || idx.back() != 1)
    return n.error("indices " + formatShape(idx) +
                   " index several axes at once (the last dimension is the "
                   "tuple size); only tuples of one index are supported, "
                   "indices [..., 1]");
  return Error::success();
}

/// GatherND with tuples of one index: after the `batch_dims` leading
/// dimensions, the indices' middle dimensions (flattened) gather rows
/// along the data's next axis, as nn.gather_elements with the indices
/// broadcast over the rows.
Error importGatherND(NodeImporter &n) {
  auto operands = dataAndIndices(n);
  if (!operands)
    return operands.takeError();
  auto [data, indices] = *operands;
  SmallVector<int64_t> in = shapeOf(data), idx = shapeOf(indices);
  if (auto err = checkOneAxisTuples(n, idx))
    return err;
  int64_t batchDims = n.intAttr("batch_dims", 0);
  int64_t r = int64_t(in.size()), q = int64_t(idx.size());
  if (batchDims < 0 || batchDims >= std::min(r, q))
    return n.error("batch_dims " + str(batchDims) + " must lie in [0, " +
                   str(std::min(r, q)) + ")");
  for (int64_t d = 0; d < batchDims; ++d)
    if (in[size_t(d)] != idx[size_t(d)])
      return n.error("data " + formatShape(in) + " and indices " +
                     formatShape(idx) + " differ in batch dimension " + str(d));
  if (isBatched(idx) && !isBatched(in))
    return n.error("indices with the dynamic batch gather from data without "
                   "it; give the data the batch, or gather with batch_dims");
  if (ShapedType::isDynamic(in[size_t(batchDims)]))
    return n.error("indexing along the dynamic batch dimension would mix "
                   "events; gather with batch_dims = 1");
  ArrayRef<int64_t> lead = ArrayRef<int64_t>(idx).take_front(size_t(batchDims));
  ArrayRef<int64_t> middle =
      ArrayRef<int64_t>(idx).slice(size_t(batchDims), size_t(q - 1 - batchDims));
  ArrayRef<int64_t> rest = ArrayRef<int64_t>(in).drop_front(size_t(batchDims + 1));
  SmallVector<int64_t> flatIndex(lead), gathered(lead), out(lead);
  flatIndex.push_back(product(middle));
  flatIndex.append(rest.size(), 1);
  gathered.push_back(product(middle));
  llvm::append_range(gathered, rest);
  llvm::append_range(out, middle);
  llvm::append_range(out, rest);
  Value index = indices;
  if (flatIndex != idx)
    index = n.create<nn::ReshapeOp>(flatIndex, indices);
  Value result = n.create<nn::GatherElementsOp>(
      gathered, data, index, n.builder().getI64IntegerAttr(batchDims));
  if (out != gathered)
    result = n.create<nn::ReshapeOp>(out, result);
  return n.setTensor(0, result);
}

/// ScatterND with tuples of one index: rows of the data's leading axis, as
/// nn.scatter_elements along axis 0 with the indices broadcast over the
/// rows.
Error importScatterND(NodeImporter &n) {
  auto operands = scatterOperands(n);
  if (!operands)
    return operands.takeError();
  auto &[data, indices, updates, in, idx, upd, add] = *operands;
  if (auto err = checkOneAxisTuples(n, idx))
    return err;
  if (in.empty())
    return n.error("ScatterND into a scalar");
  if (isBatched(in) || isBatched(idx) || isBatched(upd))
    return n.error("ScatterND indexes the data's leading dimension, here or "
                   "in the indices the dynamic batch, which would mix events; "
                   "scatter per event with ScatterElements");
  SmallVector<int64_t> expected(ArrayRef<int64_t>(idx).drop_back());
  llvm::append_range(expected, ArrayRef<int64_t>(in).drop_front());
  if (upd != expected)
    return n.error("updates " + formatShape(upd) + " should be " +
                   formatShape(expected) + " for data " + formatShape(in) +
                   " and indices " + formatShape(idx));
  int64_t rows = product(ArrayRef<int64_t>(idx).drop_back());
  SmallVector<int64_t> flatIndex{rows}, flatUpdates{rows};
  flatIndex.append(in.size() - 1, 1);
  llvm::append_range(flatUpdates, ArrayRef<int64_t>(in).drop_front());
  Value index = indices;
  if (flatIndex != idx)
    index = n.create<nn::ReshapeOp>(flatIndex, indices);
  Value rowsOfUpdates = updates;
  if (flatUpdates != upd)
    rowsOfUpdates = n.create<nn::ReshapeOp>(flatUpdates, updates);
  auto &b = n.builder();
  return n.setTensor(0, n.create<nn::ScatterElementsOp>(
                            in, index, rowsOfUpdates, data,
                            b.getI64IntegerAttr(0),
                            add ? b.getUnitAttr() : UnitAttr()));
}

Error gatherAtIndices(NodeImporter &n) {
  auto operands = dataAndIndices(n);
  if (!operands)
    return operands.takeError();
  auto [data, indices] = *operands;
  SmallVector<int64_t> in = shapeOf(data), idx = shapeOf(indices);
  if (in.empty())
    return n.error("Gather from a scalar");
  if (idx.empty() || isBatched(idx))
    return n.error("Gather at run-time indices of shape " + formatShape(idx) +
                   " is not supported; only indices without the batch (x[index] "
                   "of a graph without a batch) are");
  auto axis = indexAxis(n, in);
  if (!axis)
    return axis.takeError();
  // The indices, flattened, broadcast over the other dimensions of the
  // gathered tensor; the result then takes their shape at the axis.
  int64_t count = product(idx);
  SmallVector<int64_t> broadcast(in.size(), 1), gathered = in;
  broadcast[size_t(*axis)] = gathered[size_t(*axis)] = count;
  Value index = n.create<nn::ReshapeOp>(broadcast, indices);
  Value result = n.create<nn::GatherElementsOp>(
      gathered, data, index, n.builder().getI64IntegerAttr(*axis));
  SmallVector<int64_t> out(in.begin(), in.begin() + *axis);
  out.append(idx.begin(), idx.end());
  out.append(in.begin() + *axis + 1, in.end());
  if (out != gathered)
    result = n.create<nn::ReshapeOp>(out, result);
  return n.setTensor(0, result);
}

} // namespace imports
} // namespace frontend
} // namespace ariadne
