//===- TrackSim.cpp - toy barrel tracker for a TrackNETv2-style follower --===//
//
// A toy simulation of the hits a TrackNETv2-style track follower works on:
// a recurrent network that reads the hits of a track candidate station by
// station and predicts, at every step, an ellipse on the next station where
// the track's next hit should lie. It is a teaching model, not a detector
// simulation: the geometry and resolutions are of a plausible size, and
// everything that makes real tracking hard beyond combinatorics is left out.
//
// * The detector is a barrel of S thin cylindrical stations (S from 6 to
//   10, 8 by default), station s at radius R_s = 20 + 12 s cm, covering
//   |z| < 150 cm. There are no endcaps, no material (so no multiple
//   scattering and no energy loss), no dead areas and no inefficiency:
//   every track leaves exactly one hit on every station.
// * The field is a uniform 1 T solenoid field along z, everywhere.
// * Particles of charge +-1 (equally likely) come from a vertex at
//   (0, 0, z0), z0 ~ Normal(0, 5 cm), with transverse momentum pT uniform in
//   [0.5, 3] GeV, azimuth phi0 uniform in [-pi, pi) and pseudorapidity eta
//   uniform in [-1, 1]. A particle is an ideal helix with transverse radius
//   of curvature Rc = pT / (0.3 B) (metres, with pT in GeV and B in T; the
//   constant 0.3 rounds 0.29979). On a station of radius r it crosses at
//     phi(r) = phi0 - q asin(r / (2 Rc)),
//     z(r)   = z0 + sinh(eta) 2 Rc asin(r / (2 Rc)),
//   2 Rc asin(r / (2 Rc)) being the transverse arc length from the vertex
//   and sinh(eta) = pz / pT. A positive particle bends clockwise seen from
//   +z (its phi falls with r).
// * The measured hit is the crossing smeared by Gaussians of 0.5 mm in
//   r phi (0.05 cm / r in phi, r being the station's radius, which is
//   exact) and 1 mm in z, phi wrapped into [-pi, pi). A track that does not
//   reach the outermost station (r > 2 Rc, which cannot happen with these
//   ranges) or whose true or measured z leaves |z| < 150 cm on some station
//   is dropped and drawn again, so every track written crosses all S
//   stations (this thins the tracks at |eta| near 1 slightly for S = 10).
// * Noise hits, in the event mode, are uniform in phi and in z on each
//   station and independent of everything else: no correlated noise, no
//   secondaries, no delta rays, no hits shared by two tracks.
//
// Usage: tracknet-sim [-S STATIONS] [-n TRACKS] [--seed-frame] [-s SEED]
//                     [-o FILE.csv]
//        tracknet-sim --events N [--tracks K] [--fakes F] [-S STATIONS]
//                     [-s SEED] [-o FILE.csv]
//
// Without --events the CSV holds training tracks, one a row (10000 by
// default). Its header names the columns s<s>_r, s<s>_phi, s<s>_z for
// s = 0..S-1 (cm, rad, cm: the measured hit; r is the station's radius),
// then the truth pt (GeV), q (+-1), phi0 (rad), eta and z0 (cm). With
// --seed-frame every measured phi is taken relative to the track's hit on
// station 0 (so s0_phi is 0), wrapped into [-pi, pi): the frame in which a
// track follower sees a candidate it rotates to its seed, where no track
// crosses the phi = +-pi seam; phi0 stays the lab-frame truth.
//
// With --events the CSV holds N events of K tracks (10 by default) and F
// noise hits per station (20 by default), one hit a row, with the header
// event, station, phi, z, track: track is the track's index within its
// event, -1 for a noise hit. The hits are grouped by event, then sorted by
// station, and shuffled within a station, so that a hit's position does not
// tell its track.
//
// The random numbers come from xoshiro256** seeded by SplitMix64, and the
// uniform and normal deviates are written out here, so the same seed gives
// the same bytes on every machine (up to the last bit of the C library's
// log, cos, asin and sinh, which the 9 printed digits all but never show).
//
//===----------------------------------------------------------------------===//
#include "examples/common/Arguments.h"
#include "examples/common/OutputFile.h"
#include "examples/common/Random.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

using ariadne::examples::parseNumber;
using ariadne::examples::Random;

/// The range and default of the number of stations.
constexpr int kMinStations = 6, kMaxStations = 10, kDefaultStations = 8;
/// Station s sits at radius kFirstRadius + kRadiusStep * s (cm); the barrel
/// covers |z| < kHalfLength (cm).
constexpr double kFirstRadius = 20.0, kRadiusStep = 12.0;
constexpr double kHalfLength = 150.0;
/// The solenoid field (T).
constexpr double kField = 1.0;
/// The particles' ranges: pT (GeV), eta, and the vertex spread in z (cm).
constexpr double kPtMin = 0.5, kPtMax = 3.0;
constexpr double kEtaMax = 1.0;
constexpr double kVertexSigmaZ = 5.0;
/// Hit resolutions (cm): r phi and z.
constexpr double kSigmaRPhi = 0.05, kSigmaZ = 0.1;
constexpr double kPi = 3.14159265358979323846;

/// An angle wrapped into [-pi, pi).
double wrap(double phi) {
  phi -= 2 * kPi * std::floor((phi + kPi) / (2 * kPi));
  return phi >= kPi ? phi - 2 * kPi : phi;
}

double stationRadius(int s) { return kFirstRadius + kRadiusStep * s; }

/// A particle and its measured hits, one per station.
struct Track {
  double pt = 0, phi0 = 0, eta = 0, z0 = 0;
  int q = 0;
  std::vector<double> phi, z;
};

/// Draws particles until one crosses all `stations` stations inside the
/// barrel, true and measured hits alike, and returns it with its hits.
Track generateTrack(Random &random, int stations) {
  Track track;
  track.phi.resize(stations);
  track.z.resize(stations);
  for (;;) {
    track.q = (random.next() >> 63) ? 1 : -1;
    track.pt = random.uniform(kPtMin, kPtMax);
    track.phi0 = random.uniform(-kPi, kPi);
    track.eta = random.uniform(-kEtaMax, kEtaMax);
    track.z0 = random.gauss(kVertexSigmaZ);
    // Rc = pT / (0.3 B) metres, in cm.
    double curvatureRadius = 100.0 * track.pt / (0.3 * kField);
    bool inside = true;
    for (int s = 0; s < stations && inside; ++s) {
      double r = stationRadius(s);
      if (r > 2 * curvatureRadius) {
        inside = false;
        break;
      }
      double turn = std::asin(r / (2 * curvatureRadius));
      double z = track.z0 + std::sinh(track.eta) * 2 * curvatureRadius * turn;
      double phi = track.phi0 - track.q * turn;
      track.phi[s] = wrap(phi + random.gauss(kSigmaRPhi / r));
      track.z[s] = z + random.gauss(kSigmaZ);
      inside =
          std::fabs(z) < kHalfLength && std::fabs(track.z[s]) < kHalfLength;
    }
    if (inside)
      return track;
  }
}

/// Writes `count` training tracks, one a row, with the header.
void writeTracks(std::FILE *out, Random &random, int stations, long count,
                 bool seedFrame) {
  for (int s = 0; s < stations; ++s)
    std::fprintf(out, "s%d_r,s%d_phi,s%d_z,", s, s, s);
  std::fprintf(out, "pt,q,phi0,eta,z0\n");
  for (long n = 0; n < count; ++n) {
    Track track = generateTrack(random, stations);
    if (seedFrame)
      for (int s = stations - 1; s >= 0; --s)
        track.phi[s] = wrap(track.phi[s] - track.phi[0]);
    for (int s = 0; s < stations; ++s)
      std::fprintf(out, "%.9g,%.9g,%.9g,", stationRadius(s), track.phi[s],
                   track.z[s]);
    std::fprintf(out, "%.9g,%d,%.9g,%.9g,%.9g\n", track.pt, track.q, track.phi0,
                 track.eta, track.z0);
  }
}

/// Writes `events` events of `tracks` tracks and `fakes` noise hits per
/// station, one hit a row, with the header.
void writeEvents(std::FILE *out, Random &random, int stations, long events,
                 long tracks, long fakes) {
  std::fprintf(out, "event,station,phi,z,track\n");
  struct Hit {
    double phi, z;
    long track;
  };
  std::vector<Track> particles(tracks);
  std::vector<Hit> hits;
  for (long event = 0; event < events; ++event) {
    for (Track &track : particles)
      track = generateTrack(random, stations);
    for (int s = 0; s < stations; ++s) {
      hits.clear();
      for (long t = 0; t < tracks; ++t)
        hits.push_back({particles[t].phi[s], particles[t].z[s], t});
      for (long f = 0; f < fakes; ++f) {
        double phi = random.uniform(-kPi, kPi);
        double z = random.uniform(-kHalfLength, kHalfLength);
        hits.push_back({phi, z, -1});
      }
      // Fisher-Yates.
      for (size_t i = hits.size(); i > 1; --i)
        std::swap(hits[i - 1], hits[random.below(i)]);
      for (const Hit &hit : hits)
        std::fprintf(out, "%ld,%d,%.9g,%.9g,%ld\n", event, s, hit.phi, hit.z,
                     hit.track);
    }
  }
}

constexpr const char *kUsage =
    "usage: tracknet-sim [-S STATIONS] [-n TRACKS] [--seed-frame] [-s SEED] "
    "[-o FILE.csv] | "
    "tracknet-sim --events N [--tracks K] [--fakes F] [-S STATIONS] "
    "[-s SEED] [-o FILE.csv]";

} // namespace

int main(int argc, char **argv) {
  long stations = kDefaultStations, count = 10000, events = 0, tracks = 10,
       fakes = 20;
  unsigned long long seed = 1;
  bool countGiven = false, eventsGiven = false, perEventGiven = false,
       seedFrame = false;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::printf("%s\n", kUsage);
      return 0;
    }
    if (arg == "--seed-frame") {
      seedFrame = true;
      continue;
    }
    if (arg != "-S" && arg != "-n" && arg != "-s" && arg != "-o" &&
        arg != "--events" && arg != "--tracks" && arg != "--fakes") {
      std::fprintf(stderr, "tracknet-sim: error: unknown argument '%s' (%s)\n",
                   arg.c_str(), kUsage);
      return 2;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "tracknet-sim: error: %s needs a value\n",
                   arg.c_str());
      return 2;
    }
    std::string value = argv[++i];
    if (arg == "-o") {
      if (value.empty()) {
        std::fprintf(stderr, "tracknet-sim: error: -o needs a file name\n");
        return 2;
      }
      output = value;
      continue;
    }
    unsigned long long min = 0, max = ~0ULL, number = 0;
    if (arg == "-S")
      min = kMinStations, max = kMaxStations;
    else if (arg == "-n" || arg == "--events")
      min = 1, max = 1000000000ULL;
    else if (arg == "--tracks" || arg == "--fakes")
      max = 100000;
    if (!parseNumber(value, min, max, number)) {
      std::fprintf(stderr,
                   "tracknet-sim: error: %s needs a whole number from %llu to "
                   "%llu, not '%s'\n",
                   arg.c_str(), min, max, value.c_str());
      return 2;
    }
    if (arg == "-S") {
      stations = static_cast<long>(number);
    } else if (arg == "-n") {
      count = static_cast<long>(number);
      countGiven = true;
    } else if (arg == "--events") {
      events = static_cast<long>(number);
      eventsGiven = true;
    } else if (arg == "--tracks") {
      tracks = static_cast<long>(number);
      perEventGiven = true;
    } else if (arg == "--fakes") {
      fakes = static_cast<long>(number);
      perEventGiven = true;
    } else {
      seed = number;
    }
  }
  if (eventsGiven && countGiven) {
    std::fprintf(stderr, "tracknet-sim: error: -n counts training tracks; "
                         "with --events use --tracks for tracks per event\n");
    return 2;
  }
  if (seedFrame && eventsGiven) {
    std::fprintf(stderr, "tracknet-sim: error: --seed-frame is for training "
                         "tracks, not --events\n");
    return 2;
  }
  if (perEventGiven && !eventsGiven) {
    std::fprintf(stderr,
                 "tracknet-sim: error: --tracks and --fakes need --events\n");
    return 2;
  }
  if (eventsGiven && tracks + fakes == 0) {
    std::fprintf(stderr, "tracknet-sim: error: --tracks 0 and --fakes 0 "
                         "leave the events without hits\n");
    return 2;
  }

  ariadne::examples::OutputFile file;
  if (!file.open(output, "tracknet-sim"))
    return 1;
  std::FILE *out = file.get();

  Random random(seed);
  if (eventsGiven)
    writeEvents(out, random, static_cast<int>(stations), events, tracks, fakes);
  else
    writeTracks(out, random, static_cast<int>(stations), count, seedFrame);

  if (!file.finish())
    return 1;
  return 0;
}
