//===- GraphBuild.cpp - hit graphs from a module map ------------*- C++ -*-===//
//
// The graph-building stage of a GNN track finder, as gnn4ITk builds graphs
// with a module map:
//
//   graph-build map HITS.csv -o MAP.csv
//     learns the map from simulated truth: every pair of modules that two
//     consecutive hits of one particle lie on, with the range of the
//     pair's phi difference and of its z at the beam line (the straight
//     line through both hits extrapolated to r = 0).
//   graph-build graphs HITS.csv --map MAP.csv -o PREFIX
//       [--max-nodes N] [--max-edges E]
//     connects each pair of hits on two modules of the map (the inner one
//     first) whose phi difference and z at the beam line lie in the
//     pair's ranges (with a small margin), and writes
//       PREFIX_nodes.csv  event, hit, r, phi, z: the node features, scaled
//                         as gnn4ITk scales them (r / 1000 mm, phi / pi,
//                         z / 1000 mm);
//       PREFIX_edges.csv  event, source, target, truth: each candidate
//                         edge by the positions of its hits in the event,
//                         truth 1 where the two are consecutive hits of one
//                         particle.
//     Events with more hits or edges than the capacities are left out and
//     counted. It prints the graphs' efficiency (true segments that became
//     edges) and purity (true edges among the edges).
//
// The hits come from barrel-sim (event, hit, layer, module, r, phi, z,
// particle), the hits of an event consecutive.
//
//===----------------------------------------------------------------------===//
#include "examples/common/Arguments.h"
#include "examples/common/OutputFile.h"
#include "examples/gnn/Barrel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace ariadne::examples::barrel;
using ariadne::examples::OutputFile;
using ariadne::examples::parseNumber;

struct Hit {
  int layer = 0, module = 0, particle = -1;
  double r = 0, phi = 0, z = 0;
};

struct Event {
  long long id = 0;
  std::vector<Hit> hits;
};

/// The ranges of one module pair's true segments.
struct Window {
  double dphiMin = 1e9, dphiMax = -1e9, z0Min = 1e9, z0Max = -1e9;
  long long count = 0;
};
/// Margins added to each side of a window.
constexpr double kPhiMargin = 0.01, kZ0Margin = 20.0;

double deltaPhi(const Hit &a, const Hit &b) {
  double d = b.phi - a.phi;
  while (d > kPi)
    d -= 2 * kPi;
  while (d <= -kPi)
    d += 2 * kPi;
  return d;
}

double zAtBeam(const Hit &a, const Hit &b) {
  return a.z - a.r * (b.z - a.z) / (b.r - a.r);
}

bool fail(const std::string &message) {
  std::fprintf(stderr, "graph-build: error: %s\n", message.c_str());
  return false;
}

/// Splits a CSV line into numbers; false on a field that is not one.
bool numbers(const std::string &line, std::vector<double> &values) {
  values.clear();
  std::stringstream fields(line);
  std::string field;
  while (std::getline(fields, field, ',')) {
    char *end = nullptr;
    values.push_back(std::strtod(field.c_str(), &end));
    if (end == field.c_str() || *end != '\0')
      return false;
  }
  return true;
}

bool readHits(const std::string &path, std::vector<Event> &events) {
  std::ifstream in(path);
  if (!in)
    return fail("cannot read " + path);
  std::string line;
  std::getline(in, line);
  if (line != "event,hit,layer,module,r,phi,z,particle")
    return fail(path + ":1: not a barrel-sim file (header '" + line + "')");
  std::vector<double> v;
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    if (!numbers(line, v) || v.size() != 8 || v[2] < 0 || v[2] >= kLayers)
      return fail(path + ":" + std::to_string(row) + ": not a hit row");
    long long id = static_cast<long long>(v[0]);
    if (events.empty() || events.back().id != id)
      events.push_back(Event{id, {}});
    Hit hit;
    hit.layer = static_cast<int>(v[2]);
    hit.module = static_cast<int>(v[3]);
    hit.r = v[4];
    hit.phi = v[5];
    hit.z = v[6];
    hit.particle = static_cast<int>(v[7]);
    events.back().hits.push_back(hit);
  }
  return true;
}

/// The true segments of an event: consecutive hits (by layer) of each
/// particle, as pairs of positions.
std::vector<std::pair<int, int>> segments(const Event &event) {
  std::map<int, std::vector<int>> byParticle;
  for (std::size_t h = 0; h < event.hits.size(); ++h)
    if (event.hits[h].particle >= 0)
      byParticle[event.hits[h].particle].push_back(static_cast<int>(h));
  std::vector<std::pair<int, int>> result;
  for (auto &[particle, hits] : byParticle) {
    (void)particle;
    std::sort(hits.begin(), hits.end(), [&](int a, int b) {
      return event.hits[a].layer < event.hits[b].layer;
    });
    for (std::size_t i = 0; i + 1 < hits.size(); ++i)
      result.emplace_back(hits[i], hits[i + 1]);
  }
  return result;
}

using ModuleMap = std::map<std::pair<int, int>, Window>;

bool writeMap(const std::vector<Event> &events, const std::string &output) {
  ModuleMap map;
  for (const Event &event : events)
    for (auto [a, b] : segments(event)) {
      const Hit &x = event.hits[a], &y = event.hits[b];
      Window &w = map[{x.module, y.module}];
      double dphi = deltaPhi(x, y), z0 = zAtBeam(x, y);
      w.dphiMin = std::min(w.dphiMin, dphi);
      w.dphiMax = std::max(w.dphiMax, dphi);
      w.z0Min = std::min(w.z0Min, z0);
      w.z0Max = std::max(w.z0Max, z0);
      ++w.count;
    }
  OutputFile file;
  if (!file.open(output, "graph-build"))
    return false;
  std::fprintf(file.get(),
               "inner,outer,dphi_min,dphi_max,z0_min,z0_max,segments\n");
  for (const auto &[pair, w] : map)
    std::fprintf(file.get(), "%d,%d,%.6f,%.6f,%.3f,%.3f,%lld\n", pair.first,
                 pair.second, w.dphiMin, w.dphiMax, w.z0Min, w.z0Max, w.count);
  if (!file.finish())
    return false;
  std::printf("module map: %zu module pairs from %zu events\n", map.size(),
              events.size());
  return true;
}

bool readMap(const std::string &path, ModuleMap &map) {
  std::ifstream in(path);
  if (!in)
    return fail("cannot read " + path);
  std::string line;
  std::getline(in, line);
  std::vector<double> v;
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    if (!numbers(line, v) || v.size() != 7)
      return fail(path + ":" + std::to_string(row) + ": not a module pair");
    Window &w = map[{static_cast<int>(v[0]), static_cast<int>(v[1])}];
    w.dphiMin = v[2];
    w.dphiMax = v[3];
    w.z0Min = v[4];
    w.z0Max = v[5];
    w.count = static_cast<long long>(v[6]);
  }
  if (map.empty())
    return fail(path + ": the module map is empty");
  return true;
}

bool writeGraphs(const std::vector<Event> &events, const ModuleMap &map,
                 const std::string &prefix, unsigned long long maxNodes,
                 unsigned long long maxEdges) {
  OutputFile nodes, edges;
  if (!nodes.open(prefix + "_nodes.csv", "graph-build") ||
      !edges.open(prefix + "_edges.csv", "graph-build"))
    return false;
  std::fprintf(nodes.get(), "event,hit,r,phi,z\n");
  std::fprintf(edges.get(), "event,source,target,truth\n");
  long long trueSegments = 0, foundSegments = 0, edgeCount = 0, kept = 0;
  long long overCapacity = 0;
  std::size_t mostNodes = 0, mostEdges = 0;
  for (const Event &event : events) {
    std::vector<std::pair<int, int>> truth = segments(event);
    std::vector<std::pair<int, int>> built;
    const std::vector<Hit> &hits = event.hits;
    for (std::size_t a = 0; a < hits.size(); ++a)
      for (std::size_t b = 0; b < hits.size(); ++b) {
        auto found = map.find({hits[a].module, hits[b].module});
        if (hits[b].layer <= hits[a].layer || found == map.end())
          continue;
        const Window &w = found->second;
        double dphi = deltaPhi(hits[a], hits[b]);
        double z0 = zAtBeam(hits[a], hits[b]);
        if (dphi >= w.dphiMin - kPhiMargin && dphi <= w.dphiMax + kPhiMargin &&
            z0 >= w.z0Min - kZ0Margin && z0 <= w.z0Max + kZ0Margin)
          built.emplace_back(static_cast<int>(a), static_cast<int>(b));
      }
    if (hits.size() > maxNodes || built.size() > maxEdges) {
      ++overCapacity;
      continue;
    }
    ++kept;
    mostNodes = std::max(mostNodes, hits.size());
    mostEdges = std::max(mostEdges, built.size());
    trueSegments += static_cast<long long>(truth.size());
    for (std::size_t h = 0; h < hits.size(); ++h)
      std::fprintf(nodes.get(), "%lld,%zu,%.4f,%.6f,%.6f\n", event.id, h,
                   hits[h].r / 1000, hits[h].phi / kPi, hits[h].z / 1000);
    for (auto [a, b] : built) {
      bool real = std::find(truth.begin(), truth.end(), std::make_pair(a, b)) !=
                  truth.end();
      foundSegments += real;
      ++edgeCount;
      std::fprintf(edges.get(), "%lld,%d,%d,%d\n", event.id, a, b, real);
    }
  }
  if (!nodes.finish() || !edges.finish())
    return false;
  std::printf("graphs: %lld events (%lld over the capacities of %llu nodes "
              "and %llu edges left out), at most %zu nodes and %zu edges, "
              "%.1f edges per event\n",
              kept, overCapacity, maxNodes, maxEdges, mostNodes, mostEdges,
              kept ? double(edgeCount) / double(kept) : 0.0);
  std::printf("graph building: efficiency %.4f, purity %.4f\n",
              trueSegments ? double(foundSegments) / double(trueSegments) : 0.0,
              edgeCount ? double(foundSegments) / double(edgeCount) : 0.0);
  return true;
}

constexpr const char *kUsage =
    "usage: graph-build map HITS.csv -o MAP.csv\n"
    "       graph-build graphs HITS.csv --map MAP.csv -o PREFIX "
    "[--max-nodes N] [--max-edges E]";

int usage(const std::string &message) {
  std::fprintf(stderr, "graph-build: error: %s\n%s\n", message.c_str(), kUsage);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage("give a command, map or graphs");
  std::string command = argv[1];
  if (command == "-h" || command == "--help") {
    std::printf("%s\n", kUsage);
    return 0;
  }
  if (command != "map" && command != "graphs")
    return usage("unknown command '" + command + "'");
  std::string hits, mapPath, output;
  unsigned long long maxNodes = 64, maxEdges = 128;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    bool valued = arg == "-o" || arg == "--map" || arg == "--max-nodes" ||
                  arg == "--max-edges";
    if (!valued) {
      if (!hits.empty() || arg.empty() || arg[0] == '-')
        return usage("unexpected argument '" + arg + "'");
      hits = arg;
      continue;
    }
    if (i + 1 == argc)
      return usage(arg + " needs a value");
    std::string value = argv[++i];
    if (arg == "-o")
      output = value;
    else if (arg == "--map")
      mapPath = value;
    else if (!parseNumber(value, 1, 4096,
                          arg == "--max-nodes" ? maxNodes : maxEdges))
      return usage(arg + " needs a whole number from 1 to 4096, not '" + value +
                   "'");
  }
  if (hits.empty() || output.empty())
    return usage("give the hits file and -o");
  if (command == "graphs" && mapPath.empty())
    return usage("graphs needs --map");
  std::vector<Event> events;
  if (!readHits(hits, events))
    return 1;
  if (command == "map")
    return writeMap(events, output) ? 0 : 1;
  ModuleMap map;
  if (!readMap(mapPath, map))
    return 1;
  return writeGraphs(events, map, output, maxNodes, maxEdges) ? 0 : 1;
}
