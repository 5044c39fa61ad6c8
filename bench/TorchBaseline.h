//===- TorchBaseline.h - the LibTorch side of the benchmark -----*- C++ -*-===//
//
// A LayerChain, RecurrentModel, TransformerModel or ConvModel run with
// LibTorch's C++ API the way a user would deploy it: torch::nn modules
// (Linear; Conv1d, BatchNorm1d, GRU; Conv2d, BatchNorm2d, MaxPool2d,
// AvgPool2d) holding the ONNX weights, inference mode, one thread; a
// GraphModel as its TorchScript module (torch::jit::load). The header keeps
// <torch/torch.h> out of the harness, whose translation units would otherwise
// take ~25 s each to compile.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_TORCHBASELINE_H
#define ARIADNE_BENCH_TORCHBASELINE_H

#include "bench/ConvModel.h"
#include "bench/GraphModel.h"
#include "bench/LayerChain.h"
#include "bench/RecurrentModel.h"
#include "bench/TransformerModel.h"

#include <memory>
#include <string>

namespace ariadne::bench {

class TorchBaseline {
public:
  /// Builds the layers of `chain`; batches of up to `maxBatch` events.
  TorchBaseline(const LayerChain &chain, size_t maxBatch);
  /// Builds Conv1d, BatchNorm1d (eval), GRU (batch_first) and Linear
  /// modules for `model`.
  TorchBaseline(const RecurrentModel &model, size_t maxBatch);
  /// Builds Linear and LayerNorm modules for `model` and runs the
  /// trainer's forward pass (attention written with matmul and softmax).
  TorchBaseline(const TransformerModel &model, size_t maxBatch);
  /// Builds Conv2d, BatchNorm2d (eval), MaxPool2d, AvgPool2d and Linear
  /// modules for `model`; activations run in place.
  TorchBaseline(const ConvModel &model, size_t maxBatch);
  /// Loads `model`'s TorchScript module (eval); its events are split into
  /// the node features and the edge index (as int64) for each call.
  TorchBaseline(const GraphModel &model, size_t maxBatch);
  ~TorchBaseline();
  TorchBaseline(const TorchBaseline &) = delete;
  TorchBaseline &operator=(const TorchBaseline &) = delete;

  /// One event: copied into a preallocated [1, inputSize] tensor, the result
  /// copied to `out`.
  void runEvent(const float *in, float *out);
  /// `n` events (n <= maxBatch), row-major, wrapped without a copy.
  void runBatch(const float *in, float *out, size_t n);
  /// Whether runDouble can run this model (a TorchScript graph network).
  bool hasDouble() const;
  /// `n` events through a float64 copy of the model: the reference against
  /// which both sides' float rounding is measured.
  void runDouble(const float *in, double *out, size_t n);

  /// Sets LibTorch's intra- and inter-op threads to one.
  static void useOneThread();
  /// LibTorch's version, thread counts and the BLAS it was built against.
  static std::string configuration();

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_TORCHBASELINE_H
