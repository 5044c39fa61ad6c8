//===- ConvModel.cpp - a convolutional network from ONNX ------------------===//
#include "bench/ConvModel.h"

#include "bench/OnnxReader.h"

#include <sstream>

using namespace ariadne::bench;

namespace {

class ConvReader : OnnxReader {
public:
  explicit ConvReader(std::string path) : OnnxReader(std::move(path)) {
    m.path = this->path;
  }
  ConvModel read();

private:
  void addNode(const onnx::NodeProto &node);
  void addReshape(const onnx::NodeProto &node);
  void addConv(const onnx::NodeProto &node);
  void addNorm(const onnx::NodeProto &node);
  void addPool(const onnx::NodeProto &node, ConvStep::Kind kind);
  void addFlatten(const onnx::NodeProto &node);
  void addGemm(const onnx::NodeProto &node);
  void requireCurrent(const onnx::NodeProto &node) const;
  void requireMap(const onnx::NodeProto &node) const;
  /// An ints attribute of two entries (the spatial axes), or `fallback` in
  /// both when the node has none.
  void pair(const onnx::NodeProto &node, const char *name, size_t fallback,
            size_t (&to)[2]) const;
  /// Appends `step` with the current shape, which the caller has updated.
  void push(ConvStep step);

  ConvModel m;
  std::string current; // the name of the chain's value so far
  bool reshaped = false, flat = false;
  size_t channels = 0, height = 0, width = 0;
};

} // namespace

void ConvReader::requireCurrent(const onnx::NodeProto &node) const {
  if (node.input_size() < 1 || node.input(0) != current)
    fail(node, "input 0 is not the previous layer's output " + current +
                   " (only chains of layers are supported)");
}

void ConvReader::requireMap(const onnx::NodeProto &node) const {
  if (!reshaped || flat)
    fail(node, "expected a feature map [N, C, H, W] as its input");
}

void ConvReader::pair(const onnx::NodeProto &node, const char *name,
                      size_t fallback, size_t (&to)[2]) const {
  bool present = false;
  std::vector<int64_t> v = intsAttribute(node, name, &present);
  if (!present) {
    to[0] = to[1] = fallback;
    return;
  }
  if (v.size() != 2 || v[0] < 1 || v[1] < 1)
    fail(node, std::string(name) + " must be two positive values (H, W)");
  to[0] = static_cast<size_t>(v[0]);
  to[1] = static_cast<size_t>(v[1]);
}

void ConvReader::push(ConvStep step) {
  step.channels = channels;
  step.height = height;
  step.width = width;
  m.steps.push_back(std::move(step));
}

void ConvReader::addReshape(const onnx::NodeProto &node) {
  requireCurrent(node);
  const std::vector<int64_t> &shape = intsInput(node, 1);
  if (reshaped || shape.size() != 4 || (shape[0] != -1 && shape[0] != 0) ||
      shape[1] < 1 || shape[2] < 1 || shape[3] < 1 ||
      static_cast<size_t>(shape[1] * shape[2] * shape[3]) != m.inputSize ||
      intAttribute(node, "allowzero", 0) != 0)
    fail(node, "only the input's [N, C*H*W] -> [N, C, H, W] is supported");
  reshaped = true;
  channels = m.channels = static_cast<size_t>(shape[1]);
  height = m.height = static_cast<size_t>(shape[2]);
  width = m.width = static_cast<size_t>(shape[3]);
}

void ConvReader::addConv(const onnx::NodeProto &node) {
  requireCurrent(node);
  requireMap(node);
  const Constant &w = floatInput(node, 1);
  if (w.dims.size() != 4 || static_cast<size_t>(w.dims[1]) != channels)
    fail(node,
         "the weight must be [C, " + std::to_string(channels) + ", kH, kW]");
  if (intAttribute(node, "group", 1) != 1 ||
      stringAttribute(node, "auto_pad", "NOTSET") != "NOTSET")
    fail(node, "only one group and explicit pads are supported");
  ConvStep step(ConvStep::Kind::Conv);
  step.inChannels = channels;
  step.outChannels = static_cast<size_t>(w.dims[0]);
  step.kernel[0] = static_cast<size_t>(w.dims[2]);
  step.kernel[1] = static_cast<size_t>(w.dims[3]);
  size_t shapeKernel[2];
  pair(node, "kernel_shape", 0, shapeKernel);
  if (shapeKernel[0] != 0 &&
      (shapeKernel[0] != step.kernel[0] || shapeKernel[1] != step.kernel[1]))
    fail(node, "kernel_shape differs from the weight's");
  pair(node, "strides", 1, step.stride);
  pair(node, "dilations", 1, step.dilation);
  std::vector<int64_t> pads = intsAttribute(node, "pads");
  if (!pads.empty()) {
    if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3] ||
        pads[0] < 0 || pads[1] < 0)
      fail(node, "only pads the same at both ends of an axis are supported");
    step.padding[0] = static_cast<size_t>(pads[0]);
    step.padding[1] = static_cast<size_t>(pads[1]);
  }
  step.weight = w.values; // ONNX's [C, Cin, kH, kW] is Conv2d's
  step.bias.assign(step.outChannels, 0.0f);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Constant &b = floatInput(node, 2);
    if (b.values.size() != step.outChannels)
      fail(node, "the bias must have " + std::to_string(step.outChannels) +
                     " values");
    step.bias = b.values;
  }
  size_t out[2];
  size_t in[2] = {height, width};
  for (int d = 0; d < 2; ++d) {
    size_t reach = step.dilation[d] * (step.kernel[d] - 1) + 1;
    if (in[d] + 2 * step.padding[d] < reach)
      fail(node, "the kernel does not fit the padded input");
    out[d] = (in[d] + 2 * step.padding[d] - reach) / step.stride[d] + 1;
  }
  channels = step.outChannels;
  height = out[0];
  width = out[1];
  push(std::move(step));
}

void ConvReader::addNorm(const onnx::NodeProto &node) {
  requireCurrent(node);
  requireMap(node);
  if (intAttribute(node, "training_mode", 0) != 0 || node.output_size() != 1)
    fail(node, "only an eval-mode batch norm (training_mode 0, one output) "
               "is supported");
  ConvStep step(ConvStep::Kind::Norm);
  std::vector<float> *fields[] = {&step.weight, &step.bias, &step.normMean,
                                  &step.normVar};
  for (int i = 0; i < 4; ++i) {
    const Constant &c = floatInput(node, i + 1);
    if (c.values.size() != channels)
      fail(node, "input " + std::to_string(i + 1) + " must have " +
                     std::to_string(channels) + " values");
    *fields[i] = c.values;
  }
  step.epsilon = floatAttribute(node, "epsilon", 1e-5f);
  step.inChannels = step.outChannels = channels;
  push(std::move(step));
}

void ConvReader::addPool(const onnx::NodeProto &node, ConvStep::Kind kind) {
  requireCurrent(node);
  requireMap(node);
  if (node.output_size() != 1)
    fail(node, "only one output (no indices) is supported");
  ConvStep step(kind);
  pair(node, "kernel_shape", 0, step.kernel);
  if (step.kernel[0] == 0)
    fail(node, "kernel_shape is missing");
  pair(node, "strides", 1, step.stride);
  size_t dilations[2];
  pair(node, "dilations", 1, dilations);
  bool padded = false;
  for (int64_t p : intsAttribute(node, "pads"))
    padded = padded || p != 0;
  if (padded || dilations[0] != 1 || dilations[1] != 1 ||
      intAttribute(node, "ceil_mode", 0) != 0 ||
      intAttribute(node, "storage_order", 0) != 0 ||
      stringAttribute(node, "auto_pad", "NOTSET") != "NOTSET")
    fail(node, "only pooling without padding or dilation, floor mode, is "
               "supported");
  size_t in[2] = {height, width};
  size_t out[2];
  for (int d = 0; d < 2; ++d) {
    if (in[d] < step.kernel[d])
      fail(node, "the window does not fit the feature map");
    out[d] = (in[d] - step.kernel[d]) / step.stride[d] + 1;
  }
  step.inChannels = step.outChannels = channels;
  height = out[0];
  width = out[1];
  push(std::move(step));
}

void ConvReader::addFlatten(const onnx::NodeProto &node) {
  requireCurrent(node);
  requireMap(node);
  if (intAttribute(node, "axis", 1) != 1)
    fail(node, "only a Flatten of every axis after the events (axis 1) is "
               "supported");
  flat = true;
  channels *= height * width;
  height = width = 1;
  push(ConvStep(ConvStep::Kind::Flatten));
}

void ConvReader::addGemm(const onnx::NodeProto &node) {
  requireCurrent(node);
  if (!flat)
    fail(node, "a dense layer before the Flatten is not supported");
  if (intAttribute(node, "transA", 0) != 0)
    fail(node, "transA=1 is not supported");
  const Constant &b = floatInput(node, 1);
  if (b.dims.size() != 2)
    fail(node, "B must be a matrix");
  bool transB = intAttribute(node, "transB", 0) != 0;
  size_t k = static_cast<size_t>(transB ? b.dims[1] : b.dims[0]);
  size_t n = static_cast<size_t>(transB ? b.dims[0] : b.dims[1]);
  if (k != channels)
    fail(node, "weight expects " + std::to_string(k) +
                   " inputs but the previous layer has " +
                   std::to_string(channels));
  float alpha = floatAttribute(node, "alpha", 1.0f);
  ConvStep step(ConvStep::Kind::Linear);
  step.inChannels = k;
  step.outChannels = n;
  step.weight.resize(k * n);
  // [n][k] when transposed (PyTorch's layout), else [k][n].
  for (size_t o = 0; o < n; ++o)
    for (size_t i = 0; i < k; ++i)
      step.weight[o * k + i] =
          alpha * (transB ? b.values[o * k + i] : b.values[i * n + o]);
  step.bias.assign(n, 0.0f);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Constant &c = floatInput(node, 2);
    float beta = floatAttribute(node, "beta", 1.0f);
    if (c.values.size() == n)
      for (size_t o = 0; o < n; ++o)
        step.bias[o] = beta * c.values[o];
    else if (c.values.size() == 1)
      step.bias.assign(n, beta * c.values[0]);
    else
      fail(node, "C must have 1 or " + std::to_string(n) + " values");
  }
  channels = n;
  push(std::move(step));
}

void ConvReader::addNode(const onnx::NodeProto &node) {
  const std::string &op = node.op_type();
  if (op == "Constant") {
    addConstantNode(node);
    return;
  }
  if (node.output_size() < 1)
    fail(node, "expected an output");
  if (op == "Reshape") {
    addReshape(node);
  } else if (op == "Conv") {
    addConv(node);
  } else if (op == "BatchNormalization") {
    addNorm(node);
  } else if (op == "MaxPool") {
    addPool(node, ConvStep::Kind::MaxPool);
  } else if (op == "AveragePool") {
    addPool(node, ConvStep::Kind::AvgPool);
  } else if (op == "Flatten") {
    addFlatten(node);
  } else if (op == "Gemm") {
    addGemm(node);
  } else if (op == "Relu" || op == "Tanh" || op == "Sigmoid") {
    requireCurrent(node);
    if (!reshaped)
      fail(node, "an activation before the Reshape is not supported");
    push(ConvStep(op == "Relu"   ? ConvStep::Kind::Relu
                  : op == "Tanh" ? ConvStep::Kind::Tanh
                                 : ConvStep::Kind::Sigmoid));
  } else {
    fail(node, "op not supported by the benchmark's LibTorch baseline of "
               "convolutional networks");
  }
  current = node.output(0);
}

ConvModel ConvReader::read() {
  const onnx::GraphProto &graph = load();
  for (const auto &input : graph.input()) {
    if (constants.count(input.name()))
      continue;
    if (!current.empty())
      fail("input " + input.name() + ": only one graph input is supported");
    const auto &shape = input.type().tensor_type().shape();
    if (shape.dim_size() != 2 || !shape.dim(1).has_dim_value())
      fail("input " + input.name() +
           ": expected shape [events, features] with static features");
    current = input.name();
    m.inputSize = static_cast<size_t>(shape.dim(1).dim_value());
  }
  if (current.empty())
    fail("the graph has no input");
  for (const auto &node : graph.node())
    addNode(node);
  if (!flat)
    fail("the graph does not end in dense layers after a Flatten");
  if (graph.output_size() != 1 || graph.output(0).name() != current)
    fail("the graph must have one output, the last layer's");
  m.outputSize = channels;
  return m;
}

size_t ConvModel::multiplyAdds() const {
  size_t n = 0;
  for (const ConvStep &s : steps)
    if (s.kind == ConvStep::Kind::Conv)
      n += s.channels * s.height * s.width * s.inChannels * s.kernel[0] *
           s.kernel[1];
    else if (s.kind == ConvStep::Kind::Linear)
      n += s.inChannels * s.outChannels;
  return n;
}

std::string ConvModel::describe() const {
  std::ostringstream os;
  os << channels << "x" << height << "x" << width;
  bool dense = false;
  std::vector<std::string> activations;
  auto activation = [&](const char *name) {
    for (const std::string &a : activations)
      if (a == name)
        return;
    activations.push_back(name);
  };
  for (const ConvStep &s : steps) {
    switch (s.kind) {
    case ConvStep::Kind::Relu:
      activation("relu");
      break;
    case ConvStep::Kind::Tanh:
      activation("tanh");
      break;
    case ConvStep::Kind::Sigmoid:
      activation("sigmoid");
      break;
    case ConvStep::Kind::Conv:
      os << " c" << s.outChannels;
      if (s.kernel[0] != 3 || s.kernel[1] != 3)
        os << "k" << s.kernel[0] << "x" << s.kernel[1];
      break;
    case ConvStep::Kind::Norm:
      os << " bn";
      break;
    case ConvStep::Kind::MaxPool:
      os << " p" << s.kernel[0];
      break;
    case ConvStep::Kind::AvgPool:
      os << " a" << s.kernel[0];
      break;
    case ConvStep::Kind::Linear:
      os << (dense ? "-" : " ") << s.outChannels;
      dense = true;
      break;
    case ConvStep::Kind::Flatten:
      break;
    }
  }
  for (const std::string &a : activations)
    os << ", " << a;
  return os.str();
}

namespace ariadne::bench {

bool hasConvolution2d(const std::string &path) {
  struct Probe : OnnxReader {
    explicit Probe(std::string path) : OnnxReader(std::move(path)) {}
    bool run() {
      for (const auto &node : load().node()) {
        if (node.op_type() != "Conv" || node.input_size() < 2)
          continue;
        auto it = constants.find(node.input(1));
        if (it != constants.end() && it->second.dims.size() == 4)
          return true;
      }
      return false;
    }
  };
  return Probe(path).run();
}

ConvModel readConvModel(const std::string &path) {
  return ConvReader(path).read();
}

} // namespace ariadne::bench
