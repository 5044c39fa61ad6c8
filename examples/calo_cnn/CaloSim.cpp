//===- CaloSim.cpp - toy calorimeter towers for a Level-1 trigger CNN -----===//
//
// A toy simulation of the inputs of a first-level calorimeter trigger that
// looks at a window of towers around a seed with a small CNN. It is a
// teaching model, not a detector simulation: the numbers are of the right
// size, the shapes are simple parametrizations, and nothing has been tuned
// to data.
//
// * The window is 8 x 8 towers of 0.1 x 0.1 in eta x phi. Positions are in
//   cell units relative to the window's centre: x along eta (the row), y
//   along phi (the column), so tower (row i, column j) covers
//   x in [i - 4, i - 3) and y in [j - 4, j - 3). The towers sum the
//   electromagnetic and hadronic compartments over depth; a shower deposits
//   everything in the tower it is in, transversely.
// * One particle per event, entering at (x, y) uniform in [-1, 1)^2 (the
//   central 2 x 2 towers), with energy E uniform in [5, 100] GeV; an
//   electron or photon ("e/gamma", is_em = 1) or a charged pion (is_em = 0)
//   with equal probability. Electrons and photons look alike here: there is
//   no tracker and no preshower.
// * An e/gamma shower is fully contained in depth and calibrated: its
//   visible energy is E. Its radial profile is the two-component form of
//   Grindhammer and Peters, f(r) = 2 r R^2 / (r^2 + R^2)^2 per component,
//   a core (90% of the energy, R = 0.2 cells) and a tail (R = 1 cell). The
//   Moliere radius is about one cell: about 90% of the energy lies within
//   one cell of the axis. The r^-3 tail leaks about 1% out of the window.
// * A pion shower is wider and fluctuates much more. A fraction f_em of its
//   energy goes into neutral pions, whose photons make compact showers;
//   f_em is drawn per event around Groom's mean 1 - (E / 1 GeV)^(0.82 - 1)
//   (about 0.25 at 5 GeV, 0.56 at 100 GeV) with a spread of 0.15. That
//   energy is split at random among 1 + Poisson(E / 25 GeV) sub-clusters,
//   each offset from the impact point by a Gaussian of 0.5 cells per
//   coordinate and shaped like an e/gamma shower. The rest is hadronic: on
//   average only half of it is visible (nuclear binding energy, neutrinos,
//   slow neutrons; a non-compensating calorimeter, h/e = 0.5), the visible
//   fraction drawn per event with a spread of 0.1, and it spreads with an
//   exponential radial profile, exp(-r / 0.6 cells) per unit area. So the
//   tower sum of a pion is on average 60% (at 5 to 10 GeV) to 75% (above
//   50 GeV) of its energy and differs much from event to event; a soft
//   pion now and then leaves no tower above the threshold at all. The
//   tower sum of an e/gamma is about 97% of its energy (the faint tail
//   falls below the threshold or outside the window).
// * The profiles are integrated over the towers by Monte Carlo: a shower's
//   visible energy is a Poisson number of deposits of a fixed quantum q,
//   each at a point drawn from the profile and counted in the tower it
//   falls in (or lost, outside the window). A tower that sees energy E_t
//   then fluctuates by sqrt(q E_t), the sampling term a / sqrt(E_t) of a
//   sampling calorimeter with a = sqrt(q): 10% / sqrt(E) for the
//   electromagnetic deposits, 50% / sqrt(E) for the hadronic ones.
// * Every tower gets Gaussian electronic noise of 0.25 GeV, and a tower
//   below 0.5 GeV is set to zero, as the trigger's zero suppression does.
//   Noise alone passes this threshold in about 2.5% of the towers, with
//   about 0.6 GeV each: it matters for the softest showers.
//
// Usage: calo-sim [-n EVENTS] [-s SEED] [-o FILE.csv]
//
// The CSV has a header line naming the columns: tower_0 ... tower_63 (GeV;
// tower_<8 i + j> is row i, column j), then the targets energy (true, GeV),
// x and y (the impact point, cells), is_em (1 for e/gamma, 0 for a pion)
// and sum (the sum of the towers, GeV: the naive energy estimate a network
// should beat).
//
//===----------------------------------------------------------------------===//
#include "examples/common/Arguments.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using ariadne::examples::parseNumber;

/// Towers per side of the window, and the half-width of the impact region
/// around its centre (cells).
constexpr int kSide = 8;
constexpr double kImpactHalfWidth = 1.0;
/// The particle's energy range (GeV).
constexpr double kEnergyMin = 5.0, kEnergyMax = 100.0;
/// Electromagnetic radial profile: the core's share of the energy and the
/// radii of the core and the tail (cells).
constexpr double kEmCoreFraction = 0.9;
constexpr double kEmCoreRadius = 0.2, kEmTailRadius = 1.0;
/// Stochastic terms (sqrt(GeV)) of the electromagnetic and the hadronic
/// deposits; the deposit quantum is their square (GeV).
constexpr double kEmStochastic = 0.10, kHadStochastic = 0.50;
/// Groom's mean electromagnetic fraction of a pion shower,
/// 1 - (E / kGroomScale)^(kGroomExponent - 1), and its spread per event.
constexpr double kGroomScale = 1.0, kGroomExponent = 0.82;
constexpr double kEmFractionSpread = 0.15;
/// Neutral-pion sub-clusters: 1 + Poisson(E / kEnergyPerCluster), offset by
/// a Gaussian of kClusterSpread cells per coordinate.
constexpr double kEnergyPerCluster = 25.0, kClusterSpread = 0.5;
/// The visible share of the hadronic (non-electromagnetic) energy, h/e, and
/// its spread per event.
constexpr double kHadronVisible = 0.5, kHadronVisibleSpread = 0.1;
/// Scale of the hadronic exponential radial profile (cells).
constexpr double kHadRadius = 0.6;
/// Electronic noise per tower and the zero-suppression threshold (GeV).
constexpr double kNoise = 0.25, kThreshold = 0.5;
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

/// A normal deviate truncated to [lo, hi], by drawing again.
double truncatedGauss(std::mt19937_64 &engine, double mean, double sigma,
                      double lo, double hi) {
  for (;;) {
    double value = mean + gauss(engine, sigma);
    if (value >= lo && value <= hi)
      return value;
  }
}

/// A Poisson deviate: by multiplying uniforms for a small mean, from the
/// normal approximation (rounded, at least 0) for a large one.
long poisson(std::mt19937_64 &engine, double mean) {
  if (mean > 100.0) {
    double value = std::floor(mean + gauss(engine, std::sqrt(mean)) + 0.5);
    return value < 0 ? 0 : static_cast<long>(value);
  }
  double limit = std::exp(-mean), product = uniform(engine, 0.0, 1.0);
  long count = 0;
  while (product > limit) {
    product *= uniform(engine, 0.0, 1.0);
    ++count;
  }
  return count;
}

/// A radius drawn from the Grindhammer-Peters component 2 r R^2 /
/// (r^2 + R^2)^2 (its cumulative distribution is r^2 / (r^2 + R^2)).
double grindhammerRadius(std::mt19937_64 &engine, double radius) {
  double u = uniform(engine, 0.0, 1.0 - 1e-12);
  return radius * std::sqrt(u / (1.0 - u));
}

/// A radius drawn from the profile exp(-r / scale) per unit area, that is
/// r exp(-r / scale) in r: the sum of two exponential deviates.
double exponentialRadius(std::mt19937_64 &engine, double scale) {
  return -scale *
         std::log(uniform(engine, 1e-12, 1.0) * uniform(engine, 1e-12, 1.0));
}

enum class Profile { Electromagnetic, Hadronic };

/// Deposits `energy` (GeV, visible) around (x, y) in quanta of
/// stochastic^2 GeV, each at a point drawn from the profile.
void deposit(std::mt19937_64 &engine, double towers[kSide][kSide],
             double energy, double x, double y, Profile profile) {
  double stochastic =
      profile == Profile::Electromagnetic ? kEmStochastic : kHadStochastic;
  double quantum = stochastic * stochastic;
  long quanta = poisson(engine, energy / quantum);
  for (long k = 0; k < quanta; ++k) {
    double r;
    if (profile == Profile::Hadronic)
      r = exponentialRadius(engine, kHadRadius);
    else if (uniform(engine, 0.0, 1.0) < kEmCoreFraction)
      r = grindhammerRadius(engine, kEmCoreRadius);
    else
      r = grindhammerRadius(engine, kEmTailRadius);
    double angle = uniform(engine, 0.0, 2 * kPi);
    double row = std::floor(x + r * std::cos(angle) + kSide / 2.0);
    double column = std::floor(y + r * std::sin(angle) + kSide / 2.0);
    if (row >= 0 && row < kSide && column >= 0 && column < kSide)
      towers[static_cast<int>(row)][static_cast<int>(column)] += quantum;
  }
}

constexpr const char *kUsage =
    "usage: calo-sim [-n EVENTS] [-s SEED] [-o FILE.csv]";

} // namespace

int main(int argc, char **argv) {
  long events = 20000;
  unsigned long long seed = 1;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::printf("%s\n", kUsage);
      return 0;
    }
    if (arg != "-n" && arg != "-s" && arg != "-o") {
      std::fprintf(stderr, "calo-sim: error: unknown argument '%s' (%s)\n",
                   arg.c_str(), kUsage);
      return 2;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "calo-sim: error: %s needs a value\n", arg.c_str());
      return 2;
    }
    std::string value = argv[++i];
    if (arg == "-o") {
      if (value.empty()) {
        std::fprintf(stderr, "calo-sim: error: -o needs a file name\n");
        return 2;
      }
      output = value;
      continue;
    }
    unsigned long long number = 0;
    unsigned long long max = arg == "-n" ? 1000000000ULL : ~0ULL;
    if (!parseNumber(value, 0, max, number)) {
      std::fprintf(stderr,
                   "calo-sim: error: %s needs a whole number from 0 to %llu, "
                   "not '%s'\n",
                   arg.c_str(), max, value.c_str());
      return 2;
    }
    if (arg == "-n")
      events = static_cast<long>(number);
    else
      seed = number;
  }
  std::FILE *out = output.empty() ? stdout : std::fopen(output.c_str(), "w");
  if (!out) {
    std::fprintf(stderr, "calo-sim: error: cannot write %s\n", output.c_str());
    return 1;
  }
  for (int t = 0; t < kSide * kSide; ++t)
    std::fprintf(out, "tower_%d,", t);
  std::fprintf(out, "energy,x,y,is_em,sum\n");

  std::mt19937_64 engine(seed);
  for (long event = 0; event < events; ++event) {
    double energy = uniform(engine, kEnergyMin, kEnergyMax);
    double x = uniform(engine, -kImpactHalfWidth, kImpactHalfWidth);
    double y = uniform(engine, -kImpactHalfWidth, kImpactHalfWidth);
    bool em = engine() & 1;
    double towers[kSide][kSide] = {};
    if (em) {
      deposit(engine, towers, energy, x, y, Profile::Electromagnetic);
    } else {
      double meanEmFraction =
          1.0 - std::pow(energy / kGroomScale, kGroomExponent - 1.0);
      double emFraction =
          truncatedGauss(engine, meanEmFraction, kEmFractionSpread, 0.0, 1.0);
      // Split the electromagnetic energy among the sub-clusters with
      // weights uniform on the simplex (normalized exponential deviates).
      std::vector<double> weights(1 +
                                  poisson(engine, energy / kEnergyPerCluster));
      double total = 0;
      for (double &weight : weights)
        total += weight = -std::log(uniform(engine, 1e-12, 1.0));
      for (size_t c = 0; c < weights.size(); ++c) {
        double cx = x + gauss(engine, kClusterSpread);
        double cy = y + gauss(engine, kClusterSpread);
        deposit(engine, towers, energy * emFraction * weights[c] / total, cx,
                cy, Profile::Electromagnetic);
      }
      double visible = truncatedGauss(engine, kHadronVisible,
                                      kHadronVisibleSpread, 0.0, 1.0);
      deposit(engine, towers, energy * (1.0 - emFraction) * visible, x, y,
              Profile::Hadronic);
    }
    double sum = 0;
    for (int i = 0; i < kSide; ++i) {
      for (int j = 0; j < kSide; ++j) {
        double value = towers[i][j] + gauss(engine, kNoise);
        towers[i][j] = value < kThreshold ? 0.0 : value;
        sum += towers[i][j];
      }
    }
    for (int i = 0; i < kSide; ++i)
      for (int j = 0; j < kSide; ++j)
        std::fprintf(out, "%.6g,", towers[i][j]);
    std::fprintf(out, "%.6g,%.6g,%.6g,%d,%.6g\n", energy, x, y, em ? 1 : 0,
                 sum);
  }
  bool failed = std::fflush(out) != 0 || std::ferror(out);
  if (out != stdout && std::fclose(out) != 0)
    failed = true;
  if (failed) {
    std::fprintf(stderr, "calo-sim: error: cannot write %s\n",
                 output.empty() ? "the standard output" : output.c_str());
    return 1;
  }
  return 0;
}
