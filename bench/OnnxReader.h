//===- OnnxReader.h - what the benchmark's ONNX readers share ---*- C++ -*-===//
//
// The LibTorch baseline runs the very weights ariadnec compiled, read from
// the same ONNX file with libonnx. LayerChain.cpp (MLPs) and
// RecurrentModel.cpp (the TrackNETv2-style GRU model) read different graph
// shapes; this is the file, its constants and the one-line errors they share.
// Internal to bench/: the harness includes LayerChain.h and RecurrentModel.h,
// which keep libonnx's headers out.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_ONNXREADER_H
#define ARIADNE_BENCH_ONNXREADER_H

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ariadne::bench {

/// A float or int64 tensor known when the graph is read.
struct Constant {
  bool isFloat = true;
  std::vector<int64_t> dims;
  std::vector<float> values; // float tensors
  std::vector<int64_t> ints; // int64 tensors (shapes, axes, slice bounds)
};

class OnnxReader {
protected:
  explicit OnnxReader(std::string path) : path(std::move(path)) {}

  /// Parses the file and records its initializers as constants.
  const onnx::GraphProto &load();
  [[noreturn]] void fail(const std::string &reason) const;
  [[noreturn]] void fail(const onnx::NodeProto &node,
                         const std::string &reason) const;
  /// Float and int64 tensors; any other element type fails.
  Constant toConstant(const onnx::TensorProto &tensor) const;
  /// Records a Constant node's value; fails on the forms other than 'value'.
  void addConstantNode(const onnx::NodeProto &node);
  bool isConstant(const std::string &name) const {
    return constants.count(name) != 0;
  }
  /// Input `index` of `node`, which must be a constant.
  const Constant &constantInput(const onnx::NodeProto &node, int index) const;
  /// Input `index` of `node`, which must be a float constant.
  const Constant &floatInput(const onnx::NodeProto &node, int index) const;
  /// Input `index` of `node`, which must be an int64 constant.
  const std::vector<int64_t> &intsInput(const onnx::NodeProto &node,
                                        int index) const;

  std::string path;
  onnx::ModelProto model;
  std::map<std::string, Constant> constants;
};

int64_t intAttribute(const onnx::NodeProto &node, const char *name,
                     int64_t fallback);
float floatAttribute(const onnx::NodeProto &node, const char *name,
                     float fallback);
std::string stringAttribute(const onnx::NodeProto &node, const char *name,
                            const std::string &fallback);
/// An ints attribute; `present` tells whether the node has it.
std::vector<int64_t> intsAttribute(const onnx::NodeProto &node,
                                   const char *name, bool *present = nullptr);
bool hasAttribute(const onnx::NodeProto &node, const char *name);
/// "node NAME (OP)", NAME the node's name or else its first output.
std::string nodeLabel(const onnx::NodeProto &node);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_ONNXREADER_H
