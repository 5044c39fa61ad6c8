//===- activation.h - element-wise activation functions ---------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// The activation kinds of the nn dialect, with the same alpha/beta meaning:
//   leaky_relu:   x < 0 ? alpha * x : x
//   hard_sigmoid: max(0, min(1, alpha * x + beta))
//   clip:         min(beta, max(alpha, x))
//   elu:          x < 0 ? alpha * (exp(x) - 1) : x
//   selu:         beta * (x < 0 ? alpha * (exp(x) - 1) : x)
//   softplus:     log(1 + exp(x))
//   erf:          erf(x)
//   gelu:         x * (1 + erf(x / sqrt(2))) / 2
//   gelu_tanh:    x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) / 2
//   rsqrt:        1 / sqrt(alpha * x + beta)
//   reciprocal:   1 / x
// Comparisons are written so that NaN passes through, as in PyTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_ACTIVATION_H
#define ARIADNE_RUNTIME_ACTIVATION_H

#include "ariadne/fastmath.h"
#include "ariadne/platform.h"
#include "ariadne/simd.h"

#include <cmath>
#include <type_traits>

namespace ariadne {

enum class Activation {
  None,
  Relu,
  LeakyRelu,
  Tanh,
  Sigmoid,
  Softsign,
  HardSigmoid,
  Clip,
  Abs,
  Elu,
  Selu,
  Softplus,
  Erf,
  Gelu,
  GeluTanh,
  Rsqrt,
  Reciprocal,
};

namespace detail {

/// c ? a : b, branch-free for float (see math::select, which also takes
/// simd vectors and a comparison's mask).
template <class T> ARIADNE_INLINE T select(bool c, T a, T b) {
  return c ? a : b;
}
template <> ARIADNE_INLINE float select(bool c, float a, float b) {
  return math::select(c, a, b);
}

/// The constant c as a T: T(c), or every lane of a simd vector.
template <class T, class C> ARIADNE_INLINE T constantOf(C c) {
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (std::is_same<T, simd::Vec>::value)
    return simd::splat(static_cast<float>(c));
  else
#endif
    return T(c);
}

} // namespace detail

/// Applies activation `Kind` to one value. Float only for the
/// transcendental kinds; the others work for any arithmetic type. A simd
/// vector (T simd::Vec) takes every kind but Rsqrt, with the float's values
/// lane by lane (activateVector).
template <Activation Kind, class T>
ARIADNE_INLINE T activate(T x, float alpha, float beta) {
  using detail::select;
  using math::select;
  [[maybe_unused]] const T zero = detail::constantOf<T>(0);
  [[maybe_unused]] const T one = detail::constantOf<T>(1);
  if constexpr (Kind == Activation::None) {
    return x;
  } else if constexpr (Kind == Activation::Relu) {
    return select(x < zero, zero, x);
  } else if constexpr (Kind == Activation::LeakyRelu) {
    return select(x < zero, T(alpha * x), x);
  } else if constexpr (Kind == Activation::Tanh) {
    return math::tanh(x);
  } else if constexpr (Kind == Activation::Sigmoid) {
    return math::sigmoid(x);
  } else if constexpr (Kind == Activation::Softsign) {
    return x / (one + select(x < zero, T(-x), x));
  } else if constexpr (Kind == Activation::HardSigmoid) {
    T y = T(alpha * x + beta);
    y = select(y < zero, zero, y);
    return select(y > one, one, y);
  } else if constexpr (Kind == Activation::Abs) {
    return select(x < zero, T(-x), x);
  } else if constexpr (Kind == Activation::Elu) {
    return select(x < zero, T(alpha * math::expm1(x)), x);
  } else if constexpr (Kind == Activation::Selu) {
    return detail::constantOf<T>(beta) *
           select(x < zero, T(alpha * math::expm1(x)), x);
  } else if constexpr (Kind == Activation::Softplus) {
    return math::softplus(x);
  } else if constexpr (Kind == Activation::Erf) {
    return math::erf(x);
  } else if constexpr (Kind == Activation::Gelu) {
    return math::gelu(x);
  } else if constexpr (Kind == Activation::GeluTanh) {
    return math::geluTanh(x);
  } else if constexpr (Kind == Activation::Rsqrt) {
    return one / std::sqrt(T(alpha * x + beta));
  } else if constexpr (Kind == Activation::Reciprocal) {
    return one / x;
  } else {
    static_assert(Kind == Activation::Clip, "unknown activation kind");
    const T low = detail::constantOf<T>(alpha);
    const T high = detail::constantOf<T>(beta);
    T y = select(x < low, low, x);
    return select(y > high, high, y);
  }
}

/// The defaults of an activation layer; a generated layer derives from it
/// and overrides what differs.
struct ActivationConfig {
  /// Elements per event.
  static constexpr int size = 1;
  static constexpr Activation activation = Activation::Relu;
  static constexpr float alpha = 0.0f;
  static constexpr float beta = 0.0f;
};

namespace detail {
#if ARIADNE_SIMD_WIDTH > 1
/// Whether activateVector computes activation `Kind`: every kind but
/// Rsqrt (the vector extensions have no square root).
template <Activation Kind> constexpr bool activatesVectors() {
  return Kind != Activation::Rsqrt;
}

/// Whether the dense and convolution kernels apply activation `Kind`
/// to their sums in registers before storing them: ReLU and tanh. The
/// others run over the stored results (activateFloats).
template <Activation Kind> constexpr bool activatesInRegisters() {
  return Kind == Activation::None || Kind == Activation::Relu ||
         Kind == Activation::Tanh;
}

/// Activation `Kind` on a vector in registers, the values of activate()
/// lane by lane.
template <Activation Kind>
ARIADNE_INLINE simd::Vec activateVector(simd::Vec x, float alpha = 0.0f,
                                        float beta = 0.0f) {
  static_assert(activatesVectors<Kind>(), "no vector form of this activation");
  if constexpr (Kind == Activation::Relu) {
    // x < 0 ? 0 : x, which keeps -0 and NaN, in one maxps.
    return math::atLeast(x, 0.0f);
  } else {
    return activate<Kind>(x, alpha, beta);
  }
}

/// out = act(in) over `N` floats, vectorized at the full width
/// (ARIADNE_FULL_WIDTH); `in` and `out` may be the same buffer. The kinds
/// activateVector computes are spelled in vectors: GCC's -O2 (CMSSW's
/// level) vectorizes none of the transcendental ones by itself, which made
/// the batched 27-81-2 (tanh) seven times slower than at -O3 and the
/// GRU's sigmoid gates most of TrackNETv2's time.
template <class Config, int N>
ARIADNE_FULL_WIDTH void activateFloats(const float *in, float *out) {
  constexpr Activation kind = Config::activation;
  int i = 0;
  if constexpr (activatesVectors<kind>())
    for (; i + simd::kWidth <= N; i += simd::kWidth)
      simd::store(out + i, activateVector<kind>(simd::load(in + i),
                                                Config::alpha, Config::beta));
  for (; i < N; ++i)
    out[i] = activate<kind>(in[i], Config::alpha, Config::beta);
}
#endif
} // namespace detail

/// out = act(in) element-wise over `Config::size` elements of `Lanes`
/// events; `in` and `out` may be the same buffer.
template <class Config, int Lanes = 1, class TIn, class TOut>
ARIADNE_HD void activation(const TIn *in, TOut *out) {
#if ARIADNE_SIMD_WIDTH > 1
  if constexpr (std::is_same<TIn, float>::value &&
                std::is_same<TOut, float>::value) {
    detail::activateFloats<Config, Config::size * Lanes>(in, out);
    return;
  }
#endif
  for (int i = 0; i < Config::size * Lanes; ++i)
    out[i] =
        TOut(activate<Config::activation>(in[i], Config::alpha, Config::beta));
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_ACTIVATION_H
