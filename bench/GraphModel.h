//===- GraphModel.h - a graph network from ONNX and TorchScript -*- C++ -*-===//
//
// The benchmark's reader for graph networks whose edges come as an int64
// edge index (gnn4ITk-style interaction networks, bench/make_models.py):
// the ONNX graph's inputs are the node features [N, nodes, features]
// (float) and the edge index [N, 2, edges] (int64); the LibTorch side runs
// the same module saved as TorchScript beside it (NAME.pt), loaded with
// torch::jit::load, as a C++ user deploys a PyTorch GNN. An event is one
// graph: its node features, then its edge index, as the generated kernel
// takes them.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_GRAPHMODEL_H
#define ARIADNE_BENCH_GRAPHMODEL_H

#include <cstddef>
#include <string>

namespace ariadne::bench {

struct GraphModel {
  std::string path, scriptPath;
  size_t nodes = 0, features = 0, edges = 0;
  size_t inputSize = 0, outputSize = 0;
  /// Multiply-adds per graph of the MatMuls by constant weights (over every
  /// edge or node row they read).
  size_t multiplyAdds = 0;

  /// One line such as "24 nodes x 3, 48 edges".
  std::string describe() const;
};

/// Whether the graph at `path` has an int64 input (an edge index).
bool hasIndexInput(const std::string &path);

/// Reads `path` and checks that NAME.pt exists. Throws std::runtime_error
/// with a one-line message naming the file and what is missing.
GraphModel readGraphModel(const std::string &path);

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_GRAPHMODEL_H
