//===- RecurrentModel.cpp - a TrackNETv2-style GRU model from ONNX --------===//
//
// Follows the values of the graph from its input: each carries the order of
// its axes (N events, T steps, K features, D the GRU's direction axis), its
// feature width and how many of the model's layers lie behind it. The shape
// arithmetic PyTorch exports around a GRU (Shape, Gather, Concat,
// ConstantOfShape for the zero initial state) is followed only far enough to
// see that the initial state is zero.
//
//===----------------------------------------------------------------------===//
#include "bench/RecurrentModel.h"

#include "bench/OnnxReader.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <sstream>

using namespace ariadne::bench;

namespace {

/// A value computed from the graph's input.
struct Value {
  std::string axes; // one letter per axis: N, T, K or D
  size_t width = 0; // the size of the K axis
  size_t depth = 0; // layers of the model behind it
  /// After the head: the head's columns this value holds, in order.
  std::vector<HeadSegment> segments;
};

class RecurrentReader : OnnxReader {
public:
  explicit RecurrentReader(std::string path) : OnnxReader(std::move(path)) {
    m.path = this->path;
  }
  RecurrentModel read();

private:
  enum class Layer { Conv, Norm, Relu, Gru, HeadMatMul, HeadBias };

  void addNode(const onnx::NodeProto &node);
  void addDataNode(const onnx::NodeProto &node, const Value &x);
  void addZeroNode(const onnx::NodeProto &node);
  void addShapeNode(const onnx::NodeProto &node);
  /// Checks that `x` is the output of the last layer so far (no branches)
  /// and records `layer`; returns the new layer's depth.
  size_t addLayer(const onnx::NodeProto &node, const Value &x, Layer layer);
  void requireAxes(const onnx::NodeProto &node, const Value &x,
                   const char *axes, const char *what) const;
  /// A non-negative axis of a value of `rank` axes.
  size_t axisIndex(const onnx::NodeProto &node, int64_t axis,
                   size_t rank) const;
  void addReshape(const onnx::NodeProto &node, const Value &x);
  void addConv(const onnx::NodeProto &node, const Value &x);
  void addNorm(const onnx::NodeProto &node, const Value &x);
  void addGru(const onnx::NodeProto &node, const Value &x);
  void addHead(const onnx::NodeProto &node, const Value &x);
  void addHeadBias(const onnx::NodeProto &node, const Value &x, int index);
  void addSlice(const onnx::NodeProto &node, const Value &x);
  void addConcat(const onnx::NodeProto &node);

  RecurrentModel m;
  std::vector<Layer> layers;
  std::map<std::string, Value> values;
  std::set<std::string> zeros;     // all-zero tensors (the GRU's h0)
  std::set<std::string> shapes;    // shape arithmetic
  std::set<std::string> forbidden; // outputs the baseline does not compute
};

} // namespace

size_t RecurrentReader::addLayer(const onnx::NodeProto &node, const Value &x,
                                 Layer layer) {
  if (x.depth != layers.size())
    fail(node, "its input is not the output of the model's last layer so "
               "far (only a chain of layers is supported)");
  layers.push_back(layer);
  return layers.size();
}

void RecurrentReader::requireAxes(const onnx::NodeProto &node, const Value &x,
                                  const char *axes, const char *what) const {
  if (x.axes != axes)
    fail(node, std::string("expected ") + what);
}

size_t RecurrentReader::axisIndex(const onnx::NodeProto &node, int64_t axis,
                                  size_t rank) const {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    fail(node, "axis " + std::to_string(axis) + " out of range");
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

void RecurrentReader::addReshape(const onnx::NodeProto &node, const Value &x) {
  const std::vector<int64_t> &shape = intsInput(node, 1);
  bool batchKept = !shape.empty() && (shape[0] == -1 || shape[0] == 0) &&
                   intAttribute(node, "allowzero", 0) == 0;
  Value y = x;
  if (x.axes == "NK" && x.depth == 0 && m.steps == 0 && batchKept &&
      shape.size() == 3 && shape[1] > 0 && shape[2] > 0 &&
      static_cast<size_t>(shape[1] * shape[2]) == x.width) {
    // The event's hits as steps: [N, T*F] -> [N, T, F].
    m.steps = static_cast<size_t>(shape[1]);
    m.features = static_cast<size_t>(shape[2]);
    y.axes = "NTK";
    y.width = m.features;
  } else if (x.axes == "NTK" && batchKept && shape.size() == 2 &&
             static_cast<size_t>(shape[1]) == m.steps * x.width) {
    y.axes = "NK";
    y.width = m.steps * x.width;
  } else {
    fail(node, "only [N, T*F] -> [N, T, F] at the input and [N, T, K] -> "
               "[N, T*K] are supported");
  }
  values[node.output(0)] = y;
}

void RecurrentReader::addConv(const onnx::NodeProto &node, const Value &x) {
  requireAxes(node, x, "NKT", "[N, F, T], the steps along the last axis");
  if (!layers.empty())
    fail(node, "only a convolution at the front is supported");
  const Constant &w = floatInput(node, 1);
  if (w.dims.size() != 3 || w.dims[2] != 1 ||
      static_cast<size_t>(w.dims[1]) != x.width)
    fail(node, "the weight must be [C, " + std::to_string(x.width) + ", 1]");
  bool ok = intAttribute(node, "group", 1) == 1 &&
            stringAttribute(node, "auto_pad", "NOTSET") == "NOTSET";
  for (const char *name : {"kernel_shape", "strides", "dilations"})
    for (int64_t v : intsAttribute(node, name))
      ok = ok && v == 1;
  for (int64_t v : intsAttribute(node, "pads"))
    ok = ok && v == 0;
  if (!ok)
    fail(node, "only a pointwise convolution (kernel 1, stride 1, no "
               "padding, one group) is supported");
  m.channels = static_cast<size_t>(w.dims[0]);
  m.convWeight = w.values; // [C][F][1] is [C][F]
  m.convBias.assign(m.channels, 0.0f);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const Constant &b = floatInput(node, 2);
    if (b.values.size() != m.channels)
      fail(node,
           "the bias must have " + std::to_string(m.channels) + " values");
    m.convBias = b.values;
  }
  Value y = x;
  y.width = m.channels;
  y.depth = addLayer(node, x, Layer::Conv);
  values[node.output(0)] = y;
}

void RecurrentReader::addNorm(const onnx::NodeProto &node, const Value &x) {
  requireAxes(node, x, "NKT", "[N, C, T] after the convolution");
  if (layers.empty() || layers.back() != Layer::Conv)
    fail(node, "only a batch norm right after the convolution is supported");
  if (intAttribute(node, "training_mode", 0) != 0 || node.output_size() != 1)
    fail(node, "only an eval-mode batch norm (training_mode 0, one output) "
               "is supported");
  std::vector<float> *fields[] = {&m.normWeight, &m.normBias, &m.normMean,
                                  &m.normVar};
  for (int i = 0; i < 4; ++i) {
    const Constant &c = floatInput(node, i + 1);
    if (c.values.size() != x.width)
      fail(node, "input " + std::to_string(i + 1) + " must have " +
                     std::to_string(x.width) + " values");
    *fields[i] = c.values;
  }
  m.batchNorm = true;
  m.normEpsilon = floatAttribute(node, "epsilon", 1e-5f);
  Value y = x;
  y.depth = addLayer(node, x, Layer::Norm);
  values[node.output(0)] = y;
}

void RecurrentReader::addGru(const onnx::NodeProto &node, const Value &x) {
  requireAxes(node, x, "TNK", "[T, N, K], the steps first");
  if (!layers.empty() && layers.back() != Layer::Gru &&
      layers.back() != Layer::Conv && layers.back() != Layer::Norm &&
      layers.back() != Layer::Relu)
    fail(node, "a GRU after the head is not supported");
  const size_t h = static_cast<size_t>(intAttribute(node, "hidden_size", 0));
  const Constant &w = floatInput(node, 1);
  const Constant &r = floatInput(node, 2);
  if (h == 0 ||
      w.dims != std::vector<int64_t>{1, int64_t(3 * h), int64_t(x.width)} ||
      r.dims != std::vector<int64_t>{1, int64_t(3 * h), int64_t(h)})
    fail(node, "expected W [1, 3*hidden, " + std::to_string(x.width) +
                   "] and R [1, 3*hidden, hidden]");
  if (stringAttribute(node, "direction", "forward") != "forward" ||
      hasAttribute(node, "clip") || intAttribute(node, "layout", 0) != 0)
    fail(node, "only a forward GRU, without clip, layout 0 is supported");
  if (intAttribute(node, "linear_before_reset", 0) != 1)
    fail(node, "only linear_before_reset=1 (PyTorch's GRU) is supported");
  for (const auto &a : node.attribute())
    if (a.name() == "activations" &&
        !(a.strings_size() == 2 && a.strings(0) == "Sigmoid" &&
          a.strings(1) == "Tanh"))
      fail(node, "only the default activations (Sigmoid, Tanh) are "
                 "supported");
  if (node.input_size() > 4 && !node.input(4).empty())
    fail(node, "sequence_lens is not supported");
  if (node.input_size() > 5 && !node.input(5).empty() &&
      !zeros.count(node.input(5)))
    fail(node, "only a zero initial_h is supported");
  if (!m.gru.empty() && m.gru.front().hidden != h)
    fail(node, "every GRU layer must have the hidden size of the first");

  GruLayer layer;
  layer.inSize = x.width;
  layer.hidden = h;
  // ONNX gate blocks z, r, h; PyTorch's r, z, n.
  const size_t torchBlockOf[3] = {1, 0, 2}; // ONNX block -> PyTorch block
  auto reorder = [&](const float *from, size_t rowLength,
                     std::vector<float> &to) {
    to.resize(3 * h * rowLength);
    for (size_t g = 0; g < 3; ++g)
      std::copy(from + g * h * rowLength, from + (g + 1) * h * rowLength,
                to.begin() + torchBlockOf[g] * h * rowLength);
  };
  reorder(w.values.data(), x.width, layer.weightIh);
  reorder(r.values.data(), h, layer.weightHh);
  std::vector<float> b(6 * h, 0.0f);
  if (node.input_size() > 3 && !node.input(3).empty()) {
    const Constant &c = floatInput(node, 3);
    if (c.values.size() != 6 * h)
      fail(node, "B must be [1, 6*hidden]");
    b = c.values;
  }
  reorder(b.data(), 1, layer.biasIh);
  reorder(b.data() + 3 * h, 1, layer.biasHh);
  m.gru.push_back(std::move(layer));

  Value y;
  y.axes = "TDNK";
  y.width = h;
  y.depth = addLayer(node, x, Layer::Gru);
  if (node.output_size() > 0 && !node.output(0).empty())
    values[node.output(0)] = y;
  if (node.output_size() > 1 && !node.output(1).empty())
    forbidden.insert(node.output(1)); // Y_h: the baseline returns only Y
}

void RecurrentReader::addHead(const onnx::NodeProto &node, const Value &x) {
  requireAxes(node, x, "NTK", "[N, T, H], the GRU's output batch first");
  if (layers.empty() || layers.back() != Layer::Gru)
    fail(node, "only a head right after the GRU is supported");
  const Constant &w = floatInput(node, 1);
  if (w.dims.size() != 2 || static_cast<size_t>(w.dims[0]) != x.width)
    fail(node, "the weight must be [" + std::to_string(x.width) + ", O]");
  m.headSize = static_cast<size_t>(w.dims[1]);
  m.headWeight.resize(m.headSize * x.width);
  for (size_t o = 0; o < m.headSize; ++o) // [H][O] -> [O][H]
    for (size_t i = 0; i < x.width; ++i)
      m.headWeight[o * x.width + i] = w.values[i * m.headSize + o];
  m.headBias.assign(m.headSize, 0.0f);
  Value y = x;
  y.width = m.headSize;
  y.depth = addLayer(node, x, Layer::HeadMatMul);
  y.segments = {{0, m.headSize, false}};
  values[node.output(0)] = y;
}

void RecurrentReader::addHeadBias(const onnx::NodeProto &node, const Value &x,
                                  int index) {
  if (layers.empty() || layers.back() != Layer::HeadMatMul)
    fail(node, "only a bias right after the head's MatMul is supported");
  const Constant &c = floatInput(node, 1 - index);
  if (c.values.size() == 1)
    m.headBias.assign(m.headSize, c.values[0]);
  else if (c.values.size() == m.headSize)
    m.headBias = c.values;
  else
    fail(node,
         "the bias must have 1 or " + std::to_string(m.headSize) + " values");
  Value y = x;
  y.depth = addLayer(node, x, Layer::HeadBias);
  values[node.output(0)] = y;
}

void RecurrentReader::addSlice(const onnx::NodeProto &node, const Value &x) {
  if (x.segments.empty())
    fail(node, "only slices of the head's output are supported");
  const std::vector<int64_t> &starts = intsInput(node, 1);
  const std::vector<int64_t> &ends = intsInput(node, 2);
  std::vector<int64_t> axes = {0};
  if (node.input_size() > 3 && !node.input(3).empty())
    axes = intsInput(node, 3);
  bool unitStep = true;
  if (node.input_size() > 4 && !node.input(4).empty())
    for (int64_t s : intsInput(node, 4))
      unitStep = unitStep && s == 1;
  if (starts.size() != 1 || ends.size() != 1 || axes.size() != 1 || !unitStep ||
      axisIndex(node, axes[0], x.axes.size()) != x.axes.size() - 1)
    fail(node, "only a slice of the last axis with step 1 is supported");
  // Columns [begin, end) of x, clamped as ONNX does.
  const int64_t n = static_cast<int64_t>(x.width);
  auto clamp = [&](int64_t v) {
    return static_cast<size_t>(std::clamp(v < 0 ? v + n : v, int64_t(0), n));
  };
  size_t begin = clamp(starts[0]), end = clamp(ends[0]);
  if (begin >= end)
    fail(node, "empty slice");
  // Map them onto the head's columns through x's segments.
  Value y = x;
  y.segments.clear();
  size_t at = 0;
  for (const HeadSegment &s : x.segments) {
    size_t from = std::max(begin, at), to = std::min(end, at + s.end - s.begin);
    if (from < to)
      y.segments.push_back(
          {s.begin + (from - at), s.begin + (to - at), s.softplus});
    at += s.end - s.begin;
  }
  y.width = end - begin;
  values[node.output(0)] = y;
}

void RecurrentReader::addConcat(const onnx::NodeProto &node) {
  Value y;
  for (int i = 0; i < node.input_size(); ++i) {
    auto it = values.find(node.input(i));
    if (it == values.end() || it->second.segments.empty())
      fail(node, "only a concatenation of pieces of the head's output is "
                 "supported");
    const Value &x = it->second;
    if (i == 0) {
      y = x;
      y.segments.clear();
      y.width = 0;
    } else if (x.axes != y.axes || x.depth != y.depth) {
      fail(node, "its inputs differ in layout");
    }
    if (axisIndex(node, intAttribute(node, "axis", 0), x.axes.size()) !=
        x.axes.size() - 1)
      fail(node, "only a concatenation along the last axis is supported");
    y.width += x.width;
    y.segments.insert(y.segments.end(), x.segments.begin(), x.segments.end());
  }
  values[node.output(0)] = y;
}

void RecurrentReader::addDataNode(const onnx::NodeProto &node, const Value &x) {
  const std::string &op = node.op_type();
  auto same = [&](Value y) { values[node.output(0)] = std::move(y); };
  if (op == "Shape") {
    shapes.insert(node.output(0));
  } else if (op == "Identity") {
    same(x);
  } else if (op == "Reshape") {
    addReshape(node, x);
  } else if (op == "Transpose") {
    std::vector<int64_t> perm = intsAttribute(node, "perm");
    if (perm.empty())
      for (size_t i = x.axes.size(); i-- > 0;)
        perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != x.axes.size())
      fail(node, "perm does not match the input's rank");
    Value y = x;
    for (size_t i = 0; i < perm.size(); ++i)
      y.axes[i] = x.axes[axisIndex(node, perm[i], x.axes.size())];
    same(y);
  } else if (op == "Squeeze") {
    std::vector<int64_t> axes = node.input_size() > 1
                                    ? intsInput(node, 1)
                                    : intsAttribute(node, "axes");
    if (axes.size() != 1 ||
        x.axes[axisIndex(node, axes[0], x.axes.size())] != 'D')
      fail(node, "only squeezing the GRU's direction axis is supported");
    Value y = x;
    y.axes.erase(axisIndex(node, axes[0], x.axes.size()), 1);
    same(y);
  } else if (op == "Flatten") {
    if (x.axes != "NTK" || intAttribute(node, "axis", 1) != 1)
      fail(node, "only flattening [N, T, K] to [N, T*K] is supported");
    Value y = x;
    y.axes = "NK";
    y.width = m.steps * x.width;
    same(y);
  } else if (op == "Conv") {
    addConv(node, x);
  } else if (op == "BatchNormalization") {
    addNorm(node, x);
  } else if (op == "Relu") {
    if (layers.empty() ||
        (layers.back() != Layer::Conv && layers.back() != Layer::Norm))
      fail(node, "only a ReLU after the convolution is supported");
    Value y = x;
    y.depth = addLayer(node, x, Layer::Relu);
    m.frontRelu = true;
    same(y);
  } else if (op == "GRU") {
    addGru(node, x);
  } else if (op == "MatMul") {
    if (!values.count(node.input(0)))
      fail(node, "only the GRU's output times a constant is supported");
    addHead(node, x);
  } else if (op == "Add") {
    int index = values.count(node.input(0)) ? 0 : 1;
    addHeadBias(node, values.at(node.input(index)), index);
  } else if (op == "Slice") {
    addSlice(node, x);
  } else if (op == "Softplus") {
    if (x.segments.empty() || layers.back() != Layer::HeadBias)
      fail(node, "only a softplus on the head's output is supported");
    Value y = x;
    for (HeadSegment &s : y.segments) {
      if (s.softplus)
        fail(node, "softplus twice");
      s.softplus = true;
    }
    same(y);
  } else if (op == "Concat") {
    addConcat(node);
  } else {
    fail(node, "op not supported by the benchmark's LibTorch baseline of "
               "recurrent models");
  }
}

void RecurrentReader::addZeroNode(const onnx::NodeProto &node) {
  const std::string &op = node.op_type();
  if (op != "Slice" && op != "Squeeze" && op != "Unsqueeze" &&
      op != "Reshape" && op != "Transpose" && op != "Identity")
    fail(node, "only reshaping a zero initial state is supported");
  zeros.insert(node.output(0));
}

void RecurrentReader::addShapeNode(const onnx::NodeProto &node) {
  const std::string &op = node.op_type();
  if (op == "ConstantOfShape") {
    bool zero = true;
    for (const auto &a : node.attribute())
      if (a.name() == "value") {
        Constant c = toConstant(a.t());
        for (float v : c.values)
          zero = zero && v == 0.0f;
        for (int64_t v : c.ints)
          zero = zero && v == 0;
      }
    if (!zero)
      fail(node, "only a zero-filled ConstantOfShape is supported");
    zeros.insert(node.output(0));
    return;
  }
  if (op != "Gather" && op != "Unsqueeze" && op != "Squeeze" &&
      op != "Concat" && op != "Slice" && op != "Cast")
    fail(node, "op not supported in shape arithmetic");
  for (const std::string &out : node.output())
    shapes.insert(out);
}

void RecurrentReader::addNode(const onnx::NodeProto &node) {
  if (node.op_type() == "Constant") {
    addConstantNode(node);
    return;
  }
  const Value *data = nullptr;
  bool zero = false;
  for (const std::string &in : node.input()) {
    if (forbidden.count(in))
      fail(node, "reads " + in +
                     ", the GRU's last state, which the baseline does not "
                     "compute");
    auto it = values.find(in);
    if (it != values.end() && !data)
      data = &it->second;
    zero = zero || zeros.count(in);
  }
  if (node.op_type() == "GRU" || data)
    addDataNode(node, data ? *data : Value{});
  else if (zero)
    addZeroNode(node);
  else
    addShapeNode(node);
}

RecurrentModel RecurrentReader::read() {
  const onnx::GraphProto &graph = load();
  std::string input;
  for (const auto &in : graph.input()) {
    if (isConstant(in.name()))
      continue;
    if (!input.empty())
      fail("input " + in.name() + ": only one graph input is supported");
    const auto &shape = in.type().tensor_type().shape();
    if (shape.dim_size() != 2 || !shape.dim(1).has_dim_value())
      fail("input " + in.name() +
           ": expected shape [events, features] with static features");
    input = in.name();
    m.inputSize = static_cast<size_t>(shape.dim(1).dim_value());
    values[input] = Value{"NK", m.inputSize, 0, {}};
  }
  if (input.empty())
    fail("the graph has no input");
  for (const auto &node : graph.node())
    addNode(node);
  if (graph.output_size() != 1)
    fail("the graph must have one output");
  auto it = values.find(graph.output(0).name());
  if (it == values.end())
    fail("the output is not computed from the input");
  const Value &y = it->second;
  if (m.gru.empty() || layers.back() != Layer::HeadBias ||
      y.depth != layers.size() || y.axes != "NK" ||
      y.width != m.steps * m.headSize)
    fail("the output must be the head's [N, T, O] flattened to [N, T*O]");
  size_t at = 0;
  for (const HeadSegment &s : y.segments) {
    if (s.begin != at)
      fail("the output must hold the head's columns in order");
    at = s.end;
  }
  if (at != m.headSize)
    fail("the output must hold every column of the head");
  m.headSegments = y.segments;
  m.outputSize = y.width;
  return m;
}

size_t RecurrentModel::multiplyAdds() const {
  size_t perStep = features * channels;
  for (const GruLayer &l : gru)
    perStep += 3 * l.hidden * (l.inSize + l.hidden);
  if (!gru.empty())
    perStep += gru.back().hidden * headSize;
  return steps * perStep;
}

std::string RecurrentModel::describe() const {
  std::ostringstream os;
  os << steps << "x" << features;
  if (channels)
    os << " conv" << channels;
  if (batchNorm)
    os << " bn";
  if (!gru.empty())
    os << " " << gru.size() << "xGRU" << gru.front().hidden;
  os << " " << headSize << "/step";
  return os.str();
}

namespace ariadne::bench {

bool hasRecurrentLayer(const std::string &path) {
  struct Probe : OnnxReader {
    explicit Probe(std::string path) : OnnxReader(std::move(path)) {}
    bool run() {
      for (const auto &node : load().node())
        if (node.op_type() == "GRU")
          return true;
      return false;
    }
  };
  return Probe(path).run();
}

RecurrentModel readRecurrentModel(const std::string &path) {
  return RecurrentReader(path).read();
}

} // namespace ariadne::bench
