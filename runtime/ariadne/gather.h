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
#include <type_traits>

namespace ariadne {

namespace detail {
/// The rows of a config's `shape`: the product of all but its last
/// dimension.
template <class Config> ARIADNE_HD constexpr int rowsOf() {
  int rows = 1;
  for (int d = 0; d + 1 < Config::rank; ++d)
    rows *= Config::shape[d];
  return rows;
}
} // namespace detail

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
  constexpr int outer = detail::rowsOf<Config>();
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

#if defined(ARIADNE_TRANSPOSE_16) && !defined(__CUDA_ARCH__)
namespace detail {

/// A thread's buffer of `Size` floats: 16 events of a tensor in the event
/// layout, for the graph kernels below.
template <int Size> float *eventRows() {
  alignas(64) static thread_local float rows[Size];
  return rows;
}

/// One past the last element of an event that a gather_elements or
/// scatter_elements reaches (strides and the axis stride non-negative,
/// see rowsInEventBlocks).
template <class Config> constexpr int elementsReached() {
  int last = (Config::axisSize - 1) * Config::axisStride;
  for (int d = 0; d < Config::rank; ++d)
    last += (Config::shape[d] - 1) * Config::strides[d];
  return last + 1;
}

/// Whether a gather_elements or scatter_elements of `Lanes` events of
/// floats moves whole rows (one index per row, as a graph's edge index over
/// the node features) that it can move in the event layout: each lane's
/// row is then one run of memory instead of a value per cache line. Its
/// copy of 16 events (eventRows) stays within 1 MiB.
template <class Config, int Lanes, class T, int Extent>
constexpr bool rowsInEventBlocks() {
  constexpr int rank = Config::rank;
  if (!std::is_same<T, float>::value || Lanes % 16 != 0 ||
      Config::indexStrides[rank - 1] != 0 || Config::strides[rank - 1] != 1 ||
      (Config::axisStride < 0) || 16 * Extent > (1 << 18))
    return false;
  for (int d = 0; d < rank; ++d)
    if (Config::strides[d] < 0)
      return false;
  return true;
}

/// For the 16 lanes whose indices start at `indices` (one per lane,
/// side by side): the offset in an event of the row each names, `base` +
/// element * Config::axisStride, and the mask of the lanes whose index lies
/// on the axis (axisElement; the others get `base`). Float indices are
/// converted in a vector.
template <class Config, class TIndex>
ARIADNE_INLINE __mmask16 rowOffsets(const TIndex *indices, int base,
                                    int (&offset)[16]) {
  constexpr int size = Config::axisSize;
  if constexpr (std::is_same<TIndex, float>::value && size < (1 << 24)) {
    // indexValue and indexElement on 16 lanes: [-size, size) holds exact
    // integers as floats, their floors convert exactly.
    const __m512 v = _mm512_loadu_ps(indices);
    const __mmask16 inside =
        _mm512_cmp_ps_mask(v, _mm512_set1_ps(float(-size)), _CMP_GE_OQ) &
        _mm512_cmp_ps_mask(v, _mm512_set1_ps(float(size)), _CMP_LT_OQ);
    const __m512i floors = _mm512_maskz_cvttps_epi32(
        inside, _mm512_maskz_roundscale_ps(
                    inside, v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
    const __m512i elements = _mm512_mask_add_epi32(
        floors, _mm512_cmplt_epi32_mask(floors, _mm512_setzero_si512()), floors,
        _mm512_set1_epi32(size));
    _mm512_storeu_si512(
        offset,
        _mm512_maskz_add_epi32(
            inside,
            _mm512_mullo_epi32(elements, _mm512_set1_epi32(Config::axisStride)),
            _mm512_set1_epi32(base)));
    return inside;
  } else {
    __mmask16 inside = 0;
    for (int t = 0; t < 16; ++t) {
      long long k = axisElement<Config>(indices[t]);
      if (k >= 0)
        inside = static_cast<__mmask16>(inside | (1u << t));
      offset[t] = base + (k < 0 ? 0 : int(k) * Config::axisStride);
    }
    return inside;
  }
}

/// gather_elements by rowsInEventBlocks, 16 lanes at a time: the data into
/// the event layout, then each output row as 16 lanes' rows transposed
/// into the lane layout in registers. The same copies as the lane-by-lane
/// loop, so the same values.
template <class Config, int Lanes, class TIndex>
void gatherRowsInEventBlocks(const float *in, const TIndex *indices,
                             float *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr auto indexStrides = constInts(Config::indexStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int extent = elementsReached<Config>();
  constexpr int outer = rowsOf<Config>();
  float *rows = eventRows<16 * extent>();
  for (int t0 = 0; t0 < Lanes; t0 += 16) {
    transposeLaneBlock<extent, Lanes, false>(in + t0, rows);
    BroadcastWalk<rank> walk;
    for (int o = 0; o < outer; ++o) {
      int from[16];
      const __mmask16 inside =
          rowOffsets<Config>(indices + walk.rhs * Lanes + t0, walk.lhs, from);
      float *y = out + o * inner * Lanes + t0;
      for (int i0 = 0; i0 < inner; i0 += 16) {
        const __mmask16 mask = firstElements(inner - i0);
        __m512 r[16];
        for (int t = 0; t < 16; ++t)
          r[t] = _mm512_maskz_loadu_ps((inside >> t & 1) ? mask : 0,
                                       rows + t * extent + from[t] + i0);
        transpose16(r);
        for (int j = 0; j < 16 && i0 + j < inner; ++j)
          _mm512_storeu_ps(y + (i0 + j) * Lanes, r[j]);
      }
      walk.next(rank - 1, shape, strides, indexStrides);
    }
  }
}

/// scatter_elements by rowsInEventBlocks, 16 lanes at a time: the start
/// (or zeros) in the event layout, each row of updates transposed into the
/// 16 lanes' rows in registers and put at its place, then the result back
/// into the lane layout. Every lane takes its updates in the same order as
/// the lane-by-lane loop, so the sums are the same.
template <class Config, int Lanes, class TIndex>
void scatterRowsInEventBlocks(const float *start, const TIndex *indices,
                              const float *updates, float *out) {
  constexpr int rank = Config::rank;
  constexpr auto shape = constInts(Config::shape);
  constexpr auto strides = constInts(Config::strides);
  constexpr auto indexStrides = constInts(Config::indexStrides);
  constexpr int inner = shape[rank - 1];
  constexpr int size = Config::size;
  constexpr int outer = rowsOf<Config>();
  float *rows = eventRows<16 * size>();
  for (int t0 = 0; t0 < Lanes; t0 += 16) {
    if (start)
      transposeLaneBlock<size, Lanes, false>(start + t0, rows);
    else
      for (int i = 0; i < 16 * size; ++i)
        rows[i] = 0.0f;
    BroadcastWalk<rank> walk;
    for (int o = 0; o < outer; ++o) {
      int to[16];
      const __mmask16 inside =
          rowOffsets<Config>(indices + walk.rhs * Lanes + t0, walk.lhs, to);
      const float *u = updates + o * inner * Lanes + t0;
      for (int i0 = 0; i0 < inner; i0 += 16) {
        const __mmask16 mask = firstElements(inner - i0);
        __m512 r[16];
        for (int k = 0; k < 16; ++k)
          r[k] = i0 + k < inner ? _mm512_loadu_ps(u + (i0 + k) * Lanes)
                                : _mm512_setzero_ps();
        transpose16(r);
        for (int t = 0; t < 16; ++t) {
          const __mmask16 m = (inside >> t & 1) ? mask : 0;
          float *y = rows + t * size + to[t] + i0;
          __m512 v = r[t];
          if constexpr (Config::add)
            v = _mm512_maskz_add_ps(m, _mm512_maskz_loadu_ps(m, y), v);
          _mm512_mask_storeu_ps(y, m, v);
        }
      }
      walk.next(rank - 1, shape, strides, indexStrides);
    }
    transposeLaneBlock<size, Lanes, true>(rows, out + t0);
  }
}

} // namespace detail
#endif

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
#if defined(ARIADNE_TRANSPOSE_16) && !defined(__CUDA_ARCH__)
  if constexpr (detail::rowsInEventBlocks<
                    Config, Lanes, T, detail::elementsReached<Config>()>()) {
    detail::gatherRowsInEventBlocks<Config, Lanes>(in, indices, out);
    return;
  }
#endif
  constexpr int outer = detail::rowsOf<Config>();
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
        // Aligned explicitly: GCC 12 at -O2 with AVX-512 placed this array
        // in a leaf function's red zone 8 bytes off the 16 it assumed, and
        // its aligned stores faulted (20 floats, 3 lanes).
        alignas(64) T row[inner];
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
#if defined(ARIADNE_TRANSPOSE_16) && !defined(__CUDA_ARCH__)
  if constexpr (detail::rowsInEventBlocks<Config, Lanes, T, Config::size>()) {
    detail::scatterRowsInEventBlocks<Config, Lanes>(start, indices, updates,
                                                    out);
    return;
  }
#endif
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] = start ? start[i] : T(0);
  constexpr int outer = detail::rowsOf<Config>();
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
        // could alias the result for all the compiler knows). Aligned as
        // gather_elements' row.
        alignas(64) T sum[inner];
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
