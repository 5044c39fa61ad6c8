//===- RecurrentModel.h - a TrackNETv2-style GRU model from ONNX -*- C++
//-*-===//
//
// The benchmark's reader for recurrent models, beside LayerChain.h for MLPs:
// the graph PyTorch exports for a TrackNETv2-style track follower,
//
//   [N, T*F] -> view [N, T, F] -> Conv1d(F, C, kernel 1) over the steps
//   -> BatchNorm1d(C) (eval) -> ReLU -> GRU(C, H, layers L, batch_first)
//   -> Linear(H, O) on every step -> softplus on some columns -> [N, T*O]
//
// (Conv1d, batch norm and ReLU are each optional; the softplus columns are
// any contiguous ranges of the head's output.) The LibTorch baseline builds
// torch::nn::Conv1d, BatchNorm1d, GRU and Linear modules from it.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_RECURRENTMODEL_H
#define ARIADNE_BENCH_RECURRENTMODEL_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne::bench {

/// One GRU layer in PyTorch's layout: gate blocks r, z, n (ONNX stores
/// z, r, h), weightIh [3 hidden][inSize] and weightHh [3 hidden][hidden]
/// row-major, the two biases apart (ONNX's B is [Wb, Rb]). The reset gate
/// applies after the recurrent product (ONNX linear_before_reset=1), as in
/// PyTorch.
struct GruLayer {
  size_t inSize = 0;
  size_t hidden = 0;
  std::vector<float> weightIh, weightHh, biasIh, biasHh;
};

/// Columns [begin, end) of the head's output, through softplus or as they
/// are; the segments cover the head's output in order.
struct HeadSegment {
  size_t begin = 0, end = 0;
  bool softplus = false;
};

struct RecurrentModel {
  std::string path;
  size_t steps = 0;      // T
  size_t features = 0;   // F, per step
  size_t inputSize = 0;  // T * F
  size_t outputSize = 0; // T * headSize

  /// Pointwise Conv1d(features, channels, kernel_size=1): convWeight is
  /// [channels][features] row-major. channels == 0: no convolution.
  size_t channels = 0;
  std::vector<float> convWeight, convBias;
  /// Eval-mode BatchNorm1d(channels) after the convolution.
  bool batchNorm = false;
  std::vector<float> normWeight, normBias, normMean, normVar;
  float normEpsilon = 1e-5f;
  /// ReLU after the convolution (and batch norm).
  bool frontRelu = false;

  /// Stacked, unidirectional, zero initial state; every layer has the same
  /// hidden size (one torch::nn::GRU with num_layers = gru.size()).
  std::vector<GruLayer> gru;

  /// Linear(hidden, headSize) on every step: headWeight [headSize][hidden].
  size_t headSize = 0;
  std::vector<float> headWeight, headBias;
  std::vector<HeadSegment> headSegments;

  /// Multiply-adds of the convolution, the GRU's input and recurrent
  /// products and the head, over the T steps of one event (batch norm,
  /// gates and activations are not counted).
  size_t multiplyAdds() const;
  /// One line such as "7x3 conv32 bn 2xGRU32 4/step".
  std::string describe() const;
};

/// Whether the graph at `path` holds a GRU node: the benchmark reads such a
/// model with readRecurrentModel and any other with readLayerChain.
bool hasRecurrentLayer(const std::string &path);

/// Reads `path`. Throws std::runtime_error with a one-line message naming the
/// file, the node and the reason when the graph is not such a model.
RecurrentModel readRecurrentModel(const std::string &path);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_RECURRENTMODEL_H
