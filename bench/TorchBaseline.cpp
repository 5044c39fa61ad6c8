//===- TorchBaseline.cpp - the LibTorch side of the benchmark -------------===//
//
// The one translation unit that includes <torch/torch.h>.
//
//===----------------------------------------------------------------------===//
#include "bench/TorchBaseline.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>

using namespace ariadne::bench;

struct TorchBaseline::Impl {
  struct Step {
    explicit Step(ChainStep::Kind kind) : kind(kind) {}
    ChainStep::Kind kind;
    torch::nn::Linear linear{nullptr};
    double factor = 1.0;
  };
  std::vector<Step> steps;
  size_t inputSize = 0;
  size_t outputSize = 0;
  size_t maxBatch = 0;
  torch::Tensor eventInput;

  // A RecurrentModel, when `gru` is set.
  int64_t seqSteps = 0, seqFeatures = 0;
  torch::nn::Conv1d conv{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
  bool frontRelu = false;
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear head{nullptr};
  std::vector<HeadSegment> headSegments;

  // A TransformerModel, when `embed` is set.
  struct Encoder {
    torch::nn::Linear qkv{nullptr}, projection{nullptr}, ff1{nullptr},
        ff2{nullptr};
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  };
  int64_t hits = 0, hitFeatures = 0, width = 0, heads = 1;
  bool preNorm = false, poolMax = false;
  torch::nn::Linear embed{nullptr};
  std::vector<Encoder> encoders;
  std::vector<torch::nn::Linear> headLayers;
  std::vector<std::string> headActivations;

  // A ConvModel, when `convSteps` is not empty.
  struct ConvLayer {
    explicit ConvLayer(ConvStep::Kind kind) : kind(kind) {}
    ConvStep::Kind kind;
    torch::nn::Conv2d conv{nullptr};
    torch::nn::BatchNorm2d norm{nullptr};
    torch::nn::MaxPool2d maxPool{nullptr};
    torch::nn::AvgPool2d avgPool{nullptr};
    torch::nn::Linear linear{nullptr};
  };
  std::vector<ConvLayer> convSteps;
  int64_t mapChannels = 0, mapHeight = 0, mapWidth = 0;

  // A GraphModel, when `script` is set: the TorchScript module, and its
  // float64 copy once runDouble has made it.
  std::optional<torch::jit::script::Module> script, wide;
  int64_t nodes = 0, nodeFeatures = 0, edges = 0;

  torch::Tensor run(torch::Tensor x) {
    if (script)
      return forwardGraph(std::move(x), *script);
    if (embed)
      return forwardTransformer(std::move(x));
    if (!convSteps.empty())
      return forwardConv(std::move(x));
    return gru ? forwardRecurrent(std::move(x)) : forward(std::move(x));
  }
  torch::Tensor forward(torch::Tensor x);
  torch::Tensor forwardRecurrent(torch::Tensor x);
  torch::Tensor forwardTransformer(torch::Tensor x);
  torch::Tensor forwardConv(torch::Tensor x);
  /// `module` on events `x` (of its element type).
  torch::Tensor forwardGraph(torch::Tensor x,
                             torch::jit::script::Module &module);
};

torch::Tensor
TorchBaseline::Impl::forwardGraph(torch::Tensor x,
                                  torch::jit::script::Module &module) {
  // The event row: node features, then the edge index, which the module
  // takes as int64.
  torch::Tensor features =
      x.narrow(1, 0, nodes * nodeFeatures).reshape({-1, nodes, nodeFeatures});
  torch::Tensor index = x.narrow(1, nodes * nodeFeatures, 2 * edges)
                            .to(torch::kLong)
                            .reshape({-1, 2, edges});
  return module.forward({features, index}).toTensor();
}

torch::Tensor TorchBaseline::Impl::forwardTransformer(torch::Tensor x) {
  x = x.view({-1, hits, hitFeatures});
  torch::Tensor mask = x.narrow(2, hitFeatures - 1, 1); // [N, H, 1]
  torch::Tensor h = embed->forward(x.narrow(2, 0, hitFeatures - 1));
  torch::Tensor maskTerm = ((mask - 1.0) * 10000.0).reshape({-1, 1, 1, hits});
  int64_t d = width / heads;
  double temperature = 1.0 / std::sqrt(static_cast<double>(d));
  for (Encoder &e : encoders) {
    auto attend = [&](const torch::Tensor &v) {
      std::vector<torch::Tensor> parts = e.qkv->forward(v).split(width, 2);
      auto split = [&](const torch::Tensor &t) {
        return t.reshape({-1, hits, heads, d}).transpose(1, 2);
      };
      torch::Tensor scores =
          torch::matmul(split(parts[0]), split(parts[1]).transpose(2, 3)) *
              temperature +
          maskTerm;
      torch::Tensor a =
          torch::matmul(torch::softmax(scores, -1), split(parts[2]));
      return e.projection->forward(
          a.transpose(1, 2).reshape({-1, hits, width}));
    };
    auto feedForward = [&](const torch::Tensor &v) {
      return e.ff2->forward(torch::gelu(e.ff1->forward(v)));
    };
    if (preNorm) {
      h = h + attend(e.norm1->forward(h));
      h = h + feedForward(e.norm2->forward(h));
    } else {
      h = e.norm1->forward(h + attend(h));
      h = e.norm2->forward(h + feedForward(h));
    }
  }
  h = poolMax ? (h + (mask - 1.0) * 10000.0).amax(1)
              : (h * mask).sum(1) / mask.sum(1).clamp_min(1.0);
  for (size_t i = 0; i < headLayers.size(); ++i) {
    h = headLayers[i]->forward(h);
    if (headActivations[i] == "relu")
      h.relu_();
    else if (headActivations[i] == "tanh")
      h.tanh_();
  }
  return h;
}

torch::Tensor TorchBaseline::Impl::forwardConv(torch::Tensor x) {
  x = x.view({-1, mapChannels, mapHeight, mapWidth});
  // Activations in place on the layers' own results, never on the caller's
  // input.
  bool owned = false;
  for (ConvLayer &step : convSteps) {
    switch (step.kind) {
    case ConvStep::Kind::Conv:
      x = step.conv->forward(x);
      break;
    case ConvStep::Kind::Norm:
      x = step.norm->forward(x);
      break;
    case ConvStep::Kind::MaxPool:
      x = step.maxPool->forward(x);
      break;
    case ConvStep::Kind::AvgPool:
      x = step.avgPool->forward(x);
      break;
    case ConvStep::Kind::Flatten:
      x = x.flatten(1);
      continue; // a view: ownership unchanged
    case ConvStep::Kind::Linear:
      x = step.linear->forward(x);
      break;
    case ConvStep::Kind::Relu:
      x = owned ? x.relu_() : x.relu();
      break;
    case ConvStep::Kind::Tanh:
      x = owned ? x.tanh_() : x.tanh();
      break;
    case ConvStep::Kind::Sigmoid:
      x = owned ? x.sigmoid_() : x.sigmoid();
      break;
    }
    owned = true;
  }
  return x;
}

torch::Tensor TorchBaseline::Impl::forward(torch::Tensor x) {
  // Activations work in place, as a careful deployment would write them,
  // except on the caller's input.
  bool owned = false;
  for (Step &step : steps) {
    switch (step.kind) {
    case ChainStep::Kind::Linear:
      x = step.linear->forward(x);
      owned = true;
      continue;
    case ChainStep::Kind::Softmax:
      x = torch::softmax(x, /*dim=*/1);
      owned = true;
      continue;
    default:
      break;
    }
    if (!owned) {
      x = x.clone();
      owned = true;
    }
    switch (step.kind) {
    case ChainStep::Kind::Scale:
      x.mul_(step.factor);
      break;
    case ChainStep::Kind::Tanh:
      x.tanh_();
      break;
    case ChainStep::Kind::Sigmoid:
      x.sigmoid_();
      break;
    case ChainStep::Kind::Relu:
      x.relu_();
      break;
    default:
      break;
    }
  }
  return x;
}

torch::Tensor TorchBaseline::Impl::forwardRecurrent(torch::Tensor x) {
  x = x.view({-1, seqSteps, seqFeatures}); // [N, T, F]
  if (conv) {
    // Conv1d and BatchNorm1d take the steps along the last axis.
    x = conv->forward(x.transpose(1, 2)); // [N, C, T]
    if (norm)
      x = norm->forward(x);
    if (frontRelu)
      x.relu_();
    x = x.transpose(1, 2); // [N, T, C]
  }
  x = std::get<0>(gru->forward(x)); // [N, T, H], zero initial state
  x = head->forward(x);             // [N, T, O]
  if (headSegments.size() > 1 || headSegments[0].softplus) {
    std::vector<torch::Tensor> pieces;
    for (const HeadSegment &s : headSegments) {
      torch::Tensor piece = x.slice(/*dim=*/-1, static_cast<int64_t>(s.begin),
                                    static_cast<int64_t>(s.end));
      pieces.push_back(s.softplus ? torch::softplus(piece) : piece);
    }
    x = torch::cat(pieces, /*dim=*/-1);
  }
  return x.flatten(1); // [N, T*O]
}

namespace {

/// Copies `values` into the parameter or buffer `to`, whose shape it takes.
void load(torch::Tensor to, const std::vector<float> &values) {
  TORCH_CHECK(static_cast<size_t>(to.numel()) == values.size(),
              "ariadne-bench: ", values.size(), " values for a tensor of ",
              to.numel());
  to.copy_(torch::from_blob(const_cast<float *>(values.data()), to.sizes()));
}

} // namespace

TorchBaseline::TorchBaseline(const RecurrentModel &model, size_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  impl->inputSize = model.inputSize;
  impl->outputSize = model.outputSize;
  impl->maxBatch = maxBatch;
  impl->seqSteps = static_cast<int64_t>(model.steps);
  impl->seqFeatures = static_cast<int64_t>(model.features);
  torch::NoGradGuard noGrad;
  auto features = static_cast<int64_t>(model.features);
  if (model.channels) {
    auto channels = static_cast<int64_t>(model.channels);
    impl->conv = torch::nn::Conv1d(
        torch::nn::Conv1dOptions(features, channels, /*kernel_size=*/1));
    load(impl->conv->weight, model.convWeight);
    load(impl->conv->bias, model.convBias);
    impl->conv->eval();
    features = channels;
  }
  if (model.batchNorm) {
    impl->norm = torch::nn::BatchNorm1d(
        torch::nn::BatchNorm1dOptions(features).eps(model.normEpsilon));
    load(impl->norm->weight, model.normWeight);
    load(impl->norm->bias, model.normBias);
    load(impl->norm->running_mean, model.normMean);
    load(impl->norm->running_var, model.normVar);
    impl->norm->eval();
  }
  impl->frontRelu = model.frontRelu;
  auto hidden = static_cast<int64_t>(model.gru.front().hidden);
  impl->gru =
      torch::nn::GRU(torch::nn::GRUOptions(features, hidden)
                         .num_layers(static_cast<int64_t>(model.gru.size()))
                         .batch_first(true));
  auto parameters = impl->gru->named_parameters();
  for (size_t l = 0; l < model.gru.size(); ++l) {
    const GruLayer &layer = model.gru[l];
    const std::string suffix = "_l" + std::to_string(l);
    load(parameters["weight_ih" + suffix], layer.weightIh);
    load(parameters["weight_hh" + suffix], layer.weightHh);
    load(parameters["bias_ih" + suffix], layer.biasIh);
    load(parameters["bias_hh" + suffix], layer.biasHh);
  }
  impl->gru->eval();
  impl->head = torch::nn::Linear(
      torch::nn::LinearOptions(hidden, static_cast<int64_t>(model.headSize)));
  load(impl->head->weight, model.headWeight);
  load(impl->head->bias, model.headBias);
  impl->head->eval();
  impl->headSegments = model.headSegments;
  impl->eventInput =
      torch::zeros({1, static_cast<int64_t>(model.inputSize)}, torch::kFloat);
}

TorchBaseline::TorchBaseline(const TransformerModel &model, size_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  impl->inputSize = model.inputSize;
  impl->outputSize = model.outputSize;
  impl->maxBatch = maxBatch;
  impl->hits = static_cast<int64_t>(model.hits);
  impl->hitFeatures = static_cast<int64_t>(model.features);
  impl->width = static_cast<int64_t>(model.width);
  impl->heads = static_cast<int64_t>(model.heads);
  impl->preNorm = model.preNorm;
  impl->poolMax = model.poolMax;
  torch::NoGradGuard noGrad;
  auto linear = [](const DenseWeights &d) {
    torch::nn::Linear l(torch::nn::LinearOptions(static_cast<int64_t>(d.in),
                                                 static_cast<int64_t>(d.out)));
    load(l->weight, d.weight);
    load(l->bias, d.bias);
    l->eval();
    return l;
  };
  auto norm = [&](const std::vector<float> &scale,
                  const std::vector<float> &shift) {
    torch::nn::LayerNorm n(
        torch::nn::LayerNormOptions({impl->width}).eps(model.epsilon));
    load(n->weight, scale);
    load(n->bias, shift);
    n->eval();
    return n;
  };
  impl->embed = linear(model.embed);
  for (const EncoderWeights &l : model.layers) {
    Impl::Encoder e;
    e.qkv = linear(l.qkv);
    e.projection = linear(l.projection);
    e.ff1 = linear(l.ff1);
    e.ff2 = linear(l.ff2);
    e.norm1 = norm(l.norm1Scale, l.norm1Shift);
    e.norm2 = norm(l.norm2Scale, l.norm2Shift);
    impl->encoders.push_back(std::move(e));
  }
  for (const DenseWeights &d : model.head)
    impl->headLayers.push_back(linear(d));
  impl->headActivations = model.headActivations;
  impl->eventInput =
      torch::zeros({1, static_cast<int64_t>(model.inputSize)}, torch::kFloat);
}

TorchBaseline::TorchBaseline(const LayerChain &chain, size_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  impl->inputSize = chain.inputSize;
  impl->outputSize = chain.outputSize;
  impl->maxBatch = maxBatch;
  torch::NoGradGuard noGrad;
  for (const ChainStep &s : chain.steps) {
    Impl::Step step(s.kind);
    step.factor = s.factor;
    if (s.kind == ChainStep::Kind::Linear) {
      auto k = static_cast<int64_t>(s.inSize);
      auto n = static_cast<int64_t>(s.outSize);
      step.linear = torch::nn::Linear(torch::nn::LinearOptions(k, n));
      step.linear->weight.copy_(
          torch::from_blob(const_cast<float *>(s.weight.data()), {n, k}));
      step.linear->bias.copy_(
          torch::from_blob(const_cast<float *>(s.bias.data()), {n}));
      step.linear->eval();
    }
    impl->steps.push_back(std::move(step));
  }
  impl->eventInput =
      torch::zeros({1, static_cast<int64_t>(chain.inputSize)}, torch::kFloat);
}

TorchBaseline::TorchBaseline(const ConvModel &model, size_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  impl->inputSize = model.inputSize;
  impl->outputSize = model.outputSize;
  impl->maxBatch = maxBatch;
  impl->mapChannels = static_cast<int64_t>(model.channels);
  impl->mapHeight = static_cast<int64_t>(model.height);
  impl->mapWidth = static_cast<int64_t>(model.width);
  torch::NoGradGuard noGrad;
  auto pair = [](const size_t(&v)[2]) {
    return torch::ExpandingArray<2>(
        {static_cast<int64_t>(v[0]), static_cast<int64_t>(v[1])});
  };
  for (const ConvStep &s : model.steps) {
    Impl::ConvLayer layer(s.kind);
    auto in = static_cast<int64_t>(s.inChannels);
    auto out = static_cast<int64_t>(s.outChannels);
    switch (s.kind) {
    case ConvStep::Kind::Conv:
      layer.conv =
          torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, pair(s.kernel))
                                .stride(pair(s.stride))
                                .padding(pair(s.padding))
                                .dilation(pair(s.dilation)));
      load(layer.conv->weight, s.weight);
      load(layer.conv->bias, s.bias);
      layer.conv->eval();
      break;
    case ConvStep::Kind::Norm:
      layer.norm = torch::nn::BatchNorm2d(
          torch::nn::BatchNorm2dOptions(out).eps(s.epsilon));
      load(layer.norm->weight, s.weight);
      load(layer.norm->bias, s.bias);
      load(layer.norm->running_mean, s.normMean);
      load(layer.norm->running_var, s.normVar);
      layer.norm->eval();
      break;
    case ConvStep::Kind::MaxPool:
      layer.maxPool = torch::nn::MaxPool2d(
          torch::nn::MaxPool2dOptions(pair(s.kernel)).stride(pair(s.stride)));
      break;
    case ConvStep::Kind::AvgPool:
      layer.avgPool = torch::nn::AvgPool2d(
          torch::nn::AvgPool2dOptions(pair(s.kernel)).stride(pair(s.stride)));
      break;
    case ConvStep::Kind::Linear:
      layer.linear = torch::nn::Linear(torch::nn::LinearOptions(in, out));
      load(layer.linear->weight, s.weight);
      load(layer.linear->bias, s.bias);
      layer.linear->eval();
      break;
    default:
      break;
    }
    impl->convSteps.push_back(std::move(layer));
  }
  impl->eventInput =
      torch::zeros({1, static_cast<int64_t>(model.inputSize)}, torch::kFloat);
}

TorchBaseline::TorchBaseline(const GraphModel &model, size_t maxBatch)
    : impl(std::make_unique<Impl>()) {
  impl->inputSize = model.inputSize;
  impl->outputSize = model.outputSize;
  impl->maxBatch = maxBatch;
  impl->nodes = static_cast<int64_t>(model.nodes);
  impl->nodeFeatures = static_cast<int64_t>(model.features);
  impl->edges = static_cast<int64_t>(model.edges);
  try {
    impl->script = torch::jit::load(model.scriptPath);
  } catch (const c10::Error &e) {
    throw std::runtime_error(
        model.scriptPath +
        ": cannot load the TorchScript module: " + e.what_without_backtrace());
  }
  impl->script->eval();
  impl->eventInput =
      torch::zeros({1, static_cast<int64_t>(model.inputSize)}, torch::kFloat);
}

TorchBaseline::~TorchBaseline() = default;

bool TorchBaseline::hasDouble() const { return impl->script.has_value(); }

void TorchBaseline::runDouble(const float *in, double *out, size_t n) {
  c10::InferenceMode inference;
  if (!impl->wide) {
    impl->wide = impl->script->clone();
    impl->wide->to(torch::kDouble);
    // Weights kept as lists of tensors (not parameters) convert too.
    for (const auto &attribute :
         impl->wide->named_attributes(/*recurse=*/false)) {
      if (!attribute.value.isTensorList())
        continue;
      c10::List<at::Tensor> converted;
      for (const at::Tensor &t : attribute.value.toTensorList())
        converted.push_back(t.to(torch::kDouble));
      impl->wide->setattr(attribute.name, converted);
    }
  }
  torch::Tensor x = torch::from_blob(const_cast<float *>(in),
                                     {static_cast<int64_t>(n),
                                      static_cast<int64_t>(impl->inputSize)},
                                     torch::kFloat)
                        .to(torch::kDouble);
  torch::Tensor y = impl->forwardGraph(x, *impl->wide).contiguous();
  std::memcpy(out, y.data_ptr<double>(), n * impl->outputSize * sizeof(double));
}

void TorchBaseline::runEvent(const float *in, float *out) {
  c10::InferenceMode inference;
  std::memcpy(impl->eventInput.data_ptr<float>(), in,
              impl->inputSize * sizeof(float));
  torch::Tensor y = impl->run(impl->eventInput).contiguous();
  std::memcpy(out, y.data_ptr<float>(), impl->outputSize * sizeof(float));
}

void TorchBaseline::runBatch(const float *in, float *out, size_t n) {
  c10::InferenceMode inference;
  torch::Tensor x = torch::from_blob(
      const_cast<float *>(in),
      {static_cast<int64_t>(n), static_cast<int64_t>(impl->inputSize)});
  torch::Tensor y = impl->run(x).contiguous();
  std::memcpy(out, y.data_ptr<float>(), n * impl->outputSize * sizeof(float));
}

void TorchBaseline::useOneThread() {
  torch::set_num_threads(1);
  at::set_num_interop_threads(1);
}

std::string TorchBaseline::configuration() {
  std::ostringstream os;
  os << "LibTorch " << TORCH_VERSION << ", intra-op threads "
     << at::get_num_threads() << ", inter-op threads "
     << at::get_num_interop_threads();
  // The build settings that decide which code runs a float Linear layer.
  std::istringstream config(at::show_config());
  std::string line;
  while (std::getline(config, line)) {
    for (const char *key : {"BLAS_INFO=", "USE_MKLDNN=", "CPU capability"}) {
      size_t at = line.find(key);
      if (at == std::string::npos)
        continue;
      std::string setting = line.substr(at);
      setting = setting.substr(0, setting.find(','));
      os << ", " << setting;
    }
  }
  return os.str();
}
