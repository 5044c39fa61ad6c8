//===- ConvModel.h - a convolutional network from ONNX ----------*- C++ -*-===//
//
// The benchmark's reader for the two-dimensional CNNs `ariadnec train`
// writes (examples/calo_cnn), beside LayerChain.h for MLPs:
//
//   [N, C*H*W] -> Reshape [N, C, H, W]
//   -> Conv (zero padding, one group), BatchNormalization (eval), Relu,
//      Tanh, Sigmoid, MaxPool, AveragePool (no padding), in any order
//   -> Flatten -> Gemm, Relu, Tanh, Sigmoid, ... -> [N, O]
//
// each node feeding the next. The LibTorch baseline builds
// torch::nn::Conv2d, BatchNorm2d, MaxPool2d, AvgPool2d and Linear modules
// from it.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_CONVMODEL_H
#define ARIADNE_BENCH_CONVMODEL_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne::bench {

struct ConvStep {
  enum class Kind {
    Conv,
    Norm,
    Relu,
    Tanh,
    Sigmoid,
    MaxPool,
    AvgPool,
    Flatten,
    Linear
  };
  explicit ConvStep(Kind kind) : kind(kind) {}

  Kind kind;
  /// Conv: weight [outChannels][inChannels][kernel[0]][kernel[1]] as
  /// torch::nn::Conv2d holds it. Linear: weight [outSize][inSize] as
  /// torch::nn::Linear holds it, inSize in inChannels, outSize in
  /// outChannels.
  size_t inChannels = 0, outChannels = 0;
  std::vector<float> weight, bias;
  /// Conv and pooling windows, per spatial axis (H, W); `padding` zeros on
  /// both sides of an axis (ONNX's pads must be the same at both ends, as
  /// torch::nn::Conv2d's are).
  size_t kernel[2] = {1, 1}, stride[2] = {1, 1}, dilation[2] = {1, 1},
         padding[2] = {0, 0};
  /// Norm: eval-mode batch normalization of the channels.
  std::vector<float> normMean, normVar;
  float epsilon = 1e-5f;
  /// The step's output: channels x height x width (a feature map) or
  /// features x 1 x 1 after Flatten.
  size_t channels = 0, height = 0, width = 0;
};

struct ConvModel {
  std::string path;
  size_t channels = 0, height = 0, width = 0; // the input map
  size_t inputSize = 0, outputSize = 0;
  std::vector<ConvStep> steps;

  /// Multiply-adds per event of the convolutions (every output position x
  /// output channel x input channel x kernel tap, the taps on the zero
  /// padding included) and of the dense layers; batch norm, pooling and
  /// activations are not counted.
  size_t multiplyAdds() const;
  /// One line such as "1x8x8 c8 p2 c16 p2 32-3".
  std::string describe() const;
};

/// Whether the graph at `path` holds a Conv node with a kernel of two
/// spatial axes: the benchmark reads such a model with readConvModel.
bool hasConvolution2d(const std::string &path);

/// Reads `path`. Throws std::runtime_error with a one-line message naming
/// the file, the node and the reason when the graph is not such a model.
ConvModel readConvModel(const std::string &path);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_CONVMODEL_H
