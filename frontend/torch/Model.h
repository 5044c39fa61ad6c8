//===- Model.h - a trained multilayer perceptron, framework-free -*- C++
//-*-===//
//
// The trainer hands its result to the ONNX writer in this form, so that the
// writer (and its tests) need no LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_MODEL_H
#define ARIADNE_FRONTEND_TORCH_MODEL_H

#include "frontend/torch/Config.h"

#include <string>
#include <vector>

namespace ariadne::train {

/// One layer of a multilayer perceptron in inference form.
struct LayerSpec {
  enum class Kind { Dense, BatchNorm, Act };
  Kind kind = Kind::Dense;
  /// Dense: y = x W^T + b with W of shape [outputs, inputs], row-major.
  int inputs = 0, outputs = 0;
  std::vector<float> weight, bias;
  /// BatchNorm over `outputs` features: (x - mean) / sqrt(var + eps) *
  /// scale + shift.
  std::vector<float> scale, shift, mean, variance;
  float epsilon = 1e-5f;
  /// Act: the activation.
  Activation activation = Activation::None;
};

/// A trained model: inputs [events, inputs] to outputs [events, outputs].
struct MlpModel {
  std::string name = "model";
  std::string inputName = "inputs", outputName = "outputs";
  int inputs = 0, outputs = 0;
  std::vector<LayerSpec> layers;
  /// Free-form notes stored as ONNX metadata (e.g. the configuration).
  std::vector<std::pair<std::string, std::string>> metadata;
};

/// The ONNX bytes of `model` (opset 13, a symbolic batch dimension "events"),
/// checked with onnx::checker. Returns false with a message on failure.
bool serializeOnnx(const MlpModel &model, std::string &bytes,
                   std::string &error);

/// Writes serializeOnnx's bytes to `path`.
bool writeOnnx(const MlpModel &model, const std::string &path,
               std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_MODEL_H
