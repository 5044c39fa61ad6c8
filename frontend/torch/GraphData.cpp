//===- GraphData.cpp - events as graphs padded to fixed capacities --------===//
#include "frontend/torch/GraphData.h"

#include <cmath>
#include <map>

using namespace ariadne::train;

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

} // namespace

bool ariadne::train::buildGraphs(
    const EventTable &hits, const std::string &hitsPath,
    const std::vector<int> &features, const EventTable &edges,
    const std::string &edgesPath, const std::string &label,
    const GraphSpec &graph, GraphTable &result, std::string &error) {
  int hitEvent = hits.find("event");
  if (hitEvent < 0) {
    error = hitsPath + ": no column 'event' (the event of each hit)";
    return false;
  }
  int columns[4];
  const char *names[4] = {"event", "source", "target", label.c_str()};
  for (int c = 0; c < 4; ++c) {
    columns[c] = edges.find(names[c]);
    if (columns[c] < 0) {
      error = edgesPath + ": no column '" + names[c] + "'";
      return false;
    }
  }
  // The events in the order of their first hit; each hit's position.
  std::map<double, std::size_t> rowOf;
  std::vector<std::vector<std::size_t>> hitsOf;
  for (std::size_t h = 0; h < hits.rows(); ++h) {
    auto [it, fresh] = rowOf.emplace(hits.at(h, hitEvent), hitsOf.size());
    if (fresh) {
      hitsOf.emplace_back();
      result.events.push_back(it->first);
    }
    hitsOf[it->second].push_back(h);
  }
  std::size_t count = hitsOf.size();
  int n = graph.maxNodes, e = graph.maxEdges;
  std::size_t f = features.size();
  for (std::size_t g = 0; g < count; ++g)
    if (hitsOf[g].size() > std::size_t(n)) {
      error = hitsPath + ": event " + number(result.events[g]) + " has " +
              std::to_string(hitsOf[g].size()) +
              " hits, more than graph.max_nodes = " + std::to_string(n);
      return false;
    }
  EventTable &table = result.table;
  for (int i = 0; i < n; ++i)
    for (int column : features)
      table.columns.push_back("n" + std::to_string(i) + "_" +
                              hits.columns[column]);
  for (const char *part : {"source_", "target_", "label_"})
    for (int j = 0; j < e; ++j)
      table.columns.push_back(part + std::to_string(j));
  std::size_t width = table.columns.size();
  std::size_t nodeValues = std::size_t(n) * f;
  table.values.assign(count * width, 0.0);
  result.nodeCounts.assign(count, 0);
  result.edgeCounts.assign(count, 0);
  for (std::size_t g = 0; g < count; ++g) {
    double *row = table.values.data() + g * width;
    for (std::size_t i = 0; i < hitsOf[g].size(); ++i)
      for (std::size_t k = 0; k < f; ++k)
        row[i * f + k] = hits.at(hitsOf[g][i], features[k]);
    for (int j = 0; j < e; ++j) {
      row[nodeValues + j] = row[nodeValues + e + j] = n;
      row[nodeValues + 2 * e + j] = -1;
    }
    result.nodeCounts[g] = static_cast<int>(hitsOf[g].size());
  }
  for (std::size_t r = 0; r < edges.rows(); ++r) {
    // The header is line 1.
    std::string where = edgesPath + ":" + std::to_string(r + 2) + ": ";
    auto found = rowOf.find(edges.at(r, columns[0]));
    if (found == rowOf.end()) {
      error =
          where + "event " + number(edges.at(r, columns[0])) + " has no hits";
      return false;
    }
    std::size_t g = found->second;
    int &edge = result.edgeCounts[g];
    if (edge == e) {
      error = where + "event " + number(found->first) +
              " has more edges than graph.max_edges = " + std::to_string(e);
      return false;
    }
    double *row = table.values.data() + g * width;
    for (int end = 0; end < 2; ++end) {
      double node = edges.at(r, columns[1 + end]);
      if (node != std::floor(node) || node < 0 ||
          node >= double(hitsOf[g].size())) {
        error = where + names[1 + end] + " " + number(node) +
                " is not a hit of event " + number(found->first) + " (0 to " +
                std::to_string(hitsOf[g].size() - 1) + ")";
        return false;
      }
      row[nodeValues + std::size_t(end) * e + edge] = node;
    }
    double truth = edges.at(r, columns[3]);
    if (truth != 0 && truth != 1) {
      error = where + "label " + number(truth) + " is not 0 or 1";
      return false;
    }
    row[nodeValues + 2 * e + edge] = truth;
    ++edge;
  }
  for (std::size_t c = 0; c < nodeValues + 2 * std::size_t(e); ++c)
    result.inputs.push_back(static_cast<int>(c));
  for (int j = 0; j < e; ++j)
    result.targets.push_back(static_cast<int>(nodeValues) + 2 * e + j);
  return true;
}

std::vector<double> ariadne::train::graphModelInputs(const GraphSpec &graph,
                                                     int features,
                                                     const float *row) {
  std::size_t n = std::size_t(graph.maxNodes), e = std::size_t(graph.maxEdges);
  std::size_t nodeValues = n * std::size_t(features);
  std::vector<double> values(row, row + nodeValues);
  if (!graph.incidence()) {
    values.insert(values.end(), row + nodeValues, row + nodeValues + 2 * e);
    return values;
  }
  // R_in (targets), then R_out (sources).
  for (std::size_t end : {std::size_t(1), std::size_t(0)}) {
    std::size_t begin = values.size();
    values.resize(begin + n * e, 0.0);
    for (std::size_t j = 0; j < e; ++j) {
      double node = row[nodeValues + end * e + j];
      if (node < double(n))
        values[begin + std::size_t(node) * e + j] = 1.0;
    }
  }
  return values;
}

std::vector<std::string>
ariadne::train::graphInputNames(const GraphSpec &graph,
                                const std::vector<std::string> &names) {
  std::size_t nodeValues =
      names.size() - 2 * std::size_t(graph.maxEdges); // the padded columns
  std::vector<std::string> result(names.begin(),
                                  names.begin() + long(nodeValues));
  if (!graph.incidence()) {
    result.insert(result.end(), names.begin() + long(nodeValues), names.end());
    return result;
  }
  for (const char *matrix : {"r_in_", "r_out_"})
    for (int i = 0; i < graph.maxNodes; ++i)
      for (int j = 0; j < graph.maxEdges; ++j)
        result.push_back(matrix + std::to_string(i) + "_" + std::to_string(j));
  return result;
}
