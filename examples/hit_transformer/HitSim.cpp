//===- HitSim.cpp - toy pion decays in an active target ---------*- C++ -*-===//
//
// A PIONEER-like active target: a stack of silicon planes, each measuring
// the position x of a hit along its strips and the energy it deposits.
// A pion enters from the top and stops in one of the planes, leaving
// heavily ionizing hits straight down to its stopping point (its Bragg
// peak there); it decays at rest and the positron leaves the stopping
// point at an angle theta to the stack's axis, up or down, crossing
// planes with minimum-ionizing deposits until it leaves the stack. A
// noise hit may be added. The hits of an event come as an unordered set
// of at most kHits, each (x in mm, z in mm, energy in MIPs, mask 1),
// padded with zeros (mask 0); the target is theta. A transformer has to
// tell the positron's hits from the pion's and fit their slope.
//
//===----------------------------------------------------------------------===//
#include "examples/common/Arguments.h"
#include "examples/common/OutputFile.h"
#include "examples/common/Random.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using ariadne::examples::Random;

/// Hits per event (the set's capacity) and the planes of the stack.
constexpr int kHits = 16;
constexpr int kPlanes = 16;
/// Plane spacing and strip pitch (mm); the position resolution of a strip
/// is its pitch / sqrt(12).
constexpr double kSpacing = 0.25, kPitch = 0.2;
/// The positron's angle range (rad) and the stack's half width (mm).
constexpr double kThetaMax = 1.0, kHalfWidth = 6.0;

struct Hit {
  double x = 0, z = 0, energy = 0;
};

/// A minimum-ionizing deposit along a path `length` times the plane's
/// thickness: Landau-like, a gamma of shape 4 (mean 1) scaled by the path.
double mipDeposit(Random &random, double length) {
  double sum = 0;
  for (int i = 0; i < 4; ++i)
    sum -= std::log(1.0 - random.uniform(0.0, 1.0));
  return length * sum / 4;
}

std::vector<Hit> simulate(Random &random, double &theta) {
  std::vector<Hit> hits;
  double resolution = kPitch / std::sqrt(12.0);
  int stop = 2 + static_cast<int>(random.below(kPlanes - 4));
  double x0 = random.uniform(-2.0, 2.0);
  // The pion, from the top plane down to its stop: 3 to 5 MIPs, rising to
  // 10 to 20 in the stopping plane.
  for (int plane = kPlanes - 1; plane >= stop; --plane) {
    Hit hit;
    hit.z = plane * kSpacing;
    hit.x = x0 + random.gauss(resolution);
    hit.energy =
        plane == stop ? random.uniform(10.0, 20.0) : random.uniform(3.0, 5.0);
    hits.push_back(hit);
  }
  // The positron, up or down from the stop.
  theta = random.uniform(-kThetaMax, kThetaMax);
  int step = random.below(2) ? 1 : -1;
  double slope = std::tan(theta);
  for (int plane = stop + step; plane >= 0 && plane < kPlanes; plane += step) {
    double dz = (plane - stop) * kSpacing;
    double x = x0 + slope * std::fabs(dz);
    if (std::fabs(x) > kHalfWidth || static_cast<int>(hits.size()) >= kHits)
      break;
    Hit hit;
    hit.z = plane * kSpacing;
    // The positron shares the pion's planes above the stop: its hit is a
    // separate strip cluster there.
    hit.x = x + random.gauss(resolution);
    hit.energy = mipDeposit(random, 1.0 / std::cos(theta));
    hits.push_back(hit);
  }
  // A noise hit in one event of two, where there is room.
  if (random.below(2) && static_cast<int>(hits.size()) < kHits) {
    Hit hit;
    hit.z = static_cast<double>(random.below(kPlanes)) * kSpacing;
    hit.x = random.uniform(-kHalfWidth, kHalfWidth);
    hit.energy = random.uniform(0.2, 1.0);
    hits.push_back(hit);
  }
  // An unordered set: shuffled (Fisher-Yates).
  for (std::size_t i = hits.size(); i > 1; --i)
    std::swap(hits[i - 1], hits[random.below(i)]);
  return hits;
}

constexpr const char *kUsage =
    "usage: hit-sim [-n EVENTS] [-s SEED] [-o FILE.csv]";

} // namespace

int main(int argc, char **argv) {
  unsigned long long events = 10000, seed = 1;
  std::string output;
  int status = ariadne::examples::parseSimArguments(
      argc, argv, "hit-sim", kUsage, 100000000ULL, events, seed, output);
  if (status >= 0)
    return status;

  ariadne::examples::OutputFile file;
  if (!file.open(output, "hit-sim"))
    return 1;
  std::FILE *out = file.get();
  for (int i = 0; i < kHits; ++i)
    std::fprintf(out, "h%d_x,h%d_z,h%d_e,h%d_m,", i, i, i, i);
  std::fprintf(out, "theta\n");
  Random random(seed);
  for (unsigned long long e = 0; e < events; ++e) {
    double theta = 0;
    std::vector<Hit> hits = simulate(random, theta);
    for (int i = 0; i < kHits; ++i) {
      if (i < static_cast<int>(hits.size()))
        std::fprintf(out, "%.5f,%.3f,%.4f,1,", hits[i].x, hits[i].z,
                     hits[i].energy);
      else
        std::fprintf(out, "0,0,0,0,");
    }
    std::fprintf(out, "%.6f\n", theta);
  }
  return file.finish() ? 0 : 1;
}
