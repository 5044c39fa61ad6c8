//===- TransformerModel.cpp - a hit-set transformer from ONNX -------------===//
#include "bench/TransformerModel.h"

#include "bench/OnnxReader.h"

#include <sstream>

namespace ariadne::bench {

namespace {

class TransformerReader : OnnxReader {
public:
  explicit TransformerReader(std::string path) : OnnxReader(std::move(path)) {}

  TransformerModel read() {
    const onnx::GraphProto &graph = load();
    TransformerModel m;
    m.path = path;
    const std::vector<int64_t> &shape = ints("input_shape");
    if (shape.size() != 3 || shape[1] < 1 || shape[2] < 2)
      fail("input_shape is not [-1, hits, features]");
    m.hits = static_cast<size_t>(shape[1]);
    m.features = static_cast<size_t>(shape[2]);
    m.inputSize = m.hits * m.features;
    // The writer names each layer's initializers layer<i>_...: the
    // embedding is layer0, the encoder layers follow.
    m.embed = transposed("layer0");
    m.width = m.embed.out;
    size_t index = 1;
    for (;; ++index) {
      std::string p = "layer" + std::to_string(index);
      if (!isConstant(p + "_qkv_weight"))
        break;
      EncoderWeights layer;
      layer.qkv = transposed(p + "_qkv");
      layer.projection = transposed(p + "_projection");
      layer.ff1 = transposed(p + "_ff1");
      layer.ff2 = transposed(p + "_ff2");
      layer.norm1Scale = floats(p + "_norm1_scale");
      layer.norm1Shift = floats(p + "_norm1_shift");
      layer.norm2Scale = floats(p + "_norm2_scale");
      layer.norm2Shift = floats(p + "_norm2_shift");
      const std::vector<int64_t> &heads = ints(p + "_heads_shape");
      if (heads.size() != 4 || heads[2] < 1)
        fail(p + "_heads_shape is not [-1, hits, heads, d]");
      m.heads = static_cast<size_t>(heads[2]);
      m.layers.push_back(std::move(layer));
    }
    if (m.layers.empty())
      fail("no encoder layer (layer1_qkv_weight)");
    // The rest: the pooling, then the head's Gemms and activations.
    bool afterPool = false;
    for (const onnx::NodeProto &node : graph.node()) {
      const std::string &op = node.op_type();
      if (op == "LayerNormalization") {
        m.epsilon = floatAttribute(node, "epsilon", 1e-5f);
        if (node.name() == "layer1_norm1")
          m.preNorm = node.input(0) == "layer0_out";
      } else if (op == "ReduceMax" ||
                 (op == "Div" &&
                  node.name().find("_mean") != std::string::npos)) {
        m.poolMax = op == "ReduceMax";
        afterPool = true;
      } else if (afterPool && op == "Gemm") {
        DenseWeights dense;
        const Constant &w = floatInput(node, 1);
        if (w.dims.size() != 2 || intAttribute(node, "transB", 0) != 1)
          fail(node, "the head's Gemm is not [out, in] with transB = 1");
        dense.out = static_cast<size_t>(w.dims[0]);
        dense.in = static_cast<size_t>(w.dims[1]);
        dense.weight = w.values;
        dense.bias = floatInput(node, 2).values;
        m.head.push_back(std::move(dense));
        m.headActivations.push_back("");
      } else if (afterPool && (op == "Relu" || op == "Tanh")) {
        if (m.head.empty())
          fail(node, "an activation before the head's first Gemm");
        m.headActivations.back() = op == "Relu" ? "relu" : "tanh";
      } else if (afterPool) {
        fail(node, "not a head the benchmark reads (Gemm, Relu, Tanh)");
      }
    }
    if (!afterPool || m.head.empty())
      fail("no pooling and dense head after the encoder");
    m.outputSize = m.head.back().out;
    return m;
  }

private:
  const std::vector<int64_t> &ints(const std::string &name) {
    auto it = constants.find(name);
    if (it == constants.end() || it->second.isFloat)
      fail("no int64 initializer " + name);
    return it->second.ints;
  }
  const std::vector<float> &floats(const std::string &name) {
    auto it = constants.find(name);
    if (it == constants.end() || !it->second.isFloat)
      fail("no float initializer " + name);
    return it->second.values;
  }
  /// A layer the writer stores as MatMul by W^T ([in, out]) and Add: back
  /// to PyTorch's [out, in].
  DenseWeights transposed(const std::string &prefix) {
    auto it = constants.find(prefix + "_weight");
    if (it == constants.end() || !it->second.isFloat ||
        it->second.dims.size() != 2)
      fail("no [in, out] initializer " + prefix + "_weight");
    DenseWeights d;
    d.in = static_cast<size_t>(it->second.dims[0]);
    d.out = static_cast<size_t>(it->second.dims[1]);
    d.weight.resize(d.in * d.out);
    for (size_t i = 0; i < d.in; ++i)
      for (size_t o = 0; o < d.out; ++o)
        d.weight[o * d.in + i] = it->second.values[i * d.out + o];
    d.bias = floats(prefix + "_bias");
    if (d.bias.size() != d.out)
      fail(prefix + "_bias does not match its weight");
    return d;
  }
};

} // namespace

size_t TransformerModel::multiplyAdds() const {
  size_t perHit = embed.in * embed.out;
  size_t attention = 0;
  for (const EncoderWeights &l : layers) {
    perHit += l.qkv.in * l.qkv.out + l.projection.in * l.projection.out +
              l.ff1.in * l.ff1.out + l.ff2.in * l.ff2.out;
    // Scores and weighted sums: two H x H x W products.
    attention += 2 * hits * hits * width;
  }
  size_t headProducts = 0;
  for (const DenseWeights &d : head)
    headProducts += d.in * d.out;
  return hits * perHit + attention + headProducts;
}

std::string TransformerModel::describe() const {
  std::ostringstream out;
  out << hits << "x" << features << " W" << width << " " << heads << "h "
      << layers.size() << "L ff" << (layers.empty() ? 0 : layers[0].ff1.out)
      << (preNorm ? " pre" : "") << (poolMax ? " max" : " mean");
  for (const DenseWeights &d : head)
    out << " " << d.out;
  return out.str();
}

bool hasTransformer(const std::string &path) {
  struct Probe : OnnxReader {
    explicit Probe(std::string path) : OnnxReader(std::move(path)) {}
    bool run() {
      bool norm = false, split = false;
      for (const auto &node : load().node()) {
        norm |= node.op_type() == "LayerNormalization";
        split |= node.op_type() == "Split";
      }
      return norm && split;
    }
  };
  return Probe(path).run();
}

TransformerModel readTransformerModel(const std::string &path) {
  return TransformerReader(path).read();
}

} // namespace ariadne::bench
