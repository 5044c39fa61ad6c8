//===- FloatSteps.cpp - float steps of the reference emulator -------------===//
//
// The float interpretation of the nn ops. It is the reference the generated
// kernels are validated against, so its loops are written here, plainly,
// and share nothing with runtime/.
//
// Rounding: element-wise arithmetic and activations compute in float, as
// PyTorch and ONNX Runtime do. Sums of products (dense, matmul) accumulate
// in double, where every product of two floats is exact, and round once to
// float; softmax sums and batch normalization also compute in double. These
// results are then within one rounding of the exact value, which any float
// implementation is close to within its own accumulated rounding.
//
//===----------------------------------------------------------------------===//
#include "emulator/ArithNests.h"
#include "emulator/MoveSteps.h"
#include "emulator/Translate.h"
#include "passes/NN/NNOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::emu;

namespace {

using FloatStep = Step<float>;
using StepOrError = llvm::Expected<std::unique_ptr<FloatStep>>;
using FloatTranslation = Translation<float>;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// The elements of an attribute as floats, in C order.
llvm::Expected<std::vector<float>> readFloats(Operation *op, ElementsAttr attr,
                                              StringRef what,
                                              const FloatTranslation &t) {
  std::vector<float> values;
  values.reserve(attr.getNumElements());
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(attr)) {
    Type type = dense.getElementType();
    if (type.isF32()) {
      for (float v : dense.getValues<float>())
        values.push_back(v);
    } else if (llvm::isa<FloatType>(type)) {
      for (APFloat v : dense.getValues<APFloat>()) {
        bool lost;
        v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
        values.push_back(v.convertToFloat());
      }
    } else if (auto intType = llvm::dyn_cast<IntegerType>(type)) {
      for (const APInt &v : dense.getValues<APInt>())
        values.push_back(intType.isUnsigned() ? float(v.getZExtValue())
                                              : float(v.getSExtValue()));
    } else {
      return t.error(op, what + " has unsupported element type");
    }
    return values;
  }
  if (auto blob = llvm::dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    if (auto data = blob.tryGetAsArrayRef()) {
      values.assign(data->begin(), data->end());
      return values;
    }
    return t.error(op, what + " refers to a resource blob that is missing");
  }
  return t.error(op, what + " is neither dense elements nor an f32 blob");
}

/// An activation with its parameters, applied with float arithmetic in the
/// formulas of nn::evalActivation.
struct Activation {
  nn::ActivationKind kind = nn::ActivationKind::none;
  float alpha = 0, beta = 0;

  void apply(const float *in, float *out, int64_t n) const {
    using nn::ActivationKind;
    switch (kind) {
    case ActivationKind::none:
      if (in != out)
        std::copy(in, in + n, out);
      return;
    case ActivationKind::relu:
      for (int64_t i = 0; i < n; ++i)
        out[i] = in[i] > 0 ? in[i] : 0.0f;
      return;
    case ActivationKind::leaky_relu:
      for (int64_t i = 0; i < n; ++i)
        out[i] = in[i] < 0 ? alpha * in[i] : in[i];
      return;
    case ActivationKind::tanh:
      for (int64_t i = 0; i < n; ++i)
        out[i] = std::tanh(in[i]);
      return;
    case ActivationKind::sigmoid:
      for (int64_t i = 0; i < n; ++i)
        out[i] = 1.0f / (1.0f + std::exp(-in[i]));
      return;
    case ActivationKind::softsign:
      for (int64_t i = 0; i < n; ++i)
        out[i] = in[i] / (1.0f + std::fabs(in[i]));
      return;
    case ActivationKind::hard_sigmoid:
      for (int64_t i = 0; i < n; ++i)
        out[i] = std::max(0.0f, std::min(1.0f, alpha * in[i] + beta));
      return;
    case ActivationKind::clip:
      for (int64_t i = 0; i < n; ++i)
        out[i] = std::min(beta, std::max(alpha, in[i]));
      return;
    case ActivationKind::abs:
      for (int64_t i = 0; i < n; ++i)
        out[i] = std::fabs(in[i]);
      return;
    case ActivationKind::elu:
      for (int64_t i = 0; i < n; ++i)
        out[i] = in[i] < 0 ? alpha * std::expm1(in[i]) : in[i];
      return;
    case ActivationKind::selu:
      for (int64_t i = 0; i < n; ++i)
        out[i] = beta * (in[i] < 0 ? alpha * std::expm1(in[i]) : in[i]);
      return;
    case ActivationKind::softplus:
      for (int64_t i = 0; i < n; ++i)
        out[i] =
            std::max(in[i], 0.0f) + std::log1p(std::exp(-std::fabs(in[i])));
      return;
    case ActivationKind::erf:
      for (int64_t i = 0; i < n; ++i)
        out[i] = std::erf(in[i]);
      return;
    case ActivationKind::gelu:
      for (int64_t i = 0; i < n; ++i)
        out[i] = 0.5f * in[i] * std::erfc(-in[i] * float(M_SQRT1_2));
      return;
    case ActivationKind::gelu_tanh:
      for (int64_t i = 0; i < n; ++i) {
        float u = 0.7978845608f * (in[i] + 0.044715f * in[i] * in[i] * in[i]);
        out[i] = in[i] / (1.0f + std::exp(-2.0f * u));
      }
      return;
    case ActivationKind::rsqrt:
      for (int64_t i = 0; i < n; ++i)
        out[i] = 1.0f / std::sqrt(alpha * in[i] + beta);
      return;
    case ActivationKind::reciprocal:
      for (int64_t i = 0; i < n; ++i)
        out[i] = 1.0f / in[i];
      return;
    }
  }
};

//===----------------------------------------------------------------------===//
// Steps
//===----------------------------------------------------------------------===//

class ConstantStep final : public FloatStep {
public:
  ConstantStep(int out, std::vector<float> values)
      : out(out), values(std::move(values)) {}
  void run(float *const *t, int64_t) const override {
    std::copy(values.begin(), values.end(), t[out]);
  }

private:
  int out;
  std::vector<float> values;
};

/// y[r, n] = act(sum_k x[r, k] * w[n, k] + b[n]) over all rows of a chunk.
class DenseStep final : public FloatStep {
public:
  DenseStep(int in, int out, bool perEvent, int64_t rowsPerEvent, int64_t k,
            int64_t n, std::vector<double> weightT, std::vector<double> bias,
            Activation act)
      : in(in), out(out), perEvent(perEvent), rowsPerEvent(rowsPerEvent), k(k),
        n(n), weightT(std::move(weightT)), bias(std::move(bias)), act(act) {}

  void run(float *const *t, int64_t events) const override {
    const float *x = t[in];
    float *y = t[out];
    int64_t rows = (perEvent ? events : 1) * rowsPerEvent;
    std::vector<double> acc(n);
    const double *w = weightT.data();
    for (int64_t r = 0; r < rows; ++r) {
      const float *xr = x + r * k;
      std::copy(bias.begin(), bias.end(), acc.begin());
      // Row of x times the transposed weight: the inner loop runs over
      // contiguous outputs and vectorizes.
      for (int64_t j = 0; j < k; ++j) {
        double xj = xr[j];
        const double *wj = w + j * n;
        for (int64_t i = 0; i < n; ++i)
          acc[i] += xj * wj[i];
      }
      float *yr = y + r * n;
      for (int64_t i = 0; i < n; ++i)
        yr[i] = float(acc[i]);
    }
    act.apply(y, y, rows * n);
  }

private:
  int in, out;
  bool perEvent;
  int64_t rowsPerEvent, k, n;
  std::vector<double> weightT; // [k][n]
  std::vector<double> bias;    // [n], zeros without a bias
  Activation act;
};

/// Batched matrix products C[m, n] = sum_k A[m, k] * B[k, n]; the nest runs
/// over events and broadcast batch dimensions, one product per element.
class MatMulStep final : public FloatStep {
public:
  MatMulStep(int out, int lhs, int rhs, int64_t m, int64_t k, int64_t n,
             StridedNest<3> nest)
      : out(out), lhs(lhs), rhs(rhs), m(m), k(k), n(n), nest(std::move(nest)) {}

  void run(float *const *t, int64_t events) const override {
    std::vector<double> acc(n);
    auto rows = [&](const StridedNest<3>::Offsets &at, int64_t count,
                    const StridedNest<3>::Offsets &step) {
      for (int64_t e = 0; e < count; ++e) {
        float *c = t[out] + at[0] + e * step[0];
        const float *a = t[lhs] + at[1] + e * step[1];
        const float *b = t[rhs] + at[2] + e * step[2];
        for (int64_t row = 0; row < m; ++row) {
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t j = 0; j < k; ++j) {
            double aj = a[row * k + j];
            const float *bj = b + j * n;
            for (int64_t i = 0; i < n; ++i)
              acc[i] += aj * double(bj[i]);
          }
          for (int64_t i = 0; i < n; ++i)
            c[row * n + i] = float(acc[i]);
        }
      }
    };
    nest.forEachRow(events, rows);
  }

private:
  int out, lhs, rhs;
  int64_t m, k, n;
  StridedNest<3> nest;
};

class ActivationStep final : public FloatStep {
public:
  ActivationStep(int in, int out, bool perEvent, int64_t size, Activation act)
      : in(in), out(out), perEvent(perEvent), size(size), act(act) {}
  void run(float *const *t, int64_t events) const override {
    act.apply(t[in], t[out], (perEvent ? events : 1) * size);
  }

private:
  int in, out;
  bool perEvent;
  int64_t size;
  Activation act;
};

/// Softmax over the middle index of a [blocks, len, inner] view.
class SoftmaxStep final : public FloatStep {
public:
  SoftmaxStep(int in, int out, bool perEvent, int64_t outer, int64_t len,
              int64_t inner)
      : in(in), out(out), perEvent(perEvent), outer(outer), len(len),
        inner(inner) {}

  void run(float *const *t, int64_t events) const override {
    int64_t blocks = (perEvent ? events : 1) * outer;
    for (int64_t blk = 0; blk < blocks; ++blk) {
      const float *x = t[in] + blk * len * inner;
      float *y = t[out] + blk * len * inner;
      for (int64_t j = 0; j < inner; ++j) {
        float max = -std::numeric_limits<float>::infinity();
        for (int64_t i = 0; i < len; ++i)
          max = std::max(max, x[i * inner + j]);
        double sum = 0;
        for (int64_t i = 0; i < len; ++i) {
          y[i * inner + j] = std::exp(x[i * inner + j] - max);
          sum += y[i * inner + j];
        }
        for (int64_t i = 0; i < len; ++i)
          y[i * inner + j] = float(y[i * inner + j] / sum);
      }
    }
  }

private:
  int in, out;
  bool perEvent;
  int64_t outer, len, inner;
};

/// (x - mean) / sqrt(var + eps) * scale + bias over a [outer, C, inner]
/// event, with parameters that may differ per event.
class BatchNormStep final : public FloatStep {
public:
  struct Operand {
    int tensor;
    int64_t eventStride;
  };
  BatchNormStep(Operand in, int out, int64_t outEventStride,
                std::array<Operand, 4> params, float epsilon, int64_t outer,
                int64_t channels, int64_t inner)
      : in(in), out(out), outEventStride(outEventStride), params(params),
        epsilon(epsilon), outer(outer), channels(channels), inner(inner) {}

  void run(float *const *t, int64_t events) const override {
    std::vector<double> mul(channels), add(channels);
    for (int64_t e = 0; e < events; ++e) {
      auto param = [&](int i) {
        return t[params[i].tensor] + e * params[i].eventStride;
      };
      const float *scale = param(0), *bias = param(1), *mean = param(2),
                  *var = param(3);
      for (int64_t c = 0; c < channels; ++c) {
        mul[c] = double(scale[c]) / std::sqrt(double(var[c]) + epsilon);
        add[c] = double(bias[c]) - double(mean[c]) * mul[c];
      }
      const float *x = t[in.tensor] + e * in.eventStride;
      float *y = t[out] + e * outEventStride;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t c = 0; c < channels; ++c) {
          const float *xc = x + (o * channels + c) * inner;
          float *yc = y + (o * channels + c) * inner;
          for (int64_t i = 0; i < inner; ++i)
            yc[i] = float(double(xc[i]) * mul[c] + add[c]);
        }
    }
  }

private:
  Operand in;
  int out;
  int64_t outEventStride;
  std::array<Operand, 4> params; // scale, bias, mean, variance
  double epsilon;
  int64_t outer, channels, inner;
};

struct AddFn {
  float operator()(float a, float b) const { return a + b; }
};
struct SubFn {
  float operator()(float a, float b) const { return a - b; }
};
struct MulFn {
  float operator()(float a, float b) const { return a * b; }
};
struct DivFn {
  float operator()(float a, float b) const { return a / b; }
};
// NaN propagates, as in torch.maximum and ONNX Max.
struct MaxFn {
  float operator()(float a, float b) const { return (a > b || a != a) ? a : b; }
};
struct MinFn {
  float operator()(float a, float b) const { return (a < b || a != a) ? a : b; }
};

template <typename Fn> class BinaryStep final : public FloatStep {
public:
  BinaryStep(int out, int lhs, int rhs, StridedNest<3> nest)
      : out(out), lhs(lhs), rhs(rhs), nest(std::move(nest)) {}

  void run(float *const *t, int64_t events) const override {
    Fn fn;
    auto rows = [&](const StridedNest<3>::Offsets &at, int64_t count,
                    const StridedNest<3>::Offsets &step) {
      float *y = t[out] + at[0];
      const float *a = t[lhs] + at[1], *b = t[rhs] + at[2];
      // The common layouts get their own loops so that they vectorize.
      if (step[0] == 1 && step[1] == 1 && step[2] == 1) {
        for (int64_t i = 0; i < count; ++i)
          y[i] = fn(a[i], b[i]);
      } else if (step[0] == 1 && step[1] == 1 && step[2] == 0) {
        float bv = *b;
        for (int64_t i = 0; i < count; ++i)
          y[i] = fn(a[i], bv);
      } else if (step[0] == 1 && step[1] == 0 && step[2] == 1) {
        float av = *a;
        for (int64_t i = 0; i < count; ++i)
          y[i] = fn(av, b[i]);
      } else {
        for (int64_t i = 0; i < count; ++i)
          y[i * step[0]] = fn(a[i * step[1]], b[i * step[2]]);
      }
    };
    nest.forEachRow(events, rows);
  }

private:
  int out, lhs, rhs;
  StridedNest<3> nest;
};

//===----------------------------------------------------------------------===//
// Translators
//===----------------------------------------------------------------------===//

StepOrError translateConstant(nn::ConstantOp op, FloatTranslation &t) {
  auto values = readFloats(op, op.getValue(), "the value", t);
  if (!values)
    return values.takeError();
  const TensorInfo &out = t.info(op.getOutput());
  if (int64_t(values->size()) != out.size)
    return t.error(op, "the value has " + llvm::Twine(values->size()) +
                           " elements for a result of " +
                           llvm::Twine(out.size));
  return std::make_unique<ConstantStep>(t.tensorOf(op.getOutput()),
                                        std::move(*values));
}

Activation activationOf(nn::ActivationKind kind, APFloat alpha, APFloat beta) {
  return {kind, alpha.convertToFloat(), beta.convertToFloat()};
}

StepOrError translateDense(nn::DenseOp op, FloatTranslation &t) {
  const TensorInfo &in = t.info(op.getInput());
  int64_t k = op.getInFeatures(), n = op.getOutFeatures();
  if (in.shape.empty() || in.shape.back() != k)
    return t.error(op, "the input's last dimension is not the weight's " +
                           llvm::Twine(k) + " input features");
  auto weight = readFloats(op, op.getWeight(), "the weight", t);
  if (!weight)
    return weight.takeError();
  std::vector<double> weightT(k * n), bias(n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j)
      weightT[j * n + i] = (*weight)[i * k + j];
  if (auto biasAttr = op.getBiasAttr()) {
    auto values = readFloats(op, biasAttr, "the bias", t);
    if (!values)
      return values.takeError();
    std::copy(values->begin(), values->end(), bias.begin());
  }
  int64_t rows = productOf(ArrayRef<int64_t>(in.shape).drop_back());
  return std::make_unique<DenseStep>(
      t.tensorOf(op.getInput()), t.tensorOf(op.getOutput()), in.perEvent, rows,
      k, n, std::move(weightT), std::move(bias),
      activationOf(op.getActivation(), op.getAlpha(), op.getBeta()));
}

StepOrError translateMatMul(nn::MatMulOp op, FloatTranslation &t) {
  auto layout = matMulLayout(op, t);
  if (!layout)
    return layout.takeError();
  return std::make_unique<MatMulStep>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getLhs()),
      t.tensorOf(op.getRhs()), layout->m, layout->k, layout->n,
      std::move(layout->nest));
}

StepOrError translateActivation(nn::ActivationOp op, FloatTranslation &t) {
  const TensorInfo &in = t.info(op.getInput());
  return std::make_unique<ActivationStep>(
      t.tensorOf(op.getInput()), t.tensorOf(op.getOutput()), in.perEvent,
      in.size, activationOf(op.getActivation(), op.getAlpha(), op.getBeta()));
}

StepOrError translateSoftmax(nn::SoftmaxOp op, FloatTranslation &t) {
  const TensorInfo &in = t.info(op.getInput());
  int64_t axis = int64_t(op.getAxis()) - t.axisShift(op);
  if (axis < 0 || axis >= int64_t(in.shape.size()))
    return t.error(op, "softmax axis is the event batch");
  ArrayRef<int64_t> shape = in.shape;
  return std::make_unique<SoftmaxStep>(
      t.tensorOf(op.getInput()), t.tensorOf(op.getOutput()), in.perEvent,
      productOf(shape.take_front(axis)), shape[axis],
      productOf(shape.drop_front(axis + 1)));
}

StepOrError translateBatchNorm(nn::BatchNormOp op, FloatTranslation &t) {
  const TensorInfo &in = t.info(op.getInput()), &out = t.info(op.getOutput());
  int64_t axis = 1 - t.axisShift(op);
  ArrayRef<int64_t> shape = in.shape;
  int64_t channels = shape[axis];
  std::array<BatchNormStep::Operand, 4> params;
  Value values[] = {op.getScale(), op.getBias(), op.getMean(),
                    op.getVariance()};
  for (int i = 0; i < 4; ++i) {
    const TensorInfo &p = t.info(values[i]);
    if (p.shape.size() != 1 || p.shape[0] != channels)
      return t.error(op, "a parameter is not one value per channel");
    params[i] = {t.tensorOf(values[i]), p.eventStride()};
  }
  return std::make_unique<BatchNormStep>(
      BatchNormStep::Operand{t.tensorOf(op.getInput()), in.eventStride()},
      t.tensorOf(op.getOutput()), out.eventStride(), params,
      op.getEpsilon().convertToFloat(), productOf(shape.take_front(axis)),
      channels, productOf(shape.drop_front(axis + 1)));
}

template <typename OpT, typename Fn>
StepOrError translateBinary(OpT op, FloatTranslation &t) {
  auto nest = broadcastNest(op, t);
  if (!nest)
    return nest.takeError();
  return std::make_unique<BinaryStep<Fn>>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getLhs()),
      t.tensorOf(op.getRhs()), std::move(*nest));
}

} // namespace

void ariadne::emu::registerFloatTranslators(TranslatorTable<float> &table) {
  table.add<nn::ConstantOp>(translateConstant);
  table.add<nn::DenseOp>(translateDense);
  table.add<nn::MatMulOp>(translateMatMul);
  table.add<nn::ActivationOp>(translateActivation);
  table.add<nn::SoftmaxOp>(translateSoftmax);
  table.add<nn::BatchNormOp>(translateBatchNorm);
  table.add<nn::AddOp>(translateBinary<nn::AddOp, AddFn>);
  table.add<nn::SubOp>(translateBinary<nn::SubOp, SubFn>);
  table.add<nn::MulOp>(translateBinary<nn::MulOp, MulFn>);
  table.add<nn::DivOp>(translateBinary<nn::DivOp, DivFn>);
  table.add<nn::MaxOp>(translateBinary<nn::MaxOp, MaxFn>);
  table.add<nn::MinOp>(translateBinary<nn::MinOp, MinFn>);
  registerMoveTranslators(table);
}
