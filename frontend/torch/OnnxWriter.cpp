//===- OnnxWriter.cpp - trained models to ONNX ----------------------------===//
//
// Each dense layer is a Gemm (transB = 1, the weight as trained), batch
// normalization a BatchNormalization node in inference form, and tanh(x/2)
// a Mul by 0.5 followed by Tanh, the pattern ariadnec fuses. A
// convolutional network starts with a Reshape of the flat inputs to
// [events, C, ...], has Conv, MaxPool and AveragePool nodes, and a Flatten
// before its first dense layer. A sequence model reshapes its inputs to
// [events, T, F] (a convolutional front transposes them to [events, F, T]
// and back), each recurrent layer is a GRU or LSTM node between the
// Transposes to and from ONNX's time-major layout, as PyTorch exports
// them, and the head of every step a MatMul and Add over the last axis
// (with Softplus on an ellipse's radii) before a Reshape to the flat
// outputs. A set of hits reshapes its inputs to [events, N, F], slices off
// the mask, and writes each transformer layer as PyTorch exports a
// hand-written one: MatMul and Add, Split, Reshape and Transpose into
// heads, MatMul of activations, the mask's (mask - 1) * 10000 added to the
// scores, Softmax, LayerNormalization, and GELU through Erf; the masked
// mean is ReduceSum over the hits divided by their count. A graph network
// (GraphWriter) reads its nodes and an int64 edge index, gathers along the
// edges with Expand and GatherElements and sums messages with
// ScatterElements (add) into ConstantOfShape zeros, or reads incidence
// matrices and multiplies by them; its dense layers are MatMul and Add
// over the last axis.
//
//===----------------------------------------------------------------------===//
#include "frontend/torch/Model.h"

#include "onnx/checker.h"
#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <set>

using namespace ariadne::train;

namespace {

void addInitializer(onnx::GraphProto &graph, const std::string &name,
                    const std::vector<int64_t> &shape,
                    const std::vector<float> &values) {
  onnx::TensorProto *tensor = graph.add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t dim : shape)
    tensor->add_dims(dim);
  tensor->set_raw_data(
      std::string(reinterpret_cast<const char *>(values.data()),
                  values.size() * sizeof(float)));
}

onnx::NodeProto *addNode(onnx::GraphProto &graph, const std::string &op,
                         const std::string &name,
                         const std::vector<std::string> &inputs,
                         const std::string &output) {
  onnx::NodeProto *node = graph.add_node();
  node->set_op_type(op);
  node->set_name(name);
  for (const std::string &input : inputs)
    node->add_input(input);
  node->add_output(output);
  return node;
}

void setInts(onnx::NodeProto *node, const std::string &name,
             const std::vector<int64_t> &values) {
  onnx::AttributeProto *attr = node->add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    attr->add_ints(v);
}

void addInt64s(onnx::GraphProto &graph, const std::string &name,
               const std::vector<int64_t> &values) {
  onnx::TensorProto *tensor = graph.add_initializer();
  tensor->set_name(name);
  tensor->set_data_type(onnx::TensorProto::INT64);
  tensor->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values)
    tensor->add_int64_data(v);
}

void setInt(onnx::NodeProto *node, const std::string &name, int64_t value) {
  onnx::AttributeProto *attr = node->add_attribute();
  attr->set_name(name);
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

/// A Transpose of a rank-3 tensor swapping two axes.
void addSwap(onnx::GraphProto &graph, const std::string &name,
             const std::string &input, const std::string &output,
             std::vector<int64_t> perm) {
  setInts(addNode(graph, "Transpose", name, {input}, output), "perm", perm);
}

/// A graph input or output of shape [events, dims...].
void setValueInfo(onnx::ValueInfoProto *info, const std::string &name,
                  const std::vector<int64_t> &dims,
                  int32_t type = onnx::TensorProto::FLOAT) {
  info->set_name(name);
  onnx::TypeProto_Tensor *tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(type);
  tensor->mutable_shape()->add_dim()->set_dim_param("events");
  for (int64_t d : dims)
    tensor->mutable_shape()->add_dim()->set_dim_value(d);
}

/// The hits of a set model as the layers go: N hits of `features` inputs
/// (the mask apart), then of `width` after the embedding.
struct HitSet {
  int64_t count = 0, features = 0;
  int width = 0;
};

/// y = x W^T + b over the last axis: MatMul by W^T and Add. False when the
/// sizes do not match.
bool addLinear(onnx::GraphProto &graph, const std::string &prefix,
               const std::string &input, const std::vector<float> &weight,
               const std::vector<float> &bias, int inputs, int outputs,
               const std::string &output) {
  std::size_t k = static_cast<std::size_t>(outputs);
  std::size_t in = static_cast<std::size_t>(inputs);
  if (inputs < 1 || outputs < 1 || weight.size() != k * in || bias.size() != k)
    return false;
  std::vector<float> transposed(k * in);
  for (std::size_t o = 0; o < k; ++o)
    for (std::size_t i = 0; i < in; ++i)
      transposed[i * k + o] = weight[o * in + i];
  addInitializer(graph, prefix + "_weight", {inputs, outputs}, transposed);
  addInitializer(graph, prefix + "_bias", {outputs}, bias);
  addNode(graph, "MatMul", prefix + "_matmul", {input, prefix + "_weight"},
          prefix + "_product");
  addNode(graph, "Add", prefix + "_add",
          {prefix + "_product", prefix + "_bias"}, output);
  return true;
}

/// A LayerNormalization over the last axis.
void addLayerNorm(onnx::GraphProto &graph, const std::string &prefix,
                  const std::string &input, const std::vector<float> &scale,
                  const std::vector<float> &shift, float epsilon,
                  const std::string &output) {
  int64_t width = static_cast<int64_t>(scale.size());
  addInitializer(graph, prefix + "_scale", {width}, scale);
  addInitializer(graph, prefix + "_shift", {width}, shift);
  onnx::NodeProto *norm =
      addNode(graph, "LayerNormalization", prefix,
              {input, prefix + "_scale", prefix + "_shift"}, output);
  onnx::AttributeProto *eps = norm->add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(epsilon);
}

/// One transformer layer over [events, N, width] (the attention's mask
/// term is "mask_row"): attention and the GELU feed-forward network (as
/// PyTorch writes GELU: x * (1 + erf(x / sqrt 2)) * 0.5), each with its
/// residual sum and layer norm.
bool addEncoder(onnx::GraphProto &graph, const std::string &prefix,
                const std::string &input, const LayerSpec &layer,
                const HitSet &hits, const std::string &output) {
  int width = layer.outputs, heads = layer.heads;
  std::size_t w = static_cast<std::size_t>(width);
  if (heads < 1 || width % heads != 0 || layer.scale.size() != w ||
      layer.shift.size() != w || layer.scale2.size() != w ||
      layer.shift2.size() != w)
    return false;
  int64_t d = width / heads;
  auto normed = [&](const std::string &x, int which) {
    std::string name = prefix + (which == 1 ? "_norm1" : "_norm2");
    addLayerNorm(graph, name, x, which == 1 ? layer.scale : layer.scale2,
                 which == 1 ? layer.shift : layer.shift2, layer.epsilon,
                 name + "_out");
    return name + "_out";
  };
  // Attention.
  std::string x = layer.preNorm ? normed(input, 1) : input;
  if (!addLinear(graph, prefix + "_qkv", x, layer.weight, layer.bias, width,
                 3 * width, prefix + "_qkv_out"))
    return false;
  addInt64s(graph, prefix + "_split", {width, width, width});
  onnx::NodeProto *split =
      addNode(graph, "Split", prefix + "_split",
              {prefix + "_qkv_out", prefix + "_split"}, prefix + "_q");
  split->add_output(prefix + "_k");
  split->add_output(prefix + "_v");
  setInt(split, "axis", 2);
  addInt64s(graph, prefix + "_heads_shape", {-1, hits.count, heads, d});
  for (const char *part : {"_q", "_k", "_v"}) {
    addNode(graph, "Reshape", prefix + part + "_heads",
            {prefix + part, prefix + "_heads_shape"}, prefix + part + "_heads");
    addSwap(graph, prefix + part + "_by_head", prefix + part + "_heads",
            prefix + part + "_h",
            std::string(part) == "_k" ? std::vector<int64_t>{0, 2, 3, 1}
                                      : std::vector<int64_t>{0, 2, 1, 3});
  }
  addInitializer(graph, prefix + "_temperature", {},
                 {static_cast<float>(1.0 / std::sqrt(double(d)))});
  addNode(graph, "MatMul", prefix + "_scores",
          {prefix + "_q_h", prefix + "_k_h"}, prefix + "_scores");
  addNode(graph, "Mul", prefix + "_scaled",
          {prefix + "_scores", prefix + "_temperature"}, prefix + "_scaled");
  addNode(graph, "Add", prefix + "_masked", {prefix + "_scaled", "mask_row"},
          prefix + "_masked");
  setInt(addNode(graph, "Softmax", prefix + "_softmax", {prefix + "_masked"},
                 prefix + "_weights"),
         "axis", -1);
  addNode(graph, "MatMul", prefix + "_mix",
          {prefix + "_weights", prefix + "_v_h"}, prefix + "_mixed");
  addSwap(graph, prefix + "_by_hit", prefix + "_mixed", prefix + "_mixed_hits",
          {0, 2, 1, 3});
  addInt64s(graph, prefix + "_merge_shape", {-1, hits.count, width});
  addNode(graph, "Reshape", prefix + "_merge",
          {prefix + "_mixed_hits", prefix + "_merge_shape"},
          prefix + "_attention_in");
  if (!addLinear(graph, prefix + "_projection", prefix + "_attention_in",
                 layer.projection, layer.projectionBias, width, width,
                 prefix + "_attention"))
    return false;
  addNode(graph, "Add", prefix + "_residual1", {input, prefix + "_attention"},
          prefix + "_sum1");
  std::string h =
      layer.preNorm ? prefix + "_sum1" : normed(prefix + "_sum1", 1);
  // Feed-forward.
  std::string y = layer.preNorm ? normed(h, 2) : h;
  if (!addLinear(graph, prefix + "_ff1", y, layer.ff1, layer.ff1Bias, width,
                 layer.ffUnits, prefix + "_ff1_out"))
    return false;
  addInitializer(graph, prefix + "_sqrt2", {}, {1.41421356f});
  addInitializer(graph, prefix + "_half", {}, {0.5f});
  addNode(graph, "Div", prefix + "_gelu_scale",
          {prefix + "_ff1_out", prefix + "_sqrt2"}, prefix + "_gelu_x");
  addNode(graph, "Erf", prefix + "_gelu_erf", {prefix + "_gelu_x"},
          prefix + "_gelu_erf");
  addNode(graph, "Add", prefix + "_gelu_add", {prefix + "_gelu_erf", "one"},
          prefix + "_gelu_sum");
  addNode(graph, "Mul", prefix + "_gelu_mul",
          {prefix + "_ff1_out", prefix + "_gelu_sum"},
          prefix + "_gelu_product");
  addNode(graph, "Mul", prefix + "_gelu",
          {prefix + "_gelu_product", prefix + "_half"}, prefix + "_gelu_out");
  if (!addLinear(graph, prefix + "_ff2", prefix + "_gelu_out", layer.ff2,
                 layer.ff2Bias, layer.ffUnits, width, prefix + "_ff"))
    return false;
  if (layer.preNorm) {
    addNode(graph, "Add", prefix + "_residual2", {h, prefix + "_ff"}, output);
  } else {
    addNode(graph, "Add", prefix + "_residual2", {h, prefix + "_ff"},
            prefix + "_sum2");
    addLayerNorm(graph, prefix + "_norm2", prefix + "_sum2", layer.scale2,
                 layer.shift2, layer.epsilon, output);
  }
  return true;
}

/// Checks `proto` with the ONNX checker and serializes it.
bool checkAndSerialize(onnx::ModelProto &proto, std::string &bytes,
                       std::string &error) {
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception &e) {
    error =
        std::string("the exported model fails the ONNX checker: ") + e.what();
    return false;
  }
  if (!proto.SerializeToString(&bytes)) {
    error = "cannot serialize the ONNX model";
    return false;
  }
  return true;
}

/// The nodes of `activation` from `input` to `output`; tanh(x/2) reads the
/// initializer "half", added with its first use.
void addActivation(onnx::GraphProto &graph, const std::string &prefix,
                   const std::string &input, Activation activation,
                   const std::string &output) {
  switch (activation) {
  case Activation::None:
    addNode(graph, "Identity", prefix + "_identity", {input}, output);
    break;
  case Activation::Tanh:
    addNode(graph, "Tanh", prefix + "_tanh", {input}, output);
    break;
  case Activation::TanhHalf:
    if (std::none_of(
            graph.initializer().begin(), graph.initializer().end(),
            [](const onnx::TensorProto &t) { return t.name() == "half"; }))
      addInitializer(graph, "half", {}, {0.5f});
    addNode(graph, "Mul", prefix + "_half", {input, "half"},
            prefix + "_halved");
    addNode(graph, "Tanh", prefix + "_tanh", {prefix + "_halved"}, output);
    break;
  case Activation::Softsign:
    addNode(graph, "Softsign", prefix + "_softsign", {input}, output);
    break;
  case Activation::Relu:
    addNode(graph, "Relu", prefix + "_relu", {input}, output);
    break;
  case Activation::Sigmoid:
    addNode(graph, "Sigmoid", prefix + "_sigmoid", {input}, output);
    break;
  }
}

/// Writes a graph network's nodes (see GraphNetwork in Model.h).
class GraphWriter {
public:
  GraphWriter(onnx::GraphProto &graph, const GraphNetwork &net)
      : graph(graph), net(net) {}

  bool write(std::string &error);

private:
  /// Dense and Act layers over the last axis, from `width` features; the
  /// output's width comes back in `width`.
  bool network(const std::string &prefix, const std::vector<LayerSpec> &layers,
               std::string input, int &width, const std::string &output,
               std::string &error);
  /// [events, edges, width]: the rows of `x` [events, nodes, width] at each
  /// edge's `end` ("source" or "target").
  std::string atEdges(const std::string &x, const std::string &end, int width);
  /// [events, nodes, width]: the rows of `e` [events, edges, width] summed
  /// into both end nodes of their edges.
  std::string intoNodes(const std::string &e, int width);
  /// [events, edges, width]: each edge's `end` node index repeated over
  /// the width (made once per end and width).
  std::string edgeIndex(const std::string &end, int width);
  std::string concat(const std::string &name,
                     const std::vector<std::string> &inputs);

  onnx::GraphProto &graph;
  const GraphNetwork &net;
  /// The expanded indices and zero fills made so far.
  std::set<std::string> made;
};

std::string GraphWriter::concat(const std::string &name,
                                const std::vector<std::string> &inputs) {
  setInt(addNode(graph, "Concat", name, inputs, name), "axis", 2);
  return name;
}

std::string GraphWriter::atEdges(const std::string &x, const std::string &end,
                                 int width) {
  std::string name = x + "_at_" + end;
  if (net.incidence) {
    addNode(graph, "MatMul", name,
            {end == "source" ? "r_out_edges" : "r_in_edges", x}, name);
    return name;
  }
  setInt(
      addNode(graph, "GatherElements", name, {x, edgeIndex(end, width)}, name),
      "axis", 1);
  return name;
}

std::string GraphWriter::edgeIndex(const std::string &end, int width) {
  std::string index = "edge_" + end + "_" + std::to_string(width);
  if (made.insert(index).second) {
    addInt64s(graph, index + "_shape", {1, net.edges, width});
    addNode(graph, "Expand", index, {"edge_" + end, index + "_shape"}, index);
  }
  return index;
}

std::string GraphWriter::intoNodes(const std::string &e, int width) {
  std::string name = e + "_into_nodes";
  if (net.incidence) {
    addNode(graph, "MatMul", name + "_in", {"r_in", e}, name + "_in");
    addNode(graph, "MatMul", name + "_out", {"r_out", e}, name + "_out");
  } else {
    std::string zeros = "zeros_" + std::to_string(width);
    if (made.insert(zeros).second) {
      addInt64s(graph, zeros + "_size", {net.nodes, width});
      setInt(addNode(graph, "Concat", zeros + "_shape",
                     {"batch_size", zeros + "_size"}, zeros + "_shape"),
             "axis", 0);
      addNode(graph, "ConstantOfShape", zeros, {zeros + "_shape"}, zeros);
    }
    for (const char *end : {"target", "source"}) {
      std::string part = name + (end == std::string("target") ? "_in" : "_out");
      onnx::NodeProto *scatter =
          addNode(graph, "ScatterElements", part,
                  {zeros, edgeIndex(end, width), e}, part);
      setInt(scatter, "axis", 1);
      onnx::AttributeProto *reduction = scatter->add_attribute();
      reduction->set_name("reduction");
      reduction->set_type(onnx::AttributeProto::STRING);
      reduction->set_s("add");
    }
  }
  addNode(graph, "Add", name, {name + "_in", name + "_out"}, name);
  return name;
}

bool GraphWriter::network(const std::string &prefix,
                          const std::vector<LayerSpec> &layers,
                          std::string input, int &width,
                          const std::string &output, std::string &error) {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec &layer = layers[i];
    std::string name = prefix + "_" + std::to_string(i);
    std::string out = i + 1 == layers.size() ? output : name + "_out";
    if (layer.kind == LayerSpec::Kind::Dense) {
      if (layer.inputs != width ||
          !addLinear(graph, name, input, layer.weight, layer.bias, layer.inputs,
                     layer.outputs, out)) {
        error = prefix + " layer " + std::to_string(i) +
                ": dense weights do not match its sizes";
        return false;
      }
      width = layer.outputs;
    } else if (layer.kind == LayerSpec::Kind::Act) {
      addActivation(graph, name, input, layer.activation, out);
    } else {
      error = prefix + " layer " + std::to_string(i) +
              ": a graph network holds dense layers and activations only";
      return false;
    }
    input = out;
  }
  if (layers.empty()) {
    error = prefix + " has no layers";
    return false;
  }
  return true;
}

bool GraphWriter::write(std::string &error) {
  if (net.nodes < 1 || net.edges < 1 || net.features < 1 ||
      net.edgeNets.size() != net.nodeNets.size()) {
    error = "the graph network's sizes do not match";
    return false;
  }
  setValueInfo(graph.add_input(), "nodes", {net.nodes, net.features});
  if (net.incidence) {
    setValueInfo(graph.add_input(), "r_in", {net.nodes, net.edges});
    setValueInfo(graph.add_input(), "r_out", {net.nodes, net.edges});
    addSwap(graph, "r_in_edges", "r_in", "r_in_edges", {0, 2, 1});
    addSwap(graph, "r_out_edges", "r_out", "r_out_edges", {0, 2, 1});
  } else {
    setValueInfo(graph.add_input(), "edges", {2, net.edges},
                 onnx::TensorProto::INT64);
    addInt64s(graph, "axis_1", {1});
    addInt64s(graph, "row_0", {0});
    addInt64s(graph, "row_1", {1});
    addInt64s(graph, "row_2", {2});
    addNode(graph, "Slice", "edge_source_row",
            {"edges", "row_0", "row_1", "axis_1"}, "edge_source_row");
    addNode(graph, "Slice", "edge_target_row",
            {"edges", "row_1", "row_2", "axis_1"}, "edge_target_row");
    addSwap(graph, "edge_source", "edge_source_row", "edge_source", {0, 2, 1});
    addSwap(graph, "edge_target", "edge_target_row", "edge_target", {0, 2, 1});
    addNode(graph, "Shape", "nodes_shape", {"nodes"}, "nodes_shape");
    addNode(graph, "Slice", "batch_size", {"nodes_shape", "row_0", "row_1"},
            "batch_size");
  }
  int f = net.features;
  std::string edgeIn = concat("edge_features", {atEdges("nodes", "source", f),
                                                atEdges("nodes", "target", f)});
  int nodeWidth = f, edgeWidth = 2 * f;
  if (!network("node_encoder", net.nodeEncoder, "nodes", nodeWidth, "h0",
               error) ||
      !network("edge_encoder", net.edgeEncoder, edgeIn, edgeWidth, "e0", error))
    return false;
  std::string h = "h0", e = "e0";
  for (std::size_t i = 0; i < net.edgeNets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    if (nodeWidth != edgeWidth) {
      error = "iteration " + n + ": nodes of width " +
              std::to_string(nodeWidth) + " and edges of width " +
              std::to_string(edgeWidth) + " differ";
      return false;
    }
    int width = 3 * nodeWidth;
    std::string in =
        concat("edge_net" + n + "_in", {atEdges(h, "source", nodeWidth),
                                        atEdges(h, "target", nodeWidth), e});
    if (!network("edge_net" + n, net.edgeNets[i], in, width,
                 "edge_net" + n + "_out", error))
      return false;
    if (width != edgeWidth) {
      error = "iteration " + n + ": the edge network's width differs";
      return false;
    }
    addNode(graph, "Add", "e" + n, {e, "edge_net" + n + "_out"}, "e" + n);
    e = "e" + n;
    std::string messages = intoNodes(e, edgeWidth);
    width = 2 * nodeWidth;
    in = concat("node_net" + n + "_in", {h, messages});
    if (!network("node_net" + n, net.nodeNets[i], in, width,
                 "node_net" + n + "_out", error))
      return false;
    if (width != nodeWidth) {
      error = "iteration " + n + ": the node network's width differs";
      return false;
    }
    addNode(graph, "Add", "h" + n, {h, "node_net" + n + "_out"}, "h" + n);
    h = "h" + n;
  }
  int width = 2 * nodeWidth + edgeWidth;
  std::string in =
      concat("classifier_in", {atEdges(h, "source", nodeWidth),
                               atEdges(h, "target", nodeWidth), e});
  if (!network("classifier", net.classifier, in, width, "edge_scores", error))
    return false;
  if (width != 1) {
    error = "the classifier gives " + std::to_string(width) +
            " values per edge, not 1";
    return false;
  }
  addInt64s(graph, "scores_shape", {-1, net.edges});
  addNode(graph, "Reshape", "scores", {"edge_scores", "scores_shape"},
          "scores");
  setValueInfo(graph.add_output(), "scores", {net.edges});
  return true;
}

} // namespace

bool ariadne::train::serializeOnnx(const MlpModel &model, std::string &bytes,
                                   std::string &error) {
  onnx::ModelProto proto;
  proto.set_ir_version(7);
  proto.set_producer_name("ariadnec");
  proto.set_producer_version("1");
  proto.set_model_version(1);
  onnx::OperatorSetIdProto *opset = proto.add_opset_import();
  opset->set_domain("");
  // LayerNormalization and ScatterElements' reduction are ops of opset 17
  // (16).
  opset->set_version(model.hitSet || model.graph.enabled() ? 17 : 13);
  for (const auto &[key, value] : model.metadata) {
    onnx::StringStringEntryProto *entry = proto.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value);
  }
  onnx::GraphProto &graph = *proto.mutable_graph();
  graph.set_name(model.name);
  if (model.graph.enabled()) {
    GraphWriter writer(graph, model.graph);
    if (!writer.write(error))
      return false;
    return checkAndSerialize(proto, bytes, error);
  }
  setValueInfo(graph.add_input(), model.inputName, {model.inputs});

  std::string current = model.inputName;
  int features = model.inputs;
  // The event shape of `current` when it is a feature map ([C, ...]);
  // empty once flat.
  std::vector<int64_t> map(model.inputShape.begin(), model.inputShape.end());
  // A sequence model's event shape [T, F] while batch first and flat per
  // step; empty otherwise.
  std::vector<int64_t> seq;
  if (model.sequence) {
    if (map.size() != 2 || map[0] * map[1] != model.inputs) {
      error = "the input shape does not hold the model's " +
              std::to_string(model.inputs) + " inputs as [T, F]";
      return false;
    }
    seq = map;
    map.clear();
    addInt64s(graph, "input_shape", {-1, seq[0], seq[1]});
    addNode(graph, "Reshape", "input_reshape", {current, "input_shape"},
            "input_steps");
    current = "input_steps";
  }
  // A set of hits: [events, N, F] and its mask, with the mask's additive
  // term for the attention scores.
  HitSet hits;
  if (model.hitSet) {
    if (map.size() != 2 || map[0] * map[1] != model.inputs || map[1] < 2) {
      error = "the input shape does not hold the model's " +
              std::to_string(model.inputs) + " inputs as [N, F]";
      return false;
    }
    hits.count = map[0];
    hits.features = map[1] - 1;
    map.clear();
    addInt64s(graph, "input_shape", {-1, hits.count, hits.features + 1});
    addNode(graph, "Reshape", "input_reshape", {current, "input_shape"},
            "input_hits");
    addInt64s(graph, "feature_axis", {2});
    addInt64s(graph, "zero", {0});
    addInt64s(graph, "mask_begin", {hits.features});
    addInt64s(graph, "mask_end", {hits.features + 1});
    addNode(graph, "Slice", "hit_features",
            {"input_hits", "zero", "mask_begin", "feature_axis"},
            "hit_features");
    addNode(graph, "Slice", "hit_mask",
            {"input_hits", "mask_begin", "mask_end", "feature_axis"},
            "hit_mask");
    addInitializer(graph, "one", {}, {1.0f});
    addInitializer(graph, "mask_scale", {}, {10000.0f});
    addInt64s(graph, "mask_row_shape", {-1, 1, 1, hits.count});
    addNode(graph, "Sub", "mask_off", {"hit_mask", "one"}, "mask_off");
    addNode(graph, "Mul", "mask_term", {"mask_off", "mask_scale"}, "mask_term");
    addNode(graph, "Reshape", "mask_row", {"mask_term", "mask_row_shape"},
            "mask_row");
    current = "hit_features";
  }
  if (!map.empty()) {
    int64_t size = 1;
    for (int64_t d : map)
      size *= d;
    if (size != model.inputs || map.size() < 2 || map.size() > 3) {
      error = "the input shape does not hold the model's " +
              std::to_string(model.inputs) + " inputs as [C, L] or [C, H, W]";
      return false;
    }
    onnx::TensorProto *shape = graph.add_initializer();
    shape->set_name("input_shape");
    shape->set_data_type(onnx::TensorProto::INT64);
    shape->add_dims(int64_t(map.size()) + 1);
    shape->add_int64_data(-1);
    for (int64_t d : map)
      shape->add_int64_data(d);
    addNode(graph, "Reshape", "input_reshape", {current, "input_shape"},
            "input_map");
    current = "input_map";
  }
  for (std::size_t index = 0; index < model.layers.size(); ++index) {
    const LayerSpec &layer = model.layers[index];
    std::string prefix = "layer" + std::to_string(index);
    bool last = index + 1 == model.layers.size();
    std::string output = last ? model.outputName : prefix + "_out";
    if (layer.kind == LayerSpec::Kind::Conv && !seq.empty()) {
      // The front convolves the steps: features as channels.
      addSwap(graph, prefix + "_to_channels", current, prefix + "_channels",
              {0, 2, 1});
      current = prefix + "_channels";
      map = {seq[1], seq[0]};
      seq.clear();
    }
    if (layer.kind == LayerSpec::Kind::Recurrent && map.size() == 2) {
      addSwap(graph, prefix + "_to_steps", current, prefix + "_steps",
              {0, 2, 1});
      current = prefix + "_steps";
      seq = {map[1], map[0]};
      map.clear();
    }
    switch (layer.kind) {
    case LayerSpec::Kind::HitEmbed:
      if (!hits.count || layer.inputs != hits.features ||
          !addLinear(graph, prefix, current, layer.weight, layer.bias,
                     layer.inputs, layer.outputs, output)) {
        error = "layer " + std::to_string(index) +
                ": the embedding does not match the hits";
        return false;
      }
      hits.width = layer.outputs;
      break;
    case LayerSpec::Kind::Encoder:
      if (!hits.width || layer.outputs != hits.width ||
          !addEncoder(graph, prefix, current, layer, hits, output)) {
        error = "layer " + std::to_string(index) +
                ": encoder weights do not match its sizes or input";
        return false;
      }
      break;
    case LayerSpec::Kind::HitPool: {
      if (!hits.width || layer.outputs != hits.width) {
        error = "layer " + std::to_string(index) +
                ": pooling needs the encoded hits";
        return false;
      }
      addInt64s(graph, prefix + "_axes", {1});
      if (layer.poolMax) {
        addNode(graph, "Add", prefix + "_masked", {current, "mask_term"},
                prefix + "_masked");
        onnx::NodeProto *max = addNode(graph, "ReduceMax", prefix + "_max",
                                       {prefix + "_masked"}, output);
        setInts(max, "axes", {1});
        setInt(max, "keepdims", 0);
      } else {
        addNode(graph, "Mul", prefix + "_masked", {current, "hit_mask"},
                prefix + "_masked");
        setInt(addNode(graph, "ReduceSum", prefix + "_sum",
                       {prefix + "_masked", prefix + "_axes"}, prefix + "_sum"),
               "keepdims", 0);
        setInt(addNode(graph, "ReduceSum", prefix + "_count",
                       {"hit_mask", prefix + "_axes"}, prefix + "_count"),
               "keepdims", 0);
        addNode(graph, "Clip", prefix + "_at_least_one",
                {prefix + "_count", "one"}, prefix + "_hits");
        addNode(graph, "Div", prefix + "_mean",
                {prefix + "_sum", prefix + "_hits"}, output);
      }
      features = hits.width;
      hits = HitSet();
      break;
    }
    case LayerSpec::Kind::Recurrent: {
      int64_t gates = layer.lstm ? 4 : 3;
      std::size_t h = static_cast<std::size_t>(layer.outputs);
      if (seq.empty() || layer.inputs != seq[1] || layer.outputs < 1 ||
          layer.weight.size() != gates * h * layer.inputs ||
          layer.recurrence.size() != gates * h * h ||
          layer.bias.size() != 2 * gates * h) {
        error = "layer " + std::to_string(index) +
                ": recurrent weights do not match its sizes or input";
        return false;
      }
      addInitializer(graph, prefix + "_w",
                     {1, gates * layer.outputs, layer.inputs}, layer.weight);
      addInitializer(graph, prefix + "_r",
                     {1, gates * layer.outputs, layer.outputs},
                     layer.recurrence);
      addInitializer(graph, prefix + "_b", {1, 2 * gates * layer.outputs},
                     layer.bias);
      addSwap(graph, prefix + "_time_major", current, prefix + "_tm",
              {1, 0, 2});
      onnx::NodeProto *cell =
          addNode(graph, layer.lstm ? "LSTM" : "GRU", prefix + "_cell",
                  {prefix + "_tm", prefix + "_w", prefix + "_r", prefix + "_b"},
                  prefix + "_y");
      setInt(cell, "hidden_size", layer.outputs);
      if (!layer.lstm)
        setInt(cell, "linear_before_reset", 1);
      addInt64s(graph, prefix + "_axes", {1});
      addNode(graph, "Squeeze", prefix + "_squeeze",
              {prefix + "_y", prefix + "_axes"}, prefix + "_ys");
      addSwap(graph, prefix + "_batch_first", prefix + "_ys", output,
              {1, 0, 2});
      seq[1] = layer.outputs;
      break;
    }
    case LayerSpec::Kind::StepHead: {
      std::size_t k = static_cast<std::size_t>(layer.outputs);
      std::size_t in = static_cast<std::size_t>(layer.inputs);
      if (seq.empty() || layer.inputs != seq[1] || layer.outputs < 1 ||
          layer.weight.size() != k * in || layer.bias.size() != k ||
          (layer.ellipse && layer.outputs != 4)) {
        error = "layer " + std::to_string(index) +
                ": the step head does not match its sizes or input";
        return false;
      }
      std::vector<float> transposed(k * in);
      for (std::size_t o = 0; o < k; ++o)
        for (std::size_t i = 0; i < in; ++i)
          transposed[i * k + o] = layer.weight[o * in + i];
      addInitializer(graph, prefix + "_weight", {layer.inputs, layer.outputs},
                     transposed);
      addInitializer(graph, prefix + "_bias", {layer.outputs}, layer.bias);
      addNode(graph, "MatMul", prefix + "_matmul",
              {current, prefix + "_weight"}, prefix + "_product");
      addNode(graph, "Add", prefix + "_add",
              {prefix + "_product", prefix + "_bias"}, prefix + "_affine");
      std::string steps = prefix + "_affine";
      if (layer.ellipse) {
        addInt64s(graph, prefix + "_0", {0});
        addInt64s(graph, prefix + "_2", {2});
        addInt64s(graph, prefix + "_4", {4});
        addNode(graph, "Slice", prefix + "_centre",
                {steps, prefix + "_0", prefix + "_2", prefix + "_2"},
                prefix + "_centres");
        addNode(graph, "Slice", prefix + "_radii_in",
                {steps, prefix + "_2", prefix + "_4", prefix + "_2"},
                prefix + "_radii_linear");
        addNode(graph, "Softplus", prefix + "_softplus",
                {prefix + "_radii_linear"}, prefix + "_radii");
        onnx::NodeProto *concat = addNode(
            graph, "Concat", prefix + "_ellipse",
            {prefix + "_centres", prefix + "_radii"}, prefix + "_ellipses");
        setInt(concat, "axis", 2);
        steps = prefix + "_ellipses";
      }
      features = static_cast<int>(seq[0]) * layer.outputs;
      addInt64s(graph, prefix + "_flat_shape", {-1, features});
      addNode(graph, "Reshape", prefix + "_flatten",
              {steps, prefix + "_flat_shape"}, output);
      seq.clear();
      break;
    }
    case LayerSpec::Kind::Conv: {
      int rank = static_cast<int>(map.size()) - 1;
      std::size_t taps = 1;
      for (int d = 0; d < rank; ++d)
        taps *= static_cast<std::size_t>(layer.kernel);
      if (map.empty() || layer.rank != rank || layer.inputs != map[0] ||
          layer.kernel < 1 || layer.stride < 1 || layer.padding < 0 ||
          layer.weight.size() !=
              static_cast<std::size_t>(layer.outputs) * layer.inputs * taps ||
          layer.bias.size() != static_cast<std::size_t>(layer.outputs)) {
        error = "layer " + std::to_string(index) +
                ": convolution weights do not match its sizes or input";
        return false;
      }
      std::vector<int64_t> weightShape = {layer.outputs, layer.inputs};
      weightShape.insert(weightShape.end(), rank, layer.kernel);
      addInitializer(graph, prefix + "_weight", weightShape, layer.weight);
      addInitializer(graph, prefix + "_bias", {layer.outputs}, layer.bias);
      onnx::NodeProto *conv =
          addNode(graph, "Conv", prefix + "_conv",
                  {current, prefix + "_weight", prefix + "_bias"}, output);
      setInts(conv, "kernel_shape", std::vector<int64_t>(rank, layer.kernel));
      setInts(conv, "strides", std::vector<int64_t>(rank, layer.stride));
      setInts(conv, "pads", std::vector<int64_t>(2 * rank, layer.padding));
      map[0] = layer.outputs;
      for (int d = 1; d <= rank; ++d) {
        map[d] = static_cast<int64_t>(convolvedSize(static_cast<int>(map[d]),
                                                    layer.kernel, layer.stride,
                                                    layer.padding));
        if (map[d] < 1) {
          error = "layer " + std::to_string(index) +
                  ": the kernel does not fit the padded input";
          return false;
        }
      }
      break;
    }
    case LayerSpec::Kind::Pool: {
      int rank = static_cast<int>(map.size()) - 1;
      if (map.empty() || layer.kernel < 1) {
        error = "layer " + std::to_string(index) +
                ": pooling needs a feature map and a window";
        return false;
      }
      onnx::NodeProto *pool =
          addNode(graph, layer.poolMax ? "MaxPool" : "AveragePool",
                  prefix + "_pool", {current}, output);
      setInts(pool, "kernel_shape", std::vector<int64_t>(rank, layer.kernel));
      setInts(pool, "strides", std::vector<int64_t>(rank, layer.kernel));
      for (int d = 1; d <= rank; ++d) {
        map[d] /= layer.kernel;
        if (map[d] < 1) {
          error = "layer " + std::to_string(index) +
                  ": the pooling window does not fit the feature map";
          return false;
        }
      }
      break;
    }
    case LayerSpec::Kind::Dense: {
      if (!map.empty()) {
        // The first dense layer flattens the feature map.
        int64_t size = 1;
        for (int64_t d : map)
          size *= d;
        addNode(graph, "Flatten", prefix + "_flatten", {current},
                prefix + "_flat");
        current = prefix + "_flat";
        features = static_cast<int>(size);
        map.clear();
      }
      if (layer.inputs != features ||
          layer.weight.size() !=
              static_cast<std::size_t>(layer.inputs) * layer.outputs ||
          layer.bias.size() != static_cast<std::size_t>(layer.outputs)) {
        error = "layer " + std::to_string(index) +
                ": dense weights do not match its sizes";
        return false;
      }
      addInitializer(graph, prefix + "_weight", {layer.outputs, layer.inputs},
                     layer.weight);
      addInitializer(graph, prefix + "_bias", {layer.outputs}, layer.bias);
      onnx::NodeProto *gemm =
          addNode(graph, "Gemm", prefix + "_gemm",
                  {current, prefix + "_weight", prefix + "_bias"}, output);
      onnx::AttributeProto *transB = gemm->add_attribute();
      transB->set_name("transB");
      transB->set_type(onnx::AttributeProto::INT);
      transB->set_i(1);
      features = layer.outputs;
      break;
    }
    case LayerSpec::Kind::BatchNorm: {
      // Of the channels of a feature map, or of the features.
      int channels = map.empty() ? features : static_cast<int>(map[0]);
      std::size_t count = static_cast<std::size_t>(channels);
      if (layer.scale.size() != count || layer.shift.size() != count ||
          layer.mean.size() != count || layer.variance.size() != count) {
        error = "layer " + std::to_string(index) +
                ": batch normalization parameters do not match its inputs";
        return false;
      }
      addInitializer(graph, prefix + "_scale", {channels}, layer.scale);
      addInitializer(graph, prefix + "_shift", {channels}, layer.shift);
      addInitializer(graph, prefix + "_mean", {channels}, layer.mean);
      addInitializer(graph, prefix + "_var", {channels}, layer.variance);
      onnx::NodeProto *norm =
          addNode(graph, "BatchNormalization", prefix + "_batchnorm",
                  {current, prefix + "_scale", prefix + "_shift",
                   prefix + "_mean", prefix + "_var"},
                  output);
      onnx::AttributeProto *epsilon = norm->add_attribute();
      epsilon->set_name("epsilon");
      epsilon->set_type(onnx::AttributeProto::FLOAT);
      epsilon->set_f(layer.epsilon);
      break;
    }
    case LayerSpec::Kind::Act:
      addActivation(graph, prefix, current, layer.activation, output);
      break;
    }
    current = output;
  }
  if (model.layers.empty() || !map.empty() || !seq.empty() ||
      features != model.outputs) {
    error = "the model's layers do not produce its " +
            std::to_string(model.outputs) + " outputs";
    return false;
  }
  setValueInfo(graph.add_output(), model.outputName, {model.outputs});
  return checkAndSerialize(proto, bytes, error);
}

bool ariadne::train::writeOnnx(const MlpModel &model, const std::string &path,
                               std::string &error) {
  std::string bytes;
  if (!serializeOnnx(model, bytes, error))
    return false;
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    error = path + ": cannot write the ONNX model";
    return false;
  }
  return true;
}
