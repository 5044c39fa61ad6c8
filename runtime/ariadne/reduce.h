//===- reduce.h - reductions over the last axis -----------------*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// reduce_max: the greatest of every `length` consecutive elements of an
// event (the fields of max pooling). Floats compare with `>`; raw
// fixed-point values (std::uint64_t extended bits) as the integers they
// hold, signed or not as the type says.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_REDUCE_H
#define ARIADNE_RUNTIME_REDUCE_H

#include "ariadne/fixed_bits.h"
#include "ariadne/platform.h"

#include <type_traits>

namespace ariadne {

struct ReduceConfig {
  /// Results per event, and the elements each one reduces.
  static constexpr int rows = 1;
  static constexpr int length = 1;
  /// For raw fixed-point values: whether the type is signed.
  static constexpr bool isSigned = true;
};

template <class Config, class T> ARIADNE_INLINE bool reduceGreater(T a, T b) {
  if constexpr (std::is_floating_point<T>::value)
    return a > b;
  else
    return detail::compareIntegers(a, Config::isSigned, b, Config::isSigned) >
           0;
}

/// out[r] = max_k in[r * length + k] for `Lanes` events.
template <class Config, int Lanes = 1, class T>
ARIADNE_HD void reduce_max(const T *in, T *out) {
  for (int r = 0; r < Config::rows; ++r) {
    const T *x = in + r * Config::length * Lanes;
    T *y = out + r * Lanes;
    for (int t = 0; t < Lanes; ++t)
      y[t] = x[t];
    for (int k = 1; k < Config::length; ++k)
      for (int t = 0; t < Lanes; ++t)
        if (reduceGreater<Config>(x[k * Lanes + t], y[t]))
          y[t] = x[k * Lanes + t];
  }
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_REDUCE_H
