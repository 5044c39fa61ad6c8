//===- GraphData.h - events as graphs padded to fixed capacities -*- C++
//-*-===//
//
// A graph network's events come in two files: the nodes (hits), one row
// each with an `event` column, and the candidate edges, one row each with
// the columns `event`, `source`, `target` (the positions of its end hits
// among the event's hits, in file order, from 0) and the label. Each event
// becomes one padded row: the node features of `max_nodes` nodes (zeros
// after the last hit), each edge's source node, each edge's target node
// (the node capacity for padding: outside every graph) and each edge's
// label (-1 for padding).
//
// This header and its implementation do not depend on LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_GRAPHDATA_H
#define ARIADNE_FRONTEND_TORCH_GRAPHDATA_H

#include "frontend/torch/Data.h"

namespace ariadne::train {

/// The padded graphs of one events file.
struct GraphTable {
  /// One row per event: n<i>_<feature> for every node, source_<j>,
  /// target_<j> and label_<j> for every edge.
  EventTable table;
  /// The columns of the model inputs and of the labels.
  std::vector<int> inputs, targets;
  /// Per event (row): its id and its hit and edge counts.
  std::vector<double> events;
  std::vector<int> nodeCounts, edgeCounts;
};

/// Pads the events of `hits` (from `hitsPath`, features `features`,
/// already transformed) and `edges` (from `edgesPath`, label column
/// `label`) to the capacities of `graph`. Fails naming the file and line or
/// event on an edge that does not name hits of its event, a label other
/// than 0 or 1, or an event over a capacity.
bool buildGraphs(const EventTable &hits, const std::string &hitsPath,
                 const std::vector<int> &features, const EventTable &edges,
                 const std::string &edgesPath, const std::string &label,
                 const GraphSpec &graph, GraphTable &result,
                 std::string &error);

/// One padded row's model inputs as ariadnec reads them (the ONNX inputs
/// flattened in order): the node features, then for the interaction style
/// the edge index [2, E] as it is, for the incidence style R_in and R_out
/// [N, E] (1 where the edge's target, or source, is the node).
std::vector<double> graphModelInputs(const GraphSpec &graph, int features,
                                     const float *row);

/// The names of graphModelInputs's values.
std::vector<std::string> graphInputNames(const GraphSpec &graph,
                                         const std::vector<std::string> &names);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_GRAPHDATA_H
