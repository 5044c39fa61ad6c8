//===- gather.h - strided gather shared by transpose and slice --*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// Output element (i_0, ..., i_{r-1}) in C order reads input element
// offset + sum_d i_d * strides[d]. A transpose is a gather with permuted
// strides, a slice one with a start offset and step-scaled (possibly
// negative) strides; the generator computes both at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_GATHER_H
#define ARIADNE_RUNTIME_GATHER_H

#include "ariadne/broadcast.h"
#include "ariadne/fixed_bits.h"
#include "ariadne/lanes.h"
#include "ariadne/platform.h"

#include <cmath>

namespace ariadne {

/// The defaults of a gather; `shape` and `strides` have `rank` entries.
struct GatherConfig {
  static constexpr int rank = 1;
  /// Output event shape.
  static constexpr int shape[1] = {1};
  /// Input element stride of each output dimension.
  static constexpr int strides[1] = {1};
  /// Input element read for output index 0.
  static constexpr int offset = 0;
};

/// out[i] = in[source(i)] for every output element of `Lanes` events.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void gather(const TIn *in, TOut *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr int inner = shape[rank - 1];
  constexpr int innerStride = strides[rank - 1];
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  int index[rank] = {};
  int source = Config::offset;
  for (int o = 0; o < outer; ++o) {
    TOut *y = out + o * inner * Lanes;
    if constexpr (innerStride == 1) {
      // The row is one run of the input.
      detail::copyConverted<inner * Lanes>(in + source * Lanes, y);
    } else {
      for (int j = 0; j < inner; ++j)
        for (int t = 0; t < Lanes; ++t)
          y[j * Lanes + t] = TOut(in[(source + j * innerStride) * Lanes + t]);
    }
    // Odometer over the outer dimensions.
    for (int d = rank - 2; d >= 0; --d) {
      source += strides[d];
      if (++index[d] < shape[d])
        break;
      source -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/// The integer an element of an index tensor holds: a float's floor (float
/// packages; the quantization of an index input, TRN, floors too), or the
/// raw integer of its integral fixed-point type.
ARIADNE_HD inline long long indexValue(float v, long long size) {
  // Outside [-size, size) is all that matters; the cast needs a range.
  return v >= float(-size) && v < float(size) ? (long long)floorf(v) : size;
}
ARIADNE_HD inline long long indexValue(std::uint64_t raw, long long) {
  return (long long)raw;
}

/// The element an index names on the axis of Config::axisSize elements,
/// or -1 outside it (indexElement).
template <class Config, class TIndex>
ARIADNE_HD inline long long axisElement(const TIndex &index) {
  return detail::indexElement(indexValue(index, Config::axisSize),
                              Config::axisSize);
}

/// The defaults of gather_elements (nn.gather_elements); arrays have
/// `rank` entries.
struct GatherElementsConfig {
  static constexpr int rank = 1;
  /// Output event shape.
  static constexpr int shape[1] = {1};
  /// Input element stride of each output dimension (0 at the axis).
  static constexpr int strides[1] = {0};
  /// Index element stride of each output dimension (0 where the indices
  /// broadcast).
  static constexpr int indexStrides[1] = {1};
  /// Size and input stride of the gathered axis.
  static constexpr int axisSize = 1;
  static constexpr int axisStride = 1;
};

/// out[i] = in[i with j at the axis], j = indices[i]; 0 where j lies outside
/// the axis (indexElement). `Lanes` events side by side.
template <class Config, int Lanes = 1, class T, class TIndex>
ARIADNE_HD void gather_elements(const T *in, const TIndex *indices, T *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr auto indexStrides = constInts(Config::indexStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int innerStride = strides[rank - 1];
  constexpr int innerIndexStride = indexStrides[rank - 1];
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  // The data's offset (axis coordinate 0) and the indices' offset.
  BroadcastWalk<rank> walk;
  for (int o = 0; o < outer; ++o) {
    T *y = out + o * inner * Lanes;
    if constexpr (innerIndexStride == 0) {
      // One index per row (indices broadcast along the last dimension, as
      // a graph's edge index over the features): the row is a copy.
      // Through a local row, which vectorizes (the result could alias the
      // data for all the compiler knows).
      for (int t = 0; t < Lanes; ++t) {
        long long k = axisElement<Config>(indices[walk.rhs * Lanes + t]);
        T row[inner];
        if (k < 0) {
          for (int j = 0; j < inner; ++j)
            row[j] = T(0);
        } else {
          const T *x = in + (walk.lhs + int(k) * Config::axisStride) * Lanes + t;
          for (int j = 0; j < inner; ++j)
            row[j] = x[j * innerStride * Lanes];
        }
        for (int j = 0; j < inner; ++j)
          y[j * Lanes + t] = row[j];
      }
    } else {
      for (int j = 0; j < inner; ++j)
        for (int t = 0; t < Lanes; ++t) {
          long long k = axisElement<Config>(
              indices[(walk.rhs + j * innerIndexStride) * Lanes + t]);
          y[j * Lanes + t] =
              k < 0 ? T(0)
                    : in[(walk.lhs + j * innerStride +
                          int(k) * Config::axisStride) *
                             Lanes +
                         t];
        }
    }
    walk.next(rank - 1, shape, strides, indexStrides);
  }
}

/// The defaults of scatter_elements (nn.scatter_elements).
struct ScatterElementsConfig {
  /// Elements of one event's result.
  static constexpr int size = 1;
  static constexpr int rank = 1;
  /// Shape of the updates of one event.
  static constexpr int shape[1] = {1};
  /// Result element stride of each update dimension (0 at the axis).
  static constexpr int strides[1] = {0};
  /// Index element stride of each update dimension (0 where the indices
  /// broadcast).
  static constexpr int indexStrides[1] = {1};
  static constexpr int axisSize = 1;
  static constexpr int axisStride = 1;
  /// Sum into the element (reduction add) instead of replacing it.
  static constexpr bool add = false;
};

/// The result starts as `start` (zeros when null); every update then goes
/// to its element on the axis (the last one wins, or with Config::add they
/// are summed), or is dropped where its index lies outside the axis. Fixed
/// point sums raw integers of a type that holds them exactly.
template <class Config, int Lanes = 1, class T, class TIndex>
ARIADNE_HD void scatter_elements(const T *start, const TIndex *indices,
                                 const T *updates, T *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr auto indexStrides = constInts(Config::indexStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int innerStride = strides[rank - 1];
  constexpr int innerIndexStride = indexStrides[rank - 1];
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = start ? start[i] : T(0);
  int outer = 1;
  for (int d = 0; d + 1 < rank; ++d)
    outer *= shape[d];
  auto put = [](T &y, const T &update) {
    y = Config::add ? T(y + update) : update;
  };
  // The destination's offset (axis coordinate 0) and the indices' offset.
  BroadcastWalk<rank> walk;
  for (int o = 0; o < outer; ++o) {
    const T *u = updates + o * inner * Lanes;
    if constexpr (innerIndexStride == 0) {
      // One index per row of updates (a graph's edge index over the
      // features): the row goes to one place.
      for (int t = 0; t < Lanes; ++t) {
        long long j = axisElement<Config>(indices[walk.rhs * Lanes + t]);
        if (j < 0)
          continue;
        T *y = out + (walk.lhs + int(j) * Config::axisStride) * Lanes + t;
        // The row's sums in a local copy, which vectorizes (the updates
        // could alias the result for all the compiler knows).
        T sum[inner];
        for (int k = 0; k < inner; ++k)
          sum[k] = y[k * innerStride * Lanes];
        for (int k = 0; k < inner; ++k)
          put(sum[k], u[k * Lanes + t]);
        for (int k = 0; k < inner; ++k)
          y[k * innerStride * Lanes] = sum[k];
      }
    } else {
      for (int k = 0; k < inner; ++k)
        for (int t = 0; t < Lanes; ++t) {
          long long j = axisElement<Config>(
              indices[(walk.rhs + k * innerIndexStride) * Lanes + t]);
          if (j >= 0)
            put(out[(walk.lhs + k * innerStride +
                     int(j) * Config::axisStride) *
                        Lanes +
                    t],
                u[k * Lanes + t]);
        }
    }
    walk.next(rank - 1, shape, strides, indexStrides);
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_GATHER_H
