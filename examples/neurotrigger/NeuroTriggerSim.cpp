//===- NeuroTriggerSim.cpp - toy drift chamber for the z-vertex trigger ---===//
//
// A toy simulation of the inputs of a Belle II-style neural z-vertex
// trigger. It is a teaching model, not a detector simulation:
//
// * Tracks are helices from a vertex at (0, 0, z0) with z0 uniform in
//   [-100, 100] cm, polar angle uniform in [10, 170] degrees, azimuth
//   uniform, transverse momentum uniform in [0.3, 3] GeV and charge +-1, in
//   a 1.5 T solenoid field (radius of curvature R = pt / (0.3 B)).
// * The cylindrical drift chamber has 9 superlayers at the radii of
//   kRadius, extending from z = -kBackward to z = +kForward. Even
//   superlayers have axial wires; odd ones are stereo, their wires tilted by
//   kStereo so that a wire's azimuth moves by z tan(stereo) / r along z:
//   this is where the z information lives.
// * At each superlayer the track crosses at azimuth phi(r) = phi0 - q
//   asin(r / 2R), at z(r) = z0 + 2R asin(r / 2R) cot(theta), with crossing
//   angle alpha = q asin(r / 2R). The hit wire is the one nearest to the
//   track at that z; the drift time is the distance from the wire,
//   perpendicular to the track, over a drift velocity of 40 um/ns, smeared
//   by 5 ns and signed by the side (left/right) of the wire.
// * The 2D track finder, which uses the axial superlayers only, estimates
//   phi0 and the curvature with a small error. The network's inputs per
//   superlayer are the hit wire's id relative to the 2D track's crossing
//   (in wires), the signed drift time (ns) and the crossing angle the 2D
//   track predicts (rad). A superlayer the track leaves the chamber before,
//   or that is inefficient (kInefficiency), gives zeros.
// * The expert of an event is its pattern of stereo superlayers: 0 when all
//   four have a hit, 1 to 4 when superlayer 1, 3, 5 or 7 is the one missing.
//   Events missing two stereo superlayers or more are not written (they
//   cannot be triggered on).
//
// Usage: neurotrigger-sim [-n EVENTS] [-s SEED] [-o FILE.csv]
//
// The CSV has a header line naming the columns: sl<S>_wire, sl<S>_drift,
// sl<S>_alpha for S = 0..8, then expert, z (cm), theta (rad), pt (GeV).
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace {

constexpr int kSuperlayers = 9;
/// Radius of each superlayer (cm).
constexpr double kRadius[kSuperlayers] = {22, 35, 47, 59, 71, 83, 95, 107, 119};
/// Wires around each superlayer.
constexpr int kWires[kSuperlayers] = {160, 160, 192, 224, 256,
                                      288, 320, 352, 384};
/// Stereo angle of each superlayer (rad); 0 for axial ones.
constexpr double kStereo[kSuperlayers] = {0,     0.065, 0,      -0.070, 0,
                                          0.075, 0,     -0.080, 0};
/// The chamber's extent along z (cm).
constexpr double kForward = 160.0, kBackward = 90.0;
/// Probability that a superlayer gives no usable hit.
constexpr double kInefficiency = 0.06;
/// Solenoid field (T), drift velocity (cm/ns) and time resolution (ns).
constexpr double kField = 1.5, kDriftVelocity = 0.004, kTimeSmear = 5.0;
constexpr double kPi = 3.14159265358979323846;

/// The uniform distribution written out, so that the events depend on the
/// seed alone and not on the standard library's distributions.
double uniform(std::mt19937_64 &engine, double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(engine() >> 11) * 0x1.0p-53);
}

/// A normal deviate (Box-Muller).
double gauss(std::mt19937_64 &engine, double sigma) {
  double u = uniform(engine, 1e-12, 1.0), v = uniform(engine, 0.0, 1.0);
  return sigma * std::sqrt(-2.0 * std::log(u)) * std::cos(2 * kPi * v);
}

/// Wraps an angle into [-pi, pi).
double wrapAngle(double angle) {
  return angle - 2 * kPi * std::floor((angle + kPi) / (2 * kPi));
}

void usage() {
  std::fprintf(stderr,
               "usage: neurotrigger-sim [-n EVENTS] [-s SEED] [-o FILE.csv]\n");
}

} // namespace

int main(int argc, char **argv) {
  long events = 40000;
  unsigned long long seed = 1;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-n" || arg == "-s" || arg == "-o") && i + 1 < argc) {
      std::string value = argv[++i];
      char *end = nullptr;
      if (arg == "-o") {
        output = value;
        continue;
      }
      unsigned long long number = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') {
        std::fprintf(stderr, "neurotrigger-sim: error: %s needs a number\n",
                     arg.c_str());
        return 2;
      }
      if (arg == "-n")
        events = static_cast<long>(number);
      else
        seed = number;
    } else {
      usage();
      return arg == "-h" || arg == "--help" ? 0 : 2;
    }
  }
  std::FILE *out = output.empty() ? stdout : std::fopen(output.c_str(), "w");
  if (!out) {
    std::fprintf(stderr, "neurotrigger-sim: error: cannot write %s\n",
                 output.c_str());
    return 1;
  }
  for (int s = 0; s < kSuperlayers; ++s)
    std::fprintf(out, "sl%d_wire,sl%d_drift,sl%d_alpha,", s, s, s);
  std::fprintf(out, "expert,z,theta,pt\n");

  std::mt19937_64 engine(seed);
  long written = 0;
  while (written < events) {
    double z0 = uniform(engine, -100.0, 100.0);
    double theta = uniform(engine, 10.0, 170.0) * kPi / 180.0;
    double phi0 = uniform(engine, -kPi, kPi);
    double pt = uniform(engine, 0.3, 3.0);
    double charge = engine() & 1 ? 1.0 : -1.0;
    double radius = pt / (0.3 * kField) * 100.0; // cm
    // The 2D track finder's estimates of phi0 and the radius.
    double phi0Estimate = phi0 + gauss(engine, 0.003);
    double radiusEstimate = radius * (1.0 + gauss(engine, 0.03));
    double cotTheta = std::cos(theta) / std::sin(theta);

    double inputs[kSuperlayers][3] = {};
    bool hit[kSuperlayers] = {};
    for (int s = 0; s < kSuperlayers; ++s) {
      double r = kRadius[s];
      bool efficient = uniform(engine, 0.0, 1.0) >= kInefficiency;
      double timeNoise = gauss(engine, kTimeSmear);
      if (r >= 2 * radius || !efficient)
        continue; // the track curls back before r, or no hit
      double psi = std::asin(r / (2 * radius));
      double z = z0 + 2 * radius * psi * cotTheta;
      if (z > kForward || z < -kBackward)
        continue; // the track has left through an endplate
      double phi = phi0 - charge * psi;
      double cell = 2 * kPi / kWires[s];
      // The wire nearest to the track at this z: its azimuth at z = 0 is
      // (id + 1/2) * cell, moved by z tan(stereo) / r along the wire.
      double shift = z * std::tan(kStereo[s]) / r;
      double id = std::floor(wrapAngle(phi - shift) / cell);
      double wirePhi = (id + 0.5) * cell + shift;
      double distance = r * wrapAngle(phi - wirePhi) * std::cos(psi);
      double time = std::fabs(distance) / kDriftVelocity + timeNoise;
      time = std::max(time, 0.0);
      // Relative to the 2D track's crossing of this superlayer.
      double psiEstimate = std::asin(std::min(1.0, r / (2 * radiusEstimate)));
      double phiEstimate = phi0Estimate - charge * psiEstimate;
      inputs[s][0] = wrapAngle((id + 0.5) * cell - phiEstimate) / cell;
      inputs[s][1] = distance < 0 ? -time : time;
      inputs[s][2] = charge * psiEstimate;
      hit[s] = true;
    }
    int missing = 0, expert = 0;
    for (int s = 1; s < kSuperlayers; s += 2) {
      if (!hit[s]) {
        ++missing;
        expert = (s + 1) / 2;
      }
    }
    // Axial superlayers 0 and 2 are needed by the 2D finder.
    if (missing > 1 || !hit[0] || !hit[2])
      continue;
    for (int s = 0; s < kSuperlayers; ++s)
      std::fprintf(out, "%.6g,%.6g,%.6g,", inputs[s][0], inputs[s][1],
                   inputs[s][2]);
    std::fprintf(out, "%d,%.6g,%.6g,%.6g\n", expert, z0, theta, pt);
    ++written;
  }
  if (out != stdout && std::fclose(out) != 0) {
    std::fprintf(stderr, "neurotrigger-sim: error: cannot write %s\n",
                 output.c_str());
    return 1;
  }
  return 0;
}
