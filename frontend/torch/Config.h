//===- Config.h - training configurations from TOML -------------*- C++ -*-===//
//
// A training file holds named configurations. One may extend another
// (`extends = "base"`), inheriting every key it does not set; a sub-table
// `expert_N` of a configuration overrides hyperparameters for expert N only.
// Loading resolves the inheritance chain, checks every key and value, and
// reports the first problem as `file:line:column: message`.
//
// This header and its implementation do not depend on LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_CONFIG_H
#define ARIADNE_FRONTEND_TORCH_CONFIG_H

#include "frontend/torch/FakeQuant.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ariadne::train {

/// The nonlinearity after a layer.
enum class Activation { None, Tanh, TanhHalf, Softsign, Relu, Sigmoid };
/// The training loss. TrackNet is TrackNETv2's: per step, the distance of
/// the true next hit (two target columns) from the predicted ellipse's
/// centre in units of its radii, plus `ellipse_weight` times the product of
/// the radii. BCE is binary cross-entropy of a sigmoid output with the
/// positive class weighted by `pos_weight` (targets 0 or 1); the model
/// trains on the logits and the export ends with the sigmoid.
enum class Loss { MSE, L1, Huber, TrackNet, BCE };
/// The optimizer.
enum class Optimizer { Adam, SGD };
/// How the learning rate changes over the epochs.
enum class LrSchedule { Constant, Step, Exponential, Cosine };

/// The config-file spelling of each enumerator.
const char *activationName(Activation activation);
const char *lossName(Loss loss);
const char *optimizerName(Optimizer optimizer);
const char *scheduleName(LrSchedule schedule);

/// One step of the column transforms, applied in file order.
struct TransformSpec {
  /// "standard", "minmax", "cyl_to_cart" or "cart_to_cyl".
  std::string kind;
  /// The columns it acts on: any number for the scalings (shell patterns
  /// allowed), exactly two for the coordinate changes (r, phi) or (x, y).
  std::vector<std::string> columns;
  /// minmax: the input range; fitted on the data where not given.
  std::optional<double> min, max;
  /// minmax: the output range.
  double low = -1.0, high = 1.0;
};

/// A selection of events; filters compose with all/any/not.
struct FilterSpec {
  enum class Kind { Range, First, All, Any, Not };
  Kind kind = Kind::Range;
  /// Range: min <= column <= max (either bound may be absent).
  std::string column;
  std::optional<double> min, max;
  /// First: keep the first n events that reach this filter.
  uint64_t count = 0;
  /// All, Any, Not: the filters combined.
  std::vector<FilterSpec> children;
};

/// Resampling of the training events so that a column follows a normal
/// distribution in `buckets` equal-width buckets between min and max.
struct ReweightSpec {
  bool enabled = false;
  std::string column;
  double mean = 0.0, std = 1.0;
  int buckets = 10;
  double min = -1.0, max = 1.0;
  /// With infinite outer bounds the first and last buckets extend to
  /// -infinity and +infinity; otherwise events outside [min, max] are
  /// dropped.
  bool infiniteOuter = false;
  /// The number of events after resampling; 0 keeps the count.
  uint64_t events = 0;
};

/// One layer of the convolutional front (`conv = [{ ... }, ...]`): a
/// convolution over every spatial dimension of `input_shape` with the same
/// kernel, stride and zero padding in each, then (with `batch_norm`) batch
/// normalization, the activation, and optional pooling.
struct ConvSpec {
  int channels = 8;
  int kernel = 3;
  int stride = 1;
  int padding = 0;
  /// The pooling window (and stride) after the activation; 0 for none.
  int pool = 0;
  /// Max pooling, or average pooling.
  bool poolMax = true;
};

/// The recurrent layers of a sequence model (`recurrent = { cell = "gru",
/// hidden = 32, layers = 2 }`): the inputs are `input_shape` [T, F], T
/// steps of F features; an optional convolutional front convolves along
/// the steps with the features as channels; the recurrent layers read
/// every step, and a head per step (a dense layer) writes the step's
/// targets, or with the TrackNet loss an ellipse (centre, and radii
/// through softplus).
struct RecurrentSpec {
  /// "none", "gru" or "lstm".
  std::string cell = "none";
  int hidden = 32;
  int layers = 1;
  bool enabled() const { return cell != "none"; }
};

/// A transformer encoder over a set of hits (`transformer = { width = 16,
/// heads = 2, layers = 1, ff = 32, norm = "post", pooling = "mean" }`):
/// the inputs are `input_shape` [N, F], N hits of F features of which the
/// last is a mask, 1 for a hit and 0 for padding; padded hits receive no
/// attention and take no part in the pooling. A dense layer embeds each
/// hit's other F - 1 features into `width`; each encoder layer is
/// multi-head self-attention and a feed-forward network of `ff` GELU units,
/// each added to its input with a layer norm after the sum ("post") or
/// before the block ("pre"); the masked mean or maximum over the hits then
/// feeds the dense layers of `hidden` and the outputs.
struct TransformerSpec {
  /// The model width; 0 for no transformer.
  int width = 0;
  int heads = 1;
  int layers = 1;
  /// Feed-forward units; 0 for twice the width.
  int ff = 0;
  /// "post" or "pre".
  std::string norm = "post";
  /// "mean" or "max".
  std::string pooling = "mean";
  bool enabled() const { return width > 0; }
  int ffUnits() const { return ff > 0 ? ff : 2 * width; }
};

/// A graph network that classifies the edges of each event's graph
/// (`graph = { max_nodes = 48, max_edges = 96, iterations = 2, style =
/// "interaction" }`). The nodes are the rows of the events file (`inputs`
/// are their features), the candidate edges the rows of the global
/// `edges` file (columns `event`, `source`, `target` and the `targets`
/// label); both are padded to the capacities, padded edges pointing past
/// the last node. Node and edge encoders, `iterations` rounds of message
/// passing (an edge network on both end nodes and the edge, its messages
/// summed into both end nodes, a node network; each added to its input),
/// and an edge classifier with a sigmoid: each network is dense layers of
/// the `hidden` widths with the activation. The interaction style gathers
/// nodes at an int64 edge index and scatter-adds messages; the incidence
/// style (GraphNet) multiplies by 0/1 incidence matrices R_in and R_out
/// [nodes, edges], the same function.
struct GraphSpec {
  /// Node capacity; 0 for no graph network.
  int maxNodes = 0;
  int maxEdges = 0;
  int iterations = 1;
  /// "interaction" or "incidence".
  std::string style = "interaction";
  bool enabled() const { return maxNodes > 0; }
  bool incidence() const { return style == "incidence"; }
};

/// The positions of a convolution with `kernel`, `stride` and zero
/// `padding` on both sides along a dimension of `size`; 0 when the kernel
/// does not fit. The one rule of the configuration check, the trainer's
/// model and the ONNX writer.
inline int convolvedSize(int size, int kernel, int stride, int padding) {
  int room = size + 2 * padding - kernel;
  return room < 0 ? 0 : room / stride + 1;
}

/// The hyperparameters; each can differ per expert.
struct Hyperparameters {
  /// The convolutional front, before the dense layers (needs
  /// `input_shape`); empty for a multilayer perceptron.
  std::vector<ConvSpec> conv;
  RecurrentSpec recurrent;
  TransformerSpec transformer;
  GraphSpec graph;
  std::vector<int> hidden = {81};
  Activation activation = Activation::TanhHalf;
  Activation outputActivation = Activation::None;
  bool batchNorm = false;
  Loss loss = Loss::MSE;
  double huberDelta = 1.0;
  /// The TrackNet loss's weight of the ellipse area term.
  double ellipseWeight = 0.5;
  /// The BCE loss's weight of the positive class.
  double posWeight = 1.0;
  Optimizer optimizer = Optimizer::Adam;
  double learningRate = 1e-3;
  double weightDecay = 0.0;
  double momentum = 0.0;
  LrSchedule schedule = LrSchedule::Constant;
  int lrStep = 10;
  double lrGamma = 0.5;
  int batchSize = 64;
  int epochs = 20;
  /// Stop after this many epochs without a better validation loss; 0 never.
  int earlyStopping = 0;
  uint64_t seed = 1;
  double validationSplit = 0.2;
  /// Quantization-aware training: the fixed-point type of weights, biases
  /// and activations, or none.
  std::optional<FixedFormat> qat;
  ReweightSpec reweight;
};

/// One resolved configuration.
struct TrainConfig {
  /// The configuration's name and the file it came from.
  std::string name, path;
  /// The events file (resolved against the config file's folder).
  std::string data;
  /// A graph network's candidate edges (resolved the same way).
  std::string edges;
  /// Column names of the model inputs and targets (shell patterns such as
  /// `sl*_wire` match several columns, in file order).
  std::vector<std::string> inputs, targets;
  /// The shape of one event's inputs, channels first ([C, L] or [C, H, W]),
  /// that the input columns fill in C order; empty for a flat vector. The
  /// convolutional front needs it. With recurrent layers it is [T, F]:
  /// steps, then the features of a step; with a transformer [N, F]: hits,
  /// then the features of a hit, the last one its mask.
  std::vector<int> inputShape;
  /// The column holding each event's expert id; empty for a single expert 0.
  std::string expertColumn;
  /// The experts to train; empty trains every id found in the data.
  std::vector<int> experts;
  std::vector<TransformSpec> transforms;
  std::vector<FilterSpec> filters;
  Hyperparameters defaults;
  std::map<int, Hyperparameters> perExpert;

  /// The hyperparameters of `expert`.
  const Hyperparameters &forExpert(int expert) const;
  /// The fully resolved configuration as TOML (every key explicit), which
  /// loads back to the same configuration.
  std::string toToml() const;
};

/// The names of the configurations in `path`, in file order.
bool listConfigs(const std::string &path, std::vector<std::string> &names,
                 std::string &error);

/// Loads configuration `name` of `path` (the only one where `name` is
/// empty). Returns false with a located message on any problem.
bool loadConfig(const std::string &path, const std::string &name,
                TrainConfig &config, std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_CONFIG_H
