//===- Barrel.h - the toy barrel tracker's geometry -------------*- C++ -*-===//
//
// Shared by the simulation and the graph builder: the layers' radii, the
// barrel's length and the tiling of each layer into modules.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_EXAMPLES_GNN_BARREL_H
#define ARIADNE_EXAMPLES_GNN_BARREL_H

#include <cmath>

namespace ariadne::examples::barrel {

constexpr double kPi = 3.14159265358979323846;
constexpr int kLayers = 6;
/// Layer radii and the barrel's half length (mm).
constexpr double kRadius[kLayers] = {40, 80, 120, 170, 230, 300};
constexpr double kHalfLength = 500;
/// Modules around each layer in phi, and along it in z.
constexpr int kPhiModules[kLayers] = {8, 16, 24, 32, 44, 56};
constexpr int kZModules = 10;

/// The module of a hit: layer * 10000 + phi tile * 100 + z tile.
inline int moduleOf(int layer, double phi, double z) {
  int p = static_cast<int>(
      std::floor((phi + kPi) / (2 * kPi) * kPhiModules[layer]));
  int t = static_cast<int>(
      std::floor((z + kHalfLength) / (2 * kHalfLength) * kZModules));
  p = p < 0 ? 0 : p >= kPhiModules[layer] ? kPhiModules[layer] - 1 : p;
  t = t < 0 ? 0 : t >= kZModules ? kZModules - 1 : t;
  return layer * 10000 + p * 100 + t;
}

} // namespace ariadne::examples::barrel

#endif // ARIADNE_EXAMPLES_GNN_BARREL_H
