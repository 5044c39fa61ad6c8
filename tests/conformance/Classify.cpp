//===- Classify.cpp - which ONNX conformance tests are in scope -----------===//
//
// The tables here and UNSUPPORTED.md are the same list; keep them in step.
// The operator table holds every operator type of Debian's libonnx-testdata
// (suites node, pytorch-converted, pytorch-operator) outside the supported
// set; `ariadne-conformance --list-ops` prints the operators of the data so
// that a new data release shows what the table misses.
//
//===----------------------------------------------------------------------===//
#include "tests/conformance/Classify.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace ariadne::conformance {

const std::vector<const char *> &supportedOps() {
  static const std::vector<const char *> ops = {
      "Abs", "Add", "And", "AveragePool", "BatchNormalization", "Cast",
      "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "Div",
      "Dropout", "Elu", "Equal", "Erf", "Flatten", "GRU", "Gather",
      "GatherElements", "GatherND", "Gemm", "GlobalAveragePool",
      "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid",
      "HardSwish", "Identity", "LSTM", "LayerNormalization", "LeakyRelu",
      "Less", "LessOrEqual", "MatMul", "MaxPool", "Mul", "Neg", "Not", "Or",
      "PRelu",
      "Pad", "RNN", "ReduceMax", "ReduceMean", "ReduceSum", "Relu", "Reshape",
      "ScatterElements", "ScatterND", "Selu", "Shape", "Sigmoid", "Slice",
      "Softmax", "Softplus", "Softsign", "Split", "Squeeze", "Sub", "Tanh",
      "Tile", "Transpose", "Unsqueeze", "Where", "Xor"};
  return ops;
}

const std::vector<UnsupportedOpGroup> &unsupportedOpGroups() {
  static const std::vector<UnsupportedOpGroup> groups = {
      {"element-wise math",
       {"Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil",
        "Cos", "Cosh", "Exp", "Floor", "Log", "Reciprocal",
        "Round", "Sign", "Sin", "Sinh", "Sqrt", "Tan"}},
      {"other activations",
       {"Celu", "Hardmax", "LogSoftmax", "Shrink", "ThresholdedRelu"}},
      {"element-wise binary and variadic arithmetic",
       {"BitShift", "Max", "Mean", "Min", "Mod", "Pow", "Sum"}},
      {"comparison and logic", {"IsInf", "IsNaN"}},
      {"reductions, scans and search",
       {"ArgMax", "ArgMin", "CumSum", "NonZero", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceMin", "ReduceProd",
        "ReduceSumSquare", "TopK", "Unique"}},
      {"convolution and pooling",
       {"ConvTranspose", "LRN", "MaxUnpool"}},
      {"normalization", {"InstanceNormalization", "MeanVarianceNormalization"}},
      {"indexing, padding, resampling and other data movement",
       {"CastLike", "Compress", "DepthToSpace", "Expand", "EyeLike",
        "OneHot", "Range", "Resize", "ReverseSequence", "Scatter", "Size",
        "SpaceToDepth", "Trilu", "Upsample"}},
      {"linear algebra", {"Det", "Einsum"}},
      {"detection and vision", {"GridSample", "NonMaxSuppression", "RoiAlign"}},
      {"quantization",
       {"ConvInteger", "DequantizeLinear", "DynamicQuantizeLinear",
        "MatMulInteger", "QLinearConv", "QLinearMatMul", "QuantizeLinear"}},
      {"control flow, sequences and optionals",
       {"If", "Loop", "OptionalGetElement", "OptionalHasElement", "Scan",
        "SequenceEmpty", "SequenceInsert", "SequenceLength", "SequenceMap"}},
      {"random numbers", {"Bernoulli", "RandomUniformLike"}},
      {"signal processing",
       {"BlackmanWindow", "DFT", "HammingWindow", "HannWindow",
        "MelWeightMatrix", "STFT"}},
      {"text", {"StringNormalizer", "TfIdfVectorizer"}},
      {"training and losses",
       {"Adagrad", "Adam", "Momentum", "NegativeLogLikelihoodLoss",
        "SoftmaxCrossEntropyLoss"}},
  };
  return groups;
}

const std::vector<FeatureRule> &featureRules() {
  static const std::vector<FeatureRule> rules = {
      {Feature::NonFloatTensor, "non-float32 value",
       "a run-time graph input or a graph output that is not a float32 "
       "tensor (another element type, or a sequence, optional or map), "
       "except an int32, int64 or bool input that only gathers and scatters "
       "read as their `indices`, and comparisons, logical ops, Where and "
       "Cast read, and a bool output (a condition)"},
      {Feature::DynamicShape, "dynamic shape",
       "a run-time graph input without a shape, or with an unknown or "
       "symbolic dimension other than the leading (batch) one"},
      {Feature::EmptyTensor, "empty tensor",
       "a run-time graph input or a graph output with a dimension of size 0"},
      {Feature::NoRuntimeInput, "no run-time input",
       "a graph whose inputs are all initializers, or that has none: an "
       "event would be an empty CSV row"},
      {Feature::ForeignDomain, "operator domain",
       "a node of a domain other than ai.onnx (the empty domain)"},
      {Feature::RuntimeShapeOperand, "run-time shape operand",
       "Reshape `shape`, Slice `starts`/`ends`/`axes`/`steps`, "
       "Squeeze/Unsqueeze `axes`, ConstantOfShape `input`, Pad `pads`, "
       "ReduceMax/ReduceSum/ReduceMean `axes`, Split `split` or Tile "
       "`repeats` given as an input not known at compile time"},
      {Feature::RuntimeGather, "run-time Gather",
       "Gather whose `data` or `indices` is not known at compile time, "
       "unless `indices` is a run-time graph input of int32 or int64 of "
       "rank 1 or more (x[index])"},
      {Feature::IndexOperand, "index operand",
       "GatherElements, ScatterElements, GatherND or ScatterND whose "
       "`indices` is not a run-time graph input of int32 or int64, "
       "ScatterElements or ScatterND with a `reduction` other than none and "
       "add, or GatherND or ScatterND whose index tuples (the last "
       "dimension of `indices`) hold more than one index"},
      {Feature::RuntimeCast, "run-time Cast",
       "Cast of a value not known at compile time to a type other than "
       "float32"},
      {Feature::BatchNormTraining, "BatchNormalization training",
       "BatchNormalization with training_mode=1, with is_test other than 1 "
       "(opset < 7), or with more than one output"},
      {Feature::BatchNormPerActivation, "BatchNormalization spatial=0",
       "BatchNormalization with spatial=0 (opset < 9): per-activation "
       "statistics"},
      {Feature::DropoutTraining, "Dropout training",
       "Dropout with a `training_mode` input other than a constant false "
       "(opset >= 12), or without is_test=1 (opset < 7)"},
      {Feature::DropoutMaskUsed, "Dropout mask",
       "Dropout whose `mask` output is used"},
      {Feature::LegacyBroadcastAxis, "legacy broadcast axis",
       "Add/Sub/Mul/Div/Gemm with the opset < 7 `axis` attribute "
       "(broadcasting aligned at an axis instead of numpy's trailing "
       "alignment)"},
      {Feature::ReshapeAllowZero, "Reshape allowzero",
       "Reshape with allowzero=1"},
      {Feature::NonNumericConstant, "sparse or string constant",
       "Constant holding a sparse tensor or strings"},
      {Feature::LegacyOpVersion, "legacy operator version",
       "Elu or Selu before opset 6 (consumed_inputs), PRelu before opset 7 "
       "(a slope of one value per channel instead of numpy broadcasting), "
       "or Split before opset 2 (split sizes as an input)"},
      {Feature::RuntimeWeights, "run-time weights",
       "Conv whose weight `W` or bias `B`, PRelu whose `slope`, GRU, LSTM "
       "or RNN whose `W`, `R`, `B` or `P`, or LayerNormalization whose "
       "`Scale` or `B` is not known at compile time"},
      {Feature::WindowRank, "more than 3 spatial dimensions",
       "Conv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool or a "
       "non-identity Pad of an input of rank over 5 ([N, C] and more than "
       "3 spatial dimensions)"},
      {Feature::StaticBatch, "static batch",
       "Conv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool or a "
       "non-identity Pad whose input [N, C, ...] has a static N other than "
       "1 (one event must be one sample)"},
      {Feature::MaxPoolIndices, "MaxPool indices",
       "MaxPool whose `Indices` output is used, or with storage_order=1"},
      {Feature::AveragePoolDilations, "AveragePool dilations",
       "AveragePool with dilations other than 1"},
      {Feature::AveragePoolCeil, "AveragePool ceil_mode",
       "AveragePool with ceil_mode=1 whose last window reaches past the "
       "padding (it would average over fewer values)"},
      {Feature::AveragePoolPadding,
       "AveragePool count_include_pad=0 with padding",
       "AveragePool with padding (pads, or auto_pad SAME_UPPER/SAME_LOWER "
       "that pads) and count_include_pad=0: border windows would average "
       "over fewer values"},
      {Feature::PoolCeilPastInput, "pooling ceil_mode window past the input",
       "MaxPool or AveragePool with ceil_mode=1 whose last window starts "
       "past the input and its begin padding: ONNX 1.12 keeps that window, "
       "ariadnec drops it as PyTorch and later ONNX releases do"},
      {Feature::PadNotZeroSpatial,
       "Pad other than zero padding of spatial dimensions",
       "Pad with a padding value other than a constant 0, an `axes` input, "
       "or non-zero pads that use a mode other than constant, pad the batch "
       "or channel dimension of [N, C, ...], or are negative"},
      {Feature::ReduceOverBatch, "reduction over the batch",
       "ReduceMax, ReduceSum or ReduceMean that reduces, or "
       "LayerNormalization that normalizes (axis 0), the leading dimension "
       "of a value whose leading dimension is not static (the event batch)"},
      {Feature::LayerNormStatistics, "LayerNormalization statistics",
       "LayerNormalization whose `Mean` or `InvStdDev` output is used "
       "(training outputs), or with stash_type other than 1 (float32 "
       "statistics)"},
      {Feature::SplitOverBatch, "Split of the batch",
       "Split along the leading dimension of a value whose leading "
       "dimension is not static (the event batch)"},
      {Feature::SplitOfConstant, "Split of a compile-time value",
       "Split whose input is known at compile time (Split is supported on "
       "run-time values only)"},
  };
  return rules;
}

namespace {

const FeatureRule &ruleFor(Feature feature) {
  for (const FeatureRule &rule : featureRules())
    if (rule.feature == feature)
      return rule;
  // Every enumerator has a row; reaching here is a table edit gone wrong.
  static const FeatureRule missing = {feature, "unknown rule", ""};
  return missing;
}

bool contains(const std::vector<const char *> &names, const std::string &op) {
  return std::any_of(names.begin(), names.end(),
                     [&](const char *n) { return op == n; });
}

const char *unsupportedGroupOf(const std::string &op) {
  for (const UnsupportedOpGroup &group : unsupportedOpGroups())
    if (contains(group.ops, op))
      return group.group;
  return nullptr;
}

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

int64_t defaultOpset(const onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (isDefaultDomain(opset.domain()))
      return opset.version();
  return 1;
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     const char *name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t intAttr(const onnx::NodeProto &node, const char *name,
                int64_t fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : fallback;
}

/// Nodes of the test data are often unnamed: fall back to their position.
std::string describeNode(const onnx::NodeProto &node, int nodeIndex) {
  return "node " + (node.name().empty() ? "#" + std::to_string(nodeIndex)
                                        : "'" + node.name() + "'") +
         " (" + node.op_type() + ")";
}

std::string elementTypeName(int32_t type) {
  if (onnx::TensorProto_DataType_IsValid(type))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(type));
  return "type " + std::to_string(type);
}

std::string valueKind(const onnx::TypeProto &type) {
  switch (type.value_case()) {
  case onnx::TypeProto::kSequenceType:
    return "a sequence";
  case onnx::TypeProto::kOptionalType:
    return "an optional";
  case onnx::TypeProto::kMapType:
    return "a map";
  case onnx::TypeProto::kSparseTensorType:
    return "a sparse tensor";
  default:
    return "not a tensor";
  }
}

Classification unsupported(Feature feature, const std::string &detail) {
  return {Classification::Unsupported,
          std::string(ruleFor(feature).name) + ": " + detail};
}

/// The tensor an initializer or a Constant node gives `name`, if any.
const onnx::TensorProto *constantTensor(const onnx::GraphProto &graph,
                                        const std::string &name) {
  for (const auto &init : graph.initializer())
    if (init.name() == name)
      return &init;
  for (const auto &node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() == 1 &&
        node.output(0) == name)
      if (const onnx::AttributeProto *value = findAttr(node, "value"))
        return &value->t();
  return nullptr;
}

/// Whether a Dropout's training_mode input is a constant false: an
/// initializer or a Constant node holding a zero.
bool isConstantFalse(const onnx::GraphProto &graph, const std::string &name) {
  const onnx::TensorProto *t = constantTensor(graph, name);
  if (!t)
    return false;
  if (t->int32_data_size() == 1)
    return t->int32_data(0) == 0;
  if (t->raw_data().size() == 1)
    return t->raw_data()[0] == 0;
  return false;
}

/// What the model says about value shapes: declared and ONNX-inferred
/// shapes by value name, -1 for an unknown or symbolic dimension.
using ShapeMap = std::map<std::string, std::vector<int64_t>>;

/// The shapes of the model's values, from its declarations and ONNX's own
/// shape inference (with data propagation, as the importer runs it) on a
/// copy. An inference error leaves what was inferred before it.
ShapeMap valueShapes(const onnx::ModelProto &model) {
  onnx::ModelProto copy = model;
  try {
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(),
                                       options);
  } catch (const std::exception &) {
  }
  ShapeMap shapes;
  auto add = [&](const onnx::ValueInfoProto &info) {
    if (!info.type().has_tensor_type() ||
        !info.type().tensor_type().has_shape())
      return;
    std::vector<int64_t> dims;
    for (const auto &dim : info.type().tensor_type().shape().dim())
      dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    shapes.emplace(info.name(), std::move(dims));
  };
  const onnx::GraphProto &graph = copy.graph();
  for (const auto &info : graph.input())
    add(info);
  for (const auto &info : graph.value_info())
    add(info);
  for (const auto &info : graph.output())
    add(info);
  for (const auto &init : graph.initializer())
    shapes.emplace(init.name(), std::vector<int64_t>(init.dims().begin(),
                                                     init.dims().end()));
  return shapes;
}

std::string formatDims(const std::vector<int64_t> &dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? "x" : "") +
         (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  return s + "]";
}

/// An attribute or input list, as ONNX writes it: [1, 0, 1, 0].
std::string formatList(const std::vector<int64_t> &values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

std::string formatFloat(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", double(value));
  return buffer;
}

/// The values of an initializer or Constant of element type `type` (T in
/// C++), from its typed field or its raw bytes.
template <typename T>
std::optional<std::vector<T>> constantValues(
    const onnx::GraphProto &graph, const std::string &name, int32_t type,
    const google::protobuf::RepeatedField<T> &(onnx::TensorProto::*field)()
        const) {
  const onnx::TensorProto *t = constantTensor(graph, name);
  if (!t || t->data_type() != type)
    return std::nullopt;
  const google::protobuf::RepeatedField<T> &typed = (t->*field)();
  if (typed.size() > 0)
    return std::vector<T>(typed.begin(), typed.end());
  std::vector<T> values(t->raw_data().size() / sizeof(T));
  std::memcpy(values.data(), t->raw_data().data(), values.size() * sizeof(T));
  return values;
}

std::optional<std::vector<int64_t>> constantInts(const onnx::GraphProto &graph,
                                                 const std::string &name) {
  return constantValues(graph, name, onnx::TensorProto::INT64,
                        &onnx::TensorProto::int64_data);
}

std::optional<std::vector<float>> constantFloats(const onnx::GraphProto &graph,
                                                 const std::string &name) {
  return constantValues(graph, name, onnx::TensorProto::FLOAT,
                        &onnx::TensorProto::float_data);
}

std::vector<int64_t> intsAttr(const onnx::NodeProto &node, const char *name,
                              std::vector<int64_t> fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  if (!attr)
    return fallback;
  return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::string stringAttr(const onnx::NodeProto &node, const char *name,
                       const std::string &fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->s() : fallback;
}

/// The sliding window of a MaxPool or AveragePool over a static input,
/// its pads resolved from auto_pad as ONNX (and the importer) do.
struct PoolWindow {
  std::vector<int64_t> in, kernel, strides, dilations, pads;
  int64_t span(size_t d) const { return dilations[d] * (kernel[d] - 1) + 1; }
};

/// The window of a pooling node over an input of shape `shape` ([N, C,
/// spatial...]), or nothing when a spatial size is unknown or the
/// attributes are malformed (which the importer reports itself).
std::optional<PoolWindow> poolWindow(const onnx::NodeProto &node,
                                     const std::vector<int64_t> &shape) {
  if (shape.size() < 3)
    return std::nullopt;
  PoolWindow w;
  w.in.assign(shape.begin() + 2, shape.end());
  size_t rank = w.in.size();
  w.kernel = intsAttr(node, "kernel_shape", {});
  w.strides = intsAttr(node, "strides", std::vector<int64_t>(rank, 1));
  w.dilations = intsAttr(node, "dilations", std::vector<int64_t>(rank, 1));
  w.pads = intsAttr(node, "pads", std::vector<int64_t>(2 * rank, 0));
  auto positive = [](const std::vector<int64_t> &v) {
    return std::all_of(v.begin(), v.end(), [](int64_t x) { return x > 0; });
  };
  if (w.kernel.size() != rank || w.strides.size() != rank ||
      w.dilations.size() != rank || w.pads.size() != 2 * rank ||
      !positive(w.in) || !positive(w.kernel) || !positive(w.strides) ||
      !positive(w.dilations))
    return std::nullopt;
  std::string autoPad = stringAttr(node, "auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    std::fill(w.pads.begin(), w.pads.end(), 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t d = 0; d < rank; ++d) {
      int64_t out = (w.in[d] + w.strides[d] - 1) / w.strides[d];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[d] + w.span(d) - w.in[d]);
      int64_t small = total / 2, large = total - small;
      bool upper = autoPad == "SAME_UPPER";
      w.pads[d] = upper ? small : large;
      w.pads[rank + d] = upper ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return std::nullopt;
  }
  for (size_t d = 0; d < rank; ++d)
    if (w.pads[d] < 0 || w.pads[rank + d] < 0 ||
        w.in[d] + w.pads[d] + w.pads[rank + d] < w.span(d))
      return std::nullopt;
  return w;
}

/// With ceil_mode=1, the first spatial dimension whose last window, as
/// ONNX 1.12 counts them (ceil((padded - span) / stride) + 1), starts past
/// the input and its begin padding; -1 if none.
int ceilWindowPastInput(const PoolWindow &w) {
  size_t rank = w.in.size();
  for (size_t d = 0; d < rank; ++d) {
    int64_t padded = w.in[d] + w.pads[d] + w.pads[rank + d];
    int64_t steps = (padded - w.span(d) + w.strides[d] - 1) / w.strides[d];
    if (steps * w.strides[d] >= w.in[d] + w.pads[d])
      return int(d);
  }
  return -1;
}

/// With ceil_mode=1, the first spatial dimension where the importer's last
/// window (the last one starting inside the input or its begin padding)
/// reaches past the end padding; -1 if none.
int ceilWindowPastPadding(const PoolWindow &w) {
  size_t rank = w.in.size();
  for (size_t d = 0; d < rank; ++d) {
    int64_t padded = w.in[d] + w.pads[d] + w.pads[rank + d];
    int64_t out = (padded - w.span(d) + w.strides[d] - 1) / w.strides[d] + 1;
    if ((out - 1) * w.strides[d] >= w.in[d] + w.pads[d])
      --out;
    if ((out - 1) * w.strides[d] + w.span(d) > padded)
      return int(d);
  }
  return -1;
}

/// Whether node input `i` of `node` is one that reads an integer (or bool)
/// run-time tensor: the `indices` (input 1) of a gather or scatter, any
/// input of a comparison, a logical op or Where, or a Cast's input.
bool readsIntegers(const onnx::NodeProto &node, int i) {
  static const std::set<std::string> indexed = {
      "Gather", "GatherElements", "ScatterElements", "GatherND", "ScatterND"};
  static const std::set<std::string> conditions = {
      "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual",
      "Not",   "And",     "Or",   "Xor",            "Where"};
  return (i == 1 && indexed.count(node.op_type())) ||
         conditions.count(node.op_type()) ||
         (i == 0 && node.op_type() == "Cast");
}

/// Whether `name` is a run-time graph input of int32, int64 or bool that
/// every node reading it reads as integers (readsIntegers): what the
/// importer takes as indices and conditions.
bool isIndexInput(const onnx::GraphProto &graph, const std::string &name) {
  if (name.empty())
    return false;
  for (const auto &init : graph.initializer())
    if (init.name() == name)
      return false;
  bool isInput = false;
  for (const auto &input : graph.input())
    if (input.name() == name && input.type().has_tensor_type()) {
      int32_t type = input.type().tensor_type().elem_type();
      isInput = type == onnx::TensorProto::INT64 ||
                type == onnx::TensorProto::INT32 ||
                type == onnx::TensorProto::BOOL;
    }
  if (!isInput)
    return false;
  for (const auto &node : graph.node())
    for (int i = 0; i < node.input_size(); ++i)
      if (node.input(i) == name && !readsIntegers(node, i))
        return false;
  for (const auto &output : graph.output())
    if (output.name() == name)
      return false;
  return true;
}

/// Checks the graph's inputs and outputs.
Classification classifyInterface(const onnx::GraphProto &graph,
                                 const std::set<std::string> &initializers) {
  int runtimeInputs = 0;
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    ++runtimeInputs;
    const std::string what = "input '" + input.name() + "'";
    if (!input.type().has_tensor_type())
      return unsupported(Feature::NonFloatTensor,
                         what + " is " + valueKind(input.type()));
    const auto &tensor = input.type().tensor_type();
    if (tensor.elem_type() != onnx::TensorProto::FLOAT &&
        !isIndexInput(graph, input.name()))
      return unsupported(Feature::NonFloatTensor,
                         what + " has element type " +
                             elementTypeName(tensor.elem_type()));
    if (!tensor.has_shape())
      return unsupported(Feature::DynamicShape, what + " has no shape");
    for (int i = 0; i < tensor.shape().dim_size(); ++i) {
      const auto &dim = tensor.shape().dim(i);
      if (!dim.has_dim_value()) {
        if (i == 0)
          continue; // the event batch
        return unsupported(Feature::DynamicShape,
                           what + " has a dynamic dimension " +
                               std::to_string(i));
      }
      if (dim.dim_value() == 0)
        return unsupported(Feature::EmptyTensor,
                           what + " has a dimension of size 0");
    }
  }
  for (const auto &output : graph.output()) {
    const std::string what = "output '" + output.name() + "'";
    if (!output.type().has_tensor_type())
      return unsupported(Feature::NonFloatTensor,
                         what + " is " + valueKind(output.type()));
    const auto &tensor = output.type().tensor_type();
    // A bool output is a condition: 0 and 1 in the CSV.
    if (tensor.elem_type() != onnx::TensorProto::FLOAT &&
        tensor.elem_type() != onnx::TensorProto::BOOL)
      return unsupported(Feature::NonFloatTensor,
                         what + " has element type " +
                             elementTypeName(tensor.elem_type()));
    for (const auto &dim : tensor.shape().dim())
      if (dim.has_dim_value() && dim.dim_value() == 0)
        return unsupported(Feature::EmptyTensor,
                           what + " has a dimension of size 0");
  }
  if (runtimeInputs == 0)
    return unsupported(Feature::NoRuntimeInput,
                       "every graph input is an initializer, or there is none");
  return {};
}

/// Whether every run-time input has a fully static shape, so that Shape
/// results are known at compile time.
bool allShapesStatic(const onnx::GraphProto &graph,
                     const std::set<std::string> &initializers) {
  for (const auto &input : graph.input()) {
    if (initializers.count(input.name()))
      continue;
    for (const auto &dim : input.type().tensor_type().shape().dim())
      if (!dim.has_dim_value())
        return false;
  }
  return true;
}

/// The rules of a Pad node: the importer takes zero padding of the spatial
/// dimensions of [N, C, spatial...] only, and all-zero pads as the
/// identity whatever the mode.
template <typename SpatialCheck>
Classification classifyPad(const onnx::NodeProto &node, int index,
                           int64_t opset, const onnx::GraphProto &graph,
                           const std::set<std::string> &known,
                           SpatialCheck checkSpatialInput) {
  auto has = [&](int i) {
    return i < node.input_size() && !node.input(i).empty();
  };
  auto refuse = [&](const std::string &why) {
    return unsupported(Feature::PadNotZeroSpatial,
                       describeNode(node, index) + ": " + why);
  };
  std::optional<std::vector<int64_t>> pads;
  if (opset < 11) {
    pads = intsAttr(node, opset < 2 ? "paddings" : "pads", {});
    const onnx::AttributeProto *value = findAttr(node, "value");
    if (value && value->f() != 0.0f)
      return refuse("value " + formatFloat(value->f()));
  } else {
    if (has(1) && !known.count(node.input(1)))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": input 1 '" +
                             node.input(1) + "'");
    if (has(1))
      pads = constantInts(graph, node.input(1));
    if (has(2)) {
      if (!known.count(node.input(2)))
        return refuse("constant_value '" + node.input(2) +
                      "' is not known at compile time");
      std::optional<std::vector<float>> value =
          constantFloats(graph, node.input(2));
      if (value && (value->size() != 1 || (*value)[0] != 0.0f))
        return refuse("constant_value '" + node.input(2) + "' is not 0");
    }
    if (has(3))
      return refuse("the axes input");
  }
  // Pads computed from other constants are left to the importer.
  if (!pads ||
      std::all_of(pads->begin(), pads->end(), [](int64_t p) { return p == 0; }))
    return {};
  std::string mode = stringAttr(node, "mode", "constant");
  if (mode != "constant")
    return refuse("mode '" + mode + "'");
  size_t rank = pads->size() / 2;
  if (pads->size() % 2 != 0)
    return {};
  // Channels first ([N, C, ...]: dimension 1 unpadded) or channels last
  // (the last dimension unpadded, dimension 1 padded).
  auto padded = [&](size_t d) { return (*pads)[d] || (*pads)[rank + d]; };
  if (padded(0) || (rank > 1 && padded(1) && (rank < 3 || padded(rank - 1))))
    return refuse("pads " + formatList(*pads) +
                  " pad the batch, or both dimension 1 and the last");
  if (Classification c = checkSpatialInput();
      c.kind != Classification::Supported)
    return c;
  if (std::any_of(pads->begin(), pads->end(), [](int64_t p) { return p < 0; }))
    return refuse("negative pads " + formatList(*pads));
  return {};
}

/// Checks one node against the feature rules; `known` holds the values
/// known at compile time so far.
Classification classifyNode(const onnx::NodeProto &node, int index,
                            int64_t opset, const onnx::GraphProto &graph,
                            const std::set<std::string> &known,
                            const std::set<std::string> &used,
                            const ShapeMap &shapes) {
  const std::string &op = node.op_type();
  auto runtimeOperand = [&](int index) {
    return index < node.input_size() && !node.input(index).empty() &&
           !known.count(node.input(index));
  };
  auto operandName = [&](int index) {
    return "input " + std::to_string(index) + " '" + node.input(index) + "'";
  };
  // The shape of the data input (input 0), when the model tells it.
  const std::vector<int64_t> *dataShape = nullptr;
  if (node.input_size() > 0)
    if (auto it = shapes.find(node.input(0)); it != shapes.end())
      dataShape = &it->second;
  // The importer takes a window op's input as [N, C, spatial...] with 1 to
  // 3 spatial dimensions, and N dynamic (the batch) or 1.
  auto checkSpatialInput = [&]() -> Classification {
    if (!dataShape)
      return {};
    if (dataShape->size() > 5)
      return unsupported(Feature::WindowRank, describeNode(node, index) +
                                                  ": input " +
                                                  formatDims(*dataShape));
    if (!dataShape->empty() && (*dataShape)[0] >= 0 && (*dataShape)[0] != 1)
      return unsupported(
          Feature::StaticBatch,
          describeNode(node, index) + ": input " + formatDims(*dataShape) +
              " has a static batch of " + std::to_string((*dataShape)[0]));
    return {};
  };
  // ceil_mode=1 of a pooling node with a window past its input.
  auto checkCeilPastInput =
      [&](const std::optional<PoolWindow> &window) -> Classification {
    if (!window || intAttr(node, "ceil_mode", 0) == 0)
      return {};
    int d = ceilWindowPastInput(*window);
    if (d < 0)
      return {};
    return unsupported(Feature::PoolCeilPastInput,
                       describeNode(node, index) + ": spatial dimension " +
                           std::to_string(d) + " of input " +
                           formatDims(*dataShape));
  };

  if (op == "Constant") {
    const onnx::AttributeProto *value = findAttr(node, "value");
    if (findAttr(node, "sparse_value") || findAttr(node, "value_string") ||
        findAttr(node, "value_strings") ||
        (value && value->t().data_type() == onnx::TensorProto::STRING))
      return unsupported(Feature::NonNumericConstant, describeNode(node, index));
  } else if (op == "Reshape") {
    if (intAttr(node, "allowzero", 0) != 0)
      return unsupported(Feature::ReshapeAllowZero, describeNode(node, index));
    if (opset >= 5 && runtimeOperand(1))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(1));
  } else if (op == "Slice") {
    if (opset >= 10)
      for (int i = 1; i <= 4; ++i)
        if (runtimeOperand(i))
          return unsupported(Feature::RuntimeShapeOperand,
                             describeNode(node, index) + ": " + operandName(i));
  } else if (op == "Squeeze" || op == "Unsqueeze") {
    if (opset >= 13 && runtimeOperand(1))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(1));
  } else if (op == "ConstantOfShape") {
    if (runtimeOperand(0))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(0));
  } else if (op == "Gather") {
    bool indices = isIndexInput(graph, node.input_size() > 1 ? node.input(1)
                                                             : std::string());
    if (indices && shapes.count(node.input(1)) &&
        shapes.at(node.input(1)).empty())
      return unsupported(Feature::RuntimeGather,
                         describeNode(node, index) + ": " + operandName(1) +
                             " is a scalar");
    if (!indices)
      for (int i = 0; i < 2; ++i)
        if (runtimeOperand(i))
          return unsupported(Feature::RuntimeGather,
                             describeNode(node, index) + ": " +
                                 operandName(i));
  } else if (op == "GatherElements" || op == "ScatterElements" ||
             op == "GatherND" || op == "ScatterND") {
    if (!isIndexInput(graph, node.input_size() > 1 ? node.input(1)
                                                   : std::string()))
      return unsupported(Feature::IndexOperand,
                         describeNode(node, index) + ": " + operandName(1) +
                             " is not a run-time int32/int64 input");
    const onnx::AttributeProto *reduction = findAttr(node, "reduction");
    if (reduction && reduction->s() != "none" && reduction->s() != "add")
      return unsupported(Feature::IndexOperand,
                         describeNode(node, index) + " with reduction " +
                             reduction->s());
    if ((op == "GatherND" || op == "ScatterND") &&
        (!shapes.count(node.input(1)) || shapes.at(node.input(1)).empty() ||
         shapes.at(node.input(1)).back() != 1))
      return unsupported(Feature::IndexOperand,
                         describeNode(node, index) + ": " + operandName(1) +
                             " holds index tuples of more than one index");
  } else if (op == "Tile") {
    if (runtimeOperand(1))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(1));
  } else if (op == "Cast") {
    int64_t to = intAttr(node, "to", onnx::TensorProto::UNDEFINED);
    if (runtimeOperand(0) && to != onnx::TensorProto::FLOAT)
      return unsupported(Feature::RuntimeCast,
                         describeNode(node, index) + " to " + elementTypeName(to));
  } else if (op == "Dropout") {
    if (opset < 7 && intAttr(node, "is_test", 0) != 1)
      return unsupported(Feature::DropoutTraining,
                         describeNode(node, index) + " without is_test=1");
    if (opset >= 12 && node.input_size() > 2 && !node.input(2).empty() &&
        !isConstantFalse(graph, node.input(2)))
      return unsupported(Feature::DropoutTraining,
                         describeNode(node, index) + ": training_mode " +
                             operandName(2));
    if (node.output_size() > 1 && !node.output(1).empty() &&
        used.count(node.output(1)))
      return unsupported(Feature::DropoutMaskUsed, describeNode(node, index));
  } else if (op == "BatchNormalization") {
    if (intAttr(node, "training_mode", 0) != 0)
      return unsupported(Feature::BatchNormTraining,
                         describeNode(node, index) + " with training_mode=1");
    if (opset < 7 && intAttr(node, "is_test", 0) != 1)
      return unsupported(Feature::BatchNormTraining,
                         describeNode(node, index) + " without is_test=1");
    int outputs = std::count_if(node.output().begin(), node.output().end(),
                                [](const std::string &o) { return !o.empty(); });
    if (outputs > 1)
      return unsupported(Feature::BatchNormTraining,
                         describeNode(node, index) + " with " +
                             std::to_string(outputs) + " outputs");
    if (opset < 9 && intAttr(node, "spatial", 1) == 0)
      return unsupported(Feature::BatchNormPerActivation, describeNode(node, index));
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
             op == "Gemm") {
    if (opset < 7 && findAttr(node, "axis"))
      return unsupported(Feature::LegacyBroadcastAxis,
                         describeNode(node, index) + " with axis=" +
                             std::to_string(intAttr(node, "axis", 0)));
  } else if (op == "Elu" || op == "Selu") {
    if (opset < 6)
      return unsupported(Feature::LegacyOpVersion, describeNode(node, index) +
                                                       " at opset " +
                                                       std::to_string(opset));
  } else if (op == "PRelu") {
    if (opset < 7)
      return unsupported(Feature::LegacyOpVersion, describeNode(node, index) +
                                                       " at opset " +
                                                       std::to_string(opset));
    if (runtimeOperand(1))
      return unsupported(Feature::RuntimeWeights,
                         describeNode(node, index) + ": " + operandName(1));
  } else if (op == "Conv") {
    if (Classification c = checkSpatialInput();
        c.kind != Classification::Supported)
      return c;
    for (int i = 1; i <= 2; ++i)
      if (runtimeOperand(i))
        return unsupported(Feature::RuntimeWeights,
                           describeNode(node, index) + ": " + operandName(i));
  } else if (op == "GRU" || op == "LSTM" || op == "RNN") {
    for (int i : {1, 2, 3, 7})
      if (runtimeOperand(i))
        return unsupported(Feature::RuntimeWeights,
                           describeNode(node, index) + ": " + operandName(i));
  } else if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    if (Classification c = checkSpatialInput();
        c.kind != Classification::Supported)
      return c;
  } else if (op == "MaxPool") {
    if (node.output_size() > 1 && !node.output(1).empty() &&
        used.count(node.output(1)))
      return unsupported(Feature::MaxPoolIndices,
                         describeNode(node, index) + ": output 1 '" +
                             node.output(1) + "' is used");
    if (intAttr(node, "storage_order", 0) != 0)
      return unsupported(Feature::MaxPoolIndices,
                         describeNode(node, index) + " with storage_order=1");
    if (Classification c = checkSpatialInput();
        c.kind != Classification::Supported)
      return c;
    if (dataShape)
      if (Classification c = checkCeilPastInput(poolWindow(node, *dataShape));
          c.kind != Classification::Supported)
        return c;
  } else if (op == "AveragePool") {
    if (Classification c = checkSpatialInput();
        c.kind != Classification::Supported)
      return c;
    std::vector<int64_t> dilations = intsAttr(node, "dilations", {});
    if (std::any_of(dilations.begin(), dilations.end(),
                    [](int64_t d) { return d != 1; }))
      return unsupported(Feature::AveragePoolDilations,
                         describeNode(node, index));
    std::optional<PoolWindow> window;
    if (dataShape)
      window = poolWindow(node, *dataShape);
    if (window && intAttr(node, "ceil_mode", 0) != 0) {
      int d = ceilWindowPastPadding(*window);
      if (d >= 0)
        return unsupported(Feature::AveragePoolCeil,
                           describeNode(node, index) + ": spatial dimension " +
                               std::to_string(d) + " of input " +
                               formatDims(*dataShape));
    }
    if (window && intAttr(node, "count_include_pad", 0) == 0 &&
        std::any_of(window->pads.begin(), window->pads.end(),
                    [](int64_t p) { return p != 0; }))
      return unsupported(Feature::AveragePoolPadding,
                         describeNode(node, index) + ": pads " +
                             formatList(window->pads));
    if (Classification c = checkCeilPastInput(window);
        c.kind != Classification::Supported)
      return c;
  } else if (op == "Pad") {
    return classifyPad(node, index, opset, graph, known, checkSpatialInput);
  } else if (op == "Split") {
    if (opset < 2)
      return unsupported(Feature::LegacyOpVersion, describeNode(node, index) +
                                                       " at opset " +
                                                       std::to_string(opset));
    if (opset >= 13 && runtimeOperand(1))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(1));
    if (node.input_size() > 0 && known.count(node.input(0)))
      return unsupported(Feature::SplitOfConstant,
                         describeNode(node, index) + ": " + operandName(0));
    if (dataShape && !dataShape->empty() && (*dataShape)[0] < 0) {
      int64_t axis = intAttr(node, "axis", 0);
      if (axis == 0 || axis == -int64_t(dataShape->size()))
        return unsupported(Feature::SplitOverBatch, describeNode(node, index) +
                                                        ": input " +
                                                        formatDims(*dataShape));
    }
  } else if (op == "LayerNormalization") {
    for (int i = 1; i < node.output_size(); ++i)
      if (!node.output(i).empty() && used.count(node.output(i)))
        return unsupported(Feature::LayerNormStatistics,
                           describeNode(node, index) + ": output " +
                               std::to_string(i) + " '" + node.output(i) +
                               "' is used");
    if (intAttr(node, "stash_type", 1) != 1)
      return unsupported(Feature::LayerNormStatistics,
                         describeNode(node, index) + " with stash_type=" +
                             std::to_string(intAttr(node, "stash_type", 1)));
    for (int i = 1; i <= 2; ++i)
      if (runtimeOperand(i))
        return unsupported(Feature::RuntimeWeights,
                           describeNode(node, index) + ": " + operandName(i));
    if (dataShape && !dataShape->empty() && (*dataShape)[0] < 0) {
      int64_t axis = intAttr(node, "axis", -1);
      if (axis == 0 || axis == -int64_t(dataShape->size()))
        return unsupported(Feature::ReduceOverBatch,
                           describeNode(node, index) + ": axis " +
                               std::to_string(axis) + " of input " +
                               formatDims(*dataShape));
    }
  } else if (op == "ReduceMax" || op == "ReduceSum" || op == "ReduceMean") {
    // The axes became an input in version 13 of ReduceSum and 18 of the
    // others (with noop_with_empty_axes).
    const bool axesInput = opset >= (op == "ReduceSum" ? 13 : 18);
    if (axesInput && runtimeOperand(1))
      return unsupported(Feature::RuntimeShapeOperand,
                         describeNode(node, index) + ": " + operandName(1));
    if (!dataShape || dataShape->empty() || (*dataShape)[0] >= 0)
      return {};
    std::optional<std::vector<int64_t>> axes;
    if (!axesInput) {
      if (findAttr(node, "axes"))
        axes = intsAttr(node, "axes", {});
    } else if (node.input_size() > 1 && !node.input(1).empty()) {
      axes = constantInts(graph, node.input(1));
      if (!axes)
        return {}; // computed axes: left to the importer
    }
    bool batchAxis;
    if (!axes || axes->empty())
      batchAxis = !(axesInput && intAttr(node, "noop_with_empty_axes", 0));
    else
      batchAxis = std::any_of(axes->begin(), axes->end(), [&](int64_t a) {
        return a == 0 || a == -int64_t(dataShape->size());
      });
    if (batchAxis)
      return unsupported(Feature::ReduceOverBatch, describeNode(node, index) +
                                                       ": input " +
                                                       formatDims(*dataShape));
  }
  return {};
}

} // namespace

Classification classifyModel(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();

  // Operators first: an unclassified one means the tables need an update,
  // whatever else the model uses.
  const onnx::NodeProto *firstUnsupported = nullptr;
  for (const auto &node : graph.node()) {
    if (contains(supportedOps(), node.op_type()))
      continue;
    if (!unsupportedGroupOf(node.op_type()))
      return {Classification::Unclassified,
              "operator " + node.op_type() +
                  " is in neither the supported set nor the unsupported "
                  "table (tests/conformance/Classify.cpp, UNSUPPORTED.md)"};
    if (!firstUnsupported)
      firstUnsupported = &node;
  }
  if (firstUnsupported)
    return {Classification::Unsupported,
            "operator " + firstUnsupported->op_type() + " (" +
                unsupportedGroupOf(firstUnsupported->op_type()) + ")"};
  for (int i = 0; i < graph.node_size(); ++i)
    if (!isDefaultDomain(graph.node(i).domain()))
      return unsupported(Feature::ForeignDomain,
                         describeNode(graph.node(i), i) + " is in domain '" +
                             graph.node(i).domain() + "'");

  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  std::set<std::string> used;
  for (const auto &node : graph.node())
    used.insert(node.input().begin(), node.input().end());
  for (const auto &output : graph.output())
    used.insert(output.name());

  // The node rules come before the interface's: they name the reason more
  // precisely (a Reshape whose shape is an int64 input is skipped for its
  // run-time shape, not for the int64 input).
  // Values known at compile time: initializers, Constant results, Shape
  // results of static tensors, and whatever is computed from those only.
  std::set<std::string> known = initializers;
  const bool staticShapes = allShapesStatic(graph, initializers);
  const ShapeMap shapes = valueShapes(model);
  const int64_t opset = defaultOpset(model);
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    Classification result =
        classifyNode(node, i, opset, graph, known, used, shapes);
    if (result.kind != Classification::Supported)
      return result;
    bool outputsKnown;
    if (node.op_type() == "Constant")
      outputsKnown = true;
    else if (node.op_type() == "Shape")
      outputsKnown = staticShapes;
    else
      outputsKnown =
          node.input_size() > 0 &&
          std::all_of(node.input().begin(), node.input().end(),
                      [&](const std::string &in) {
                        return in.empty() || known.count(in);
                      });
    if (outputsKnown)
      known.insert(node.output().begin(), node.output().end());
  }
  return classifyInterface(graph, initializers);
}

} // namespace ariadne::conformance
