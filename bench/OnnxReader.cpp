//===- OnnxReader.cpp - what the benchmark's ONNX readers share -----------===//
#include "bench/OnnxReader.h"

#include <cstring>
#include <fstream>
#include <stdexcept>

using namespace ariadne::bench;

const onnx::GraphProto &OnnxReader::load() {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    fail("cannot open");
  if (!model.ParseFromIstream(&file))
    fail("not an ONNX protobuf file");
  const onnx::GraphProto &graph = model.graph();
  for (const auto &init : graph.initializer())
    constants[init.name()] = toConstant(init);
  return graph;
}

void OnnxReader::fail(const std::string &reason) const {
  throw std::runtime_error(path + ": " + reason);
}

void OnnxReader::fail(const onnx::NodeProto &node,
                      const std::string &reason) const {
  fail(nodeLabel(node) + ": " + reason);
}

Constant OnnxReader::toConstant(const onnx::TensorProto &tensor) const {
  Constant c;
  size_t count = 1;
  for (int64_t d : tensor.dims()) {
    c.dims.push_back(d);
    count *= static_cast<size_t>(d);
  }
  // ONNX raw data is little-endian, as is every host this runs on.
  auto fromRaw = [&](void *to, size_t elementSize) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != count * elementSize)
      fail("tensor " + tensor.name() + ": raw data has " +
           std::to_string(raw.size()) + " bytes, expected " +
           std::to_string(count * elementSize));
    std::memcpy(to, raw.data(), raw.size());
  };
  size_t stored = 0;
  if (tensor.data_type() == onnx::TensorProto::FLOAT) {
    c.values.resize(count);
    if (tensor.has_raw_data())
      fromRaw(c.values.data(), sizeof(float));
    else
      c.values.assign(tensor.float_data().begin(), tensor.float_data().end());
    stored = c.values.size();
  } else if (tensor.data_type() == onnx::TensorProto::INT64) {
    c.isFloat = false;
    c.ints.resize(count);
    if (tensor.has_raw_data())
      fromRaw(c.ints.data(), sizeof(int64_t));
    else
      c.ints.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    stored = c.ints.size();
  } else {
    fail("tensor " + tensor.name() +
         ": only float and int64 tensors are supported");
  }
  if (stored != count)
    fail("tensor " + tensor.name() + ": has " + std::to_string(stored) +
         " values, expected " + std::to_string(count));
  return c;
}

void OnnxReader::addConstantNode(const onnx::NodeProto &node) {
  for (const auto &a : node.attribute())
    if (a.name() == "value") {
      constants[node.output(0)] = toConstant(a.t());
      return;
    }
  fail(node, "only the 'value' form of Constant is supported");
}

const Constant &OnnxReader::constantInput(const onnx::NodeProto &node,
                                          int index) const {
  if (index >= node.input_size() || node.input(index).empty())
    fail(node, "missing input " + std::to_string(index));
  auto it = constants.find(node.input(index));
  if (it == constants.end())
    fail(node, "input " + node.input(index) + " must be a constant");
  return it->second;
}

const Constant &OnnxReader::floatInput(const onnx::NodeProto &node,
                                       int index) const {
  const Constant &c = constantInput(node, index);
  if (!c.isFloat)
    fail(node, "input " + node.input(index) + " must be a float constant");
  return c;
}

const std::vector<int64_t> &OnnxReader::intsInput(const onnx::NodeProto &node,
                                                  int index) const {
  const Constant &c = constantInput(node, index);
  if (c.isFloat)
    fail(node, "input " + node.input(index) + " must be an int64 constant");
  return c.ints;
}

namespace ariadne::bench {

int64_t intAttribute(const onnx::NodeProto &node, const char *name,
                     int64_t fallback) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return fallback;
}

float floatAttribute(const onnx::NodeProto &node, const char *name,
                     float fallback) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.f();
  return fallback;
}

std::string stringAttribute(const onnx::NodeProto &node, const char *name,
                            const std::string &fallback) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.s();
  return fallback;
}

std::vector<int64_t> intsAttribute(const onnx::NodeProto &node,
                                   const char *name, bool *present) {
  for (const auto &a : node.attribute())
    if (a.name() == name) {
      if (present)
        *present = true;
      return {a.ints().begin(), a.ints().end()};
    }
  if (present)
    *present = false;
  return {};
}

bool hasAttribute(const onnx::NodeProto &node, const char *name) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return true;
  return false;
}

std::string nodeLabel(const onnx::NodeProto &node) {
  std::string name = node.name().empty() ? node.output(0) : node.name();
  return "node " + name + " (" + node.op_type() + ")";
}

} // namespace ariadne::bench
