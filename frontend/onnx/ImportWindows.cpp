//===- ImportWindows.cpp - convolution and pooling ------------------------===//
//
// Conv imports as three nn ops: an nn.window gathering each output
// position's receptive field, an nn.dense over the field (C/group * K
// values per group; a grouped convolution's weight is block-diagonal), and
// a transpose back to channels first. Batch normalization and activations
// that follow fold into the dense layer (nn-fold-batchnorm,
// nn-fuse-activations look through the transpose).
//
// Pooling uses the same window: MaxPool pads with the lowest value and
// takes nn.reduce_max of each field; AveragePool is a dense layer with
// weight 1/K on each channel's own K taps (padding counts as 0, so only
// count_include_pad=1 or no padding). The global pools treat the whole
// feature map as one field.
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
  /// Whether ceil_mode added positions by padding past the given pads.
  bool ceilExtended = false;
};

/// The largest kernel size, stride, dilation or pad: sizes derived from them
/// stay far from int64 overflow, and the geometry fits the int of
/// runtime/ariadne/window.h.
constexpr int64_t kMaxWindowAttr = std::numeric_limits<int32_t>::max();

/// An error if an entry of the attribute is over kMaxWindowAttr.
Error checkNotTooLarge(NodeImporter &n, StringRef name,
                       ArrayRef<int64_t> values) {
  if (llvm::all_of(values, [](int64_t v) { return v <= kMaxWindowAttr; }))
    return Error::success();
  return n.error(name + " " + formatShape(values) + ": entries over " +
                 str(kMaxWindowAttr) + " are not supported");
}

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
  if (auto err = checkNotTooLarge(n, name, *given))
    return err;
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
    if (auto err = checkNotTooLarge(n, "pads", w.pads))
      return err;
  } else if (autoPad == "VALID") {
    w.pads.assign(2 * rank, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.pads.assign(2 * rank, 0);
    for (size_t d = 0; d < rank; ++d) {
      // The output keeps ceil(in / stride) positions; the extra padding
      // goes at the end (SAME_UPPER) or the beginning (SAME_LOWER).
      int64_t out = (in[d] + w.strides[d] - 1) / w.strides[d];
      int64_t span = w.dilations[d] * (kernel[d] - 1) + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[d] + span - in[d]);
      int64_t small = total / 2, large = total - small;
      bool upper = autoPad == "SAME_UPPER";
      w.pads[d] = upper ? small : large;
      w.pads[rank + d] = upper ? large : small;
    }
  } else {
    return n.error("auto_pad '" + autoPad +
                   "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
  }
  for (size_t d = 0; d < rank; ++d) {
    int64_t span = w.dilations[d] * (kernel[d] - 1) + 1;
    if (windowPositions(in[d], kernel[d], w.strides[d], w.dilations[d],
                        w.pads[d], w.pads[rank + d]) < 1)
      return n.error(
          "the kernel spans " + str(span) + " elements in spatial dimension " +
          str(int64_t(d)) + ", more than the " +
          str(in[d] + w.pads[d] + w.pads[rank + d]) + " of the padded input");
  }
  return w;
}

/// windowAttrs of a pooling layer, with its ceil_mode: the output keeps
/// ceil instead of floor positions (the last one starting inside the input
/// or its begin padding), which end padding provides.
Expected<WindowAttrs> poolAttrs(NodeImporter &n, ArrayRef<int64_t> in,
                                ArrayRef<int64_t> kernel) {
  if (kernel.size() != in.size())
    return n.error("kernel_shape " + formatShape(kernel) + " does not have " +
                   str(int64_t(in.size())) + " entries, one per spatial " +
                   "dimension");
  for (int64_t k : kernel)
    if (k < 1)
      return n.error("kernel_shape must be positive, got " +
                     formatShape(kernel));
  if (auto err = checkNotTooLarge(n, "kernel_shape", kernel))
    return err;
  auto w = windowAttrs(n, in, kernel);
  if (!w || !n.intAttr("ceil_mode", 0))
    return w;
  size_t rank = in.size();
  for (size_t d = 0; d < rank; ++d) {
    int64_t span = w->dilations[d] * (kernel[d] - 1) + 1;
    int64_t padded = in[d] + w->pads[d] + w->pads[rank + d];
    int64_t out = (padded - span + w->strides[d] - 1) / w->strides[d] + 1;
    if ((out - 1) * w->strides[d] >= in[d] + w->pads[d])
      --out;
    int64_t extra = (out - 1) * w->strides[d] + span - padded;
    if (extra > 0) {
      w->pads[rank + d] += extra;
      w->ceilExtended = true;
    }
  }
  return w;
}

/// The nn.window of `x` ([N?, C, spatial...], N dynamic) with `w`, whose
/// entries are at most kMaxWindowAttr; its fields, like a graph input, hold
/// at most 2^31 values per event.
Expected<Value> createWindow(NodeImporter &n, Value x, const WindowAttrs &w,
                             bool padLowest) {
  SmallVector<int64_t> shape = shapeOf(x);
  size_t rank = w.kernel.size();
  int64_t channels = shape[shape.size() - rank - 1];
  SmallVector<int64_t> positions;
  for (size_t d = 0; d < rank; ++d)
    positions.push_back(windowPositions(
        shape[shape.size() - rank + d], w.kernel[d], w.strides[d],
        w.dilations[d], w.pads[d], w.pads[rank + d]));
  // positions x channels x taps, without overflow.
  int64_t elements = 1;
  SmallVector<int64_t> factors(positions);
  factors.push_back(channels);
  factors.append(w.kernel.begin(), w.kernel.end());
  for (int64_t f : factors) {
    if (f > 0 && elements > kMaxWindowAttr / f)
      return n.error("the window's fields (positions " +
                     formatShape(positions) + ", " + str(channels) +
                     " channel(s), kernel " + formatShape(w.kernel) +
                     ") hold more than 2^31 values per event, which is too "
                     "large");
    elements *= f;
  }
  SmallVector<int64_t> out;
  if (isBatched(shape))
    out.push_back(ShapedType::kDynamic);
  out.append(positions.begin(), positions.end());
  out.push_back(channels);
  out.push_back(product(w.kernel));
  auto &b = n.builder();
  return n.create<nn::WindowOp>(
      out, x, b.getDenseI64ArrayAttr(w.kernel),
      b.getDenseI64ArrayAttr(w.strides), b.getDenseI64ArrayAttr(w.dilations),
      b.getDenseI64ArrayAttr(w.pads), padLowest ? b.getUnitAttr() : UnitAttr());
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
                   " must be [N, C, D1, ...] with 1 to " + str(kMaxWindowRank) +
                   " spatial dimensions");
  SpatialInput in;
  in.x = x;
  in.channels = shape[1];
  in.spatial.assign(shape.begin() + 2, shape.end());
  if (!isBatched(shape)) {
    if (shape[0] != 1)
      return n.error("the input " + formatShape(shape) +
                     " has a static batch of " + str(shape[0]) +
                     " events; export it with a dynamic batch, or give "
                     "--dynamic-batch");
    in.dropped = true;
    in.x = n.create<nn::ReshapeOp>(ArrayRef<int64_t>(shape).drop_front(), x);
  }
  return in;
}

/// [N?, out..., C] -> [N?, C, out...].
Value channelsFirst(NodeImporter &n, Value y) {
  SmallVector<int64_t> shape = shapeOf(y);
  size_t lead = isBatched(shape) ? 1 : 0;
  size_t rank = shape.size() - lead - 1;
  SmallVector<int64_t> perm, out;
  for (size_t d = 0; d < lead; ++d)
    perm.push_back(int64_t(d));
  perm.push_back(int64_t(lead + rank));
  for (size_t d = 0; d < rank; ++d)
    perm.push_back(int64_t(lead + d));
  for (int64_t p : perm)
    out.push_back(shape[size_t(p)]);
  return n.create<nn::TransposeOp>(out, y,
                                   n.builder().getDenseI64ArrayAttr(perm));
}

/// `OpT` (nn.reduce_max, or nn.reshape for fields of one tap) over the last
/// axis of window fields [N?, out..., C, K], channels first: [N?, C, out...].
template <typename OpT> Value overEachField(NodeImporter &n, Value fields) {
  SmallVector<int64_t> shape = shapeOf(fields);
  shape.pop_back();
  return channelsFirst(n, n.create<OpT>(shape, fields));
}

/// A dense layer over window fields [N?, out..., C, K] (weight
/// [M, C * K] in C order, optional bias [M]) and the transpose of its
/// result to channels first, [N?, M, out...].
Value denseOverFields(NodeImporter &n, Value fields, int64_t filters,
                      ArrayRef<float> weight, ArrayRef<float> bias) {
  SmallVector<int64_t> shape = shapeOf(fields);
  int64_t taps = shape.back();
  shape.pop_back();
  shape.back() *= taps;
  int64_t inFeatures = shape.back();
  Value flat = n.create<nn::ReshapeOp>(shape, fields);
  auto &b = n.builder();
  Type f32 = b.getF32Type();
  auto weightAttr = DenseElementsAttr::get(
      RankedTensorType::get({filters, inFeatures}, f32), weight);
  DenseElementsAttr biasAttr;
  if (!bias.empty())
    biasAttr =
        DenseElementsAttr::get(RankedTensorType::get({filters}, f32), bias);
  shape.back() = filters;
  Value y = n.create<nn::DenseOp>(
      shape, flat, weightAttr, biasAttr,
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::none),
      b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.0f));
  return channelsFirst(n, y);
}

/// The mean of every channel's K taps of window fields [N?, out..., C, K]:
/// a dense layer with weight 1/K on a channel's own taps, channels first.
Value averageOverFields(NodeImporter &n, Value fields) {
  SmallVector<int64_t> shape = shapeOf(fields);
  int64_t taps = shape.back(), channels = shape[shape.size() - 2];
  std::vector<float> weight(size_t(channels * channels * taps), 0.0f);
  float share = float(1.0 / double(taps));
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t k = 0; k < taps; ++k)
      weight[size_t((c * channels + c) * taps + k)] = share;
  return denseOverFields(n, fields, channels, weight, {});
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

  auto fields = createWindow(n, input->x, *attrs, /*padLowest=*/false);
  if (!fields)
    return fields.takeError();
  // Weight [M, C * K]: filter m of group g reads channels
  // [g * C/group, (g + 1) * C/group); the rest of its row is 0.
  int64_t taps = product(kernel), inFeatures = channels * taps,
          filtersPerGroup = filters / group;
  std::vector<float> dense(size_t(filters * inFeatures), 0.0f);
  for (int64_t m = 0; m < filters; ++m) {
    int64_t firstChannel = (m / filtersPerGroup) * perGroup;
    for (int64_t c = 0; c < perGroup; ++c)
      for (int64_t k = 0; k < taps; ++k)
        dense[size_t(m * inFeatures + (firstChannel + c) * taps + k)] =
            w.data[size_t((m * perGroup + c) * taps + k)];
  }
  return n.setTensor(
      0, input->restore(n, denseOverFields(n, *fields, filters, dense, bias)));
}

Error importMaxPool(NodeImporter &n) {
  if (n.outputUsed(1))
    return n.error("the Indices output is not supported");
  if (n.intAttr("storage_order", 0) != 0)
    return n.error("storage_order=1 is not supported");
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  auto input = spatialInput(n, *x);
  if (!input)
    return input.takeError();
  auto kernel = n.intsAttr("kernel_shape");
  if (!kernel)
    return n.error("kernel_shape is required");
  auto attrs = poolAttrs(n, input->spatial, *kernel);
  if (!attrs)
    return attrs.takeError();
  // Padding is the lowest value: a maximum never picks it.
  auto fields = createWindow(n, input->x, *attrs, /*padLowest=*/true);
  if (!fields)
    return fields.takeError();
  return n.setTensor(
      0, input->restore(n, overEachField<nn::ReduceMaxOp>(n, *fields)));
}

Error importAveragePool(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  auto input = spatialInput(n, *x);
  if (!input)
    return input.takeError();
  auto kernel = n.intsAttr("kernel_shape");
  if (!kernel)
    return n.error("kernel_shape is required");
  if (auto dilations = n.intsAttr("dilations"))
    if (llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
      return n.error("dilations other than 1 are not supported in average "
                     "pooling");
  auto attrs = poolAttrs(n, input->spatial, *kernel);
  if (!attrs)
    return attrs.takeError();
  // Every window averages over all K of its taps: no window reaches past
  // the padding, and padding counts (as 0). ceil_mode's extra end padding
  // is checked first: count_include_pad=1 would not make it supported.
  if (attrs->ceilExtended)
    return n.error("ceil_mode=1 adds windows that reach past the padding, "
                   "which average over fewer values; this is not supported");
  bool padded = llvm::any_of(attrs->pads, [](int64_t p) { return p != 0; });
  if (padded && !n.intAttr("count_include_pad", 0))
    return n.error("count_include_pad=0 with padding is not supported "
                   "(windows at the border would average over fewer "
                   "values); pad explicitly or set count_include_pad=1");
  auto fields = createWindow(n, input->x, *attrs, /*padLowest=*/false);
  if (!fields)
    return fields.takeError();
  return n.setTensor(0, input->restore(n, averageOverFields(n, *fields)));
}

Error importGlobalPool(NodeImporter &n, bool max) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  auto input = spatialInput(n, *x);
  if (!input)
    return input.takeError();
  // The whole feature map is one window: [N?, C, positions].
  SmallVector<int64_t> shape = shapeOf(input->x);
  size_t lead = isBatched(shape) ? 1 : 0;
  SmallVector<int64_t> flat(shape.begin(), shape.begin() + lead + 1);
  flat.push_back(product(input->spatial));
  Value fields = n.create<nn::ReshapeOp>(flat, input->x);
  flat.pop_back();
  Value y;
  if (max) {
    y = n.create<nn::ReduceMaxOp>(flat, fields);
  } else {
    // [N?, C, K] as the fields of one position: [N?, 1, C, K].
    SmallVector<int64_t> one(shape.begin(), shape.begin() + lead);
    one.push_back(1);
    one.push_back(input->channels);
    one.push_back(product(input->spatial));
    y = averageOverFields(n, n.create<nn::ReshapeOp>(one, fields));
  }
  // [N?, C] -> [N?, C, 1, ...].
  SmallVector<int64_t> out(flat);
  out.append(input->spatial.size(), 1);
  return n.setTensor(0, input->restore(n, n.create<nn::ReshapeOp>(out, y)));
}

/// Zero padding of the spatial dimensions of [N, C, spatial...]: a window
/// of one tap. All-zero pads are the identity, for any input.
Error importPad(NodeImporter &n) {
  std::string mode = "constant";
  if (const onnx::AttributeProto *a = n.attr("mode"))
    mode = a->s();
  SmallVector<int64_t> pads;
  if (n.version() < 11) {
    pads = n.intsAttr(n.version() < 2 ? "paddings" : "pads")
               .value_or(SmallVector<int64_t>());
    if (n.floatAttr("value", 0.0f) != 0.0f)
      return n.error("only padding with 0 is supported");
  } else {
    auto given = intVectorInput(n, 1, "pads");
    if (!given)
      return given.takeError();
    pads = *given;
    if (n.hasInput(2)) {
      auto value = n.floatConstant(2);
      if (!value)
        return value.takeError();
      if (!*value || (*value)->data.size() != 1 ||
          (*value)->data.front() != 0.0f)
        return n.error("only padding with a constant 0 is supported");
    }
    if (n.hasInput(3))
      return n.error("the axes input is not supported");
  }
  auto in = n.value(0);
  if (!in)
    return in.takeError();
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return n.setValue(0, std::move(*in));
  if (mode != "constant")
    return n.error("mode '" + mode +
                   "' is not supported (only constant zero padding)");
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  size_t rank = shape.size();
  if (pads.size() != 2 * rank)
    return n.error("pads has " + str(int64_t(pads.size())) +
                   " entries; expected " + str(int64_t(2 * rank)));
  // Channels first [N, C, spatial...], or channels last [N, spatial..., C]
  // (Keras's ZeroPadding as tf2onnx writes it) where dimension 1 is padded
  // and the last is not: padded between transposes to channels first.
  auto padded = [&](size_t d) { return pads[d] || pads[rank + d]; };
  bool channelsLast = rank >= 3 && padded(1) && !padded(rank - 1);
  if (padded(0) || (!channelsLast && padded(1)))
    return n.error("pads " + formatShape(pads) +
                   " pad the batch, or both dimension 1 and the last (the "
                   "channels, first or last); only spatial padding is "
                   "supported");
  SmallVector<int64_t> toFirst{0, int64_t(rank) - 1}, toLast{0};
  for (size_t d = 1; d + 1 < rank; ++d)
    toFirst.push_back(int64_t(d));
  for (size_t d = 2; d < rank; ++d)
    toLast.push_back(int64_t(d));
  toLast.push_back(1);
  auto transpose = [&](Value v, ArrayRef<int64_t> perm) {
    SmallVector<int64_t> from = shapeOf(v), to;
    for (int64_t p : perm)
      to.push_back(from[size_t(p)]);
    return n.create<nn::TransposeOp>(to, v,
                                     n.builder().getDenseI64ArrayAttr(perm));
  };
  Value source = *x;
  if (channelsLast) {
    source = transpose(source, toFirst);
    SmallVector<int64_t> moved(pads.size());
    for (size_t d = 0; d < rank; ++d) {
      moved[d] = pads[size_t(toFirst[d])];
      moved[rank + d] = pads[rank + size_t(toFirst[d])];
    }
    pads = moved;
  }
  auto input = spatialInput(n, source);
  if (!input)
    return input.takeError();
  WindowAttrs w;
  size_t spatial = rank - 2;
  w.kernel.assign(spatial, 1);
  w.strides.assign(spatial, 1);
  w.dilations.assign(spatial, 1);
  for (size_t d = 0; d < spatial; ++d)
    w.pads.push_back(pads[2 + d]);
  for (size_t d = 0; d < spatial; ++d)
    w.pads.push_back(pads[rank + 2 + d]);
  for (int64_t p : w.pads)
    if (p < 0)
      return n.error("negative pads " + formatShape(pads) +
                     " (cropping) are not supported");
  if (auto err = checkNotTooLarge(n, "pads", pads))
    return err;
  auto fields = createWindow(n, input->x, w, /*padLowest=*/false);
  if (!fields)
    return fields.takeError();
  Value result = input->restore(n, overEachField<nn::ReshapeOp>(n, *fields));
  return n.setTensor(0, channelsLast ? transpose(result, toLast) : result);
}

} // namespace imports
} // namespace frontend
} // namespace ariadne
