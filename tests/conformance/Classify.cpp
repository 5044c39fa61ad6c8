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

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>

namespace ariadne::conformance {

const std::vector<const char *> &supportedOps() {
  static const std::vector<const char *> ops = {
      "Abs",      "Add",      "BatchNormalization", "Cast",      "Clip",
      "Concat",   "Constant",           "ConstantOfShape",
      "Div",      "Dropout",            "Flatten",   "Gather",
      "Gemm",     "HardSigmoid",        "Identity",  "LeakyRelu",
      "MatMul",   "Mul",                "Relu",      "Reshape",
      "Shape",    "Sigmoid",            "Slice",     "Softmax",
      "Softsign", "Squeeze",            "Sub",       "Tanh",
      "Transpose", "Unsqueeze"};
  return ops;
}

const std::vector<UnsupportedOpGroup> &unsupportedOpGroups() {
  static const std::vector<UnsupportedOpGroup> groups = {
      {"element-wise math",
       {"Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Ceil",
        "Cos", "Cosh", "Erf", "Exp", "Floor", "Log", "Neg", "Reciprocal",
        "Round", "Sign", "Sin", "Sinh", "Sqrt", "Tan"}},
      {"other activations",
       {"Celu", "Elu", "HardSwish", "Hardmax", "LogSoftmax", "PRelu", "Selu",
        "Shrink", "Softplus", "ThresholdedRelu"}},
      {"element-wise binary and variadic arithmetic",
       {"BitShift", "Max", "Mean", "Min", "Mod", "Pow", "Sum"}},
      {"comparison and logic",
       {"And", "Equal", "Greater", "GreaterOrEqual", "IsInf", "IsNaN", "Less",
        "LessOrEqual", "Not", "Or", "Where", "Xor"}},
      {"reductions, scans and search",
       {"ArgMax", "ArgMin", "CumSum", "NonZero", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean",
        "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "TopK",
        "Unique"}},
      {"convolution and pooling",
       {"AveragePool", "Conv", "ConvTranspose", "GlobalAveragePool",
        "GlobalMaxPool", "LRN", "MaxPool", "MaxUnpool"}},
      {"normalization",
       {"InstanceNormalization", "LayerNormalization",
        "MeanVarianceNormalization"}},
      {"recurrent layers", {"GRU", "LSTM", "RNN"}},
      {"indexing, padding, resampling and other data movement",
       {"CastLike", "Compress", "DepthToSpace", "Expand", "EyeLike",
        "GatherElements", "GatherND", "OneHot", "Pad", "Range", "Resize",
        "ReverseSequence", "Scatter", "ScatterElements", "ScatterND", "Size",
        "SpaceToDepth", "Split", "Tile", "Trilu", "Upsample"}},
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
       "tensor (another element type, or a sequence, optional or map)"},
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
       "Squeeze/Unsqueeze `axes` or ConstantOfShape `input` given as an "
       "input not known at compile time"},
      {Feature::RuntimeGather, "run-time Gather",
       "Gather whose `data` or `indices` is not known at compile time "
       "(Gather is supported in shape computations only)"},
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

/// Whether a Dropout's training_mode input is a constant false: an
/// initializer or a Constant node holding a zero.
bool isConstantFalse(const onnx::GraphProto &graph, const std::string &name) {
  auto isZero = [](const onnx::TensorProto &t) {
    if (t.int32_data_size() == 1)
      return t.int32_data(0) == 0;
    if (t.raw_data().size() == 1)
      return t.raw_data()[0] == 0;
    return false;
  };
  for (const auto &init : graph.initializer())
    if (init.name() == name)
      return isZero(init);
  for (const auto &node : graph.node())
    if (node.op_type() == "Constant" && node.output_size() == 1 &&
        node.output(0) == name)
      if (const onnx::AttributeProto *value = findAttr(node, "value"))
        return isZero(value->t());
  return false;
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
    if (tensor.elem_type() != onnx::TensorProto::FLOAT)
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
    if (tensor.elem_type() != onnx::TensorProto::FLOAT)
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

/// Checks one node against the feature rules; `known` holds the values
/// known at compile time so far.
Classification classifyNode(const onnx::NodeProto &node, int index,
                            int64_t opset,
                            const onnx::GraphProto &graph,
                            const std::set<std::string> &known,
                            const std::set<std::string> &used) {
  const std::string &op = node.op_type();
  auto runtimeOperand = [&](int index) {
    return index < node.input_size() && !node.input(index).empty() &&
           !known.count(node.input(index));
  };
  auto operandName = [&](int index) {
    return "input " + std::to_string(index) + " '" + node.input(index) + "'";
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
    for (int i = 0; i < 2; ++i)
      if (runtimeOperand(i))
        return unsupported(Feature::RuntimeGather,
                           describeNode(node, index) + ": " + operandName(i));
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
  const int64_t opset = defaultOpset(model);
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    Classification result = classifyNode(node, i, opset, graph, known, used);
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
