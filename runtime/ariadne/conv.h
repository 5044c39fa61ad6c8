//===- conv.h - convolution and max pooling over windows in place -*- C++
//-*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// A convolution is a window (window.h) and a dense layer over each output
// position's field, max pooling a window and reduce_max over each field.
// Run as separate kernels, the window writes out every field, C x K copies
// of the input per position, which on the small feature maps of trigger
// networks costs more than the products. conv() and pool_max() compute the
// same results reading each field element where it lies:
//
//   element (p, c, k) of the fields is read at
//   position[p] + c * channelOffset + tap[k]
//
// with the offsets of each output position and of each kernel tap computed
// at compile time from the geometry (WindowPlan): the map of
// forEachWindowSource, split into a part per position and a part per
// channel and tap. The split holds wherever a field lies inside the input;
// where some field reaches into the padding, the input is first copied
// into `scratch`, its padded extent filled with the padding value, and the
// offsets address that copy (WindowPlan::scratchSize elements per event).
//
// The input may lie in any order of its axes (channelStride, inStride):
// the generator reads a transposed tensor in place instead of writing the
// transpose out.
//
// Summation order: the bias, then the products in order k = c * K + tap =
// 0, 1, ... for one event and in the lane layout alike, the order of
// dense.h's lane kernels; results agree with window and dense within float
// rounding. pool_max compares in the order of reduce_max and gives the same
// results as window and reduce_max.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_CONV_H
#define ARIADNE_RUNTIME_CONV_H

#include "ariadne/activation.h"
#include "ariadne/dense.h"
#include "ariadne/platform.h"
#include "ariadne/simd.h"
#include "ariadne/window.h"

#include <type_traits>
#include <utility>

namespace ariadne {

/// A window read in place: its geometry (WindowConfig) and where element
/// (c, i_0, ..., i_{r-1}) of its [C, in...] input lies,
/// c * channelStride + sum_d i_d * inStride[d] (C order unless the input is
/// a transposed tensor).
struct WindowReadConfig : WindowConfig {
  static constexpr int channelStride = 1;
  static constexpr int inStride[1] = {1};
};

namespace detail {

/// The geometry of a window configuration.
template <class Config> constexpr WindowGeometry windowGeometryOf() {
  WindowGeometry g;
  g.rank = Config::rank;
  g.channels = Config::channels;
  for (int d = 0; d < Config::rank; ++d) {
    g.in[d] = Config::in[d];
    g.kernel[d] = Config::kernel[d];
    g.stride[d] = Config::stride[d];
    g.dilation[d] = Config::dilation[d];
    g.padBegin[d] = Config::padBegin[d];
    g.out[d] = Config::out[d];
  }
  return g;
}

/// The axes of a window's input, spatial ones then the channel (entry
/// `kMaxWindowRank`), from the largest input stride to the smallest (ties
/// in that order): the order in which the input lies in memory.
template <class Config> constexpr ConstInts<kMaxWindowRank + 1> inputOrder() {
  constexpr int rank = Config::rank;
  int stride[kMaxWindowRank + 1] = {};
  ConstInts<kMaxWindowRank + 1> order{};
  order.values[0] = kMaxWindowRank;
  stride[kMaxWindowRank] = Config::channelStride;
  for (int d = 0; d < rank; ++d) {
    stride[d] = Config::inStride[d];
    order.values[d + 1] = d;
  }
  // Insertion sort, stable.
  for (int i = 1; i <= rank; ++i)
    for (int j = i; j > 0 && stride[order[j - 1]] < stride[order[j]]; --j) {
      int axis = order[j];
      order.values[j] = order[j - 1];
      order.values[j - 1] = axis;
    }
  return order;
}

/// The strides of the buffer the kernels read: the input's own (`Config`),
/// or those of its padded copy, which lies in the input's order of axes
/// (inputOrder) so that the copy runs along both. Entry `kMaxWindowRank`
/// is the channel stride.
template <class Config> constexpr ConstInts<kMaxWindowRank + 1> readStrides() {
  constexpr WindowGeometry g = windowGeometryOf<Config>();
  ConstInts<kMaxWindowRank + 1> s{};
  if (windowPadded(g)) {
    constexpr ConstInts<kMaxWindowRank + 1> order = inputOrder<Config>();
    int stride = 1;
    for (int i = g.rank; i >= 0; --i) {
      int axis = order[i];
      s.values[axis] = stride;
      stride *= axis == kMaxWindowRank ? g.channels : windowExtent(g, axis);
    }
  } else {
    for (int d = 0; d < g.rank; ++d)
      s.values[d] = Config::inStride[d];
    s.values[kMaxWindowRank] = Config::channelStride;
  }
  return s;
}

/// Offsets of the field's first element at each output position, C order.
template <class Config, int Positions>
constexpr ConstInts<Positions> positionOffsets() {
  constexpr WindowGeometry g = windowGeometryOf<Config>();
  constexpr ConstInts<kMaxWindowRank + 1> s = readStrides<Config>();
  ConstInts<Positions> offsets{};
  int pos[kMaxWindowRank] = {};
  for (int p = 0; p < Positions; ++p) {
    int offset = 0;
    for (int d = 0; d < g.rank; ++d)
      offset += pos[d] * g.stride[d] * s[d];
    offsets.values[p] = offset;
    for (int d = g.rank - 1; d >= 0; --d) {
      if (++pos[d] < g.out[d])
        break;
      pos[d] = 0;
    }
  }
  return offsets;
}

/// Offsets of each kernel tap within one channel of a field, C order.
template <class Config, int Taps> constexpr ConstInts<Taps> tapOffsets() {
  constexpr WindowGeometry g = windowGeometryOf<Config>();
  constexpr ConstInts<kMaxWindowRank + 1> s = readStrides<Config>();
  ConstInts<Taps> offsets{};
  int tap[kMaxWindowRank] = {};
  for (int k = 0; k < Taps; ++k) {
    int offset = 0;
    for (int d = 0; d < g.rank; ++d)
      offset += tap[d] * g.dilation[d] * s[d];
    offsets.values[k] = offset;
    for (int d = g.rank - 1; d >= 0; --d) {
      if (++tap[d] < g.kernel[d])
        break;
      tap[d] = 0;
    }
  }
  return offsets;
}

/// Offsets of each (channel, tap) of a field, c * taps + k.
template <class Config, int Features>
constexpr ConstInts<Features> fieldOffsets() {
  constexpr int taps = Features / Config::channels;
  constexpr ConstInts<taps> tap = tapOffsets<Config, taps>();
  constexpr int channel = readStrides<Config>()[kMaxWindowRank];
  ConstInts<Features> offsets{};
  for (int f = 0; f < Features; ++f)
    offsets.values[f] = f / taps * channel + tap[f % taps];
  return offsets;
}

template <class Config> constexpr int windowTaps() {
  int taps = 1;
  for (int d = 0; d < Config::rank; ++d)
    taps *= Config::kernel[d];
  return taps;
}

template <class Config> constexpr int windowPositions() {
  int positions = 1;
  for (int d = 0; d < Config::rank; ++d)
    positions *= Config::out[d];
  return positions;
}

} // namespace detail

/// What the in-place kernels read, computed from a WindowReadConfig.
template <class Config> struct WindowPlan {
  static constexpr WindowGeometry geometry = detail::windowGeometryOf<Config>();
  static constexpr int channels = Config::channels;
  static constexpr int taps = detail::windowTaps<Config>();
  static constexpr int positions = detail::windowPositions<Config>();
  /// Whether the input is copied into `scratch` with its padding.
  static constexpr bool padded = windowPadded(geometry);
  /// Elements per event of the padded copy, which `scratch` holds when
  /// `padded` (windowPaddedSize, which the generator sizes it by).
  static constexpr int scratchSize = windowPaddedSize(geometry);
  static constexpr int channelOffset =
      detail::readStrides<Config>()[kMaxWindowRank];
  static constexpr ConstInts<positions> position =
      detail::positionOffsets<Config, positions>();
  static constexpr ConstInts<taps> tap = detail::tapOffsets<Config, taps>();
  /// Offsets of every (channel, tap) of a field, c * taps + k.
  static constexpr ConstInts<channels *taps> field =
      detail::fieldOffsets<Config, channels * taps>();
};

namespace detail {

/// The buffer the kernels read for `Lanes` events: `in` itself, or its
/// padded copy in `scratch`, every position outside the input `pad`.
template <class Config, int Lanes, class T>
ARIADNE_INLINE const T *windowSource(const T *in, T *scratch, T pad) {
  using Plan = WindowPlan<Config>;
  if constexpr (!Plan::padded) {
    return in;
  } else {
    constexpr WindowGeometry g = Plan::geometry;
    constexpr int rank = Config::rank;
    constexpr ConstInts<kMaxWindowRank + 1> to = readStrides<Config>();
    constexpr ConstInts<kMaxWindowRank + 1> order = inputOrder<Config>();
    // Per axis (the channel at kMaxWindowRank): the input's size and
    // stride, the copy's size and where the input begins in it.
    int size[kMaxWindowRank + 1] = {}, from[kMaxWindowRank + 1] = {};
    int extent[kMaxWindowRank + 1] = {}, begin[kMaxWindowRank + 1] = {};
    size[kMaxWindowRank] = extent[kMaxWindowRank] = g.channels;
    from[kMaxWindowRank] = Config::channelStride;
    for (int d = 0; d < rank; ++d) {
      size[d] = g.in[d];
      from[d] = Config::inStride[d];
      extent[d] = windowExtent(g, d);
      begin[d] = g.padBegin[d];
    }
    // The copy in its own order, a run along the innermost axis at a time
    // (the input's axis of the smallest stride): padding, the input's
    // elements, padding; runs outside the input along an outer axis are
    // padding throughout. Every element is written once.
    constexpr int inner = order[rank];
    int outer = 1;
    for (int i = 0; i < rank; ++i)
      outer *= extent[order[i]];
    int index[kMaxWindowRank + 1] = {};
    for (int o = 0; o < outer; ++o) {
      int source = 0, target = 0;
      bool inside = true;
      for (int i = 0; i < rank; ++i) {
        int axis = order[i], at = index[i] - begin[axis];
        inside = inside && at >= 0 && at < size[axis];
        source += at * from[axis];
        target += index[i] * to[axis];
      }
      T *run = scratch + target * Lanes;
      const int first = inside ? begin[inner] : extent[inner];
      const int last = inside ? begin[inner] + size[inner] : extent[inner];
      for (int j = 0; j < first; ++j)
        for (int t = 0; t < Lanes; ++t)
          run[j * to[inner] * Lanes + t] = pad;
      for (int j = first; j < last; ++j)
        for (int t = 0; t < Lanes; ++t)
          run[j * to[inner] * Lanes + t] =
              in[(source + (j - begin[inner]) * from[inner]) * Lanes + t];
      for (int j = last; j < extent[inner]; ++j)
        for (int t = 0; t < Lanes; ++t)
          run[j * to[inner] * Lanes + t] = pad;
      for (int i = rank - 1; i >= 0; --i) {
        if (++index[i] < extent[order[i]])
          break;
        index[i] = 0;
      }
    }
    return scratch;
  }
}

/// The reference loops: any lane count, either weight layout.
template <class Window, class Dense, int Lanes>
ARIADNE_HD void convPortable(const float *x, float *out) {
  using Plan = WindowPlan<Window>;
  constexpr int outFeatures = Dense::outFeatures;
  for (int p = 0; p < Plan::positions; ++p)
    for (int n = 0; n < outFeatures; ++n) {
      float acc[Lanes];
      for (int t = 0; t < Lanes; ++t) {
        if constexpr (Dense::bias != nullptr)
          acc[t] = Dense::bias[n];
        else
          acc[t] = 0.0f;
      }
      for (int c = 0; c < Plan::channels; ++c)
        for (int k = 0; k < Plan::taps; ++k) {
          float w = Dense::weights[weightIndex<Dense>(c * Plan::taps + k, n)];
          const float *xk =
              x + (Plan::position[p] + c * Plan::channelOffset + Plan::tap[k]) *
                      Lanes;
          for (int t = 0; t < Lanes; ++t)
            acc[t] += w * xk[t];
        }
      for (int t = 0; t < Lanes; ++t)
        out[(p * outFeatures + n) * Lanes + t] =
            activate<Dense::activation>(acc[t], Dense::alpha, Dense::beta);
    }
}

#if ARIADNE_SIMD_WIDTH > 1
/// Whether the vector kernels apply `Dense`'s activation to their sums
/// before storing them (activateVector: ReLU, tanh). Other activations run
/// over the stored results, vectorized at the full width (activateFloats).
template <class Dense> constexpr bool convActivatesSums() {
  return activatesInRegisters<Dense::activation>();
}

/// The sum as stored: the activation applied, where convActivatesSums.
template <class Dense> ARIADNE_INLINE simd::Vec convResult(simd::Vec v) {
  if constexpr (convActivatesSums<Dense>())
    return activateVector<Dense::activation>(v);
  else
    return v;
}

/// The accumulators of one event's block of Rows positions and Vectors
/// output vectors from n0: the bias, then the sums; stored into rows of
/// outFeatures values.
template <class Dense, int Rows, int Vectors> struct ConvEventSums {
  simd::Vec acc[Rows][Vectors];

  ARIADNE_INLINE explicit ConvEventSums(int n0) {
    ARIADNE_UNROLL
    for (int r = 0; r < Rows; ++r) {
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v) {
        if constexpr (Dense::bias != nullptr)
          acc[r][v] = simd::load(Dense::bias + n0 + v * simd::kWidth);
        else
          acc[r][v] = simd::Vec{};
      }
    }
  }

  ARIADNE_INLINE void store(float *out, int p0, int n0) const {
    constexpr int width = simd::kWidth;
    constexpr int outFeatures = Dense::outFeatures;
    ARIADNE_UNROLL
    for (int r = 0; r < Rows; ++r) {
      float *y = out + (p0 + r) * outFeatures + n0;
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v) {
        simd::Vec result = convResult<Dense>(acc[r][v]);
        int rest = outFeatures - n0 - v * width;
        if (rest >= width)
          simd::store(y + v * width, result);
        else // the last, partial vector of a row: the next row follows
          __builtin_memcpy(y + v * width, &result, rest * sizeof(float));
      }
    }
  }
};

/// One event, the positions R... from P0 on and outputs [n0, n0 + Vectors
/// * width): every weight vector is loaded once per (channel, tap) and
/// multiplied into the input element of each position, each position's sum
/// its own chain. The positions' offsets are constants of the code
/// (template arguments), so that each product reads its input at an
/// immediate offset from the (channel, tap)'s. The loop over (channel,
/// tap) stays a loop: unrolled, the compiler would keep the input elements
/// that neighbouring taps share in registers, beyond the register file.
template <class Window, class Dense, int Vectors, int P0, class Rows>
struct ConvEventTile;

template <class Window, class Dense, int Vectors, int P0, int... R>
struct ConvEventTile<Window, Dense, Vectors, P0,
                     std::integer_sequence<int, R...>> {
  using Plan = WindowPlan<Window>;
  using Sums = ConvEventSums<Dense, int(sizeof...(R)), Vectors>;
  static constexpr int stride = Dense::weightStride;

  template <int Row, int Offset>
  static ARIADNE_INLINE void product(const float *x, const simd::Vec *w,
                                     Sums &sums) {
    float xk = x[Offset];
    ARIADNE_UNROLL
    for (int v = 0; v < Vectors; ++v)
      sums.acc[Row][v] += w[v] * xk;
  }

  static ARIADNE_INLINE void run(const float *x, float *out, int n0) {
    Sums sums(n0);
    const float *w = Dense::weights + n0;
#pragma GCC unroll 1
    for (int f = 0; f < Plan::channels * Plan::taps; ++f) {
      simd::Vec wk[Vectors];
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v)
        wk[v] = simd::load(w + f * stride + v * simd::kWidth);
      (product<R, Plan::position[P0 + R]>(x + Plan::field[f], wk, sums), ...);
    }
    sums.store(out, P0, n0);
  }
};

/// The same for positions [p0, p0 + Rows) known at run time (feature maps
/// too large to unroll): the positions' inputs through a pointer each.
template <class Window, class Dense, int Rows, int Vectors>
ARIADNE_INLINE void convEventBlock(const float *x, float *out, int p0, int n0) {
  using Plan = WindowPlan<Window>;
  constexpr int stride = Dense::weightStride;
  ConvEventSums<Dense, Rows, Vectors> sums(n0);
  const float *row[Rows];
  ARIADNE_UNROLL
  for (int r = 0; r < Rows; ++r)
    row[r] = x + Plan::position[p0 + r];
  for (int c = 0; c < Plan::channels; ++c) {
    const float *w = Dense::weights + c * Plan::taps * stride + n0;
    const int channel = c * Plan::channelOffset;
    for (int k = 0; k < Plan::taps; ++k) {
      simd::Vec wk[Vectors];
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v)
        wk[v] = simd::load(w + k * stride + v * simd::kWidth);
      ARIADNE_UNROLL
      for (int r = 0; r < Rows; ++r) {
        float xk = row[r][channel + Plan::tap[k]];
        ARIADNE_UNROLL
        for (int v = 0; v < Vectors; ++v)
          sums.acc[r][v] += wk[v] * xk;
      }
    }
  }
  sums.store(out, p0, n0);
}

/// Blocks of Rows positions from P0 on, unrolled.
template <class Window, class Dense, int Rows, int Vectors, int P0>
ARIADNE_INLINE void convEventRows(const float *x, float *out, int n0) {
  constexpr int positions = WindowPlan<Window>::positions;
  constexpr int rows = P0 + Rows <= positions ? Rows : positions - P0;
  if constexpr (rows > 0) {
    ConvEventTile<Window, Dense, Vectors, P0,
                  std::make_integer_sequence<int, rows>>::run(x, out, n0);
    convEventRows<Window, Dense, Rows, Vectors, P0 + rows>(x, out, n0);
  }
}

/// Position blocks are unrolled (their offsets constants of the code) for
/// up to this many output positions, a 16 x 16 map; beyond, a loop.
constexpr int kUnrolledPositions = 256;

/// One event, outputs [n0, n0 + Vectors * width), every position.
template <class Window, class Dense, int Vectors>
ARIADNE_INLINE void convEventOutputs(const float *x, float *out, int n0) {
  using Plan = WindowPlan<Window>;
  constexpr int positions = Plan::positions;
  constexpr int budget = kEventAccumulators / Vectors;
  constexpr int rows = budget < 1 ? 1 : budget > positions ? positions : budget;
  if constexpr (positions <= kUnrolledPositions) {
    convEventRows<Window, Dense, rows, Vectors, 0>(x, out, n0);
  } else {
    constexpr int fullEnd = positions - positions % rows;
    for (int p0 = 0; p0 < fullEnd; p0 += rows)
      convEventBlock<Window, Dense, rows, Vectors>(x, out, p0, n0);
    if constexpr (fullEnd < positions)
      convEventBlock<Window, Dense, positions - fullEnd, Vectors>(x, out,
                                                                  fullEnd, n0);
  }
}

/// One event: output vectors in blocks of at most the accumulator budget.
template <class Window, class Dense>
ARIADNE_INLINE void convEventSimd(const float *x, float *out) {
  constexpr int width = simd::kWidth;
  constexpr int vectors = (Dense::outFeatures + width - 1) / width;
  constexpr int perBlock = kEventAccumulators;
  constexpr int fullEnd = vectors - vectors % perBlock;
  for (int v0 = 0; v0 < fullEnd; v0 += perBlock)
    convEventOutputs<Window, Dense, perBlock>(x, out, v0 * width);
  if constexpr (fullEnd < vectors)
    convEventOutputs<Window, Dense, vectors - fullEnd>(x, out, fullEnd * width);
}

/// `Lanes` events at one position, outputs [n0, n0 + Outputs): each input
/// row is loaded once per (channel, tap) and each weight broadcast once
/// into all the lanes.
template <class Window, class Dense, int Lanes, int Outputs>
ARIADNE_INLINE void convLanesBlock(const float *x, float *y, int n0) {
  using Plan = WindowPlan<Window>;
  using simd::Vec;
  constexpr int width = simd::kWidth;
  constexpr int perRow = Lanes / width;
  Vec acc[Outputs][perRow];
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      if constexpr (Dense::bias != nullptr)
        acc[j][m] = simd::splat(Dense::bias[n0 + j]);
      else
        acc[j][m] = Vec{};
    }
  }
  for (int c = 0; c < Plan::channels; ++c)
    for (int k = 0; k < Plan::taps; ++k) {
      const float *xk = x + (c * Plan::channelOffset + Plan::tap[k]) * Lanes;
      Vec xv[perRow];
      ARIADNE_UNROLL
      for (int m = 0; m < perRow; ++m)
        xv[m] = simd::load(xk + m * width);
      const int feature = c * Plan::taps + k;
      ARIADNE_UNROLL
      for (int j = 0; j < Outputs; ++j) {
        Vec wj =
            simd::splat(Dense::weights[weightIndex<Dense>(feature, n0 + j)]);
        ARIADNE_UNROLL
        for (int m = 0; m < perRow; ++m)
          acc[j][m] += wj * xv[m];
      }
    }
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m)
      simd::store(y + (n0 + j) * Lanes + m * width,
                  convResult<Dense>(acc[j][m]));
  }
}

/// `Lanes` events: per position, the outputs in blocks that fill the
/// accumulator budget (as dense.h's lane kernel).
template <class Window, class Dense, int Lanes>
ARIADNE_INLINE void convLanesSimd(const float *x, float *out) {
  using Plan = WindowPlan<Window>;
  constexpr int perRow = Lanes / simd::kWidth;
  constexpr int block =
      perRow >= kEventAccumulators ? 1 : kEventAccumulators / perRow;
  constexpr int outFeatures = Dense::outFeatures;
  constexpr int fullEnd = outFeatures - outFeatures % block;
  for (int p = 0; p < Plan::positions; ++p) {
    const float *xp = x + Plan::position[p] * Lanes;
    float *y = out + p * outFeatures * Lanes;
    for (int n0 = 0; n0 < fullEnd; n0 += block)
      convLanesBlock<Window, Dense, Lanes, block>(xp, y, n0);
    if constexpr (fullEnd < outFeatures)
      convLanesBlock<Window, Dense, Lanes, outFeatures - fullEnd>(xp, y,
                                                                  fullEnd);
  }
}
#endif

} // namespace detail

/// A convolution of `Lanes` events: the dense layer `Dense` (inFeatures =
/// channels x taps, in the order of the window's fields) over the field of
/// every output position of `Window`, written [positions..., outFeatures]
/// as dense() writes it after window(). `scratch` holds
/// WindowPlan<Window>::scratchSize elements per event when the window
/// reaches outside its input (WindowPlan::padded) and is not read
/// otherwise (it may be null); `in` and `out` must not overlap it or each
/// other.
template <class Window, class Dense, int Lanes = 1>
ARIADNE_HD void conv(const float *in, float *scratch, float *out) {
  using Plan = WindowPlan<Window>;
  static_assert(Dense::inFeatures == Plan::channels * Plan::taps,
                "the dense layer must read whole fields");
  const float *x = detail::windowSource<Window, Lanes>(in, scratch, 0.0f);
#if ARIADNE_SIMD_WIDTH > 1
  constexpr int width = simd::kWidth;
  constexpr int padded = (Dense::outFeatures + width - 1) / width * width;
  constexpr bool floats = std::is_same<typename Dense::WeightT, float>::value &&
                          std::is_same<typename Dense::BiasT, float>::value &&
                          std::is_same<typename Dense::AccumT, float>::value;
  if constexpr (floats && !Dense::outputMajor &&
                (Lanes == 1 ? Dense::weightStride >= padded
                            : Lanes % width == 0)) {
    if constexpr (Lanes == 1)
      detail::convEventSimd<Window, Dense>(x, out);
    else
      detail::convLanesSimd<Window, Dense, Lanes>(x, out);
    if constexpr (!detail::convActivatesSums<Dense>())
      detail::activateFloats<Dense, Plan::positions * Dense::outFeatures *
                                        Lanes>(out, out);
    return;
  }
#endif
  detail::convPortable<Window, Dense, Lanes>(x, out);
}

/// Max pooling of `Lanes` events: the greatest element of every channel's
/// field at every output position of `Window`, written [positions...,
/// channels] as reduce_max() writes it after window(); fields reaching
/// outside the input read `pad` there. `scratch` as for conv().
template <class Window, int Lanes = 1>
ARIADNE_HD void pool_max(const float *in, float *scratch, float *out,
                         float pad) {
  using Plan = WindowPlan<Window>;
  const float *x = detail::windowSource<Window, Lanes>(in, scratch, pad);
  // Channels per block of maxima kept apart from `out` (which could alias
  // `x` for all the compiler knows): all of them for one event, vectors
  // along the channels; one for several, vectors along the lanes.
  constexpr int block = Lanes == 1 ? Plan::channels : 1;
  for (int p = 0; p < Plan::positions; ++p) {
    const float *xp = x + Plan::position[p] * Lanes;
    float *y = out + p * Plan::channels * Lanes;
    for (int c0 = 0; c0 < Plan::channels; c0 += block) {
      float m[block * Lanes];
      for (int c = 0; c < block; ++c)
        for (int t = 0; t < Lanes; ++t)
          m[c * Lanes + t] =
              xp[((c0 + c) * Plan::channelOffset + Plan::tap[0]) * Lanes + t];
      // Taps in order, as reduce_max: a later element replaces the
      // greatest so far only when greater.
      for (int k = 1; k < Plan::taps; ++k)
        for (int c = 0; c < block; ++c)
          for (int t = 0; t < Lanes; ++t) {
            float v =
                xp[((c0 + c) * Plan::channelOffset + Plan::tap[k]) * Lanes + t];
            m[c * Lanes + t] = v > m[c * Lanes + t] ? v : m[c * Lanes + t];
          }
      for (int i = 0; i < block * Lanes; ++i)
        y[c0 * Lanes + i] = m[i];
    }
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_CONV_H
