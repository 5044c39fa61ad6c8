//===- window.h - receptive fields of convolutions and pooling --*- C++ -*-===//
//
// Part of the ariadnec runtime: header-only, no dependency, copied into
// every generated package.
//
// A window gathers the receptive fields of a convolution or a pooling
// layer: from an event of shape [C, in_0, ..., in_{r-1}] (channels first,
// as ONNX lays out Conv and Pool) it writes [out_0, ..., out_{r-1}, C, K],
// K = kernel_0 * ... * kernel_{r-1}, where element (p, c, k) is input
// element (c, p_d * stride_d - padBegin_d + k_d * dilation_d for each d),
// or the padding value where that position lies outside the input. A
// convolution is then a dense layer over the last two axes, a pooling
// layer a reduction over the last one.
//
// `forEachWindowSource` is the one definition of that map: the kernel
// below, the emulator and the hardware targets' wiring all walk it.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_RUNTIME_WINDOW_H
#define ARIADNE_RUNTIME_WINDOW_H

#include "ariadne/platform.h"

namespace ariadne {

/// The most spatial dimensions a window has (Conv3d, MaxPool3d).
constexpr int kMaxWindowRank = 3;

/// The geometry of a window; arrays have `rank` entries.
struct WindowGeometry {
  int rank = 1;
  int channels = 1;
  int in[kMaxWindowRank] = {};
  int kernel[kMaxWindowRank] = {};
  int stride[kMaxWindowRank] = {};
  int dilation[kMaxWindowRank] = {};
  int padBegin[kMaxWindowRank] = {};
  int out[kMaxWindowRank] = {};
};

/// Calls `fn(outIndex, inIndex)` for every element of one output event in
/// C order, `inIndex` the flat input element it reads or -1 for padding.
template <class Fn>
ARIADNE_HD void forEachWindowSource(const WindowGeometry &g, Fn &&fn) {
  int inPlane = 1, kernelSize = 1, positions = 1;
  for (int d = 0; d < g.rank; ++d) {
    inPlane *= g.in[d];
    kernelSize *= g.kernel[d];
    positions *= g.out[d];
  }
  int pos[kMaxWindowRank] = {};
  int outIndex = 0;
  for (int p = 0; p < positions; ++p) {
    for (int c = 0; c < g.channels; ++c) {
      int tap[kMaxWindowRank] = {};
      for (int k = 0; k < kernelSize; ++k) {
        int flat = 0;
        bool inside = true;
        for (int d = 0; d < g.rank; ++d) {
          int at =
              pos[d] * g.stride[d] - g.padBegin[d] + tap[d] * g.dilation[d];
          inside = inside && at >= 0 && at < g.in[d];
          flat = flat * g.in[d] + at;
        }
        fn(outIndex++, inside ? c * inPlane + flat : -1);
        for (int d = g.rank - 1; d >= 0; --d) {
          if (++tap[d] < g.kernel[d])
            break;
          tap[d] = 0;
        }
      }
    }
    for (int d = g.rank - 1; d >= 0; --d) {
      if (++pos[d] < g.out[d])
        break;
      pos[d] = 0;
    }
  }
}

/// The extent a window reads along dimension `d`, in padded coordinates
/// (input element i at padBegin + i): the input and its leading padding, or
/// the end of the last field where that lies further.
ARIADNE_HD constexpr int windowExtent(const WindowGeometry &g, int d) {
  int reach =
      (g.out[d] - 1) * g.stride[d] + (g.kernel[d] - 1) * g.dilation[d] + 1;
  int covered = g.padBegin[d] + g.in[d];
  return reach > covered ? reach : covered;
}

/// Whether some field reaches outside the input.
ARIADNE_HD constexpr bool windowPadded(const WindowGeometry &g) {
  bool padded = false;
  for (int d = 0; d < g.rank; ++d)
    padded = padded || g.padBegin[d] > 0 ||
             windowExtent(g, d) > g.padBegin[d] + g.in[d];
  return padded;
}

/// Elements of the input with the padding the window reads (every
/// channel, each dimension over its windowExtent): the size of the padded
/// copy that conv.h's kernels read.
ARIADNE_HD constexpr int windowPaddedSize(const WindowGeometry &g) {
  int size = g.channels;
  for (int d = 0; d < g.rank; ++d)
    size *= windowExtent(g, d);
  return size;
}

/// The defaults of a window configuration (arrays of `rank` entries).
struct WindowConfig {
  static constexpr int rank = 1;
  static constexpr int channels = 1;
  static constexpr int in[1] = {1};
  static constexpr int kernel[1] = {1};
  static constexpr int stride[1] = {1};
  static constexpr int dilation[1] = {1};
  static constexpr int padBegin[1] = {0};
  static constexpr int out[1] = {1};
};

/// The window of `Lanes` events; positions outside the input read `pad`.
template <class Config, int Lanes = 1, class T>
ARIADNE_HD void window(const T *in, T *out, T pad) {
  WindowGeometry g;
  g.rank = Config::rank;
  g.channels = Config::channels;
  constexpr auto inShape = constInts(Config::in);
  constexpr auto kernel = constInts(Config::kernel);
  constexpr auto stride = constInts(Config::stride);
  constexpr auto dilation = constInts(Config::dilation);
  constexpr auto padBegin = constInts(Config::padBegin);
  constexpr auto outShape = constInts(Config::out);
  for (int d = 0; d < Config::rank; ++d) {
    g.in[d] = inShape[d];
    g.kernel[d] = kernel[d];
    g.stride[d] = stride[d];
    g.dilation[d] = dilation[d];
    g.padBegin[d] = padBegin[d];
    g.out[d] = outShape[d];
  }
  forEachWindowSource(g, [&](int o, int i) {
    T *y = out + o * Lanes;
    if (i < 0) {
      for (int t = 0; t < Lanes; ++t)
        y[t] = pad;
      return;
    }
    const T *x = in + i * Lanes;
    for (int t = 0; t < Lanes; ++t)
      y[t] = x[t];
  });
}

} // namespace ariadne

#endif // ARIADNE_RUNTIME_WINDOW_H
