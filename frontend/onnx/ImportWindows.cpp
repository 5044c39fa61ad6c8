//===- ImportWindows.cpp - convolution --------------------------------------===//
//
// Conv imports as three nn ops: an nn.window gathering each output
// position's receptive field, an nn.dense over the field (C/group * K
// values per group; a grouped convolution's weight is block-diagonal), and
// a transpose back to channels first. Batch normalization and activations
// that follow fold into the dense layer (nn-fold-batchnorm,
// nn-fuse-activations look through the transpose).
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"
#include "passes/Support/Window.h"

namespace ariadne {
namespace frontend {
namespace imports {

namespace {

/// The attributes of a sliding window over `in` (the spatial sizes).
struct WindowAttrs {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

/// A per-dimension attribute of `rank` positive entries, or `fill`.
Expected<SmallVector<int64_t>> positiveInts(NodeImporter &n, StringRef name,
                                            size_t rank, int64_t fill) {
  auto given = n.intsAttr(name);
  if (!given)
    return SmallVector<int64_t>(rank, fill);
  if (given->size() != rank)
    return n.error(name + " has " + str(int64_t(given->size())) +
                   " entries; the input has " + str(int64_t(rank)) +
                   " spatial dimensions");
  for (int64_t v : *given)
    if (v < 1)
      return n.error(name + " must be positive, got " + formatShape(*given));
  return *given;
}

/// Strides, dilations and pads (auto_pad resolved) of a window with the
/// given kernel over spatial sizes `in`.
Expected<WindowAttrs> windowAttrs(NodeImporter &n, ArrayRef<int64_t> in,
                                  ArrayRef<int64_t> kernel) {
  size_t rank = in.size();
  WindowAttrs w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto strides = positiveInts(n, "strides", rank, 1);
  if (!strides)
    return strides.takeError();
  auto dilations = positiveInts(n, "dilations", rank, 1);
  if (!dilations)
    return dilations.takeError();
  w.strides = *strides;
  w.dilations = *dilations;
  std::string autoPad = "NOTSET";
  if (const onnx::AttributeProto *a = n.attr("auto_pad"))
    autoPad = a->s();
  if (autoPad == "NOTSET") {
    w.pads = n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * rank, 0));
    if (w.pads.size() != 2 * rank)
      return n.error("pads has " + str(int64_t(w.pads.size())) +
                     " entries; expected " + str(int64_t(2 * rank)));
    for (int64_t p : w.pads)
      if (p < 0)
        return n.error("negative pads " + formatShape(w.pads) +
                       " are not supported");
  } else if (autoPad == "VALID") {
    w.pads.assign(2 * rank, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.pads.assign(2 * rank, 0);
    for (size_t d = 0; d < rank; ++d) {
      // The output keeps ceil(in / stride) positions; the extra padding
      // goes at the end (SAME_UPPER) or the beginning (SAME_LOWER).
      int64_t out = (in[d] + w.strides[d] - 1) / w.strides[d];
      int64_t span = w.dilations[d] * (kernel[d] - 1) + 1;
      int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[d] + span -
                                               in[d]);
      int64_t small = total / 2, large = total - small;
      bool upper = autoPad == "SAME_UPPER";
      w.pads[d] = upper ? small : large;
      w.pads[rank + d] = upper ? large : small;
    }
  } else {
    return n.error("auto_pad '" + autoPad + "' is not one of NOTSET, VALID, "
                   "SAME_UPPER, SAME_LOWER");
  }
  for (size_t d = 0; d < rank; ++d) {
    int64_t span = w.dilations[d] * (kernel[d] - 1) + 1;
    if (windowPositions(in[d], kernel[d], w.strides[d], w.dilations[d],
                        w.pads[d], w.pads[rank + d]) < 1)
      return n.error("the kernel spans " + str(span) + " elements in spatial "
                     "dimension " + str(int64_t(d)) + ", more than the " +
                     str(in[d] + w.pads[d] + w.pads[rank + d]) +
                     " of the padded input");
  }
  return w;
}

/// The nn.window of `x` ([N?, C, spatial...], N dynamic) with `w`.
Value createWindow(NodeImporter &n, Value x, const WindowAttrs &w,
                   bool padLowest) {
  SmallVector<int64_t> shape = shapeOf(x);
  size_t rank = w.kernel.size();
  SmallVector<int64_t> out;
  if (isBatched(shape))
    out.push_back(ShapedType::kDynamic);
  for (size_t d = 0; d < rank; ++d)
    out.push_back(windowPositions(shape[shape.size() - rank + d], w.kernel[d],
                                  w.strides[d], w.dilations[d], w.pads[d],
                                  w.pads[rank + d]));
  out.push_back(shape[shape.size() - rank - 1]);
  out.push_back(product(w.kernel));
  auto &b = n.builder();
  return n.create<nn::WindowOp>(
      out, x, b.getDenseI64ArrayAttr(w.kernel),
      b.getDenseI64ArrayAttr(w.strides), b.getDenseI64ArrayAttr(w.dilations),
      b.getDenseI64ArrayAttr(w.pads),
      padLowest ? b.getUnitAttr() : UnitAttr());
}

/// The input of a window op, [N, C, spatial...] with 1 to 3 static spatial
/// dimensions, as nn.window takes it: a dynamic N stays (the batch); a
/// static N of 1 is dropped, and `restore` adds it back to a result.
struct SpatialInput {
  Value x;
  SmallVector<int64_t> spatial;
  int64_t channels = 0;
  bool dropped = false;

  Value restore(NodeImporter &n, Value y) const {
    if (!dropped)
      return y;
    SmallVector<int64_t> shape = shapeOf(y);
    shape.insert(shape.begin(), 1);
    return n.create<nn::ReshapeOp>(shape, y);
  }
};

Expected<SpatialInput> spatialInput(NodeImporter &n, Value x) {
  SmallVector<int64_t> shape = shapeOf(x);
  if (shape.size() < 3 || shape.size() > 2 + size_t(kMaxWindowRank))
    return n.error("the input " + formatShape(shape) +
                   " must be [N, C, D1, ...] with 1 to " +
                   str(kMaxWindowRank) + " spatial dimensions");
  SpatialInput in;
  in.x = x;
  in.channels = shape[1];
  in.spatial.assign(shape.begin() + 2, shape.end());
  if (!isBatched(shape)) {
    if (shape[0] != 1)
      return n.error("the input " + formatShape(shape) +
                     " has a static batch of " + str(shape[0]) +
                     " events; export it with a dynamic batch, or compile "
                     "with --dynamic-batch");
    in.dropped = true;
    in.x = n.create<nn::ReshapeOp>(ArrayRef<int64_t>(shape).drop_front(), x);
  }
  return in;
}

} // namespace

Error importConv(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  auto input = spatialInput(n, *x);
  if (!input)
    return input.takeError();
  size_t rank = input->spatial.size();
  int64_t channels = input->channels;
  auto weight = n.floatConstant(1);
  if (!weight)
    return weight.takeError();
  if (!*weight)
    return n.error("the weight must be a constant (an initializer)");
  const FloatConstant &w = **weight;
  int64_t group = n.intAttr("group", 1);
  if (w.shape.size() != rank + 2)
    return n.error("the weight " + formatShape(w.shape) + " must be [M, C/" +
                   "group, k1, ...] with " + str(int64_t(rank)) +
                   " kernel dimensions");
  int64_t filters = w.shape[0], perGroup = w.shape[1];
  if (group < 1 || channels % group || filters % group ||
      perGroup * group != channels)
    return n.error("group " + str(group) + " does not split the " +
                   str(channels) + " input channels and " + str(filters) +
                   " filters of weight " + formatShape(w.shape));
  SmallVector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  if (auto given = n.intsAttr("kernel_shape"))
    if (*given != kernel)
      return n.error("kernel_shape " + formatShape(*given) +
                     " differs from the weight's " + formatShape(kernel));
  std::vector<float> bias;
  if (n.hasInput(2)) {
    auto b = n.floatConstant(2);
    if (!b)
      return b.takeError();
    if (!*b)
      return n.error("the bias must be a constant (an initializer)");
    if ((*b)->shape != SmallVector<int64_t>{filters})
      return n.error("the bias has shape " + formatShape((*b)->shape) +
                     "; expected [" + str(filters) + "]");
    bias = (*b)->data;
  }
  auto attrs = windowAttrs(n, input->spatial, kernel);
  if (!attrs)
    return attrs.takeError();

  Value fields = createWindow(n, input->x, *attrs, /*padLowest=*/false);
  SmallVector<int64_t> fieldShape = shapeOf(fields);
  int64_t taps = fieldShape.back();
  fieldShape.pop_back();
  fieldShape.back() = channels * taps;
  Value flat = n.create<nn::ReshapeOp>(fieldShape, fields);

  // Weight [M, C * K]: filter m of group g reads channels
  // [g * C/group, (g + 1) * C/group); the rest of its row is 0.
  int64_t inFeatures = channels * taps, filtersPerGroup = filters / group;
  std::vector<float> dense(size_t(filters * inFeatures), 0.0f);
  for (int64_t m = 0; m < filters; ++m) {
    int64_t firstChannel = (m / filtersPerGroup) * perGroup;
    for (int64_t c = 0; c < perGroup; ++c)
      for (int64_t k = 0; k < taps; ++k)
        dense[size_t(m * inFeatures + (firstChannel + c) * taps + k)] =
            w.data[size_t((m * perGroup + c) * taps + k)];
  }
  auto &b = n.builder();
  Type f32 = b.getF32Type();
  auto weightAttr = DenseElementsAttr::get(
      RankedTensorType::get({filters, inFeatures}, f32), ArrayRef(dense));
  DenseElementsAttr biasAttr;
  if (!bias.empty())
    biasAttr = DenseElementsAttr::get(RankedTensorType::get({filters}, f32),
                                      ArrayRef(bias));
  SmallVector<int64_t> denseShape(fieldShape);
  denseShape.back() = filters;
  Value y = n.create<nn::DenseOp>(
      denseShape, flat, weightAttr, biasAttr,
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::none),
      b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.0f));

  // [N?, out..., M] -> [N?, M, out...].
  size_t lead = isBatched(denseShape) ? 1 : 0;
  SmallVector<int64_t> perm, outShape;
  for (size_t d = 0; d < lead; ++d)
    perm.push_back(int64_t(d));
  perm.push_back(int64_t(lead + rank));
  for (size_t d = 0; d < rank; ++d)
    perm.push_back(int64_t(lead + d));
  for (int64_t p : perm)
    outShape.push_back(denseShape[size_t(p)]);
  Value out =
      n.create<nn::TransposeOp>(outShape, y, b.getDenseI64ArrayAttr(perm));
  return n.setTensor(0, input->restore(n, out));
}

} // namespace imports
} // namespace frontend
} // namespace ariadne
