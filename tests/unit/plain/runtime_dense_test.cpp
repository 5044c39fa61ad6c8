//===- runtime_dense_test.cpp - dense kernel ------------------------------===//
//
// The dense kernel against a plain double-precision loop, for one event and
// for tiles of events, on padded weights (the vector kernels) and unpadded
// ones (the portable loops), with and without bias, several rows.
//
//===----------------------------------------------------------------------===//
#include "ariadne/dense.h"

#include "runtime_test_util.h"

#include <algorithm>

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// Storage of one test layer: weights [N][K] as PyTorch holds them, and the
/// padded copy the kernel reads, input-major (W^T[k][n]) or output-major.
template <int K, int N, int Stride, bool OutputMajor> struct Layer {
  static_assert(Stride >= (OutputMajor ? K : N), "stride below the row");
  static constexpr int rowCount = OutputMajor ? N : K;
  static inline float stored[rowCount * Stride];
  static inline float bias[N > Stride ? N : Stride];
  static inline std::vector<float> weights; // [N][K]

  static void fill(unsigned seed) {
    weights = randomFloats(N * K, seed, -0.5f, 0.5f);
    std::fill(std::begin(stored), std::end(stored), 0.0f);
    std::fill(std::begin(bias), std::end(bias), 0.0f);
    for (int n = 0; n < N; ++n)
      for (int k = 0; k < K; ++k)
        stored[OutputMajor ? n * Stride + k : k * Stride + n] =
            weights[n * K + k];
    std::vector<float> b = randomFloats(N, seed + 1);
    std::copy(b.begin(), b.end(), bias);
  }
};

template <int K, int N, int Stride, bool HasBias, Activation Kind, int Rows = 1,
          bool OutputMajor = false>
struct Config : DenseConfig {
  using Storage = Layer<K, N, Stride, OutputMajor>;
  static constexpr int rows = Rows;
  static constexpr int inFeatures = K;
  static constexpr int outFeatures = N;
  static constexpr bool outputMajor = OutputMajor;
  static constexpr int weightStride = Stride;
  static constexpr const float *weights = Storage::stored;
  static constexpr bool hasBias = HasBias;
  static constexpr const float *bias = HasBias ? Storage::bias : nullptr;
  static constexpr Activation activation = Kind;
  static constexpr float alpha = 0.1f;
};

template <class C> std::vector<double> reference(const std::vector<float> &x) {
  std::vector<double> y;
  for (int r = 0; r < C::rows; ++r)
    for (int n = 0; n < C::outFeatures; ++n) {
      double acc = C::hasBias ? C::Storage::bias[n] : 0.0;
      for (int k = 0; k < C::inFeatures; ++k)
        acc += double(C::Storage::weights[n * C::inFeatures + k]) *
               x[r * C::inFeatures + k];
      if (C::activation == Activation::Tanh)
        acc = std::tanh(acc);
      else if (C::activation == Activation::Relu)
        acc = std::max(acc, 0.0);
      else if (C::activation == Activation::LeakyRelu)
        acc = acc < 0 ? 0.1 * acc : acc;
      else if (C::activation == Activation::Sigmoid)
        acc = 1.0 / (1.0 + std::exp(-acc));
      y.push_back(acc);
    }
  return y;
}

template <class C, int Lanes> void checkLanes(unsigned seed) {
  constexpr int inSize = C::rows * C::inFeatures;
  constexpr int outSize = C::rows * C::outFeatures;
  std::vector<float> events = randomFloats(inSize * Lanes, seed, -2, 2);
  std::vector<float> in = eventsToLanes(events, inSize, Lanes);
  std::vector<float> out(outSize * Lanes);
  dense<C, Lanes>(in.data(), out.data());
  std::vector<float> perEvent = lanesToEvents(out, outSize, Lanes);
  for (int t = 0; t < Lanes; ++t) {
    INFO("lane " << t << " of " << Lanes);
    std::vector<float> x(events.begin() + t * inSize,
                         events.begin() + (t + 1) * inSize);
    std::vector<float> y(perEvent.begin() + t * outSize,
                         perEvent.begin() + (t + 1) * outSize);
    requireClose(y, reference<C>(x), 2e-5, 2e-6);
  }
}

template <class C> void checkLayer(unsigned seed) {
  C::Storage::fill(seed);
  checkLanes<C, 1>(seed + 10);
  checkLanes<C, 3>(seed + 11);
  checkLanes<C, simd::kBatchLanes>(seed + 12);
  checkLanes<C, 2 * simd::kBatchLanes>(seed + 13);
}

} // namespace

TEST_CASE("dense: 27 -> 81 tanh, padded weights", "[runtime][dense]") {
  checkLayer<Config<27, 81, 96, true, Activation::Tanh>>(1);
}

TEST_CASE("dense: few outputs, long sums", "[runtime][dense]") {
  checkLayer<Config<81, 2, 16, true, Activation::None>>(2);
  checkLayer<Config<130, 1, 16, true, Activation::None>>(3);
  checkLayer<Config<3, 5, 16, true, Activation::Relu>>(4);
}

TEST_CASE("dense: wide layers cross several vector blocks",
          "[runtime][dense]") {
  checkLayer<Config<16, 200, 208, true, Activation::LeakyRelu>>(5);
  checkLayer<Config<64, 64, 64, false, Activation::Relu>>(6);
}

TEST_CASE("dense: unpadded weights use the portable loops",
          "[runtime][dense]") {
  checkLayer<Config<7, 13, 13, true, Activation::Tanh>>(7);
  checkLayer<Config<7, 13, 13, false, Activation::None>>(8);
}

TEST_CASE("dense: output-major weights, few outputs", "[runtime][dense]") {
  checkLayer<Config<81, 2, 96, true, Activation::None, 1, true>>(11);
  checkLayer<Config<40, 1, 48, false, Activation::Sigmoid, 1, true>>(12);
  checkLayer<Config<16, 3, 16, true, Activation::Relu, 1, true>>(13);
  checkLayer<Config<100, 20, 112, true, Activation::Tanh, 2, true>>(14);
  // The activation on the sums in registers: the 27-81-2's last layer, and
  // more outputs than one vector holds.
  checkLayer<Config<81, 2, 96, true, Activation::Tanh, 1, true>>(18);
  checkLayer<Config<24, 21, 32, false, Activation::Tanh, 1, true>>(19);
  // Unpadded rows: the portable loops.
  checkLayer<Config<9, 2, 9, true, Activation::None, 1, true>>(15);
}

TEST_CASE("dense: several rows per event", "[runtime][dense]") {
  checkLayer<Config<6, 10, 16, true, Activation::Relu, 4>>(9);
  // Outputs in whole vectors: blocks of rows share each weight vector
  // (one event), 13 rows leave a partial block.
  checkLayer<Config<48, 16, 16, true, Activation::Relu, 13>>(16);
  checkLayer<Config<5, 32, 32, false, Activation::None, 13>>(17);
  checkLayer<Config<3, 64, 64, true, Activation::Tanh, 9>>(18);
}

TEST_CASE("dense: the vector kernels agree with the portable loops",
          "[runtime][dense]") {
  using C = Config<33, 47, 48, true, Activation::None>;
  C::Storage::fill(10);
  constexpr int lanes = simd::kBatchLanes;
  std::vector<float> in = randomFloats(33 * lanes, 11);
  std::vector<float> fast(47 * lanes), portable(47 * lanes);
  dense<C, lanes>(in.data(), fast.data());
  detail::densePortable<C, lanes>(in.data(), portable.data());
  // Both sum in order k = 0, 1, ...; only contraction into FMA may differ.
  for (size_t i = 0; i < fast.size(); ++i)
    REQUIRE(std::fabs(fast[i] - portable[i]) <=
            1e-5f * (1.0f + std::fabs(portable[i])));
}
