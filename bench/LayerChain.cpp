//===- LayerChain.cpp - an ONNX MLP read as a chain of layers -------------===//
#include "bench/LayerChain.h"

#include "bench/OnnxReader.h"

#include <sstream>

using namespace ariadne::bench;

namespace {

class ChainReader : OnnxReader {
public:
  explicit ChainReader(std::string path) : OnnxReader(std::move(path)) {
    chain.path = this->path;
  }
  LayerChain read();

private:
  void requireChainInput(const onnx::NodeProto &node, int index) const;
  float scalarInput(const onnx::NodeProto &node, int index) const;
  void addNode(const onnx::NodeProto &node);
  void addGemm(const onnx::NodeProto &node);
  void addMatMul(const onnx::NodeProto &node);
  void addBias(const onnx::NodeProto &node);
  void addLinear(const onnx::NodeProto &node, const std::vector<float> &w,
                 size_t k, size_t n, bool transposed, float alpha);

  LayerChain chain;
  std::string current; // the name of the chain's value so far
  size_t width = 0;    // its per-event size
};

} // namespace

void ChainReader::requireChainInput(const onnx::NodeProto &node,
                                    int index) const {
  if (index >= node.input_size() || node.input(index) != current)
    fail(node, "input " + std::to_string(index) +
                   " is not the previous layer's output " + current +
                   " (only chains of layers are supported)");
}

float ChainReader::scalarInput(const onnx::NodeProto &node, int index) const {
  const Constant &c = floatInput(node, index);
  if (c.values.size() != 1)
    fail(node, "only a scalar constant operand is supported");
  return c.values[0];
}

void ChainReader::addLinear(const onnx::NodeProto &node,
                            const std::vector<float> &w, size_t k, size_t n,
                            bool transposed, float alpha) {
  if (k != width)
    fail(node, "weight expects " + std::to_string(k) +
                   " inputs but the previous layer has " +
                   std::to_string(width));
  ChainStep step(ChainStep::Kind::Linear);
  step.inSize = k;
  step.outSize = n;
  step.weight.resize(k * n);
  // `w` is [n][k] when transposed (Gemm transB=1, PyTorch's layout), else
  // [k][n] (MatMul); the step stores [n][k].
  for (size_t o = 0; o < n; ++o)
    for (size_t i = 0; i < k; ++i)
      step.weight[o * k + i] =
          alpha * (transposed ? w[o * k + i] : w[i * n + o]);
  step.bias.assign(n, 0.0f);
  chain.steps.push_back(std::move(step));
  width = n;
}

void ChainReader::addGemm(const onnx::NodeProto &node) {
  requireChainInput(node, 0);
  if (intAttribute(node, "transA", 0) != 0)
    fail(node, "transA=1 is not supported");
  const Constant &b = floatInput(node, 1);
  if (b.dims.size() != 2)
    fail(node, "B must be a matrix");
  bool transB = intAttribute(node, "transB", 0) != 0;
  size_t k = static_cast<size_t>(transB ? b.dims[1] : b.dims[0]);
  size_t n = static_cast<size_t>(transB ? b.dims[0] : b.dims[1]);
  addLinear(node, b.values, k, n, transB, floatAttribute(node, "alpha", 1.0f));
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Constant &c = floatInput(node, 2);
    float beta = floatAttribute(node, "beta", 1.0f);
    std::vector<float> &bias = chain.steps.back().bias;
    if (c.values.size() == n)
      for (size_t o = 0; o < n; ++o)
        bias[o] = beta * c.values[o];
    else if (c.values.size() == 1)
      bias.assign(n, beta * c.values[0]);
    else
      fail(node, "C must have 1 or " + std::to_string(n) + " values");
  }
}

void ChainReader::addMatMul(const onnx::NodeProto &node) {
  requireChainInput(node, 0);
  const Constant &b = floatInput(node, 1);
  if (b.dims.size() != 2)
    fail(node, "the weight must be a matrix");
  addLinear(node, b.values, static_cast<size_t>(b.dims[0]),
            static_cast<size_t>(b.dims[1]), /*transposed=*/false, 1.0f);
}

void ChainReader::addBias(const onnx::NodeProto &node) {
  int chainIndex = node.input_size() == 2 && node.input(1) == current ? 1 : 0;
  requireChainInput(node, chainIndex);
  const Constant &c = floatInput(node, 1 - chainIndex);
  if (chain.steps.empty() || chain.steps.back().kind != ChainStep::Kind::Linear)
    fail(node, "only a bias added right after a MatMul or Gemm is supported");
  std::vector<float> &bias = chain.steps.back().bias;
  if (c.values.size() == 1)
    for (float &v : bias)
      v += c.values[0];
  else if (c.values.size() == bias.size())
    for (size_t o = 0; o < bias.size(); ++o)
      bias[o] += c.values[o];
  else
    fail(node,
         "the bias must have 1 or " + std::to_string(bias.size()) + " values");
}

void ChainReader::addNode(const onnx::NodeProto &node) {
  const std::string &op = node.op_type();
  if (op == "Constant") {
    addConstantNode(node);
    return;
  }
  if (node.output_size() != 1)
    fail(node, "expected one output");
  auto simple = [&](ChainStep::Kind kind) {
    requireChainInput(node, 0);
    chain.steps.emplace_back(kind);
  };
  if (op == "Gemm") {
    addGemm(node);
  } else if (op == "MatMul") {
    addMatMul(node);
  } else if (op == "Add") {
    addBias(node);
  } else if (op == "Mul") {
    int chainIndex = node.input(0) == current ? 0 : 1;
    requireChainInput(node, chainIndex);
    ChainStep step(ChainStep::Kind::Scale);
    step.factor = scalarInput(node, 1 - chainIndex);
    chain.steps.push_back(step);
  } else if (op == "Div") {
    requireChainInput(node, 0);
    ChainStep step(ChainStep::Kind::Scale);
    step.factor = 1.0f / scalarInput(node, 1);
    chain.steps.push_back(step);
  } else if (op == "Tanh") {
    simple(ChainStep::Kind::Tanh);
  } else if (op == "Sigmoid") {
    simple(ChainStep::Kind::Sigmoid);
  } else if (op == "Relu") {
    simple(ChainStep::Kind::Relu);
  } else if (op == "Softmax") {
    int64_t axis = intAttribute(node, "axis", -1);
    if (axis != 1 && axis != -1)
      fail(node, "only a softmax over the features (axis 1 or -1) is "
                 "supported");
    simple(ChainStep::Kind::Softmax);
  } else {
    fail(node, "op not supported by the benchmark's LibTorch baseline");
  }
  current = node.output(0);
}

LayerChain ChainReader::read() {
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
    width = chain.inputSize = static_cast<size_t>(shape.dim(1).dim_value());
  }
  if (current.empty())
    fail("the graph has no input");
  for (const auto &node : graph.node())
    addNode(node);
  if (graph.output_size() != 1 || graph.output(0).name() != current)
    fail("the graph must have one output, the last layer's");
  chain.outputSize = width;
  return chain;
}

size_t LayerChain::multiplyAdds() const {
  size_t n = 0;
  for (const ChainStep &s : steps)
    if (s.kind == ChainStep::Kind::Linear)
      n += s.inSize * s.outSize;
  return n;
}

std::string LayerChain::describe() const {
  std::ostringstream os;
  os << inputSize;
  std::vector<std::string> activations;
  for (size_t i = 0; i < steps.size(); ++i) {
    const ChainStep &s = steps[i];
    switch (s.kind) {
    case ChainStep::Kind::Linear:
      os << "-" << s.outSize;
      break;
    case ChainStep::Kind::Scale: {
      bool beforeTanh =
          i + 1 < steps.size() && steps[i + 1].kind == ChainStep::Kind::Tanh;
      if (beforeTanh) {
        std::ostringstream f;
        f << "tanh(" << s.factor << "x)";
        activations.push_back(f.str());
        ++i;
      } else {
        activations.push_back("scale");
      }
      break;
    }
    case ChainStep::Kind::Tanh:
      activations.push_back("tanh");
      break;
    case ChainStep::Kind::Sigmoid:
      activations.push_back("sigmoid");
      break;
    case ChainStep::Kind::Relu:
      activations.push_back("relu");
      break;
    case ChainStep::Kind::Softmax:
      activations.push_back("softmax");
      break;
    }
  }
  // Name each distinct activation once, in order of first use.
  std::vector<std::string> distinct;
  for (const std::string &a : activations) {
    bool seen = false;
    for (const std::string &d : distinct)
      seen = seen || d == a;
    if (!seen)
      distinct.push_back(a);
  }
  for (size_t i = 0; i < distinct.size(); ++i)
    os << (i ? ", " : " ") << distinct[i];
  return os.str();
}

namespace ariadne::bench {
LayerChain readLayerChain(const std::string &path) {
  return ChainReader(path).read();
}
} // namespace ariadne::bench
