//===- lanes.h - the event-lane memory layout of the kernels ----*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// Every kernel is templated on `Lanes`, the number of events it processes at
// once. Element i (C order within one event) of lane t sits at
// `buffer[i * Lanes + t]`. With Lanes = 1 this is the plain layout of one
// event; with Lanes = 16 the innermost loop of every kernel runs over 16
// independent events, which the compiler turns into SIMD without
// reassociating any sum, and a dense layer reuses each weight 16 times from
// a register. The batched entry point of a package converts a tile of events
// into this layout, runs the layers and converts back.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_LANES_H
#define ARIADNE_RUNTIME_LANES_H

#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <cstddef>
#include <type_traits>

#if ARIADNE_SIMD_WIDTH == 16 && defined(__AVX512F__)
#include <immintrin.h>
#define ARIADNE_TRANSPOSE_16 1
#endif

namespace ariadne {

namespace detail {
/// out[e] = TOut(x[e]) for e < Count, where `x` and `out` do not overlap
/// (the arena never places a result on an operand of its own op): a block
/// copy where the types agree, which GCC inlines at its size (at -O2 it
/// vectorizes no loop whose pointers may alias); CUDA device code keeps
/// the loop.
template <int Count, class TIn, class TOut>
ARIADNE_HD inline void copyConverted(const TIn *x, TOut *out) {
#if !defined(__CUDACC__)
  if constexpr (std::is_same<TIn, TOut>::value) {
    __builtin_memcpy(out, x, Count * sizeof(TIn));
    return;
  }
#endif
  for (int e = 0; e < Count; ++e)
    out[e] = TOut(x[e]);
}
} // namespace detail

#if defined(ARIADNE_TRANSPOSE_16)
namespace detail {

/// Transposes the 16 x 16 floats of `r` in registers: afterwards r[j][i]
/// is the old r[i][j]. Pairs of rows are interleaved, then quadruples
/// within each 128-bit block, then the 128-bit blocks are exchanged.
ARIADNE_INLINE void transpose16(__m512 (&r)[16]) {
  // The zero-masking forms with a full mask: GCC 12 reports the plain
  // ones' undefined pass-through operand.
  constexpr __mmask16 all = 0xffff;
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    // Block k of t[i]: r[i][4k], r[i+1][4k], r[i][4k+1], r[i+1][4k+1]; of
    // t[i+1] the same for 4k+2 and 4k+3.
    t[i] = _mm512_maskz_unpacklo_ps(all, r[i], r[i + 1]);
    t[i + 1] = _mm512_maskz_unpackhi_ps(all, r[i], r[i + 1]);
  }
  for (int g = 0; g < 16; g += 4) {
    // Block k of u[g + c]: rows g..g+3 of column 4k + c.
    u[g] = _mm512_maskz_shuffle_ps(all, t[g], t[g + 2], 0x44);
    u[g + 1] = _mm512_maskz_shuffle_ps(all, t[g], t[g + 2], 0xee);
    u[g + 2] = _mm512_maskz_shuffle_ps(all, t[g + 1], t[g + 3], 0x44);
    u[g + 3] = _mm512_maskz_shuffle_ps(all, t[g + 1], t[g + 3], 0xee);
  }
  for (int c = 0; c < 4; ++c) {
    // Column 4k + c gathers block k of u[c], u[4 + c], u[8 + c], u[12 + c].
    const __m512 v0 = _mm512_maskz_shuffle_f32x4(all, u[c], u[4 + c], 0x44);
    const __m512 v1 = _mm512_maskz_shuffle_f32x4(all, u[c], u[4 + c], 0xee);
    const __m512 v2 =
        _mm512_maskz_shuffle_f32x4(all, u[8 + c], u[12 + c], 0x44);
    const __m512 v3 =
        _mm512_maskz_shuffle_f32x4(all, u[8 + c], u[12 + c], 0xee);
    r[c] = _mm512_maskz_shuffle_f32x4(all, v0, v2, 0x88);
    r[4 + c] = _mm512_maskz_shuffle_f32x4(all, v0, v2, 0xdd);
    r[8 + c] = _mm512_maskz_shuffle_f32x4(all, v1, v3, 0x88);
    r[12 + c] = _mm512_maskz_shuffle_f32x4(all, v1, v3, 0xdd);
  }
}

/// The mask of the first `n` of 16 elements.
ARIADNE_INLINE __mmask16 firstElements(int n) {
  return static_cast<__mmask16>(n >= 16 ? 0xffff : (1u << n) - 1);
}

/// Between 16 event rows (`events[j * Size + i]`, j < 16) and 16 lanes of
/// the lane layout (`lanes[i * Lanes + j]`, the pointer at the block's first
/// lane) of 4-byte values, 16 x 16 elements at a time transposed in
/// registers: into the lane layout when `ToLanes`, else out of it.
template <int Size, int Lanes, bool ToLanes, class T>
void transposeLaneBlock(const T *from, T *to) {
  for (int i0 = 0; i0 < Size; i0 += 16) {
    const __mmask16 mask = firstElements(Size - i0);
    __m512 r[16];
    for (int j = 0; j < 16; ++j) {
      if constexpr (ToLanes)
        r[j] = _mm512_maskz_loadu_ps(mask, from + j * Size + i0);
      else
        r[j] = i0 + j < Size ? _mm512_loadu_ps(from + (i0 + j) * Lanes)
                             : _mm512_setzero_ps();
    }
    transpose16(r);
    for (int j = 0; j < 16; ++j) {
      if constexpr (ToLanes) {
        if (i0 + j < Size)
          _mm512_storeu_ps(to + (i0 + j) * Lanes, r[j]);
      } else {
        _mm512_mask_storeu_ps(to + j * Size + i0, mask, r[j]);
      }
    }
  }
}

/// Between the event layout (`events[t * Size + i]`) and the lane layout
/// (`lanes[i * Lanes + t]`) of `Lanes` events of 4-byte values, in blocks
/// of 16 events (transposeLaneBlock): into the lane layout when `ToLanes`,
/// else out of it.
template <int Size, int Lanes, bool ToLanes, class T>
void transposeLanes(const T *from, T *to) {
  for (int t0 = 0; t0 < Lanes; t0 += 16) {
    if constexpr (ToLanes)
      transposeLaneBlock<Size, Lanes, true>(from + t0 * Size, to + t0);
    else
      transposeLaneBlock<Size, Lanes, false>(from + t0, to + t0 * Size);
  }
}

} // namespace detail
#endif

/// Turns `Lanes` consecutive events of `Size` elements each (`events[t *
/// Size + i]`) into the lane layout (`lanes[i * Lanes + t]`). With fewer
/// than `Lanes` events (`count`), the missing lanes are zero.
template <int Size, int Lanes, class T>
ARIADNE_HD void toLanes(const T *events, T *lanes, int count = Lanes) {
#if defined(ARIADNE_TRANSPOSE_16)
  if constexpr (sizeof(T) == 4 && Lanes % 16 == 0) {
    if (count == Lanes) {
      detail::transposeLanes<Size, Lanes, true>(events, lanes);
      return;
    }
  }
#endif
  // Contiguous stores, strided loads: twice as fast as the other order.
  for (int i = 0; i < Size; ++i)
    for (int t = 0; t < Lanes; ++t)
      lanes[i * Lanes + t] = t < count ? events[t * Size + i] : T(0);
}

/// The inverse of toLanes for the first `count` lanes.
template <int Size, int Lanes, class T>
ARIADNE_HD void fromLanes(const T *lanes, T *events, int count = Lanes) {
#if defined(ARIADNE_TRANSPOSE_16)
  if constexpr (sizeof(T) == 4 && Lanes % 16 == 0) {
    if (count == Lanes) {
      detail::transposeLanes<Size, Lanes, false>(lanes, events);
      return;
    }
  }
#endif
  for (int t = 0; t < count; ++t)
    for (int i = 0; i < Size; ++i)
      events[t * Size + i] = lanes[i * Lanes + t];
}

/// The lane layout of a tensor shared by every event (a constant operand):
/// each element is repeated `Lanes` times into `scratch`. With one lane the
/// layouts coincide and the constant is used in place.
template <int Size, int Lanes, class T>
ARIADNE_HD const T *broadcastLanes(const T *shared, T *scratch) {
  if constexpr (Lanes == 1) {
    return shared;
  } else {
    for (int i = 0; i < Size; ++i)
      for (int t = 0; t < Lanes; ++t)
        scratch[i * Lanes + t] = shared[i];
    return scratch;
  }
}

/// Copies `Size` elements of `Lanes` events (a model output that is a
/// model input, a constant or a reshape of another value).
template <int Size, int Lanes, class TIn, class TOut>
ARIADNE_HD void copy(const TIn *in, TOut *out) {
  for (int i = 0; i < Size * Lanes; ++i)
    out[i] = TOut(in[i]);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_LANES_H
