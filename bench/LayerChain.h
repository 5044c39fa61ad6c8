//===- LayerChain.h - an ONNX MLP read as a chain of layers -----*- C++ -*-===//
//
// The LibTorch baseline must run the very weights ariadnec compiled, so the
// benchmark reads them from the same ONNX file. Only the chain-shaped MLPs
// PyTorch exports are accepted: Gemm (or MatMul + Add), scalar Mul/Div,
// Tanh, Sigmoid, Relu and a last-axis Softmax, each feeding the next.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_LAYERCHAIN_H
#define ARIADNE_BENCH_LAYERCHAIN_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne::bench {

struct ChainStep {
  enum class Kind { Linear, Scale, Tanh, Sigmoid, Relu, Softmax };
  explicit ChainStep(Kind kind) : kind(kind) {}

  Kind kind;
  /// Linear: y = W x + b with W stored [outSize][inSize] row-major, the
  /// layout of torch::nn::Linear's weight.
  size_t inSize = 0;
  size_t outSize = 0;
  std::vector<float> weight;
  std::vector<float> bias;
  /// Scale: y = factor * x.
  float factor = 1.0f;
};

struct LayerChain {
  std::string path;
  size_t inputSize = 0;
  size_t outputSize = 0;
  std::vector<ChainStep> steps;

  /// Multiply-adds of the Linear layers for one event; the FLOP count used
  /// for the fraction of peak is twice this (activations are not counted).
  size_t multiplyAdds() const;
  /// One line such as "27-81-2, tanh".
  std::string describe() const;
};

/// Reads `path`. Throws std::runtime_error with a one-line message naming the
/// file, the node and the reason when the graph is not such a chain.
LayerChain readLayerChain(const std::string &path);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_LAYERCHAIN_H
