//===- ImportRecurrent.cpp - GRU, LSTM and RNN layers ---------------------===//
//
// A recurrent layer imports unrolled: the sequence length is static, so
// every step becomes the ops it computes (dense layers over the step's
// input and the previous state, activations, element-wise products and
// sums), and every target runs them with the fixed-point rules those ops
// already have. A gate's pre-activation is one dense layer over the
// concatenation [x_t, h_{t-1}] (weights [W_g | R_g], bias Wb_g + Rb_g): one
// exact accumulator, then the gate's activation. The ops that produce the
// hidden state carry `nn.state = "state"` (and the LSTM cell `"cell"`), the
// roles the quantization config can type. Each step's ops are located at
// stepLocation (passes/Support/RecurrentSteps.h), which hardware targets
// read to run the steps as a loop over one cell.
//
// ONNX lays sequences out time-major ([T, batch, F]); the IR keeps the
// batch leading ([batch, T, F], a view: ImportedValue::batchAxis), which
// is how one event's values are ordered anyway.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/ImportSupport.h"
#include "passes/Support/RecurrentSteps.h"

namespace ariadne {
namespace frontend {
namespace imports {

namespace {

/// One of the activation functions an ONNX recurrent layer names.
struct Act {
  ActivationKind kind;
  float alpha = 0, beta = 0;
};

/// The activations of the layer, per direction: GRU (f, g), LSTM (f, g, h),
/// RNN (f).
Expected<SmallVector<Act>> parseActivations(NodeImporter &n,
                                            ArrayRef<const char *> defaults,
                                            int64_t directions) {
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *a = n.attr("activations")) {
    for (const std::string &s : a->strings())
      names.push_back(s);
    if (int64_t(names.size()) != int64_t(defaults.size()) * directions)
      return n.error("activations names " + str(int64_t(names.size())) +
                     " functions; the layer takes " +
                     str(int64_t(defaults.size()) * directions));
  } else {
    for (int64_t d = 0; d < directions; ++d)
      for (const char *name : defaults)
        names.push_back(name);
  }
  SmallVector<float> alphas, betas;
  if (auto *a = n.attr("activation_alpha"))
    alphas.assign(a->floats().begin(), a->floats().end());
  if (auto *a = n.attr("activation_beta"))
    betas.assign(a->floats().begin(), a->floats().end());
  size_t nextAlpha = 0, nextBeta = 0;
  // Parameters are consumed in the order of the functions that take them.
  auto take = [](const SmallVector<float> &list, size_t &next, float dflt) {
    return next < list.size() ? list[next++] : dflt;
  };
  SmallVector<Act> acts;
  for (const std::string &name : names) {
    Act act;
    if (name == "Sigmoid")
      act.kind = ActivationKind::sigmoid;
    else if (name == "Tanh")
      act.kind = ActivationKind::tanh;
    else if (name == "Relu")
      act.kind = ActivationKind::relu;
    else if (name == "Softsign")
      act.kind = ActivationKind::softsign;
    else if (name == "Softplus")
      act.kind = ActivationKind::softplus;
    else if (name == "LeakyRelu")
      act = {ActivationKind::leaky_relu, take(alphas, nextAlpha, 0.01f), 0};
    else if (name == "Elu")
      act = {ActivationKind::elu, take(alphas, nextAlpha, 1.0f), 0};
    else if (name == "HardSigmoid")
      act = {ActivationKind::hard_sigmoid, take(alphas, nextAlpha, 0.2f),
             take(betas, nextBeta, 0.5f)};
    else
      return n.error("activation '" + name +
                     "' is not supported (Sigmoid, Tanh, Relu, Softsign, "
                     "Softplus, LeakyRelu, Elu and HardSigmoid are)");
    acts.push_back(act);
  }
  return acts;
}

/// The layer's constant parameter `i` with the shape `expected`; nullptr
/// when an optional input is absent.
Expected<std::shared_ptr<FloatConstant>> parameter(NodeImporter &n, size_t i,
                                                   llvm::StringRef role,
                                                   ArrayRef<int64_t> expected,
                                                   bool required) {
  if (!n.hasInput(i)) {
    if (required)
      return n.error("the " + role + " input is missing");
    return nullptr;
  }
  auto c = n.floatConstant(i);
  if (!c)
    return c.takeError();
  if (!*c) {
    auto v = n.value(i);
    bool input = v && llvm::isa<BlockArgument>(v->tensor);
    return n.error("the " + role + " ('" + n.inputName(i) +
                   "') must be a constant (an initializer); it is " +
                   (input ? "a graph input" : "computed at run time"));
  }
  if (ArrayRef<int64_t>((*c)->shape) != expected)
    return n.error("the " + role + " has shape " + formatShape((*c)->shape) +
                   "; the layer needs " + formatShape(expected));
  return c;
}

bool allZero(const FloatConstant &c) {
  return llvm::all_of(c.data, [](float v) { return v == 0.0f; });
}

/// Builds the unrolled steps of one layer.
class Unroller {
public:
  Unroller(NodeImporter &n, int64_t hidden, int64_t input, int64_t gates)
      : n(n), b(n.builder()), hidden(hidden), input(input), gates(gates) {}

  /// Rows [gate * H, (gate + 1) * H) of direction d of a parameter
  /// [D, gates * H, width], as a flat [H, width] block.
  std::vector<float> block(const FloatConstant &p, int64_t d, int64_t gate,
                           int64_t width) const {
    size_t begin = size_t(((d * gates + gate) * hidden) * width);
    return std::vector<float>(p.data.begin() + begin,
                              p.data.begin() + begin + hidden * width);
  }

  /// The H values of bias part `part` (0: W's, 1: R's) of gate `gate`.
  std::vector<float> bias(const FloatConstant *b, int64_t d, int64_t part,
                          int64_t gate) const {
    if (!b)
      return std::vector<float>(size_t(hidden), 0.0f);
    size_t begin = size_t((d * 2 * gates + part * gates + gate) * hidden);
    return std::vector<float>(b->data.begin() + begin,
                              b->data.begin() + begin + hidden);
  }

  Value dense(Value x, ArrayRef<float> weight, int64_t in,
              ArrayRef<float> biasValues, Act act = {ActivationKind::none}) {
    Type f32 = b.getF32Type();
    auto w = DenseElementsAttr::get(RankedTensorType::get({hidden, in}, f32),
                                    weight);
    DenseElementsAttr bias;
    if (llvm::any_of(biasValues, [](float v) { return v != 0.0f; }))
      bias = DenseElementsAttr::get(RankedTensorType::get({hidden}, f32),
                                    biasValues);
    SmallVector<int64_t> shape = shapeOf(x);
    shape.back() = hidden;
    return n.create<nn::DenseOp>(
        shape, x, w, bias,
        nn::ActivationKindAttr::get(b.getContext(), act.kind),
        b.getF32FloatAttr(act.alpha), b.getF32FloatAttr(act.beta));
  }

  /// act(W_g x + R_g h + bias): one dense layer over [x, h] (over x alone
  /// while the state is zero).
  Value gate(Value x, Value h, const FloatConstant &w, const FloatConstant &r,
             int64_t d, int64_t g, ArrayRef<float> biasValues, Act act) {
    std::vector<float> wg = block(w, d, g, input);
    if (!h)
      return dense(x, wg, input, biasValues, act);
    std::vector<float> rg = block(r, d, g, hidden);
    std::vector<float> joined;
    joined.reserve(size_t(hidden * (input + hidden)));
    for (int64_t j = 0; j < hidden; ++j) {
      joined.insert(joined.end(), wg.begin() + j * input,
                    wg.begin() + (j + 1) * input);
      joined.insert(joined.end(), rg.begin() + j * hidden,
                    rg.begin() + (j + 1) * hidden);
    }
    return dense(join(x, h), joined, input + hidden, biasValues, act);
  }

  /// [x, h], built once per step for all the gates that read it.
  Value join(Value x, Value h) {
    Value &joined = joins[{x, h}];
    if (joined)
      return joined;
    SmallVector<int64_t> shape = shapeOf(x);
    shape.back() += hidden;
    return joined = n.create<nn::ConcatOp>(shape, ValueRange{x, h},
                                           b.getI64IntegerAttr(1));
  }

  Value activation(Value x, Act act) {
    return n.create<nn::ActivationOp>(
        shapeOf(x), x, nn::ActivationKindAttr::get(b.getContext(), act.kind),
        b.getF32FloatAttr(act.alpha), b.getF32FloatAttr(act.beta));
  }

  /// `c * x` for a constant vector c of H values.
  Value scaled(Value x, ArrayRef<float> c) {
    Value constant = n.create<nn::ConstantOp>(
        {hidden}, DenseElementsAttr::get(
                      RankedTensorType::get({hidden}, b.getF32Type()), c));
    return n.create<nn::MulOp>(shapeOf(x), x, constant);
  }

  template <typename OpT> Value binary(Value lhs, Value rhs) {
    return n.create<OpT>(shapeOf(lhs), lhs, rhs);
  }

  static Value tagged(Value v, llvm::StringRef role) {
    v.getDefiningOp()->setAttr("nn.state",
                               StringAttr::get(v.getContext(), role));
    return v;
  }

  NodeImporter &n;
  OpBuilder &b;
  int64_t hidden, input, gates;
  llvm::DenseMap<std::pair<Value, Value>, Value> joins;
};

enum class Kind { Gru, Lstm, Rnn };

} // namespace

static Error importRecurrent(NodeImporter &n, Kind kind) {
  const int64_t gates = kind == Kind::Gru ? 3 : kind == Kind::Lstm ? 4 : 1;
  int64_t hidden = n.intAttr("hidden_size", 0);
  if (!n.attr("hidden_size"))
    return n.error("the hidden_size attribute is missing");
  if (hidden < 1 || hidden > (int64_t(1) << 20))
    return n.error("hidden_size " + str(hidden) + " is out of range");
  const onnx::AttributeProto *directionAttr = n.attr("direction");
  std::string direction = directionAttr ? directionAttr->s() : "forward";
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return n.error("direction '" + direction +
                   "' is not forward, reverse or bidirectional");
  int64_t directions = direction == "bidirectional" ? 2 : 1;
  if (n.attr("clip"))
    return n.error("the clip attribute is not supported");
  if (kind == Kind::Lstm && n.intAttr("input_forget", 0) != 0)
    return n.error("input_forget=1 is not supported");
  int64_t layout = n.intAttr("layout", 0);
  if (layout != 0 && layout != 1)
    return n.error("layout " + str(layout) + " is not 0 or 1");
  bool linearBeforeReset = n.intAttr("linear_before_reset", 0) != 0;
  if (n.hasInput(4))
    return n.error("the sequence_lens input is not supported: every "
                   "sequence has the full length");
  static const char *const gruActs[] = {"Sigmoid", "Tanh"};
  static const char *const lstmActs[] = {"Sigmoid", "Tanh", "Tanh"};
  static const char *const rnnActs[] = {"Tanh"};
  auto acts =
      parseActivations(n,
                       kind == Kind::Gru    ? ArrayRef<const char *>(gruActs)
                       : kind == Kind::Lstm ? ArrayRef<const char *>(lstmActs)
                                            : ArrayRef<const char *>(rnnActs),
                       directions);
  if (!acts)
    return acts.takeError();

  // The sequence as [R, T, I]: R rows (the dynamic batch, or the static
  // batch of a model without one), T steps.
  auto xv = n.value(0);
  if (!xv)
    return xv.takeError();
  if (xv->kind != ImportedValue::Kind::Tensor)
    return n.error("the sequence X must be computed at run time");
  SmallVector<int64_t> xShape = onnxShape(shapeOf(xv->tensor), xv->batchAxis);
  if (xShape.size() != 3)
    return n.error("the sequence X has shape " + formatShape(xShape) +
                   "; it must have rank 3");
  bool batched = isBatched(shapeOf(xv->tensor));
  int64_t rowAxis = layout == 0 ? 1 : 0;
  if (batched && xv->batchAxis != rowAxis)
    return n.error("the dynamic dimension of X " + formatShape(xShape) +
                   " is axis " + str(xv->batchAxis) +
                   "; it must be the batch (axis " + str(rowAxis) +
                   " with layout " + str(layout) + "), not the time steps");
  Value xs = xv->tensor;
  if (!batched && layout == 0)
    xs = n.create<nn::TransposeOp>({xShape[1], xShape[0], xShape[2]}, xs,
                                   n.builder().getDenseI64ArrayAttr({1, 0, 2}));
  SmallVector<int64_t> rows = shapeOf(xs);
  int64_t steps = rows[1], input = rows[2];
  if (steps < 1)
    return n.error("the sequence has no steps");
  // Every step becomes ops of its own, and on an FPGA logic of its own:
  // trigger sequences are tens of steps.
  constexpr int64_t kMaxUnrolledSteps = 256;
  if (steps * directions > kMaxUnrolledSteps)
    return n.error("the layer would unroll into " +
                   str(steps * directions) + " steps; at most " +
                   str(kMaxUnrolledSteps) + " are supported");

  auto w =
      parameter(n, 1, "weight W", {directions, gates * hidden, input}, true);
  if (!w)
    return w.takeError();
  auto r = parameter(n, 2, "recurrence weight R",
                     {directions, gates * hidden, hidden}, true);
  if (!r)
    return r.takeError();
  auto bias =
      parameter(n, 3, "bias B", {directions, 2 * gates * hidden}, false);
  if (!bias)
    return bias.takeError();
  std::shared_ptr<FloatConstant> peephole;
  if (kind == Kind::Lstm) {
    auto p = parameter(n, 7, "peephole P", {directions, 3 * hidden}, false);
    if (!p)
      return p.takeError();
    if (*p && !allZero(**p))
      peephole = *p;
  }

  // Initial states as [R, D, H]; zero ones are left out.
  auto initial = [&](size_t i, llvm::StringRef role) -> Expected<Value> {
    if (!n.hasInput(i))
      return Value();
    auto v = n.value(i);
    if (!v)
      return v.takeError();
    if (v->kind == ImportedValue::Kind::FloatConst) {
      if (allZero(*v->constant))
        return Value();
      return n.error("the " + role +
                     " is a non-zero constant; a constant initial state "
                     "must be zero (or a graph input)");
    }
    if (v->kind != ImportedValue::Kind::Tensor)
      return n.tensor(i);
    SmallVector<int64_t> s = onnxShape(shapeOf(v->tensor), v->batchAxis);
    SmallVector<int64_t> expected =
        layout == 0 ? SmallVector<int64_t>{directions, rows[0], hidden}
                    : SmallVector<int64_t>{rows[0], directions, hidden};
    if (s != expected)
      return n.error("the " + role + " has shape " + formatShape(s) +
                     "; the layer needs " + formatShape(expected));
    if (!batched && layout == 0)
      return n.create<nn::TransposeOp>(
          {rows[0], directions, hidden}, v->tensor,
          n.builder().getDenseI64ArrayAttr({1, 0, 2}));
    return v->tensor;
  };
  auto h0 = initial(5, "initial state initial_h");
  if (!h0)
    return h0.takeError();
  Expected<Value> c0 = Value();
  if (kind == Kind::Lstm)
    c0 = initial(6, "initial cell initial_c");
  if (!c0)
    return c0.takeError();

  Unroller u(n, hidden, input, gates);
  auto &b = n.builder();
  // Row d of a [R, D, H] state as [R, H].
  auto directionOf = [&](Value states, int64_t d) -> Value {
    if (!states)
      return Value();
    if (directions == 1)
      return n.create<nn::ReshapeOp>({rows[0], hidden}, states);
    Value row = n.create<nn::SliceOp>({rows[0], 1, hidden}, states,
                                      b.getDenseI64ArrayAttr({0, d, 0}),
                                      b.getDenseI64ArrayAttr({1, 1, 1}));
    return n.create<nn::ReshapeOp>({rows[0], hidden}, row);
  };

  // outputs[d][t]: the hidden state after step t (in sequence order).
  SmallVector<SmallVector<Value>> outputs(directions);
  SmallVector<Value> lastH, lastC;
  for (int64_t d = 0; d < directions; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    ArrayRef<Act> act = ArrayRef<Act>(*acts).slice(
        size_t(d) * (acts->size() / size_t(directions)),
        acts->size() / size_t(directions));
    Value h = directionOf(*h0, d), c = directionOf(*c0, d);
    outputs[d].resize(size_t(steps));
    auto gateBias = [&](int64_t g) {
      std::vector<float> sum = u.bias(bias->get(), d, 0, g);
      std::vector<float> rb = u.bias(bias->get(), d, 1, g);
      for (size_t j = 0; j < sum.size(); ++j)
        sum[j] += rb[j];
      return sum;
    };
    for (int64_t s = 0; s < steps; ++s) {
      int64_t t = reverse ? steps - 1 - s : s;
      Location layerLoc = n.relocate(stepLocation(n.loc(), d, s));
      Value step = n.create<nn::SliceOp>({rows[0], 1, input}, xs,
                                         b.getDenseI64ArrayAttr({0, t, 0}),
                                         b.getDenseI64ArrayAttr({1, 1, 1}));
      Value x = n.create<nn::ReshapeOp>({rows[0], input}, step);
      switch (kind) {
      case Kind::Rnn:
        h = Unroller::tagged(u.gate(x, h, **w, **r, d, 0, gateBias(0), act[0]),
                             "state");
        break;
      case Kind::Gru: {
        Value z = u.gate(x, h, **w, **r, d, 0, gateBias(0), act[0]);
        Value reset = u.gate(x, h, **w, **r, d, 1, gateBias(1), act[0]);
        Value candidate;
        if (linearBeforeReset) {
          // g(W_h x + Wb_h + r * (R_h h + Rb_h)).
          Value fromInput = u.dense(x, u.block(**w, d, 2, input), input,
                                    u.bias(bias->get(), d, 0, 2));
          std::vector<float> rb = u.bias(bias->get(), d, 1, 2);
          Value fromState;
          if (h)
            fromState = u.binary<nn::MulOp>(
                reset, u.dense(h, u.block(**r, d, 2, hidden), hidden, rb));
          else if (llvm::any_of(rb, [](float v) { return v != 0.0f; }))
            fromState = u.scaled(reset, rb);
          Value pre =
              fromState ? u.binary<nn::AddOp>(fromInput, fromState) : fromInput;
          candidate = u.activation(pre, act[1]);
        } else {
          // g(W_h x + R_h (r * h) + Wb_h + Rb_h).
          Value gated = h ? u.binary<nn::MulOp>(reset, h) : Value();
          candidate = u.gate(x, gated, **w, **r, d, 2, gateBias(2), act[1]);
        }
        // h' = (1 - z) * n + z * h = n + z * (h - n).
        if (h)
          h = u.binary<nn::AddOp>(
              candidate,
              u.binary<nn::MulOp>(z, u.binary<nn::SubOp>(h, candidate)));
        else
          h = u.binary<nn::SubOp>(candidate, u.binary<nn::MulOp>(z, candidate));
        Unroller::tagged(h, "state");
        break;
      }
      case Kind::Lstm: {
        // Gates in ONNX's order: i, o, f, c; peepholes P = [P_i, P_o, P_f].
        auto peep = [&](int64_t k) {
          size_t begin = size_t((d * 3 + k) * hidden);
          return ArrayRef<float>(peephole->data).slice(begin, size_t(hidden));
        };
        auto sigmoidGate = [&](int64_t g, int64_t k, Value cell) {
          if (!peephole || !cell)
            return u.gate(x, h, **w, **r, d, g, gateBias(g), act[0]);
          Value pre =
              u.gate(x, h, **w, **r, d, g, gateBias(g), {ActivationKind::none});
          return u.activation(u.binary<nn::AddOp>(pre, u.scaled(cell, peep(k))),
                              act[0]);
        };
        Value in = sigmoidGate(0, 0, c);
        Value forget = sigmoidGate(2, 2, c);
        Value candidate = u.gate(x, h, **w, **r, d, 3, gateBias(3), act[1]);
        Value update = u.binary<nn::MulOp>(in, candidate);
        c = Unroller::tagged(
            c ? u.binary<nn::AddOp>(u.binary<nn::MulOp>(forget, c), update)
              : update,
            "cell");
        Value out = sigmoidGate(1, 1, c);
        h = Unroller::tagged(u.binary<nn::MulOp>(out, u.activation(c, act[2])),
                             "state");
        break;
      }
      }
      outputs[d][size_t(t)] = h;
      n.relocate(layerLoc);
    }
    lastH.push_back(h);
    lastC.push_back(c);
  }

  // Stacks [R, H] states into [R, count, H] along a new axis 1.
  auto stack = [&](ArrayRef<Value> states) {
    SmallVector<Value> parts;
    for (Value v : states)
      parts.push_back(n.create<nn::ReshapeOp>({rows[0], 1, hidden}, v));
    if (parts.size() == 1)
      return parts.front();
    return n.create<nn::ConcatOp>({rows[0], int64_t(parts.size()), hidden},
                                  parts, b.getI64IntegerAttr(1));
  };
  // Registers a result held as [R, A, ..., H] (batch first); ONNX's layout
  // 0 puts the batch at `timeMajorAxis`.
  auto setResult = [&](size_t i, Value v, int64_t timeMajorAxis) -> Error {
    if (layout == 1)
      return n.setTensor(i, v);
    if (batched)
      return n.setTensor(i, v, timeMajorAxis);
    SmallVector<int64_t> perm;
    int64_t rank = int64_t(shapeOf(v).size());
    for (int64_t k = 1; k <= timeMajorAxis; ++k)
      perm.push_back(k);
    perm.push_back(0);
    for (int64_t k = timeMajorAxis + 1; k < rank; ++k)
      perm.push_back(k);
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(shapeOf(v)[p]);
    return n.setTensor(
        i, n.create<nn::TransposeOp>(shape, v, b.getDenseI64ArrayAttr(perm)));
  };
  if (n.outputUsed(0)) {
    // Y: [R, T, D, H].
    SmallVector<Value> perDirection;
    for (int64_t d = 0; d < directions; ++d)
      perDirection.push_back(n.create<nn::ReshapeOp>(
          {rows[0], steps, 1, hidden}, stack(outputs[d])));
    Value y = perDirection.front();
    if (directions > 1)
      y = n.create<nn::ConcatOp>({rows[0], steps, directions, hidden},
                                 perDirection, b.getI64IntegerAttr(2));
    if (auto err = setResult(0, y, 2))
      return err;
  }
  if (n.outputUsed(1))
    if (auto err = setResult(1, stack(lastH), 1))
      return err;
  if (kind == Kind::Lstm && n.outputUsed(2))
    if (auto err = setResult(2, stack(lastC), 1))
      return err;
  return Error::success();
}

Error importGru(NodeImporter &n) { return importRecurrent(n, Kind::Gru); }
Error importLstm(NodeImporter &n) { return importRecurrent(n, Kind::Lstm); }
Error importRnn(NodeImporter &n) { return importRecurrent(n, Kind::Rnn); }

} // namespace imports
} // namespace frontend
} // namespace ariadne
