//===- Classify.cpp - edge scores of hit graphs, float and fixed ----------===//
//
// Reads graph-build's graphs (PREFIX_nodes.csv and PREFIX_edges.csv), pads
// each event to the model's capacities as the training did, runs the graph
// network compiled by ariadnec twice, in float and in fixed point
// (`ariadnec compile ... --name gnn_float` and `--name gnn_fixed`), and
// prints the edge efficiency and purity of both at a score cut, and their
// speed. Each event is one row of the kernel's inputs:
//   nodes [kNodes][3]  (r, phi, z of each hit; zeros after the last),
//   edges [2][kEdges]  (each edge's source node, then each edge's target
//                      node, as numbers; padding points past the nodes,
//                      at kNodes: it reads zeros and sends no messages),
// and its output is one score per edge. It calls the kernels one event
// at a time, NAME(in, out), and batched, NAME_batch(in, out, n).
//
//   classify PREFIX [--cut C] [-o SCORES.csv] [--curve CURVE.csv]
//
// `-o` writes every real edge (event, source, target, truth, float and
// fixed score); `--curve` the efficiency and purity of both against the
// cut, for plotting.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" void gnn_float(const float *in, float *out);
extern "C" void gnn_float_batch(const float *in, float *out, size_t n);
extern "C" void gnn_fixed(const float *in, float *out);
extern "C" void gnn_fixed_batch(const float *in, float *out, size_t n);

namespace {

/// The capacities of examples/gnn/gnn.toml.
constexpr int kNodes = 64, kEdges = 128, kFeatures = 3;
constexpr int kInputs = kNodes * kFeatures + 2 * kEdges;

struct Edge {
  long long event = 0;
  int source = 0, target = 0, truth = 0;
  /// The event's row and the edge's position in it.
  std::size_t row = 0;
  int slot = 0;
};

struct Graphs {
  std::vector<float> inputs;
  std::vector<Edge> edges;
  std::size_t count() const { return inputs.size() / kInputs; }
};

bool fail(const std::string &message) {
  std::fprintf(stderr, "classify: error: %s\n", message.c_str());
  return false;
}

/// The rows of a CSV file after its header, as numbers.
bool readRows(const std::string &path, std::size_t columns,
              std::vector<std::vector<double>> &rows) {
  std::ifstream in(path);
  if (!in)
    return fail("cannot read " + path);
  std::string line;
  std::getline(in, line);
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    std::stringstream fields(line);
    std::string field;
    std::vector<double> values;
    while (std::getline(fields, field, ','))
      values.push_back(std::strtod(field.c_str(), nullptr));
    if (values.size() != columns)
      return fail(path + ":" + std::to_string(number) + ": " +
                  std::to_string(values.size()) + " values, expected " +
                  std::to_string(columns));
    rows.push_back(values);
  }
  return true;
}

bool readGraphs(const std::string &prefix, Graphs &graphs) {
  std::vector<std::vector<double>> nodes, edges;
  if (!readRows(prefix + "_nodes.csv", 5, nodes) ||
      !readRows(prefix + "_edges.csv", 4, edges))
    return false;
  std::map<long long, std::size_t> rowOf;
  std::vector<int> nodeCount, edgeCount;
  for (const std::vector<double> &node : nodes) {
    long long event = static_cast<long long>(node[0]);
    auto [it, fresh] = rowOf.emplace(event, nodeCount.size());
    if (fresh) {
      nodeCount.push_back(0);
      edgeCount.push_back(0);
      graphs.inputs.resize(graphs.inputs.size() + kInputs, 0.0f);
      // Padding edges point past the nodes.
      float *row = &graphs.inputs[it->second * kInputs];
      for (int j = 0; j < 2 * kEdges; ++j)
        row[kNodes * kFeatures + j] = kNodes;
    }
    int &n = nodeCount[it->second];
    if (n == kNodes)
      return fail("event " + std::to_string(event) + " has more than " +
                  std::to_string(kNodes) + " hits");
    for (int f = 0; f < kFeatures; ++f)
      graphs.inputs[it->second * kInputs + n * kFeatures + f] =
          static_cast<float>(node[2 + f]);
    ++n;
  }
  for (const std::vector<double> &values : edges) {
    Edge edge;
    edge.event = static_cast<long long>(values[0]);
    edge.source = static_cast<int>(values[1]);
    edge.target = static_cast<int>(values[2]);
    edge.truth = static_cast<int>(values[3]);
    auto found = rowOf.find(edge.event);
    if (found == rowOf.end())
      return fail("an edge of event " + std::to_string(edge.event) +
                  ", which has no hits");
    edge.row = found->second;
    edge.slot = edgeCount[edge.row]++;
    if (edge.slot == kEdges)
      return fail("event " + std::to_string(edge.event) + " has more than " +
                  std::to_string(kEdges) + " edges");
    float *row = &graphs.inputs[edge.row * kInputs + kNodes * kFeatures];
    row[edge.slot] = static_cast<float>(edge.source);
    row[kEdges + edge.slot] = static_cast<float>(edge.target);
    graphs.edges.push_back(edge);
  }
  return true;
}

using Kernel = void (*)(const float *, float *);
using BatchKernel = void (*)(const float *, float *, size_t);

/// Per-event and batched scores of one kernel, and their time per event
/// (microseconds).
struct Run {
  std::vector<float> perEvent, batched;
  double perEventUs = 0, batchedUs = 0;
};

Run run(Kernel kernel, BatchKernel batch, const Graphs &graphs) {
  using Clock = std::chrono::steady_clock;
  Run r;
  std::size_t n = graphs.count();
  r.perEvent.resize(n * kEdges);
  r.batched.resize(n * kEdges);
  auto start = Clock::now();
  for (std::size_t e = 0; e < n; ++e)
    kernel(&graphs.inputs[e * kInputs], &r.perEvent[e * kEdges]);
  auto middle = Clock::now();
  batch(graphs.inputs.data(), r.batched.data(), n);
  auto end = Clock::now();
  r.perEventUs =
      std::chrono::duration<double, std::micro>(middle - start).count() /
      double(n);
  r.batchedUs =
      std::chrono::duration<double, std::micro>(end - middle).count() /
      double(n);
  return r;
}

/// Edge efficiency (true edges kept over true edges) and purity (true
/// edges kept over edges kept) at `cut`.
std::pair<double, double>
measure(const Graphs &graphs, const std::vector<float> &scores, double cut) {
  double truth = 0, kept = 0, good = 0;
  for (const Edge &edge : graphs.edges) {
    bool pass = scores[edge.row * kEdges + std::size_t(edge.slot)] > cut;
    truth += edge.truth;
    kept += pass;
    good += pass && edge.truth;
  }
  return {truth ? good / truth : 0.0, kept ? good / kept : 0.0};
}

constexpr const char *kUsage = "usage: classify PREFIX [--cut C] "
                               "[-o SCORES.csv] [--curve CURVE.csv]";

} // namespace

int main(int argc, char **argv) {
  std::string prefix, output, curve;
  double cut = 0.5;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool valued = arg == "-o" || arg == "--curve" || arg == "--cut";
    if (valued && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--cut") {
        char *end = nullptr;
        cut = std::strtod(value.c_str(), &end);
        if (*end != '\0' || !(cut >= 0 && cut <= 1)) {
          std::fprintf(stderr, "classify: error: --cut needs a number in "
                               "[0, 1]\n");
          return 2;
        }
      } else {
        (arg == "-o" ? output : curve) = value;
      }
    } else if (prefix.empty() && !valued && arg[0] != '-') {
      prefix = arg;
    } else {
      std::fprintf(stderr, "%s\n", kUsage);
      return 2;
    }
  }
  if (prefix.empty()) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 2;
  }
  Graphs graphs;
  if (!readGraphs(prefix, graphs) || graphs.count() == 0)
    return 1;
  Run f = run(gnn_float, gnn_float_batch, graphs);
  Run q = run(gnn_fixed, gnn_fixed_batch, graphs);
  // Batched, the fixed-point kernel gives each event's own integers.
  std::size_t fixedDiffer = 0;
  double diff = 0;
  for (std::size_t i = 0; i < q.perEvent.size(); ++i)
    fixedDiffer += q.perEvent[i] != q.batched[i];
  for (const Edge &edge : graphs.edges) {
    std::size_t i = edge.row * kEdges + std::size_t(edge.slot);
    diff = std::fmax(diff, std::fabs(f.perEvent[i] - q.perEvent[i]));
  }
  auto [floatEff, floatPur] = measure(graphs, f.perEvent, cut);
  auto [fixedEff, fixedPur] = measure(graphs, q.perEvent, cut);
  std::printf("%zu graphs, %zu edges\n", graphs.count(), graphs.edges.size());
  std::printf("at score > %.2f: float efficiency %.4f purity %.4f; fixed "
              "efficiency %.4f purity %.4f\n",
              cut, floatEff, floatPur, fixedEff, fixedPur);
  std::printf("max |fixed - float| score: %.4f\n", diff);
  std::printf("batched vs per event: fixed %zu scores differ\n", fixedDiffer);
  std::printf("time per graph (us): float %.2f one by one, %.2f batched; "
              "fixed %.2f one by one, %.2f batched\n",
              f.perEventUs, f.batchedUs, q.perEventUs, q.batchedUs);
  auto write = [&](const std::string &path, auto body) {
    std::FILE *out = std::fopen(path.c_str(), "w");
    if (!out)
      return fail("cannot write " + path);
    body(out);
    return std::fclose(out) == 0 || fail("cannot write " + path);
  };
  if (!output.empty() && !write(output, [&](std::FILE *out) {
        std::fprintf(out, "event,source,target,truth,float,fixed\n");
        for (const Edge &edge : graphs.edges) {
          std::size_t i = edge.row * kEdges + std::size_t(edge.slot);
          std::fprintf(out, "%lld,%d,%d,%d,%.6f,%.6f\n", edge.event,
                       edge.source, edge.target, edge.truth, f.perEvent[i],
                       q.perEvent[i]);
        }
      }))
    return 1;
  if (!curve.empty() && !write(curve, [&](std::FILE *out) {
        std::fprintf(out, "cut,float_efficiency,float_purity,"
                          "fixed_efficiency,fixed_purity\n");
        for (int step = 1; step < 100; ++step) {
          double c = step / 100.0;
          auto [fe, fp] = measure(graphs, f.perEvent, c);
          auto [qe, qp] = measure(graphs, q.perEvent, c);
          std::fprintf(out, "%.2f,%.5f,%.5f,%.5f,%.5f\n", c, fe, fp, qe, qp);
        }
      }))
    return 1;
  return fixedDiffer == 0 ? 0 : 1;
}
