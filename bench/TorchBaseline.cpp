//===- TorchBaseline.cpp - the LibTorch side of the benchmark -------------===//
//
// The one translation unit that includes <torch/torch.h>.
//
//===----------------------------------------------------------------------===//
#include "bench/TorchBaseline.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/torch.h>

#include <cstring>
#include <sstream>

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

  torch::Tensor forward(torch::Tensor x);
};

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

TorchBaseline::~TorchBaseline() = default;

void TorchBaseline::runEvent(const float *in, float *out) {
  c10::InferenceMode inference;
  std::memcpy(impl->eventInput.data_ptr<float>(), in,
              impl->inputSize * sizeof(float));
  torch::Tensor y = impl->forward(impl->eventInput).contiguous();
  std::memcpy(out, y.data_ptr<float>(), impl->outputSize * sizeof(float));
}

void TorchBaseline::runBatch(const float *in, float *out, size_t n) {
  c10::InferenceMode inference;
  torch::Tensor x = torch::from_blob(
      const_cast<float *>(in),
      {static_cast<int64_t>(n), static_cast<int64_t>(impl->inputSize)});
  torch::Tensor y = impl->forward(x).contiguous();
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
