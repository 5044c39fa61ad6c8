//===- dense.h - fully connected layer with fused activation ----*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// out[r, n] = act(bias[n] + sum_k in[r, k] * W[n, k]) for every row r of an
// event (the event dimensions before the last).
//
// Two weight layouts, chosen by the generator per layer:
//  - input-major (the default): W^T[k][n], rows of `weightStride` >=
//    outFeatures values. One event is computed in whole vectors of
//    consecutive outputs, each input broadcast into a vector.
//  - output-major: W[n][k] as PyTorch stores it, rows of `weightStride` >=
//    inFeatures values. One event is computed as dot products in vectors
//    along k. For a layer with few outputs and many inputs this reads the
//    weights once instead of a mostly empty vector per input.
// With the stride padded with zeros to a multiple of simd::kPadding (and
// the bias likewise for the input-major layout), the one-event kernels read
// whole vectors. Several events in the lane layout are computed with each
// weight broadcast once into all lanes, in either layout.
//
// Summation order: the portable loops and the lane kernels add the products
// in order k = 0, 1, ...; the one-event kernels split the sum into
// interleaved partial sums (over k, or over the lanes of a vector) to hide
// the multiply-add latency and add them in a fixed order. Results agree
// within float rounding, which is the contract of the float path.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_DENSE_H
#define ARIADNE_RUNTIME_DENSE_H

#include "ariadne/activation.h"
#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <type_traits>

namespace ariadne {

/// The defaults of a dense layer; a generated layer derives from it and
/// overrides what differs.
struct DenseConfig {
  /// Rows per event: the product of the event dimensions before the last.
  static constexpr int rows = 1;
  static constexpr int inFeatures = 1;
  static constexpr int outFeatures = 1;
  /// Weights as W[n][k] (true) or W^T[k][n] (false).
  static constexpr bool outputMajor = false;
  /// Row stride of the weights: >= outFeatures for the input-major layout,
  /// >= inFeatures for the output-major one.
  static constexpr int weightStride = 1;
  using WeightT = float;
  using BiasT = float;
  using AccumT = float;
  static constexpr const WeightT *weights = nullptr;
  /// outFeatures values (padded like weightStride for the input-major
  /// layout), or null for no bias.
  static constexpr const BiasT *bias = nullptr;
  static constexpr Activation activation = Activation::None;
  static constexpr float alpha = 0.0f;
  static constexpr float beta = 0.0f;
};

namespace detail {

/// Element offset of W[n, k] in Config::weights.
template <class Config> ARIADNE_HD constexpr int weightIndex(int k, int n) {
  return Config::outputMajor ? n * Config::weightStride + k
                             : k * Config::weightStride + n;
}

/// The reference loops: any arithmetic type, any lane count. The lane loop
/// is innermost so that it vectorizes where the compiler can.
template <class Config, int Lanes, class TIn, class TOut>
ARIADNE_HD void densePortable(const TIn *in, TOut *out) {
  using AccumT = typename Config::AccumT;
  for (int n = 0; n < Config::outFeatures; ++n) {
    AccumT acc[Lanes];
    for (int t = 0; t < Lanes; ++t) {
      if constexpr (Config::bias != nullptr)
        acc[t] = AccumT(Config::bias[n]);
      else
        acc[t] = AccumT(0);
    }
    for (int k = 0; k < Config::inFeatures; ++k) {
      AccumT w = AccumT(Config::weights[weightIndex<Config>(k, n)]);
      for (int t = 0; t < Lanes; ++t)
        acc[t] += w * AccumT(in[k * Lanes + t]);
    }
    for (int t = 0; t < Lanes; ++t)
      out[n * Lanes + t] = TOut(
          activate<Config::activation>(acc[t], Config::alpha, Config::beta));
  }
}

template <class Config, int Lanes, class TIn, class TOut>
constexpr bool denseUsesSimd() {
  constexpr int width = simd::kWidth;
  constexpr int vectorDim =
      Config::outputMajor ? Config::inFeatures : Config::outFeatures;
  constexpr int padded = (vectorDim + width - 1) / width * width;
  bool floats = std::is_same<TIn, float>::value &&
                std::is_same<TOut, float>::value &&
                std::is_same<typename Config::WeightT, float>::value &&
                std::is_same<typename Config::BiasT, float>::value &&
                std::is_same<typename Config::AccumT, float>::value;
  if (!simd::kEnabled || !floats)
    return false;
  if (Lanes == 1)
    return Config::weightStride >= padded;
  return Lanes % width == 0;
}

#if ARIADNE_SIMD_WIDTH > 1
/// Accumulator vectors kept in registers by the one-event kernels: half the
/// register file (32 registers with AVX-512, 16 otherwise).
constexpr int kEventAccumulators = simd::kWidth >= 16 ? 16 : 8;

/// acc[c] += acc[c + Half] for Half, Half / 2, ..., 1: a tree of additions
/// whose depth is log2 of the number of partial sums.
template <int Half, int Vectors, int Chains>
ARIADNE_INLINE void halve(simd::Vec (&acc)[Chains][Vectors]) {
  if constexpr (Half >= 1) {
    ARIADNE_UNROLL
    for (int c = 0; c < Half; ++c) {
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v)
        acc[c][v] += acc[c + Half][v];
    }
    halve<Half / 2, Vectors>(acc);
  }
}

/// Input-major, one event, outputs [n0, n0 + Vectors * width) into the
/// padded row `out`. A sum over k is a chain of dependent multiply-adds;
/// splitting it into interleaved partial sums fills the accumulator budget
/// when the block has few vectors, so that the chains are short.
template <class Config, int Vectors, bool Activate>
ARIADNE_INLINE void denseEventBlock(const float *in, float *out, int n0) {
  using simd::Vec;
  constexpr int width = simd::kWidth;
  constexpr int budget = kEventAccumulators / Vectors;
  // A power of two, so that the partial sums fold as a tree.
  constexpr int chains = budget >= 8   ? 8
                         : budget >= 4 ? 4
                         : budget >= 2 ? 2
                                       : 1;
  constexpr int stride = Config::weightStride;
  constexpr int inFeatures = Config::inFeatures;
  Vec acc[chains][Vectors];
  ARIADNE_UNROLL
  for (int c = 0; c < chains; ++c) {
    ARIADNE_UNROLL
    for (int v = 0; v < Vectors; ++v)
      acc[c][v] = Vec{};
  }
  if constexpr (Config::bias != nullptr) {
    ARIADNE_UNROLL
    for (int v = 0; v < Vectors; ++v)
      acc[0][v] = simd::load(Config::bias + n0 + v * width);
  }
  constexpr int mainEnd = inFeatures - inFeatures % chains;
  for (int k = 0; k < mainEnd; k += chains) {
    ARIADNE_UNROLL
    for (int c = 0; c < chains; ++c) {
      const float *w = Config::weights + (k + c) * stride + n0;
      float x = in[k + c];
      ARIADNE_UNROLL
      for (int v = 0; v < Vectors; ++v)
        acc[c][v] += simd::load(w + v * width) * x;
    }
  }
  ARIADNE_UNROLL
  for (int k = mainEnd; k < inFeatures; ++k) {
    const float *w = Config::weights + k * stride + n0;
    float x = in[k];
    ARIADNE_UNROLL
    for (int v = 0; v < Vectors; ++v)
      acc[k - mainEnd][v] += simd::load(w + v * width) * x;
  }
  halve<chains / 2, Vectors>(acc);
  ARIADNE_UNROLL
  for (int v = 0; v < Vectors; ++v) {
    if constexpr (Activate)
      acc[0][v] = activateVector<Config::activation>(acc[0][v]);
    simd::store(out + n0 + v * width, acc[0][v]);
  }
}

/// Input-major, one event, into the padded row `out`; with `Activate`,
/// the activation on the sums in registers (activateVector).
template <class Config, bool Activate>
ARIADNE_INLINE void denseEventInputMajor(const float *in, float *out) {
  constexpr int width = simd::kWidth;
  constexpr int vectors = (Config::outFeatures + width - 1) / width;
  constexpr int perBlock = kEventAccumulators;
  constexpr int fullEnd = vectors - vectors % perBlock;
  for (int v0 = 0; v0 < fullEnd; v0 += perBlock)
    denseEventBlock<Config, perBlock, Activate>(in, out, v0 * width);
  if constexpr (fullEnd < vectors)
    denseEventBlock<Config, vectors - fullEnd, Activate>(in, out,
                                                         fullEnd * width);
}

/// Output-major, one event, into the row `out` padded to whole vectors
/// (zeros past the outputs): per output a dot product in vectors along k,
/// two interleaved partial vectors, then a tree over the lanes of the
/// vector.
template <class Config, bool Activate>
ARIADNE_INLINE void denseEventOutputMajor(const float *in, float *out) {
  using simd::Vec;
  constexpr int width = simd::kWidth;
  constexpr int inFeatures = Config::inFeatures;
  constexpr int full = inFeatures / width;
  constexpr int vectors = (inFeatures + width - 1) / width;
  Vec x[vectors];
  ARIADNE_UNROLL
  for (int i = 0; i < full; ++i)
    x[i] = simd::load(in + i * width);
  if constexpr (full < vectors) {
    // The input is not padded: its last vector is assembled with zeros,
    // lane by lane (a vector load of scalars just stored would stall).
    x[full] = Vec{};
    ARIADNE_UNROLL
    for (int j = 0; j < inFeatures - full * width; ++j)
      x[full][j] = in[full * width + j];
  }
  // The sums are gathered into vectors in registers and stored whole: a
  // vector load of the row (the activation's) after scalar stores into it
  // would stall.
  constexpr int outFeatures = Config::outFeatures;
  for (int n0 = 0; n0 < outFeatures; n0 += width) {
    Vec sums = Vec{};
    for (int j = 0; j < width && n0 + j < outFeatures; ++j) {
      const float *w = Config::weights + (n0 + j) * Config::weightStride;
      Vec acc[2][1] = {{Vec{}}, {Vec{}}};
      ARIADNE_UNROLL
      for (int i = 0; i < vectors; ++i)
        acc[i % 2][0] += simd::load(w + i * width) * x[i];
      halve<1, 1>(acc);
      float sum = simd::sumLanes<width>(acc[0][0]);
      if constexpr (Config::bias != nullptr)
        sum += Config::bias[n0 + j];
      sums[j] = sum;
    }
    if constexpr (Activate)
      sums = activateVector<Config::activation>(sums);
    simd::store(out + n0, sums);
  }
}

/// One event: the outputs go into a row padded to whole vectors, so that
/// the activation runs on whole vectors too (a scalar remainder of tanh
/// would cost as much as the vectors), then are copied out. ReLU and tanh
/// are applied to the sums in registers, the other activations in a pass
/// over the row. Without `Activate` the caller applies the activation (to
/// every row at once).
template <class Config, bool Activate = true>
ARIADNE_INLINE void denseEventSimd(const float *in, float *out) {
  constexpr int width = simd::kWidth;
  constexpr int padded = (Config::outFeatures + width - 1) / width * width;
  constexpr Activation kind = Config::activation;
  constexpr bool inRegisters = Activate && activatesInRegisters<kind>();
  constexpr bool pass = Activate && !activatesInRegisters<kind>();
  if constexpr (!Config::outputMajor && padded == Config::outFeatures) {
    // Whole vectors: no padded row to copy out of.
    denseEventInputMajor<Config, inRegisters>(in, out);
    if constexpr (pass)
      activateFloats<Config, padded>(out, out);
    return;
  }
  alignas(64) float row[padded];
  if constexpr (Config::outputMajor) {
    denseEventOutputMajor<Config, inRegisters>(in, row);
  } else {
    denseEventInputMajor<Config, inRegisters>(in, row);
  }
  if constexpr (pass)
    activateFloats<Config, padded>(row, row);
  for (int i = 0; i < Config::outFeatures; ++i)
    out[i] = row[i];
}

/// Rows [r0, r0 + Rows) of one event's rows (a layer on every edge or hit),
/// input-major weights whose outputs fill whole vectors: each weight vector
/// is loaded once per step of k and multiplied into every row of the
/// block. Each row's sum is two interleaved partial sums (even and odd k),
/// added at the end: independent chains, and a shorter rounding path.
template <class Config, int Rows>
ARIADNE_INLINE void denseRowsBlock(const float *in, float *out, int r0) {
  using simd::Vec;
  constexpr int width = simd::kWidth;
  constexpr int vectors = Config::outFeatures / width;
  constexpr int inFeatures = Config::inFeatures;
  Vec acc[2][Rows][vectors];
  ARIADNE_UNROLL
  for (int r = 0; r < Rows; ++r) {
    ARIADNE_UNROLL
    for (int v = 0; v < vectors; ++v) {
      acc[1][r][v] = Vec{};
      if constexpr (Config::bias != nullptr)
        acc[0][r][v] = simd::load(Config::bias + v * width);
      else
        acc[0][r][v] = Vec{};
    }
  }
  const float *x = in + r0 * inFeatures;
  auto step = [&](int k, Vec(&sums)[Rows][vectors]) {
    Vec w[vectors];
    ARIADNE_UNROLL
    for (int v = 0; v < vectors; ++v)
      w[v] = simd::load(Config::weights + k * Config::weightStride + v * width);
    ARIADNE_UNROLL
    for (int r = 0; r < Rows; ++r) {
      ARIADNE_UNROLL
      for (int v = 0; v < vectors; ++v)
        sums[r][v] += w[v] * x[r * inFeatures + k];
    }
  };
  for (int k = 0; k + 1 < inFeatures; k += 2) {
    step(k, acc[0]);
    step(k + 1, acc[1]);
  }
  if constexpr (inFeatures % 2 != 0)
    step(inFeatures - 1, acc[0]);
  ARIADNE_UNROLL
  for (int r = 0; r < Rows; ++r) {
    ARIADNE_UNROLL
    for (int v = 0; v < vectors; ++v)
      simd::store(out + (r0 + r) * Config::outFeatures + v * width,
                  acc[0][r][v] + acc[1][r][v]);
  }
}

/// Whether denseRowsSimd applies: rows of one event, input-major weights,
/// outputs in whole vectors that leave room for two rows of accumulators
/// (two partial sums each).
template <class Config> constexpr bool denseRowsBlockable() {
  constexpr int width = simd::kWidth;
  return !Config::outputMajor && Config::rows > 1 &&
         Config::outFeatures % width == 0 &&
         4 * (Config::outFeatures / width) <= kEventAccumulators;
}

/// Every row of one event, in blocks of as many rows as the accumulator
/// budget holds.
template <class Config>
ARIADNE_INLINE void denseRowsSimd(const float *in, float *out) {
  constexpr int vectors = Config::outFeatures / simd::kWidth;
  constexpr int block = kEventAccumulators / (2 * vectors);
  constexpr int fullEnd = Config::rows - Config::rows % block;
  for (int r0 = 0; r0 < fullEnd; r0 += block)
    denseRowsBlock<Config, block>(in, out, r0);
  if constexpr (fullEnd < Config::rows)
    denseRowsBlock<Config, Config::rows - fullEnd>(in, out, fullEnd);
}

/// `Lanes` events, outputs [n0, n0 + Outputs): each weight is broadcast
/// once and multiplied into Lanes / width vectors of events. With
/// `Activate`, the activation on the sums in registers (activateVector).
template <class Config, int Lanes, int Outputs, bool Activate>
ARIADNE_INLINE void denseLanesBlock(const float *in, float *out, int n0) {
  using simd::Vec;
  constexpr int width = simd::kWidth;
  constexpr int perRow = Lanes / width;
  Vec acc[Outputs][perRow];
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      if constexpr (Config::bias != nullptr)
        acc[j][m] = simd::splat(Config::bias[n0 + j]);
      else
        acc[j][m] = Vec{};
    }
  }
  for (int k = 0; k < Config::inFeatures; ++k) {
    Vec x[perRow];
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m)
      x[m] = simd::load(in + k * Lanes + m * width);
    ARIADNE_UNROLL
    for (int j = 0; j < Outputs; ++j) {
      Vec wj = simd::splat(Config::weights[weightIndex<Config>(k, n0 + j)]);
      ARIADNE_UNROLL
      for (int m = 0; m < perRow; ++m)
        acc[j][m] += wj * x[m];
    }
  }
  ARIADNE_UNROLL
  for (int j = 0; j < Outputs; ++j) {
    ARIADNE_UNROLL
    for (int m = 0; m < perRow; ++m) {
      if constexpr (Activate)
        acc[j][m] = activateVector<Config::activation>(acc[j][m]);
      simd::store(out + (n0 + j) * Lanes + m * width, acc[j][m]);
    }
  }
}

/// `Lanes` events; with `Activate`, the activation on the sums in registers.
template <class Config, int Lanes, bool Activate>
ARIADNE_INLINE void denseLanesSimd(const float *in, float *out) {
  // Enough independent accumulator chains to cover the multiply-add
  // latency, and as many as the registers hold (16 of 32 with AVX-512, 8 of
  // 16 otherwise): each input vector loaded then serves more outputs.
  constexpr int perRow = Lanes / simd::kWidth;
  constexpr int budget = kEventAccumulators;
  constexpr int block = perRow >= budget ? 1 : budget / perRow;
  constexpr int outFeatures = Config::outFeatures;
  constexpr int fullEnd = outFeatures - outFeatures % block;
  for (int n0 = 0; n0 < fullEnd; n0 += block)
    denseLanesBlock<Config, Lanes, block, Activate>(in, out, n0);
  if constexpr (fullEnd < outFeatures)
    denseLanesBlock<Config, Lanes, outFeatures - fullEnd, Activate>(in, out,
                                                                    fullEnd);
}
#endif

} // namespace detail

/// One dense layer over `Lanes` events in the lane layout (lanes.h). `in`
/// and `out` must not overlap.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void dense(const TIn *in, TOut *out) {
  constexpr int inSize = Config::inFeatures * Lanes;
  constexpr int outSize = Config::outFeatures * Lanes;
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (detail::denseUsesSimd<Config, Lanes, TIn, TOut>()) {
    if constexpr (Lanes == 1 && Config::rows > 1) {
      // Rows of one event (a layer on every edge or hit): the activation
      // once over all of them, whole vectors instead of a padded row each.
      if constexpr (detail::denseRowsBlockable<Config>())
        detail::denseRowsSimd<Config>(in, out);
      else
        for (int r = 0; r < Config::rows; ++r)
          detail::denseEventSimd<Config, false>(in + r * inSize,
                                                out + r * outSize);
      if constexpr (Config::activation != Activation::None)
        detail::activateFloats<Config, Config::rows * outSize>(out, out);
      return;
    }
    for (int r = 0; r < Config::rows; ++r) {
      float *y = out + r * outSize;
      if constexpr (Lanes == 1) {
        detail::denseEventSimd<Config>(in + r * inSize, y);
      } else {
        // ReLU and tanh on the sums in registers, the other activations in
        // a pass over the stored row.
        constexpr bool inRegisters =
            detail::activatesInRegisters<Config::activation>();
        detail::denseLanesSimd<Config, Lanes, inRegisters>(in + r * inSize, y);
        if constexpr (!inRegisters)
          detail::activateFloats<Config, outSize>(y, y);
      }
    }
    return;
  }
#endif
  for (int r = 0; r < Config::rows; ++r)
    detail::densePortable<Config, Lanes>(in + r * inSize, out + r * outSize);
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_DENSE_H
