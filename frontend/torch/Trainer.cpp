//===- Trainer.cpp - LibTorch training of one expert ----------------------===//
//
// The only translation unit of the trainer that includes LibTorch's API
// headers (with Distributed.cpp for c10d).
//
//===----------------------------------------------------------------------===//
#include "frontend/torch/Trainer.h"

#include "frontend/torch/Data.h"
#include "frontend/torch/Distributed.h"
#include "frontend/torch/FakeQuant.h"
#include "frontend/torch/TensorBoard.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ariadne::train;

namespace {

/// A 64-bit mix of several seeds (SplitMix64's finalizer).
uint64_t mixSeed(uint64_t a, uint64_t b, uint64_t c = 0) {
  uint64_t z = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) ^
               (c * 0xc2b2ae3d27d4eb4fULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Rounds `x` to `format` in the forward pass; the gradient passes through
/// unchanged (straight-through estimator).
torch::Tensor fakeQuant(const torch::Tensor &x, const FixedFormat &format) {
  torch::Tensor source = x.detach().contiguous();
  torch::Tensor rounded = torch::empty_like(source);
  quantizeBuffer(source.data_ptr<float>(), rounded.data_ptr<float>(),
                 static_cast<std::size_t>(source.numel()), format);
  return x + (rounded - x).detach();
}

torch::Tensor activate(const torch::Tensor &x, Activation activation) {
  switch (activation) {
  case Activation::None:
    return x;
  case Activation::Tanh:
    return torch::tanh(x);
  case Activation::TanhHalf:
    return torch::tanh(x * 0.5);
  case Activation::Softsign:
    return x / (1 + torch::abs(x));
  case Activation::Relu:
    return torch::relu(x);
  case Activation::Sigmoid:
    return torch::sigmoid(x);
  }
  return x;
}

/// The model's outputs per event: the targets, or for the TrackNet loss
/// an ellipse (centre and radii, 4 values) per pair of targets.
int modelOutputs(const Hyperparameters &hyper, int targets) {
  return hyper.loss == Loss::TrackNet ? 2 * targets : targets;
}

/// What a padded hit's mask (0) adds to the attention scores and, for max
/// pooling, to its features: softmax gives it weight 0 (the ONNX export
/// writes the same (mask - 1) * 10000).
constexpr double kMaskScale = 10000.0;

/// The model: an optional convolutional front (convolution, optional batch
/// normalization, activation and pooling per layer, over the inputs in
/// `inputShape`), then the multilayer perceptron: dense, optional batch
/// normalization and activation per hidden layer; dense and output
/// activation at the end. A sequence model (`recurrent`) has the front
/// convolve the steps of [T, F] (features as channels), then recurrent
/// layers and a dense head applied to every step.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int inputs, int outputs, const Hyperparameters &hyper,
          std::vector<int> inputShape)
      : hyper(hyper), inputShape(std::move(inputShape)) {
    int width = inputs;
    if (!hyper.conv.empty()) {
      std::vector<int> map = this->inputShape;
      if (hyper.recurrent.enabled())
        std::swap(map[0], map[1]);
      int rank = static_cast<int>(map.size()) - 1;
      for (std::size_t i = 0; i < hyper.conv.size(); ++i) {
        const ConvSpec &c = hyper.conv[i];
        std::string name = std::to_string(i);
        if (rank == 1) {
          conv1d.push_back(register_module(
              "conv" + name, torch::nn::Conv1d(torch::nn::Conv1dOptions(
                                                   map[0], c.channels, c.kernel)
                                                   .stride(c.stride)
                                                   .padding(c.padding))));
          if (hyper.batchNorm)
            convNorms1d.push_back(register_module(
                "conv_norm" + name, torch::nn::BatchNorm1d(c.channels)));
        } else {
          conv2d.push_back(register_module(
              "conv" + name, torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                   map[0], c.channels, c.kernel)
                                                   .stride(c.stride)
                                                   .padding(c.padding))));
          if (hyper.batchNorm)
            convNorms2d.push_back(register_module(
                "conv_norm" + name, torch::nn::BatchNorm2d(c.channels)));
        }
        map[0] = c.channels;
        for (int d = 1; d <= rank; ++d) {
          map[d] = convolvedSize(map[d], c.kernel, c.stride, c.padding);
          if (c.pool)
            map[d] /= c.pool;
        }
      }
      width = 1;
      for (int d : map)
        width *= d;
      if (hyper.recurrent.enabled()) {
        steps = map[1];
        width = map[0];
      }
    }
    if (hyper.recurrent.enabled()) {
      if (hyper.conv.empty()) {
        steps = this->inputShape[0];
        width = this->inputShape[1];
      }
      const RecurrentSpec &r = hyper.recurrent;
      if (r.cell == "gru")
        gru = register_module(
            "gru", torch::nn::GRU(torch::nn::GRUOptions(width, r.hidden)
                                      .num_layers(r.layers)
                                      .batch_first(true)));
      else
        lstm = register_module(
            "lstm", torch::nn::LSTM(torch::nn::LSTMOptions(width, r.hidden)
                                        .num_layers(r.layers)
                                        .batch_first(true)));
      // One head for every step: its outputs are the step's share.
      stepOutputs = steps > 0 ? outputs / steps : 0;
      dense.push_back(register_module(
          "head", torch::nn::Linear(r.hidden, std::max(1, stepOutputs))));
      return;
    }
    if (hyper.graph.enabled()) {
      const GraphSpec &g = hyper.graph;
      features = (inputs - 2 * g.maxEdges) / g.maxNodes;
      int h = hyper.hidden.back();
      auto network = [&](const std::string &name, int in, bool score) {
        std::vector<torch::nn::Linear> layers;
        for (std::size_t i = 0; i <= hyper.hidden.size(); ++i) {
          if (i == hyper.hidden.size() && !score)
            break;
          int out = i < hyper.hidden.size() ? hyper.hidden[i] : 1;
          layers.push_back(register_module(name + "_" + std::to_string(i),
                                           torch::nn::Linear(in, out)));
          in = out;
        }
        graphNets.push_back(layers);
      };
      network("node_encoder", features, false);
      network("edge_encoder", 2 * features, false);
      for (int i = 1; i <= g.iterations; ++i) {
        network("edge_net" + std::to_string(i), 3 * h, false);
        network("node_net" + std::to_string(i), 2 * h, false);
      }
      network("classifier", 3 * h, true);
      return;
    }
    if (hyper.transformer.enabled()) {
      const TransformerSpec &t = hyper.transformer;
      int features = this->inputShape[1] - 1;
      embed = register_module("embed", torch::nn::Linear(features, t.width));
      for (int l = 0; l < t.layers; ++l) {
        std::string n = std::to_string(l);
        auto linear = [&](const std::string &name, int in, int out) {
          return register_module(name + n, torch::nn::Linear(in, out));
        };
        auto norm = [&](const std::string &name) {
          return register_module(
              name + n,
              torch::nn::LayerNorm(torch::nn::LayerNormOptions({t.width})));
        };
        qkv.push_back(linear("qkv", t.width, 3 * t.width));
        projection.push_back(linear("projection", t.width, t.width));
        ff1.push_back(linear("ff1_", t.width, t.ffUnits()));
        ff2.push_back(linear("ff2_", t.ffUnits(), t.width));
        norm1.push_back(norm("norm1_"));
        norm2.push_back(norm("norm2_"));
      }
      width = t.width;
    }
    for (std::size_t i = 0; i <= hyper.hidden.size(); ++i) {
      bool hidden = i < hyper.hidden.size();
      int next = hidden ? hyper.hidden[i] : outputs;
      dense.push_back(register_module("dense" + std::to_string(i),
                                      torch::nn::Linear(width, next)));
      if (hidden && hyper.batchNorm)
        norms.push_back(register_module("norm" + std::to_string(i),
                                        torch::nn::BatchNorm1d(next)));
      width = next;
    }
  }

  torch::Tensor quantize(const torch::Tensor &x) {
    return hyper.qat ? fakeQuant(x, *hyper.qat) : x;
  }

  /// Convolution `i`'s weight and bias.
  const torch::Tensor &convWeight(std::size_t i) {
    return conv1d.empty() ? conv2d[i]->weight : conv1d[i]->weight;
  }
  const torch::Tensor &convBias(std::size_t i) {
    return conv1d.empty() ? conv2d[i]->bias : conv1d[i]->bias;
  }

  /// Multi-head self-attention of layer `l` over `h` [B, N, W], with the
  /// mask's additive term `maskTerm` [B, 1, 1, N].
  torch::Tensor attend(std::size_t l, const torch::Tensor &h,
                       const torch::Tensor &maskTerm) {
    const TransformerSpec &t = hyper.transformer;
    int64_t hits = h.size(1), d = t.width / t.heads;
    std::vector<torch::Tensor> parts = qkv[l]->forward(h).split(t.width, 2);
    auto split = [&](const torch::Tensor &v) {
      return v.reshape({-1, hits, t.heads, d}).transpose(1, 2);
    };
    torch::Tensor q = split(parts[0]), k = split(parts[1]), v = split(parts[2]);
    torch::Tensor scores =
        torch::matmul(q, k.transpose(2, 3)) * (1.0 / std::sqrt(double(d))) +
        maskTerm;
    torch::Tensor a = torch::matmul(torch::softmax(scores, -1), v);
    return projection[l]->forward(
        a.transpose(1, 2).reshape({-1, hits, int64_t(t.width)}));
  }

  /// The encoder and the pooling: [B, N * F] to [B, width].
  torch::Tensor encode(torch::Tensor x) {
    const TransformerSpec &t = hyper.transformer;
    int features = inputShape[1];
    x = x.view({-1, inputShape[0], features});
    torch::Tensor mask = x.narrow(2, features - 1, 1); // [B, N, 1]
    torch::Tensor h = embed->forward(x.narrow(2, 0, features - 1));
    torch::Tensor maskTerm =
        ((mask - 1.0) * kMaskScale).reshape({-1, 1, 1, inputShape[0]});
    for (std::size_t l = 0; l < qkv.size(); ++l) {
      auto feedForward = [&](const torch::Tensor &v) {
        return ff2[l]->forward(torch::gelu(ff1[l]->forward(v)));
      };
      if (t.norm == "pre") {
        h = h + attend(l, norm1[l]->forward(h), maskTerm);
        h = h + feedForward(norm2[l]->forward(h));
      } else {
        h = norm1[l]->forward(h + attend(l, h, maskTerm));
        h = norm2[l]->forward(h + feedForward(h));
      }
    }
    if (t.pooling == "max")
      return (h + (mask - 1.0) * kMaskScale).amax(1);
    return (h * mask).sum(1) / mask.sum(1).clamp_min(1.0);
  }

  /// Network `n` of a graph model (dense layers, each with the activation
  /// but a classifier's last) over the last axis.
  torch::Tensor graphNet(std::size_t n, torch::Tensor x) {
    std::vector<torch::nn::Linear> &layers = graphNets[n];
    bool classifier = n + 1 == graphNets.size();
    for (std::size_t i = 0; i < layers.size(); ++i) {
      x = layers[i]->forward(x);
      if (!classifier || i + 1 < layers.size())
        x = activate(x, hyper.activation);
    }
    return x;
  }

  /// A graph model's edge logits [B, E] from [B, N * F + 2 * E]: the node
  /// features, then each edge's source and target node (the node count for
  /// padding, which reads zeros and receives nothing).
  torch::Tensor graphForward(const torch::Tensor &x) {
    const GraphSpec &g = hyper.graph;
    int64_t n = g.maxNodes, e = g.maxEdges;
    torch::Tensor nodes = x.narrow(1, 0, n * features).view({-1, n, features});
    torch::Tensor ends[2] = {x.narrow(1, n * features, e).to(torch::kLong),
                             x.narrow(1, n * features + e, e).to(torch::kLong)};
    // Incidence: [B, E, N] one-hot rows, padding none.
    torch::Tensor rows[2];
    if (g.incidence())
      for (int k = 0; k < 2; ++k)
        rows[k] = torch::one_hot(ends[k], n + 1).narrow(2, 0, n).to(x.dtype());
    auto atEdges = [&](const torch::Tensor &h, int k) {
      if (g.incidence())
        return torch::bmm(rows[k], h);
      torch::Tensor padded = torch::cat(
          {h, torch::zeros({h.size(0), 1, h.size(2)}, h.options())}, 1);
      return torch::gather(padded, 1,
                           ends[k].unsqueeze(2).expand({-1, -1, h.size(2)}));
    };
    auto intoNodes = [&](const torch::Tensor &m) {
      if (g.incidence())
        return torch::bmm(rows[0].transpose(1, 2), m) +
               torch::bmm(rows[1].transpose(1, 2), m);
      torch::Tensor sum =
          torch::zeros({m.size(0), n + 1, m.size(2)}, m.options());
      for (int k = 0; k < 2; ++k)
        sum = sum.scatter_add(
            1, ends[k].unsqueeze(2).expand({-1, -1, m.size(2)}), m);
      return sum.narrow(1, 0, n);
    };
    torch::Tensor h = graphNet(0, nodes);
    torch::Tensor edges =
        graphNet(1, torch::cat({atEdges(nodes, 0), atEdges(nodes, 1)}, 2));
    for (int i = 0; i < g.iterations; ++i) {
      edges = edges +
              graphNet(2 + 2 * i,
                       torch::cat({atEdges(h, 0), atEdges(h, 1), edges}, 2));
      h = h + graphNet(3 + 2 * i, torch::cat({h, intoNodes(edges)}, 2));
    }
    return graphNet(graphNets.size() - 1,
                    torch::cat({atEdges(h, 0), atEdges(h, 1), edges}, 2))
        .squeeze(2);
  }

  /// The model's outputs as exported: with the BCE loss, the sigmoid of
  /// what forward (the logits) gives.
  torch::Tensor predict(const torch::Tensor &x) {
    torch::Tensor y = forward(x);
    return hyper.loss == Loss::BCE ? torch::sigmoid(y) : y;
  }

  torch::Tensor forward(torch::Tensor x) {
    if (hyper.graph.enabled())
      return graphForward(x);
    if (hyper.transformer.enabled())
      x = encode(x);
    x = quantize(x);
    bool sequence = hyper.recurrent.enabled();
    if (sequence) {
      x = x.view({-1, inputShape[0], inputShape[1]});
      if (!hyper.conv.empty())
        x = x.transpose(1, 2);
    }
    if (!hyper.conv.empty()) {
      std::vector<int64_t> shape = {-1};
      shape.insert(shape.end(), inputShape.begin(), inputShape.end());
      if (sequence)
        std::swap(shape[1], shape[2]);
      x = x.view(shape);
      bool oneD = !conv1d.empty();
      for (std::size_t i = 0; i < hyper.conv.size(); ++i) {
        const ConvSpec &c = hyper.conv[i];
        torch::Tensor w = quantize(convWeight(i)), b = quantize(convBias(i));
        x = quantize(oneD ? torch::conv1d(x, w, b, {c.stride}, {c.padding})
                          : torch::conv2d(x, w, b, {c.stride, c.stride},
                                          {c.padding, c.padding}));
        if (hyper.batchNorm)
          x = quantize(oneD ? convNorms1d[i]->forward(x)
                            : convNorms2d[i]->forward(x));
        if (hyper.activation != Activation::None)
          x = quantize(activate(x, hyper.activation));
        if (c.pool)
          x = quantize(c.poolMax
                           ? (oneD ? torch::max_pool1d(x, {c.pool})
                                   : torch::max_pool2d(x, {c.pool, c.pool}))
                           : (oneD ? torch::avg_pool1d(x, {c.pool})
                                   : torch::avg_pool2d(x, {c.pool, c.pool})));
      }
      x = sequence ? x.transpose(1, 2) : x.flatten(1);
    }
    if (sequence) {
      x = gru ? std::get<0>(gru->forward(x)) : std::get<0>(lstm->forward(x));
      x = dense[0]->forward(x);
      if (hyper.loss == Loss::TrackNet)
        x = torch::cat({x.narrow(2, 0, 2),
                        torch::nn::functional::softplus(x.narrow(2, 2, 2))},
                       2);
      return x.flatten(1);
    }
    for (std::size_t i = 0; i < dense.size(); ++i) {
      bool hidden = i < hyper.hidden.size();
      x = quantize(torch::nn::functional::linear(x, quantize(dense[i]->weight),
                                                 quantize(dense[i]->bias)));
      if (hidden && hyper.batchNorm)
        x = quantize(norms[i]->forward(x));
      Activation activation =
          hidden ? hyper.activation : hyper.outputActivation;
      if (activation != Activation::None)
        x = quantize(activate(x, activation));
    }
    return x;
  }

  Hyperparameters hyper;
  std::vector<int> inputShape;
  std::vector<torch::nn::Conv1d> conv1d;
  std::vector<torch::nn::Conv2d> conv2d;
  std::vector<torch::nn::BatchNorm1d> convNorms1d;
  std::vector<torch::nn::BatchNorm2d> convNorms2d;
  std::vector<torch::nn::Linear> dense;
  std::vector<torch::nn::BatchNorm1d> norms;
  /// A transformer's layers.
  torch::nn::Linear embed{nullptr};
  std::vector<torch::nn::Linear> qkv, projection, ff1, ff2;
  std::vector<torch::nn::LayerNorm> norm1, norm2;
  /// A sequence model's layers: steps after the front, outputs per step.
  torch::nn::GRU gru{nullptr};
  torch::nn::LSTM lstm{nullptr};
  int steps = 0, stepOutputs = 0;
  /// A graph model's networks: node and edge encoder, per iteration the
  /// edge and the node network, the classifier; the node features.
  std::vector<std::vector<torch::nn::Linear>> graphNets;
  int features = 0;
};
TORCH_MODULE(Mlp);

/// The loss summed over the elements of `prediction`.
torch::Tensor summedLoss(const torch::Tensor &prediction,
                         const torch::Tensor &target,
                         const Hyperparameters &hyper) {
  if (hyper.loss == Loss::TrackNet) {
    // Per step: (cx, cy, rx, ry) against the true next hit (x, y).
    torch::Tensor ellipse = prediction.view({-1, 4});
    torch::Tensor hit = target.view({-1, 2});
    torch::Tensor scaled = (hit - ellipse.narrow(1, 0, 2)) /
                           ellipse.narrow(1, 2, 2).clamp_min(1e-6);
    torch::Tensor distance = torch::sqrt((scaled * scaled).sum(1) + 1e-12);
    torch::Tensor area = ellipse.select(1, 2) * ellipse.select(1, 3);
    return (distance + hyper.ellipseWeight * area).sum() * 2;
  }
  if (hyper.loss == Loss::BCE) {
    // Targets below 0 are padding: no loss.
    torch::Tensor real = (target >= 0).to(prediction.dtype());
    return torch::nn::functional::binary_cross_entropy_with_logits(
        prediction, target.clamp_min(0),
        torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions()
            .weight(real)
            .pos_weight(torch::full({1}, hyper.posWeight))
            .reduction(torch::kSum));
  }
  torch::Tensor error = prediction - target;
  switch (hyper.loss) {
  case Loss::TrackNet:
  case Loss::BCE:
    break;
  case Loss::MSE:
    return (error * error).sum();
  case Loss::L1:
    return error.abs().sum();
  case Loss::Huber: {
    torch::Tensor magnitude = error.abs();
    double delta = hyper.huberDelta;
    return torch::where(magnitude < delta, 0.5 * magnitude * magnitude,
                        delta * (magnitude - 0.5 * delta))
        .sum();
  }
  }
  return error.sum();
}

double learningRate(const Hyperparameters &hyper, int epoch) {
  switch (hyper.schedule) {
  case LrSchedule::Constant:
    return hyper.learningRate;
  case LrSchedule::Step:
    return hyper.learningRate * std::pow(hyper.lrGamma, epoch / hyper.lrStep);
  case LrSchedule::Exponential:
    return hyper.learningRate * std::pow(hyper.lrGamma, epoch);
  case LrSchedule::Cosine:
    return hyper.learningRate * 0.5 *
           (1 + std::cos(M_PI * epoch / std::max(1, hyper.epochs)));
  }
  return hyper.learningRate;
}

/// A fingerprint of what a checkpoint must match to be resumed.
std::string fingerprint(const Hyperparameters &hyper, const ExpertData &data) {
  TrainConfig config;
  config.defaults = hyper;
  std::string text = config.toToml();
  // Only the hyperparameters; the epoch count may grow on resume.
  std::size_t epochs = text.find("\nepochs = ");
  if (epochs != std::string::npos)
    text.erase(epochs, text.find('\n', epochs + 1) - epochs);
  std::ostringstream out;
  out << text << "rows " << data.trainRows() << " " << data.valRows();
  double sum = 0;
  for (float value : data.trainY)
    sum += value;
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), " %.17g", sum);
  return out.str() + buffer;
}

/// Copies the parameters and buffers of `model`.
std::vector<torch::Tensor> snapshot(Mlp &model) {
  std::vector<torch::Tensor> state;
  for (const auto &entry : model->named_parameters())
    state.push_back(entry.value().detach().clone());
  for (const auto &entry : model->named_buffers())
    state.push_back(entry.value().detach().clone());
  return state;
}

void restore(Mlp &model, const std::vector<torch::Tensor> &state) {
  torch::NoGradGuard noGrad;
  std::size_t index = 0;
  for (auto &entry : model->named_parameters())
    entry.value().copy_(state[index++]);
  for (auto &entry : model->named_buffers())
    entry.value().copy_(state[index++]);
}

/// The trained model in the framework-free form of the ONNX writer.
MlpModel exportModel(Mlp &model, int inputs, int outputs,
                     const Hyperparameters &hyper) {
  MlpModel result;
  result.inputs = inputs;
  result.outputs = outputs;
  result.inputShape = model->inputShape;
  auto floats = [&](const torch::Tensor &tensor, bool quantized) {
    torch::Tensor values = tensor.detach().contiguous();
    std::vector<float> copy(values.data_ptr<float>(),
                            values.data_ptr<float>() + values.numel());
    if (quantized && hyper.qat)
      quantizeBuffer(copy.data(), copy.data(), copy.size(), *hyper.qat);
    return copy;
  };
  // A BatchNorm1d or BatchNorm2d module in inference form.
  auto batchNorm = [&](const auto &module) {
    LayerSpec norm;
    norm.kind = LayerSpec::Kind::BatchNorm;
    norm.scale = floats(module->weight, false);
    norm.shift = floats(module->bias, false);
    norm.mean = floats(module->running_mean, false);
    norm.variance = floats(module->running_var, false);
    norm.epsilon = static_cast<float>(module->options.eps());
    return norm;
  };
  // A Linear module as a Dense layer (weights rounded to the QAT type with
  // `quantized`).
  auto denseLayer = [&](torch::nn::Linear &linear, bool quantized) {
    LayerSpec dense;
    dense.kind = LayerSpec::Kind::Dense;
    dense.inputs = static_cast<int>(linear->weight.size(1));
    dense.outputs = static_cast<int>(linear->weight.size(0));
    dense.weight = floats(linear->weight, quantized);
    dense.bias = floats(linear->bias, quantized);
    return dense;
  };
  // Appends an Act layer unless `activation` is None.
  auto addActivation = [](std::vector<LayerSpec> &layers,
                          Activation activation) {
    if (activation == Activation::None)
      return;
    LayerSpec act;
    act.kind = LayerSpec::Kind::Act;
    act.activation = activation;
    layers.push_back(act);
  };
  if (hyper.graph.enabled()) {
    GraphNetwork &net = result.graph;
    net.nodes = hyper.graph.maxNodes;
    net.edges = hyper.graph.maxEdges;
    net.features = model->features;
    net.incidence = hyper.graph.incidence();
    auto network = [&](std::size_t n) {
      std::vector<LayerSpec> layers;
      std::vector<torch::nn::Linear> &linears = model->graphNets[n];
      for (std::size_t i = 0; i < linears.size(); ++i) {
        layers.push_back(denseLayer(linears[i], false));
        bool score =
            n + 1 == model->graphNets.size() && i + 1 == linears.size();
        addActivation(layers, score ? Activation::Sigmoid : hyper.activation);
      }
      return layers;
    };
    net.nodeEncoder = network(0);
    net.edgeEncoder = network(1);
    for (int i = 0; i < hyper.graph.iterations; ++i) {
      net.edgeNets.push_back(network(2 + 2 * std::size_t(i)));
      net.nodeNets.push_back(network(3 + 2 * std::size_t(i)));
    }
    net.classifier = network(model->graphNets.size() - 1);
    return result;
  }
  bool oneD = !model->conv1d.empty();
  result.sequence = hyper.recurrent.enabled();
  result.hitSet = hyper.transformer.enabled();
  if (result.hitSet) {
    const TransformerSpec &t = hyper.transformer;
    LayerSpec embed;
    embed.kind = LayerSpec::Kind::HitEmbed;
    embed.inputs = static_cast<int>(model->embed->weight.size(1));
    embed.outputs = t.width;
    embed.weight = floats(model->embed->weight, false);
    embed.bias = floats(model->embed->bias, false);
    result.layers.push_back(embed);
    for (std::size_t l = 0; l < model->qkv.size(); ++l) {
      LayerSpec layer;
      layer.kind = LayerSpec::Kind::Encoder;
      layer.inputs = layer.outputs = t.width;
      layer.heads = t.heads;
      layer.ffUnits = t.ffUnits();
      layer.preNorm = t.norm == "pre";
      layer.weight = floats(model->qkv[l]->weight, false);
      layer.bias = floats(model->qkv[l]->bias, false);
      layer.projection = floats(model->projection[l]->weight, false);
      layer.projectionBias = floats(model->projection[l]->bias, false);
      layer.ff1 = floats(model->ff1[l]->weight, false);
      layer.ff1Bias = floats(model->ff1[l]->bias, false);
      layer.ff2 = floats(model->ff2[l]->weight, false);
      layer.ff2Bias = floats(model->ff2[l]->bias, false);
      layer.scale = floats(model->norm1[l]->weight, false);
      layer.shift = floats(model->norm1[l]->bias, false);
      layer.scale2 = floats(model->norm2[l]->weight, false);
      layer.shift2 = floats(model->norm2[l]->bias, false);
      layer.epsilon = static_cast<float>(model->norm1[l]->options.eps());
      result.layers.push_back(layer);
    }
    LayerSpec pool;
    pool.kind = LayerSpec::Kind::HitPool;
    pool.outputs = t.width;
    pool.poolMax = t.pooling == "max";
    result.layers.push_back(pool);
  }
  for (std::size_t i = 0; i < hyper.conv.size(); ++i) {
    const ConvSpec &c = hyper.conv[i];
    const torch::Tensor &weight = model->convWeight(i);
    LayerSpec conv;
    conv.kind = LayerSpec::Kind::Conv;
    conv.rank = static_cast<int>(weight.dim()) - 2;
    conv.inputs = static_cast<int>(weight.size(1));
    conv.outputs = static_cast<int>(weight.size(0));
    conv.kernel = c.kernel;
    conv.stride = c.stride;
    conv.padding = c.padding;
    conv.weight = floats(weight, true);
    conv.bias = floats(model->convBias(i), true);
    result.layers.push_back(conv);
    if (hyper.batchNorm)
      result.layers.push_back(oneD ? batchNorm(model->convNorms1d[i])
                                   : batchNorm(model->convNorms2d[i]));
    addActivation(result.layers, hyper.activation);
    if (c.pool) {
      LayerSpec pool;
      pool.kind = LayerSpec::Kind::Pool;
      pool.kernel = c.pool;
      pool.poolMax = c.poolMax;
      result.layers.push_back(pool);
    }
  }
  if (result.sequence) {
    // PyTorch's gate blocks (r, z, n; i, f, g, o) in ONNX's order (z, r,
    // h; i, o, f, c).
    bool lstm = static_cast<bool>(model->lstm);
    std::vector<int> order =
        lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{1, 0, 2};
    auto parameters =
        lstm ? model->lstm->named_parameters() : model->gru->named_parameters();
    int hiddenSize = hyper.recurrent.hidden;
    auto reorder = [&](const torch::Tensor &tensor) {
      std::vector<torch::Tensor> blocks =
          tensor.chunk(static_cast<int64_t>(order.size()), 0);
      std::vector<torch::Tensor> sorted;
      for (int b : order)
        sorted.push_back(blocks[static_cast<std::size_t>(b)]);
      return floats(torch::cat(sorted, 0), false);
    };
    for (int l = 0; l < hyper.recurrent.layers; ++l) {
      std::string suffix = "_l" + std::to_string(l);
      LayerSpec layer;
      layer.kind = LayerSpec::Kind::Recurrent;
      layer.lstm = lstm;
      const torch::Tensor &w = parameters["weight_ih" + suffix];
      layer.inputs = static_cast<int>(w.size(1));
      layer.outputs = hiddenSize;
      layer.weight = reorder(w);
      layer.recurrence = reorder(parameters["weight_hh" + suffix]);
      layer.bias = reorder(parameters["bias_ih" + suffix]);
      std::vector<float> rb = reorder(parameters["bias_hh" + suffix]);
      layer.bias.insert(layer.bias.end(), rb.begin(), rb.end());
      result.layers.push_back(layer);
    }
    LayerSpec head;
    head.kind = LayerSpec::Kind::StepHead;
    head.inputs = hiddenSize;
    head.outputs = model->stepOutputs;
    head.weight = floats(model->dense[0]->weight, false);
    head.bias = floats(model->dense[0]->bias, false);
    head.ellipse = hyper.loss == Loss::TrackNet;
    result.layers.push_back(head);
    return result;
  }
  for (std::size_t i = 0; i < model->dense.size(); ++i) {
    bool hidden = i < hyper.hidden.size();
    result.layers.push_back(denseLayer(model->dense[i], true));
    if (hidden && hyper.batchNorm)
      result.layers.push_back(batchNorm(model->norms[i]));
    Activation activation = hidden ? hyper.activation : hyper.outputActivation;
    // The BCE loss trains the logits; the model gives the sigmoid.
    if (!hidden && hyper.loss == Loss::BCE)
      activation = Activation::Sigmoid;
    addActivation(result.layers, activation);
  }
  return result;
}

/// Draws "expert 2 [#####.....] epoch 3/20 loss 0.0123 val 0.0130 ETA 4s".
void drawProgress(int expert, int epoch, int epochs, double fraction,
                  double loss, double valLoss, double eta) {
  constexpr int width = 24;
  int filled = static_cast<int>(fraction * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  char validation[32] = "-";
  if (!std::isnan(valLoss))
    std::snprintf(validation, sizeof(validation), "%.4g", valLoss);
  std::fprintf(stderr,
               "\rexpert %d [%s] epoch %d/%d loss %.4g val %s ETA %.0fs   ",
               expert, bar.c_str(), epoch, epochs, loss, validation, eta);
  std::fflush(stderr);
}

bool trainExpertImpl(int expert, const Hyperparameters &hyper,
                     const ExpertData &data, const TrainerOptions &options,
                     ExpertResult &result, std::string &error) {
  at::set_num_threads(1);
  torch::manual_seed(mixSeed(hyper.seed, static_cast<uint64_t>(expert)));
  if (!hyper.conv.empty() &&
      (data.inputShape.size() < 2 || data.inputShape.size() > 3)) {
    error = "expert " + std::to_string(expert) +
            ": a convolutional front needs input_shape [C, L] or [C, H, W]";
    return false;
  }
  int outputs = modelOutputs(hyper, data.outputs);
  Mlp model(data.inputs, outputs, hyper, data.inputShape);
  if (hyper.recurrent.enabled() &&
      (model->stepOutputs * model->steps != outputs ||
       (hyper.loss == Loss::TrackNet && model->stepOutputs != 4))) {
    error = "expert " + std::to_string(expert) + ": the " +
            std::to_string(data.outputs) + " targets are not " +
            (hyper.loss == Loss::TrackNet ? "2 (the next hit)"
                                          : "the same number") +
            " for each of the " + std::to_string(model->steps) + " steps";
    return false;
  }
  Collective *group = options.collective;
  int worldSize = group ? group->size() : 1;
  int rank = group ? group->rank() : 0;
  if (group) {
    torch::NoGradGuard noGrad;
    for (auto &parameter : model->parameters()) {
      torch::Tensor value = parameter.detach();
      group->broadcast(value, 0);
    }
  }

  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (hyper.optimizer == Optimizer::Adam)
    optimizer = std::make_unique<torch::optim::Adam>(
        model->parameters(), torch::optim::AdamOptions(hyper.learningRate)
                                 .weight_decay(hyper.weightDecay));
  else
    optimizer = std::make_unique<torch::optim::SGD>(
        model->parameters(), torch::optim::SGDOptions(hyper.learningRate)
                                 .momentum(hyper.momentum)
                                 .weight_decay(hyper.weightDecay));

  std::size_t trainRows = data.trainRows(), valRows = data.valRows();
  if (trainRows == 0) {
    error = "expert " + std::to_string(expert) + " has no training events";
    return false;
  }
  torch::Tensor trainX =
      torch::from_blob(const_cast<float *>(data.trainX.data()),
                       {static_cast<int64_t>(trainRows), data.inputs})
          .clone();
  torch::Tensor trainY =
      torch::from_blob(const_cast<float *>(data.trainY.data()),
                       {static_cast<int64_t>(trainRows), data.outputs})
          .clone();
  torch::Tensor valX =
      torch::from_blob(const_cast<float *>(data.valX.data()),
                       {static_cast<int64_t>(valRows), data.inputs})
          .clone();
  torch::Tensor valY =
      torch::from_blob(const_cast<float *>(data.valY.data()),
                       {static_cast<int64_t>(valRows), data.outputs})
          .clone();

  // Resume where a checkpoint exists.
  std::string checkpoint =
      options.runDir + "/checkpoints/expert_" + std::to_string(expert) + ".pt";
  std::string print = fingerprint(hyper, data);
  int startEpoch = 0, badEpochs = 0, bestEpoch = -1;
  double bestLoss = INFINITY;
  std::vector<torch::Tensor> best;
  struct stat info;
  if (options.resume && ::stat(checkpoint.c_str(), &info) == 0) {
    torch::serialize::InputArchive archive;
    archive.load_from(checkpoint);
    c10::IValue stored;
    archive.read("fingerprint", stored);
    if (!stored.isString() || stored.toStringRef() != print) {
      error = checkpoint +
              ": the checkpoint was made with other hyperparameters or data; "
              "remove it or train into a new folder";
      return false;
    }
    torch::serialize::InputArchive modelArchive, optimizerArchive, bestArchive;
    archive.read("model", modelArchive);
    model->load(modelArchive);
    archive.read("optimizer", optimizerArchive);
    optimizer->load(optimizerArchive);
    torch::Tensor counters;
    archive.read("counters", counters);
    startEpoch = static_cast<int>(counters[0].item<int64_t>());
    badEpochs = static_cast<int>(counters[1].item<int64_t>());
    bestEpoch = static_cast<int>(counters[2].item<int64_t>());
    torch::Tensor bestValue;
    archive.read("best_loss", bestValue);
    bestLoss = bestValue.item<double>();
    archive.read("best", bestArchive);
    std::vector<torch::Tensor> current = snapshot(model);
    for (std::size_t i = 0; i < current.size(); ++i) {
      torch::Tensor value;
      bestArchive.read(std::to_string(i), value);
      best.push_back(value);
    }
  }

  EventWriter events;
  if (options.writer) {
    std::string folder =
        options.runDir + "/tensorboard/expert_" + std::to_string(expert);
    ::mkdir((options.runDir + "/tensorboard").c_str(), 0777);
    ::mkdir(folder.c_str(), 0777);
    if (!events.open(folder, error))
      return false;
  }

  auto started = std::chrono::steady_clock::now();
  int64_t batchSize = hyper.batchSize;
  int64_t batches =
      (static_cast<int64_t>(trainRows) + batchSize - 1) / batchSize;
  bool stoppedEarly = false;
  int epochsThisRun = 0;
  double lastVal = NAN;
  int epoch = startEpoch;
  for (; epoch < hyper.epochs; ++epoch) {
    if (hyper.earlyStopping > 0 && badEpochs >= hyper.earlyStopping) {
      stoppedEarly = true;
      break;
    }
    if (options.stopAfterEpochs > 0 && epochsThisRun >= options.stopAfterEpochs)
      break;
    double rate = learningRate(hyper, epoch);
    for (auto &group : optimizer->param_groups())
      group.options().set_lr(rate);
    model->train();
    std::vector<std::size_t> order(trainRows);
    for (std::size_t i = 0; i < trainRows; ++i)
      order[i] = i;
    seededShuffle(order, mixSeed(hyper.seed, static_cast<uint64_t>(expert),
                                 static_cast<uint64_t>(epoch) + 1));
    std::vector<int64_t> shuffled(order.begin(), order.end());
    torch::Tensor index = torch::tensor(shuffled, torch::kLong);
    double epochLoss = 0;
    for (int64_t batch = 0; batch < batches; ++batch) {
      int64_t begin = batch * batchSize;
      int64_t end = std::min<int64_t>(begin + batchSize, trainRows);
      int64_t globalRows = end - begin;
      // This process's share of the batch.
      int64_t localBegin = begin + globalRows * rank / worldSize;
      int64_t localEnd = begin + globalRows * (rank + 1) / worldSize;
      optimizer->zero_grad();
      torch::Tensor loss = torch::zeros({});
      bool enough = localEnd - localBegin >= (hyper.batchNorm ? 2 : 1);
      if (enough) {
        torch::Tensor rows = index.slice(0, localBegin, localEnd);
        torch::Tensor prediction = model->forward(trainX.index_select(0, rows));
        loss = summedLoss(prediction, trainY.index_select(0, rows), hyper) /
               static_cast<double>(globalRows * data.outputs);
        loss.backward();
      }
      if (group) {
        std::vector<torch::Tensor> pieces;
        for (auto &parameter : model->parameters()) {
          if (!parameter.grad().defined())
            parameter.mutable_grad() = torch::zeros_like(parameter);
          pieces.push_back(parameter.grad().reshape({-1}));
        }
        pieces.push_back(loss.detach().reshape({1}));
        torch::Tensor flat = torch::cat(pieces);
        group->allReduceSum(flat);
        int64_t offset = 0;
        for (auto &parameter : model->parameters()) {
          int64_t count = parameter.numel();
          parameter.mutable_grad().copy_(
              flat.slice(0, offset, offset + count).view_as(parameter));
          offset += count;
        }
        epochLoss += flat[offset].item<double>() * globalRows;
      } else {
        epochLoss += loss.item<double>() * globalRows;
      }
      if (enough || group)
        optimizer->step();
      if (options.progress && options.writer &&
          (batch % 16 == 0 || batch + 1 == batches)) {
        double elapsed = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started)
                             .count();
        double done = (epochsThisRun + double(batch + 1) / batches) /
                      std::max(1, hyper.epochs - startEpoch);
        drawProgress(expert, epoch + 1, hyper.epochs,
                     (epoch + double(batch + 1) / batches) / hyper.epochs,
                     epochLoss / double(end), lastVal,
                     done > 0 ? elapsed / done - elapsed : 0.0);
      }
    }
    // Batch-norm statistics: the mean over the processes.
    if (group && hyper.batchNorm) {
      torch::NoGradGuard noGrad;
      for (auto &buffer : model->buffers()) {
        if (!buffer.is_floating_point())
          continue;
        torch::Tensor value = buffer.detach();
        group->allReduceSum(value);
        value.div_(worldSize);
      }
    }
    double trainLoss = epochLoss / static_cast<double>(trainRows);
    double valLoss = trainLoss;
    model->eval();
    // A classifier's efficiency and purity at 0.5 on the validation events.
    double efficiency = NAN, purity = NAN;
    if (valRows > 0) {
      torch::NoGradGuard noGrad;
      torch::Tensor logits = model->forward(valX);
      valLoss = (summedLoss(logits, valY, hyper) /
                 static_cast<double>(valRows * data.outputs))
                    .item<double>();
      if (hyper.loss == Loss::BCE) {
        // Padding (targets below 0) is never chosen.
        torch::Tensor chosen = (logits > 0) & (valY >= 0), real = valY > 0.5;
        double truePositive = (chosen & real).sum().item<double>();
        efficiency = truePositive / real.sum().item<double>();
        purity = truePositive / chosen.sum().item<double>();
      }
    }
    lastVal = valLoss;
    if (valLoss < bestLoss || best.empty()) {
      bestLoss = valLoss;
      bestEpoch = epoch;
      best = snapshot(model);
      badEpochs = 0;
    } else {
      ++badEpochs;
    }
    ++epochsThisRun;
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    if (options.writer) {
      // One value per metric, the float32 that TensorBoard stores; %.9g
      // round-trips it, so metrics.csv and the event file agree exactly.
      float trainLoss32 = static_cast<float>(trainLoss);
      float valLoss32 = static_cast<float>(valLoss);
      float rate32 = static_cast<float>(rate);
      float efficiency32 = static_cast<float>(efficiency);
      float purity32 = static_cast<float>(purity);
      if (options.metrics) {
        std::fprintf(options.metrics, "%d,%d,%.9g,%.9g,%.9g,%.3f", expert,
                     epoch + 1, double(trainLoss32), double(valLoss32),
                     double(rate32), seconds);
        // Empty for another loss; "nan" where no edge is true or chosen.
        if (options.classifierMetrics)
          for (float value : {efficiency32, purity32}) {
            if (hyper.loss != Loss::BCE)
              std::fprintf(options.metrics, ",");
            else if (std::isnan(value))
              std::fprintf(options.metrics, ",nan");
            else
              std::fprintf(options.metrics, ",%.9g", double(value));
          }
        std::fprintf(options.metrics, "\n");
        std::fflush(options.metrics);
      }
      std::string tag = "expert_" + std::to_string(expert);
      std::vector<std::pair<std::string, float>> scalars = {
          {tag + "/loss/train", trainLoss32},
          {tag + "/loss/validation", valLoss32},
          {tag + "/learning_rate", rate32}};
      if (hyper.loss == Loss::BCE) {
        scalars.push_back({tag + "/efficiency", efficiency32});
        scalars.push_back({tag + "/purity", purity32});
      }
      events.write(epoch + 1, scalars);
      // Checkpoint, atomically.
      torch::serialize::OutputArchive archive, modelArchive, optimizerArchive,
          bestArchive;
      archive.write("fingerprint", c10::IValue(print));
      model->save(modelArchive);
      archive.write("model", modelArchive);
      optimizer->save(optimizerArchive);
      archive.write("optimizer", optimizerArchive);
      archive.write("counters", torch::tensor({static_cast<int64_t>(epoch + 1),
                                               static_cast<int64_t>(badEpochs),
                                               static_cast<int64_t>(bestEpoch)},
                                              torch::kLong));
      archive.write("best_loss", torch::tensor(bestLoss, torch::kDouble));
      for (std::size_t i = 0; i < best.size(); ++i)
        bestArchive.write(std::to_string(i), best[i]);
      archive.write("best", bestArchive);
      ::mkdir((options.runDir + "/checkpoints").c_str(), 0777);
      archive.save_to(checkpoint + ".tmp");
      if (std::rename((checkpoint + ".tmp").c_str(), checkpoint.c_str()) != 0) {
        error = checkpoint + ": cannot write the checkpoint";
        return false;
      }
    }
  }
  if (options.progress && options.writer)
    std::fprintf(stderr, "\n");
  result.finished = stoppedEarly || epoch >= hyper.epochs;
  result.epochs = epoch;
  result.bestLoss = bestLoss;
  if (!best.empty())
    restore(model, best);
  model->eval();
  result.model = exportModel(model, data.inputs, outputs, hyper);
  result.valPredictions.clear();
  if (valRows > 0) {
    torch::NoGradGuard noGrad;
    torch::Tensor outputs = model->predict(valX).contiguous();
    result.valPredictions.assign(outputs.data_ptr<float>(),
                                 outputs.data_ptr<float>() + outputs.numel());
  }
  return true;
}

} // namespace

bool ariadne::train::trainExpert(int expert, const Hyperparameters &hyper,
                                 const ExpertData &data,
                                 const TrainerOptions &options,
                                 ExpertResult &result, std::string &error) {
  try {
    return trainExpertImpl(expert, hyper, data, options, result, error);
  } catch (const std::exception &e) {
    std::string what = e.what();
    // LibTorch appends a backtrace on further lines.
    error = "expert " + std::to_string(expert) +
            ": training failed: " + what.substr(0, what.find('\n'));
    return false;
  }
}
