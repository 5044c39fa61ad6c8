//===- ImportLayers.cpp - softmax, clip, matmul, gemm, batch norm ------
//---===//
//
// The importers of the layers: softmax (its axis moved last), clip
// (constant or run-time bounds), matmul, gemm and batch normalization.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"

namespace ariadne {
namespace frontend {
namespace imports {

//===----------------------------------------------------------------------===//
// Irregular ops
//===----------------------------------------------------------------------===//

Error importSoftmax(NodeImporter &n) {
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

Error importClip(NodeImporter &n) {
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

/// x * hard_sigmoid(x) with alpha 1/6 and beta 1/2: in fixed point a product

/// GELU (the Gelu op of opset 20, or the chains PyTorch writes for it,
/// fused by ImportFusions.cpp): one activation, exact or tanh-approximated.
Error importGelu(NodeImporter &n) {
  ActivationKind kind = ActivationKind::gelu;
  if (const onnx::AttributeProto *a = n.attr("approximate")) {
    if (a->s() == "tanh")
      kind = ActivationKind::gelu_tanh;
    else if (a->s() != "none")
      return n.error("approximate '" + a->s() +
                     "' is not supported (none or tanh)");
  }
  return activation(kind)(n);
}

/// of two activations.
Error importHardSwish(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  SmallVector<int64_t> shape = shapeOf(*x);
  auto &b = n.builder();
  Value gate = n.create<nn::ActivationOp>(
      shape, *x,
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::hard_sigmoid),
      b.getF32FloatAttr(1.0f / 6.0f), b.getF32FloatAttr(0.5f));
  return n.setTensor(0, n.create<nn::MulOp>(shape, *x, gate));
}

/// Neg: a product with the constant -1 (exact in fixed point: an affine
/// map whose factor -1 every signed weight type holds); folded on
/// compile-time integers.
Error importNeg(NodeImporter &n) {
  if (n.isIntInput(0)) {
    auto a = n.ints(0, "X");
    if (!a)
      return a.takeError();
    return foldInts(n, {*a}, a->dtype, [&](ArrayRef<SymInt> v) {
      return foldInt(n, IntOp::Sub, SymInt::known(0), v[0]);
    });
  }
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  return n.setTensor(0,
                     n.create<nn::MulOp>(shapeOf(*x), *x, n.scalar(-1.0f)));
}

/// PRelu with a constant slope: one slope is a leaky ReLU; slopes that vary
/// (per channel) give relu(x) + slope * (x - relu(x)).
Error importPRelu(NodeImporter &n) {
  auto x = n.tensor(0);
  if (!x)
    return x.takeError();
  auto slope = n.floatConstant(1);
  if (!slope)
    return slope.takeError();
  if (!*slope)
    return n.error("the slope must be a constant (an initializer)");
  SmallVector<int64_t> shape = shapeOf(*x);
  auto out = broadcastBatched(n, {shape, (*slope)->shape});
  if (!out)
    return out.takeError();
  if (*out != shape)
    return n.error("the slope of shape " + formatShape((*slope)->shape) +
                   " would broadcast the input " + formatShape(shape) + " to " +
                   formatShape(*out));
  const std::vector<float> &values = (*slope)->data;
  if (values.empty())
    return n.error("the slope is empty");
  auto &b = n.builder();
  if (llvm::all_equal(values))
    return n.setTensor(
        0, n.create<nn::ActivationOp>(
               shape, *x,
               nn::ActivationKindAttr::get(b.getContext(),
                                           ActivationKind::leaky_relu),
               b.getF32FloatAttr(values.front()), b.getF32FloatAttr(0.0f)));
  auto factor = n.tensor(1);
  if (!factor)
    return factor.takeError();
  Value positive = n.create<nn::ActivationOp>(
      shape, *x,
      nn::ActivationKindAttr::get(b.getContext(), ActivationKind::relu),
      b.getF32FloatAttr(0.0f), b.getF32FloatAttr(0.0f));
  Value negative = n.create<nn::SubOp>(shape, *x, positive);
  Value scaled = n.create<nn::MulOp>(shape, negative, *factor);
  return n.setTensor(0, n.create<nn::AddOp>(shape, positive, scaled));
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

Error importMatMul(NodeImporter &n) {
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
Error importGemm(NodeImporter &n) {
  auto a = n.tensor(0);
  if (!a)
    return a.takeError();
  auto b = n.tensor(1);
  if (!b)
    return b.takeError();
  // A per-event Gemm of a merged view ([T * batch, K]) reads the stored
  // [batch, T, K]: one event's rows.
  bool rows = n.perEventView && n.perEventView->factor != 1;
  if (shapeOf(*a).size() != (rows ? 3 : 2) || shapeOf(*b).size() != 2)
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
  SmallVector<int64_t> shape(shapeOf(lhs));
  int64_t k = shape.back();
  int64_t kb = shapeOf(rhs)[0], cols = shapeOf(rhs)[1];
  if (k != kb)
    return n.error("Gemm inner dimensions differ: A' is " +
                   formatShape(shapeOf(lhs)) + " and B' is " +
                   formatShape({kb, cols}));
  shape.back() = cols;
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
      int64_t target = shape[shape.size() - cShape.size() + d];
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

Error importBatchNorm(NodeImporter &n) {
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

} // namespace imports
} // namespace frontend
} // namespace ariadne
