//===- Model.h - a trained model, framework-free ----------------*- C++ -*-===//
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

/// One layer of a multilayer perceptron or a convolutional network in
/// inference form.
struct LayerSpec {
  enum class Kind {
    Dense,
    BatchNorm,
    Act,
    Conv,
    Pool,
    Recurrent,
    StepHead,
    HitEmbed,
    Encoder,
    HitPool
  };
  Kind kind = Kind::Dense;
  /// Conv: `outputs` filters over `inputs` channels and `rank` spatial
  /// dimensions, weight [outputs, inputs, kernel, ...] row-major, bias
  /// [outputs]; the same kernel, stride and zero padding in every
  /// dimension. Pool: a window of `kernel` with stride `kernel`, max or
  /// average. BatchNorm after a Conv normalizes its channels.
  int rank = 0, kernel = 0, stride = 1, padding = 0;
  bool poolMax = true;
  /// Dense: y = x W^T + b with W of shape [outputs, inputs], row-major.
  int inputs = 0, outputs = 0;
  std::vector<float> weight, bias;
  /// BatchNorm over `outputs` features: (x - mean) / sqrt(var + eps) *
  /// scale + shift.
  std::vector<float> scale, shift, mean, variance;
  float epsilon = 1e-5f;
  /// Act: the activation.
  Activation activation = Activation::None;
  /// Recurrent: a GRU (linear_before_reset, as PyTorch's) or an LSTM layer
  /// from `inputs` features to `outputs` hidden units over every step, in
  /// ONNX's layout: `weight` W [gates * outputs, inputs] and `recurrence`
  /// R [gates * outputs, outputs] with the gates in ONNX's order (z, r, h;
  /// i, o, f, c), `bias` [Wb, Rb] of 2 * gates * outputs.
  bool lstm = false;
  std::vector<float> recurrence;
  /// StepHead: a dense layer applied to every step (weight [outputs,
  /// inputs], bias), the last one; with `ellipse` its 4 outputs are a
  /// centre and two radii, through softplus.
  bool ellipse = false;
  /// HitEmbed: a dense layer (weight [outputs, inputs], bias) applied to
  /// every hit's features but the last, its mask. Encoder: one transformer
  /// layer of width `outputs` with `heads` heads: `weight` [3 * width,
  /// width] and `bias` project to queries, keys and values; `projection`
  /// and `projectionBias` the attention output; `ff1`/`ff1Bias` [ffUnits,
  /// width] and `ff2`/`ff2Bias` [width, ffUnits] the GELU feed-forward
  /// network; `scale`/`shift` and `scale2`/`shift2` the two layer norms
  /// (`epsilon`), after the residual sums or (`preNorm`) before the blocks.
  /// HitPool: the masked mean (or with `poolMax` maximum) over the hits.
  int heads = 1, ffUnits = 0;
  bool preNorm = false;
  std::vector<float> projection, projectionBias, ff1, ff1Bias, ff2, ff2Bias,
      scale2, shift2;
};

/// A graph network's layers: each network a list of Dense and Act layers
/// applied over the last axis. The ONNX inputs are `nodes` [events, nodes,
/// features] and either `edges` (int64 [events, 2, edges]: source and
/// target node of each edge, padded edges pointing past the nodes) or
/// `r_in` and `r_out` (0/1 [events, nodes, edges]: the edge's target and
/// source node); the output `scores` [events, edges] is the classifier's
/// sigmoid. Per iteration: e += edgeNet(h[source], h[target], e), m =
/// sum of e into the targets + into the sources, h += nodeNet(h, m).
struct GraphNetwork {
  int nodes = 0, edges = 0, features = 0;
  bool incidence = false;
  std::vector<LayerSpec> nodeEncoder, edgeEncoder, classifier;
  std::vector<std::vector<LayerSpec>> edgeNets, nodeNets;
  bool enabled() const { return nodes > 0; }
};

/// A trained model: inputs [events, inputs] to outputs [events, outputs].
struct MlpModel {
  std::string name = "model";
  std::string inputName = "inputs", outputName = "outputs";
  int inputs = 0, outputs = 0;
  /// The shape each event's `inputs` values take before the first layer,
  /// channels first; empty keeps them flat. Spatial layers (Conv, Pool and
  /// the BatchNorm and Act between them) come first; the first Dense
  /// flattens.
  std::vector<int> inputShape;
  /// A sequence model: `inputShape` is [T, F] (steps, features per step);
  /// a convolutional front convolves the steps, features as channels, and
  /// recurrent layers then a StepHead follow.
  bool sequence = false;
  /// A set of hits: `inputShape` is [N, F], the last feature of each hit its
  /// mask; HitEmbed, Encoder layers and a HitPool come first.
  bool hitSet = false;
  /// A graph network (then `layers` is empty and `inputs` the flat size of
  /// its ONNX inputs).
  GraphNetwork graph;
  std::vector<LayerSpec> layers;
  /// Free-form notes stored as ONNX metadata (e.g. the configuration).
  std::vector<std::pair<std::string, std::string>> metadata;
};

/// The ONNX bytes of `model` (opset 13, 17 with layer norms or a graph
/// network; a symbolic
/// batch dimension "events"),
/// checked with onnx::checker. Returns false with a message on failure.
bool serializeOnnx(const MlpModel &model, std::string &bytes,
                   std::string &error);

/// Writes serializeOnnx's bytes to `path`.
bool writeOnnx(const MlpModel &model, const std::string &path,
               std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_MODEL_H
