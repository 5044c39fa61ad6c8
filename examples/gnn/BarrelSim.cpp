//===- BarrelSim.cpp - toy tracks through a barrel tracker ------*- C++ -*-===//
//
// A barrel of kLayers cylindrical silicon layers around the beam in a
// solenoid field. Each event has 1 to kMaxTracks charged particles from
// the luminous region (z0 from a Gaussian of 50 mm), with transverse
// momenta of 1 to 10 GeV and pseudorapidity in [-1, 1]; each crosses the
// layers on a helix, bending in phi by asin(0.3 B r / (2 pT)), and leaves
// a hit in a layer with efficiency kEfficiency, smeared by the layer's
// resolution. Noise hits are spread over the layers. Each layer is tiled
// into modules (kPhiModules[layer] in phi times kZModules in z), which the
// graph builder's module map connects.
//
// Output, one row per hit, the hits of an event by layer then phi:
//   event, hit (its position in the event, from 0), layer, module,
//   r (mm), phi (rad), z (mm), particle (from 0 per event; -1 for noise).
//
//===----------------------------------------------------------------------===//
#include "examples/common/Arguments.h"
#include "examples/common/OutputFile.h"
#include "examples/common/Random.h"
#include "examples/gnn/Barrel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace ariadne::examples::barrel;
using ariadne::examples::Random;

/// Particles per event (uniform from 1), noise hits per event (uniform from
/// 0 to this), the efficiency of a layer, the field (T), and the beam
/// spot's length (mm).
constexpr int kMaxTracks = 8, kMaxNoise = 12;
constexpr double kEfficiency = 0.97, kField = 2.0, kBeamSpot = 50.0;
/// The hit resolution in r*phi and z (mm).
constexpr double kSigmaRPhi = 0.03, kSigmaZ = 0.5;

struct Hit {
  int layer = 0, module = 0, particle = -1;
  double phi = 0, z = 0;
};

double wrap(double phi) {
  while (phi > kPi)
    phi -= 2 * kPi;
  while (phi <= -kPi)
    phi += 2 * kPi;
  return phi;
}

std::vector<Hit> simulate(Random &random) {
  std::vector<Hit> hits;
  int tracks = 1 + static_cast<int>(random.below(kMaxTracks));
  for (int t = 0; t < tracks; ++t) {
    double pt = random.uniform(1.0, 10.0);
    double charge = random.below(2) ? 1.0 : -1.0;
    double phi0 = random.uniform(-kPi, kPi);
    double eta = random.uniform(-1.0, 1.0);
    double z0 = random.gauss(kBeamSpot);
    for (int layer = 0; layer < kLayers; ++layer) {
      double r = kRadius[layer];
      double z = z0 + r * std::sinh(eta);
      if (std::fabs(z) > kHalfLength || random.uniform(0.0, 1.0) > kEfficiency)
        continue;
      Hit hit;
      hit.layer = layer;
      hit.particle = t;
      hit.phi =
          wrap(phi0 - charge * std::asin(0.3 * kField * r * 1e-3 / (2 * pt)) +
               random.gauss(kSigmaRPhi / r));
      hit.z = z + random.gauss(kSigmaZ);
      hits.push_back(hit);
    }
  }
  int noise = static_cast<int>(random.below(kMaxNoise + 1));
  for (int i = 0; i < noise; ++i) {
    Hit hit;
    hit.layer = static_cast<int>(random.below(kLayers));
    hit.phi = random.uniform(-kPi, kPi);
    hit.z = random.uniform(-kHalfLength, kHalfLength);
    hits.push_back(hit);
  }
  for (Hit &hit : hits)
    hit.module = moduleOf(hit.layer, hit.phi, hit.z);
  std::sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
    return a.layer != b.layer ? a.layer < b.layer : a.phi < b.phi;
  });
  return hits;
}

constexpr const char *kUsage =
    "usage: barrel-sim [-n EVENTS] [-s SEED] [-o FILE.csv]";

} // namespace

int main(int argc, char **argv) {
  unsigned long long events = 1000, seed = 1;
  std::string output;
  int status = ariadne::examples::parseSimArguments(
      argc, argv, "barrel-sim", kUsage, 10000000ULL, events, seed, output);
  if (status >= 0)
    return status;

  ariadne::examples::OutputFile file;
  if (!file.open(output, "barrel-sim"))
    return 1;
  std::FILE *out = file.get();
  std::fprintf(out, "event,hit,layer,module,r,phi,z,particle\n");
  Random random(seed);
  for (unsigned long long e = 0; e < events; ++e) {
    std::vector<Hit> hits = simulate(random);
    for (std::size_t h = 0; h < hits.size(); ++h)
      std::fprintf(out, "%llu,%zu,%d,%d,%.1f,%.6f,%.3f,%d\n", e, h,
                   hits[h].layer, hits[h].module, kRadius[hits[h].layer],
                   hits[h].phi, hits[h].z, hits[h].particle);
  }
  return file.finish() ? 0 : 1;
}
