//===- GraphModel.cpp - a graph network from ONNX and TorchScript ---------===//
#include "bench/GraphModel.h"

#include "bench/OnnxReader.h"

#include <onnx/shape_inference/implementation.h>

#include <fstream>
#include <map>

namespace ariadne::bench {

namespace {

/// The static dimensions of a value's tensor type, the leading (batch) one
/// dropped.
std::vector<int64_t> eventDims(const onnx::TypeProto &type) {
  std::vector<int64_t> dims;
  const auto &shape = type.tensor_type().shape();
  for (int d = 1; d < shape.dim_size(); ++d)
    dims.push_back(shape.dim(d).has_dim_value() ? shape.dim(d).dim_value()
                                                : -1);
  return dims;
}

class GraphReader : OnnxReader {
public:
  explicit GraphReader(std::string path) : OnnxReader(std::move(path)) {}

  GraphModel read() {
    const onnx::GraphProto &graph = load();
    GraphModel m;
    m.path = path;
    if (graph.input_size() != 2 || graph.output_size() != 1)
      fail("not a graph network: it needs two inputs (node features, edge "
           "index) and one output");
    std::vector<int64_t> x = eventDims(graph.input(0).type());
    std::vector<int64_t> e = eventDims(graph.input(1).type());
    std::vector<int64_t> y = eventDims(graph.output(0).type());
    if (x.size() != 2 || e.size() != 2 || e[0] != 2 || x[0] < 1 || x[1] < 1 ||
        e[1] < 1 ||
        graph.input(1).type().tensor_type().elem_type() !=
            onnx::TensorProto::INT64)
      fail("the inputs are not [-1, nodes, features] and an int64 "
           "[-1, 2, edges]");
    m.nodes = size_t(x[0]);
    m.features = size_t(x[1]);
    m.edges = size_t(e[1]);
    m.inputSize = m.nodes * m.features + 2 * m.edges;
    m.outputSize = 1;
    for (int64_t d : y) {
      if (d < 1)
        fail("the output has no static shape");
      m.outputSize *= size_t(d);
    }
    // Shape inference gives every MatMul's input its rows (the graph's
    // inputs have theirs).
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred);
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto &info : inferred.graph().value_info())
      shapes[info.name()] = eventDims(info.type());
    for (const auto &info : graph.input())
      shapes[info.name()] = eventDims(info.type());
    for (const onnx::NodeProto &node : graph.node()) {
      if (node.op_type() != "MatMul" || !isConstant(node.input(1)))
        continue;
      const Constant &w = constantInput(node, 1);
      auto it = shapes.find(node.input(0));
      if (w.dims.size() != 2 || it == shapes.end() || it->second.empty())
        fail(node, "a MatMul whose input's shape is not inferred");
      size_t rows = 1;
      for (size_t d = 0; d + 1 < it->second.size(); ++d)
        rows *= size_t(std::max<int64_t>(it->second[d], 1));
      m.multiplyAdds += rows * size_t(w.dims[0] * w.dims[1]);
    }
    m.scriptPath = path.substr(0, path.rfind('.')) + ".pt";
    if (!std::ifstream(m.scriptPath))
      fail("its TorchScript module " + m.scriptPath + " is missing");
    return m;
  }
};

} // namespace

std::string GraphModel::describe() const {
  return std::to_string(nodes) + " nodes x " + std::to_string(features) + ", " +
         std::to_string(edges) + " edges";
}

bool hasIndexInput(const std::string &path) {
  struct Probe : OnnxReader {
    explicit Probe(std::string path) : OnnxReader(std::move(path)) {}
    bool run() {
      for (const auto &input : load().input())
        if (input.type().tensor_type().elem_type() == onnx::TensorProto::INT64)
          return true;
      return false;
    }
  };
  return Probe(path).run();
}

GraphModel readGraphModel(const std::string &path) {
  return GraphReader(path).read();
}

} // namespace ariadne::bench
