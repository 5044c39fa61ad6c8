//===- runtime_conv_test.cpp - convolution and pooling in place -----------===//
//
// conv() and pool_max() against what they replace: window() writing the
// fields of a C-order copy of the input, then a double-precision dense
// layer over each field (conv) or reduce_max() (pool_max, which must agree
// bit for bit, NaN and the sign of zero included). Windows of rank 1 to 3 with
// strides, dilations, padding at either end, inputs laid out in another order
// of their axes (a transpose read in place), outputs filling part of a vector,
// one vector, several and more than one block of them, feature maps beyond the
// unrolled size; one event, the batch tile and an odd lane count.
//
//===----------------------------------------------------------------------===//
#include "ariadne/conv.h"
#include "ariadne/reduce.h"

#include "runtime_test_util.h"

#include <algorithm>
#include <limits>

using namespace ariadne;
using namespace ariadne::test;

namespace {

// Window geometries. `inStride`/`channelStride` give the layout of the
// input: C order, or channels last (a transpose of [positions, C]).

/// The first convolution of examples/calo_cnn: 1 x 8 x 8, 3 x 3, pad 1.
struct Calo0 : WindowReadConfig {
  static constexpr int rank = 2, channels = 1;
  static constexpr int in[2] = {8, 8}, kernel[2] = {3, 3}, stride[2] = {1, 1},
                       dilation[2] = {1, 1}, padBegin[2] = {1, 1},
                       out[2] = {8, 8};
  static constexpr int channelStride = 64;
  static constexpr int inStride[2] = {8, 1};
};

/// Its second, on the pooled map laid out channels last.
struct Calo3 : WindowReadConfig {
  static constexpr int rank = 2, channels = 8;
  static constexpr int in[2] = {4, 4}, kernel[2] = {3, 3}, stride[2] = {1, 1},
                       dilation[2] = {1, 1}, padBegin[2] = {1, 1},
                       out[2] = {4, 4};
  static constexpr int channelStride = 1;
  static constexpr int inStride[2] = {32, 8};
};

/// Strides, a dilation, padding at the beginning of one axis and past the
/// end of the other, a kernel of two shapes.
struct Odd2d : WindowReadConfig {
  static constexpr int rank = 2, channels = 3;
  static constexpr int in[2] = {7, 6}, kernel[2] = {3, 2}, stride[2] = {2, 1},
                       dilation[2] = {1, 2}, padBegin[2] = {1, 0},
                       out[2] = {4, 4};
  static constexpr int channelStride = 42;
  static constexpr int inStride[2] = {6, 1};
};

/// One dimension, stride 2, padding 2 at the beginning, channels last.
struct Line : WindowReadConfig {
  static constexpr int rank = 1, channels = 4;
  static constexpr int in[1] = {10}, kernel[1] = {3}, stride[1] = {2},
                       dilation[1] = {1}, padBegin[1] = {2}, out[1] = {6};
  static constexpr int channelStride = 1;
  static constexpr int inStride[1] = {4};
};

/// Three dimensions, the channel between the spatial axes in memory.
struct Cube : WindowReadConfig {
  static constexpr int rank = 3, channels = 2;
  static constexpr int in[3] = {4, 3, 5}, kernel[3] = {2, 2, 2},
                       stride[3] = {1, 1, 2}, dilation[3] = {1, 1, 1},
                       padBegin[3] = {1, 0, 1}, out[3] = {4, 2, 3};
  static constexpr int channelStride = 15;
  static constexpr int inStride[3] = {30, 5, 1};
};

/// No padding at all: the kernels read the input itself.
struct Unpadded : WindowReadConfig {
  static constexpr int rank = 2, channels = 5;
  static constexpr int in[2] = {5, 6}, kernel[2] = {2, 3}, stride[2] = {1, 1},
                       dilation[2] = {1, 1}, padBegin[2] = {0, 0},
                       out[2] = {4, 4};
  static constexpr int channelStride = 1;
  static constexpr int inStride[2] = {30, 5};
};

/// 400 positions: more than the one-event kernel unrolls.
struct Large : WindowReadConfig {
  static constexpr int rank = 2, channels = 2;
  static constexpr int in[2] = {20, 20}, kernel[2] = {3, 3}, stride[2] = {1, 1},
                       dilation[2] = {1, 1}, padBegin[2] = {1, 1},
                       out[2] = {20, 20};
  static constexpr int channelStride = 400;
  static constexpr int inStride[2] = {20, 1};
};

/// Max pooling: 2 x 2, stride 2, channels last (as after a convolution).
struct Pool2 : WindowReadConfig {
  static constexpr int rank = 2, channels = 8;
  static constexpr int in[2] = {8, 8}, kernel[2] = {2, 2}, stride[2] = {2, 2},
                       dilation[2] = {1, 1}, padBegin[2] = {0, 0},
                       out[2] = {4, 4};
  static constexpr int channelStride = 1;
  static constexpr int inStride[2] = {64, 8};
};

/// Max pooling with padding (the lowest value) at both ends, C order.
struct PoolPadded : WindowReadConfig {
  static constexpr int rank = 1, channels = 3;
  static constexpr int in[1] = {5}, kernel[1] = {3}, stride[1] = {2},
                       dilation[1] = {1}, padBegin[1] = {1}, out[1] = {3};
  static constexpr int channelStride = 5;
  static constexpr int inStride[1] = {1};
};

template <class W> constexpr int inputSize() {
  int size = W::channels;
  for (int d = 0; d < W::rank; ++d)
    size *= W::in[d];
  return size;
}

/// A dense layer over the fields of W: N outputs, weights [N][C * K] as
/// PyTorch holds them, stored as the generator does (input-major, rows
/// padded to whole vectors of 16, the bias too), or output-major.
template <class W, int N, Activation Kind, bool HasBias = true,
          bool OutputMajor = false>
struct Layer : DenseConfig {
  static constexpr int K = WindowPlan<W>::channels * WindowPlan<W>::taps;
  static constexpr int stride = ((OutputMajor ? K : N) + 15) / 16 * 16;
  static constexpr int inFeatures = K, outFeatures = N;
  static constexpr bool outputMajor = OutputMajor;
  static constexpr int weightStride = stride;
  static inline float stored[(OutputMajor ? N : K) * stride];
  static inline float biasStored[(N + 15) / 16 * 16];
  static inline std::vector<float> pytorch; // [N][K]
  static constexpr const float *weights = stored;
  static constexpr bool hasBias = HasBias;
  static constexpr const float *bias = HasBias ? biasStored : nullptr;
  static constexpr Activation activation = Kind;

  static void fill(unsigned seed) {
    pytorch = randomFloats(N * K, seed, -0.5f, 0.5f);
    std::fill(std::begin(stored), std::end(stored), 0.0f);
    std::fill(std::begin(biasStored), std::end(biasStored), 0.0f);
    for (int n = 0; n < N; ++n)
      for (int k = 0; k < K; ++k)
        stored[OutputMajor ? n * stride + k : k * stride + n] =
            pytorch[n * K + k];
    std::vector<float> b = randomFloats(N, seed + 1);
    std::copy(b.begin(), b.end(), biasStored);
  }
};

/// The input of `Lanes` events laid out as W says, and its C-order copy.
template <class W, int Lanes> struct Input {
  static constexpr int size = inputSize<W>();
  std::vector<float> strided, cOrder;

  explicit Input(unsigned seed) : cOrder(randomFloats(size * Lanes, seed)) {
    layOut();
  }

  /// `strided` from `cOrder`.
  void layOut() {
    strided.assign(size * Lanes, 0.0f);
    std::vector<int> written(size, 0);
    int plane = size / W::channels;
    for (int c = 0; c < W::channels; ++c)
      for (int flat = 0; flat < plane; ++flat) {
        int offset = c * W::channelStride, rest = flat;
        for (int d = W::rank - 1; d >= 0; --d) {
          offset += rest % W::in[d] * W::inStride[d];
          rest /= W::in[d];
        }
        REQUIRE(offset < size);
        ++written[offset];
        for (int t = 0; t < Lanes; ++t)
          strided[offset * Lanes + t] = cOrder[(c * plane + flat) * Lanes + t];
      }
    // The strides lay every element out once.
    REQUIRE(std::count(written.begin(), written.end(), 1) == size);
  }
};

/// The fields as window() writes them from the C-order input.
template <class W, int Lanes>
std::vector<float> fieldsOf(const std::vector<float> &cOrder, float pad) {
  using Plan = WindowPlan<W>;
  std::vector<float> fields(Plan::positions * Plan::channels * Plan::taps *
                            Lanes);
  window<W, Lanes>(cOrder.data(), fields.data(), pad);
  return fields;
}

/// Scratch for a window: filled with NaN, so that an element of the padded
/// copy left unwritten shows in the results. Null when it is not used.
template <class W, int Lanes> struct Scratch {
  std::vector<float> buffer;
  Scratch() {
    if (WindowPlan<W>::padded)
      buffer.assign(WindowPlan<W>::scratchSize * Lanes,
                    std::numeric_limits<float>::quiet_NaN());
  }
  float *data() { return buffer.empty() ? nullptr : buffer.data(); }
};

constexpr int kGuard = 40; // sentinel floats after every output

template <class W, class D, int Lanes> void checkConv(unsigned seed) {
  using Plan = WindowPlan<W>;
  constexpr int N = D::outFeatures, K = D::inFeatures;
  INFO("lanes " << Lanes);
  Input<W, Lanes> input(seed);
  std::vector<float> fields = fieldsOf<W, Lanes>(input.cOrder, 0.0f);
  Scratch<W, Lanes> scratch;
  std::vector<float> out(Plan::positions * N * Lanes + kGuard, 12345.0f);
  conv<W, D, Lanes>(input.strided.data(), scratch.data(), out.data());
  for (int i = 0; i < kGuard; ++i)
    REQUIRE(out[Plan::positions * N * Lanes + i] == 12345.0f);
  for (int p = 0; p < Plan::positions; ++p)
    for (int n = 0; n < N; ++n)
      for (int t = 0; t < Lanes; ++t) {
        double acc = D::hasBias ? D::biasStored[n] : 0.0;
        for (int k = 0; k < K; ++k)
          acc +=
              double(D::pytorch[n * K + k]) * fields[(p * K + k) * Lanes + t];
        if (D::activation == Activation::Relu)
          acc = std::max(acc, 0.0);
        else if (D::activation == Activation::Tanh)
          acc = std::tanh(acc);
        float y = out[(p * N + n) * Lanes + t];
        INFO("position " << p << ", output " << n << ", lane " << t << ": " << y
                         << " vs " << acc);
        REQUIRE(std::fabs(y - acc) <= 2e-5 * std::fabs(acc) + 2e-6);
      }
}

template <class W, class D> void checkConvLayer(unsigned seed) {
  D::fill(seed);
  checkConv<W, D, 1>(seed + 1);
  checkConv<W, D, 3>(seed + 2);
  checkConv<W, D, simd::kBatchLanes>(seed + 3);
}

template <int Rows, int Length> struct ReduceOf : ReduceConfig {
  static constexpr int rows = Rows;
  static constexpr int length = Length;
};

template <class W, int Lanes> void checkPool(unsigned seed, bool special) {
  using Plan = WindowPlan<W>;
  INFO("lanes " << Lanes << (special ? ", zeros and NaN" : ""));
  Input<W, Lanes> input(seed);
  if (special) {
    // reduce_max keeps a NaN in the first tap and skips later ones, and
    // keeps the first of equal elements (+0 or -0): the order of the
    // comparisons shows.
    for (int i = 0; i < int(input.cOrder.size()); ++i) {
      if (i % 3 == 0)
        input.cOrder[i] = i % 2 ? -0.0f : 0.0f;
      if (i % 7 == 0)
        input.cOrder[i] = std::numeric_limits<float>::quiet_NaN();
    }
    input.layOut();
  }
  const float lowest = -std::numeric_limits<float>::infinity();
  std::vector<float> fields = fieldsOf<W, Lanes>(input.cOrder, lowest);
  using Reduce = ReduceOf<Plan::positions * Plan::channels, Plan::taps>;
  std::vector<float> expected(Reduce::rows * Lanes);
  reduce_max<Reduce, Lanes>(fields.data(), expected.data());
  Scratch<W, Lanes> scratch;
  std::vector<float> out(Reduce::rows * Lanes + kGuard, 12345.0f);
  pool_max<W, Lanes>(input.strided.data(), scratch.data(), out.data(), lowest);
  for (int i = 0; i < kGuard; ++i)
    REQUIRE(out[Reduce::rows * Lanes + i] == 12345.0f);
  for (int i = 0; i < Reduce::rows * Lanes; ++i) {
    INFO("element " << i << ": " << out[i] << " vs " << expected[i]);
    REQUIRE(std::memcmp(&out[i], &expected[i], sizeof(float)) == 0);
  }
}

template <class W> void checkPoolLayer(unsigned seed) {
  for (bool special : {false, true}) {
    checkPool<W, 1>(seed, special);
    checkPool<W, 3>(seed + 1, special);
    checkPool<W, simd::kBatchLanes>(seed + 2, special);
  }
}

} // namespace

TEST_CASE("conv: the layers of examples/calo_cnn", "[runtime][conv]") {
  checkConvLayer<Calo0, Layer<Calo0, 8, Activation::Relu>>(1);
  checkConvLayer<Calo3, Layer<Calo3, 16, Activation::Relu>>(2);
}

TEST_CASE("conv: strides, dilations and padding of rank 1 to 3",
          "[runtime][conv]") {
  checkConvLayer<Odd2d, Layer<Odd2d, 5, Activation::Tanh, false>>(3);
  checkConvLayer<Line, Layer<Line, 20, Activation::None>>(4);
  checkConvLayer<Cube, Layer<Cube, 3, Activation::Relu>>(5);
  checkConvLayer<Unpadded, Layer<Unpadded, 32, Activation::Relu>>(6);
}

TEST_CASE("conv: many outputs, large maps, output-major weights",
          "[runtime][conv]") {
  // 260 outputs: more vectors than one block of accumulators holds.
  checkConvLayer<Line, Layer<Line, 260, Activation::Relu>>(7);
  checkConvLayer<Large, Layer<Large, 8, Activation::Relu>>(8);
  checkConvLayer<Large, Layer<Large, 17, Activation::Tanh, false>>(9);
  // The output-major layout takes the portable loops.
  checkConvLayer<Odd2d, Layer<Odd2d, 4, Activation::None, true, true>>(10);
}

TEST_CASE("pool_max: the same maxima as window and reduce_max",
          "[runtime][conv]") {
  checkPoolLayer<Pool2>(11);
  checkPoolLayer<PoolPadded>(12);
  checkPoolLayer<Odd2d>(13);
  checkPoolLayer<Cube>(14);
}

namespace {
/// Unpadded, C order, strided and dilated.
struct COrder : WindowReadConfig {
  static constexpr int rank = 2, channels = 3;
  static constexpr int in[2] = {6, 7}, kernel[2] = {2, 3}, stride[2] = {2, 1},
                       dilation[2] = {2, 1}, padBegin[2] = {0, 0},
                       out[2] = {2, 5};
  static constexpr int channelStride = 42;
  static constexpr int inStride[2] = {7, 1};
};
} // namespace

TEST_CASE("conv: the offsets split the map of forEachWindowSource",
          "[runtime][conv]") {
  // Unpadded and in C order, the kernels read the window's sources.
  using Plan = WindowPlan<COrder>;
  STATIC_REQUIRE(!Plan::padded);
  int checked = 0;
  forEachWindowSource(Plan::geometry, [&](int o, int i) {
    int k = o % Plan::taps, c = o / Plan::taps % Plan::channels,
        p = o / (Plan::taps * Plan::channels);
    REQUIRE(i >= 0);
    REQUIRE(Plan::position[p] + c * Plan::channelOffset + Plan::tap[k] == i);
    REQUIRE(Plan::field[c * Plan::taps + k] ==
            c * Plan::channelOffset + Plan::tap[k]);
    ++checked;
  });
  REQUIRE(checked == Plan::positions * Plan::channels * Plan::taps);
}
