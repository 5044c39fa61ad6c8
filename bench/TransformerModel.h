//===- TransformerModel.h - a hit-set transformer from ONNX -----*- C++ -*-===//
//
// The benchmark's reader for the transformer encoders `ariadnec train`
// writes (frontend/torch/OnnxWriter.cpp), beside LayerChain.h for MLPs and
// RecurrentModel.h for GRU trackers:
//
//   [N, H*F] -> view [N, H, F] -> mask = last feature -> Linear(F-1, W)
//   -> L x (multi-head self-attention with (mask - 1) * 10000 added to the
//      scores, GELU feed-forward network, each with a residual sum and a
//      LayerNorm after it, or before the block)
//   -> masked mean (or max) over the hits -> Linear, ReLU/Tanh, ... -> [N, O]
//
// The parameters are found by the writer's initializer names. The LibTorch
// baseline builds torch::nn::Linear and LayerNorm modules from them and
// runs the trainer's forward pass.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_TRANSFORMERMODEL_H
#define ARIADNE_BENCH_TRANSFORMERMODEL_H

#include <cstddef>
#include <string>
#include <vector>

namespace ariadne::bench {

/// A dense layer [out][in] row-major, as PyTorch's Linear.
struct DenseWeights {
  size_t in = 0, out = 0;
  std::vector<float> weight, bias;
};

struct EncoderWeights {
  DenseWeights qkv, projection, ff1, ff2;
  std::vector<float> norm1Scale, norm1Shift, norm2Scale, norm2Shift;
};

struct TransformerModel {
  std::string path;
  size_t hits = 0;     // H
  size_t features = 0; // F, the mask included
  size_t width = 0, heads = 1;
  bool preNorm = false, poolMax = false;
  float epsilon = 1e-5f;
  size_t inputSize = 0, outputSize = 0;
  DenseWeights embed;
  std::vector<EncoderWeights> layers;
  /// The head after the pooling: dense layers, each followed by its
  /// activation ("relu", "tanh" or "" for none).
  std::vector<DenseWeights> head;
  std::vector<std::string> headActivations;

  /// Multiply-adds per event of the dense layers over every hit, the
  /// attention's score and weighted-sum products, and the head.
  size_t multiplyAdds() const;
  /// One line such as "16x4 W16 2h 2L ff32 mean 16".
  std::string describe() const;
};

/// Whether the graph at `path` holds a LayerNormalization and a Split: a
/// transformer written by `ariadnec train`.
bool hasTransformer(const std::string &path);

/// Reads `path`. Throws std::runtime_error with a one-line message naming
/// the file and what is missing when it is not such a model.
TransformerModel readTransformerModel(const std::string &path);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_TRANSFORMERMODEL_H
