//===- runtime_standalone_test.cpp - each runtime header on its own -------===//
//
// Every header a package ships under ariadne/ must compile alone, and every
// kernel must instantiate with the default configuration of its header. The
// headers are taken from the copies embedded in the compiler, i.e. what a
// package really gets, and compiled with the system C++ compiler, with and
// without -march=native (which switches the dense kernel to its vector
// code), warnings as errors.
//
//===----------------------------------------------------------------------===//
#include "backends/common/Resources.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

using namespace ariadne;

namespace {

/// Explicit instantiations of each kernel with its default configuration.
const std::map<std::string, std::string> kInstantiations = {
    {"activation.h", "template void ariadne::activation<"
                     "ariadne::ActivationConfig>(const float *, float *);\n"},
    {"conv.h",
     "template void ariadne::conv<ariadne::WindowReadConfig, "
     "ariadne::DenseConfig>(const float *, float *, float *);\n"
     "template void ariadne::conv<ariadne::WindowReadConfig, "
     "ariadne::DenseConfig, ariadne::simd::kBatchLanes>(const float *, "
     "float *, float *);\n"
     "template void ariadne::pool_max<ariadne::WindowReadConfig>("
     "const float *, float *, float *, float);\n"},
    {"dense.h",
     "template void ariadne::dense<ariadne::DenseConfig>(const float *, "
     "float *);\n"
     "template void ariadne::dense<ariadne::DenseConfig, "
     "ariadne::simd::kBatchLanes>(const float *, float *);\n"},
    {"matmul.h", "template void ariadne::matmul<ariadne::MatMulConfig>("
                 "const float *, const float *, float *);\n"},
    {"elementwise.h", "template void ariadne::binary<ariadne::BinaryConfig>("
                      "const float *, const float *, float *);\n"},
    {"softmax.h", "template void ariadne::softmax<ariadne::SoftmaxConfig, "
                  "1>(const float *, float *);\n"},
    {"batchnorm.h",
     "template void ariadne::batchNorm<ariadne::BatchNormConfig, 1>("
     "const float *, const float *, const float *, const float *, "
     "const float *, float *);\n"},
    {"gather.h",
     "template void ariadne::gather<ariadne::GatherConfig>("
     "const float *, float *);\n"
     "template void ariadne::gather_elements<ariadne::GatherElementsConfig>("
     "const float *, const float *, float *);\n"
     "template void ariadne::scatter_elements<"
     "ariadne::ScatterElementsConfig>(const std::uint64_t *, "
     "const std::uint64_t *, const std::uint64_t *, std::uint64_t *);\n"},
    {"transpose.h",
     "template void ariadne::transpose<ariadne::TransposeConfig>("
     "const float *, float *);\n"},
    {"slice.h", "template void ariadne::slice<ariadne::SliceConfig>("
                "const float *, float *);\n"},
    {"concat.h", "template void ariadne::concat<ariadne::ConcatConfig>("
                 "const float *const *, float *);\n"},
    {"reshape.h", "template void ariadne::reshape<ariadne::ReshapeConfig>("
                  "const float *, float *);\n"},
    {"lanes.h",
     "template void ariadne::toLanes<3, 8>(const float *, float *, int);\n"
     "template void ariadne::fromLanes<3, 8>(const float *, float *, int);\n"
     "template const float *ariadne::broadcastLanes<3, 8>(const float *, "
     "float *);\n"
     "template void ariadne::copy<3, 8>(const float *, float *);\n"},
    {"broadcast.h",
     "struct Shape { static constexpr int rank = 2; static constexpr int "
     "shape[2] = {2, 3}; static constexpr int lhsStrides[2] = {3, 1}; "
     "static constexpr int rhsStrides[2] = {0, 1}; };\n"
     "struct Add { float operator()(float a, float b) const { return a + b; } "
     "};\n"
     "template void ariadne::broadcastBinary<Shape, 1>(const float *, "
     "const float *, float *, Add, std::nullptr_t);\n"},
    {"fastmath.h", "float useExp(float x) { return ariadne::math::exp(x) + "
                   "ariadne::math::tanh(x) + ariadne::math::sigmoid(x); }\n"},
};

/// A program comparing the vector kernels of dense.h, compiled for the
/// build machine's widest vectors, with the portable loops.
const char *const kNativeDenseCheck = R"(
#include "ariadne/dense.h"
#include <cmath>
#include <cstdio>
#include <random>

template <int K, int N, int Stride, bool OutputMajor, ariadne::Activation A,
          int Rows = 1>
struct Check : ariadne::DenseConfig {
  static constexpr int rows = Rows, inFeatures = K, outFeatures = N;
  static constexpr bool outputMajor = OutputMajor;
  static constexpr int weightStride = Stride;
  static inline float storage[(OutputMajor ? N : K) * Stride];
  static inline float biasStorage[Stride > N ? Stride : N];
  static constexpr const float *weights = storage;
  static constexpr const float *bias = biasStorage;
  static constexpr ariadne::Activation activation = A;
  static constexpr float alpha = 0.1f;
};

template <class C, int Lanes> bool agree(unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float &w : C::storage) w = dist(gen);
  for (float &b : C::biasStorage) b = dist(gen);
  // Padding must stay zero.
  for (int r = 0; r < (C::outputMajor ? C::outFeatures : C::inFeatures); ++r)
    for (int j = C::outputMajor ? C::inFeatures : C::outFeatures;
         j < C::weightStride; ++j)
      C::storage[r * C::weightStride + j] = 0.0f;
  static float in[C::rows * C::inFeatures * Lanes];
  static float fast[C::rows * C::outFeatures * Lanes];
  static float slow[C::rows * C::outFeatures * Lanes];
  for (float &x : in) x = 2 * dist(gen);
  ariadne::dense<C, Lanes>(in, fast);
  for (int r = 0; r < C::rows; ++r)
    ariadne::detail::densePortable<C, Lanes>(
        in + r * C::inFeatures * Lanes, slow + r * C::outFeatures * Lanes);
  for (int i = 0; i < C::rows * C::outFeatures * Lanes; ++i)
    if (!(std::fabs(fast[i] - slow[i]) <= 1e-5f * (1 + std::fabs(slow[i])))) {
      std::printf("mismatch at %d: %g vs %g\n", i, fast[i], slow[i]);
      return false;
    }
  return true;
}

template <class C> bool both(unsigned seed) {
  static_assert(ariadne::detail::denseUsesSimd<C, 1, float, float>() ==
                    ariadne::simd::kEnabled, "one event: vector kernel");
  return agree<C, 1>(seed) && agree<C, ariadne::simd::kBatchLanes>(seed + 1);
}

int main() {
  using ariadne::Activation;
  bool ok = both<Check<27, 81, 96, false, Activation::Tanh>>(1) &&
            both<Check<16, 200, 208, false, Activation::LeakyRelu>>(2) &&
            both<Check<6, 10, 16, false, Activation::Relu, 4>>(3) &&
            both<Check<81, 2, 96, true, Activation::None>>(4) &&
            both<Check<40, 1, 48, true, Activation::Sigmoid>>(5) &&
            both<Check<100, 20, 112, true, Activation::Tanh, 2>>(6);
  std::printf("vector width %d: %s\n", ariadne::simd::kWidth,
              ok ? "agree" : "DISAGREE");
  return ok ? 0 : 1;
}
)";

/// A program comparing the vector kernels of conv.h at the build machine's
/// width with their portable loops (the unit tests run the baseline width).
const char *const kNativeConvCheck = R"(
#include "ariadne/conv.h"
#include <cmath>
#include <cstdio>
#include <random>

template <int C, int H, int W, int Pad, bool ChannelsLast>
struct Window : ariadne::WindowReadConfig {
  static constexpr int rank = 2, channels = C;
  static constexpr int in[2] = {H, W}, kernel[2] = {3, 3}, stride[2] = {1, 1},
                       dilation[2] = {1, 1}, padBegin[2] = {Pad, Pad},
                       out[2] = {H + 2 * Pad - 2, W + 2 * Pad - 2};
  static constexpr int channelStride = ChannelsLast ? 1 : H * W;
  static constexpr int inStride[2] = {ChannelsLast ? W * C : W,
                                      ChannelsLast ? C : 1};
};

template <class Win, int N, ariadne::Activation A>
struct Check : ariadne::DenseConfig {
  static constexpr int inFeatures = Win::channels * 9, outFeatures = N;
  static constexpr int weightStride = (N + 15) / 16 * 16;
  static inline float storage[inFeatures * weightStride];
  static inline float biasStorage[weightStride];
  static constexpr const float *weights = storage;
  static constexpr const float *bias = biasStorage;
  static constexpr ariadne::Activation activation = A;
};

template <class Win, class C, int Lanes> bool agree(unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float &w : C::storage) w = dist(gen);
  for (float &b : C::biasStorage) b = dist(gen);
  using Plan = ariadne::WindowPlan<Win>;
  constexpr int size = Win::channels * Win::in[0] * Win::in[1];
  constexpr int outSize = Plan::positions * C::outFeatures * Lanes;
  static float in[size * Lanes], scratch[Plan::scratchSize * Lanes],
      fast[outSize], slow[outSize];
  for (float &x : in) x = 2 * dist(gen);
  ariadne::conv<Win, C, Lanes>(in, scratch, fast);
  const float *x = ariadne::detail::windowSource<Win, Lanes>(in, scratch, 0.0f);
  ariadne::detail::convPortable<Win, C, Lanes>(x, slow);
  for (int i = 0; i < outSize; ++i)
    if (!(std::fabs(fast[i] - slow[i]) <= 1e-5f * (1 + std::fabs(slow[i])))) {
      std::printf("mismatch at %d: %g vs %g\n", i, fast[i], slow[i]);
      return false;
    }
  return true;
}

template <class Win, class C> bool both(unsigned seed) {
  return agree<Win, C, 1>(seed) &&
         agree<Win, C, ariadne::simd::kBatchLanes>(seed + 1);
}

int main() {
  using ariadne::Activation;
  using Calo0 = Window<1, 8, 8, 1, false>;
  using Calo3 = Window<8, 4, 4, 1, true>;
  using Large = Window<2, 20, 18, 1, false>;
  using Wide = Window<3, 5, 5, 0, true>;
  bool ok = both<Calo0, Check<Calo0, 8, Activation::Relu>>(1) &&
            both<Calo3, Check<Calo3, 16, Activation::Relu>>(2) &&
            both<Large, Check<Large, 24, Activation::Tanh>>(3) &&
            both<Wide, Check<Wide, 260, Activation::None>>(4);
  std::printf("vector width %d: %s\n", ariadne::simd::kWidth,
              ok ? "agree" : "DISAGREE");
  return ok ? 0 : 1;
}
)";

/// A program comparing gather_elements and scatter_elements of several
/// events side by side (at the build machine's width: AVX-512 moves their
/// rows in the event layout) with the same kernels run event by event, bit
/// for bit, with float indices inside, outside and at the ends of the axis.
const char *const kNativeGraphCheck = R"(
#include "ariadne/gather.h"
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

// Rows of 16 features gathered from 24 nodes, as a graph's edges read them.
struct Edges : ariadne::GatherElementsConfig {
  static constexpr int rank = 2, shape[2] = {40, 16}, strides[2] = {0, 1},
                       indexStrides[2] = {1, 0}, axisSize = 24,
                       axisStride = 16;
};
// Rows of 20 (a partial block of 16) from the second of two node sets.
struct Partial : ariadne::GatherElementsConfig {
  static constexpr int rank = 2, shape[2] = {9, 20}, strides[2] = {0, 1},
                       indexStrides[2] = {1, 0}, axisSize = 7,
                       axisStride = 20;
};
// Data [2][7][5] gathered along axis 1 by indices [2][9][1].
struct Nested : ariadne::GatherElementsConfig {
  static constexpr int rank = 3, shape[3] = {2, 9, 5}, strides[3] = {35, 0, 1},
                       indexStrides[3] = {9, 1, 0}, axisSize = 7,
                       axisStride = 5;
};
template <bool Add, bool Start> struct Sum : ariadne::ScatterElementsConfig {
  static constexpr int size = 24 * 16, rank = 2, shape[2] = {40, 16},
                       strides[2] = {0, 1}, indexStrides[2] = {1, 0},
                       axisSize = 24, axisStride = 16;
  static constexpr bool add = Add, start = Start;
};
template <bool Add, bool Start> struct NestedSum : ariadne::ScatterElementsConfig {
  static constexpr int size = 2 * 7 * 5, rank = 3, shape[3] = {2, 9, 5},
                       strides[3] = {35, 0, 1}, indexStrides[3] = {9, 1, 0},
                       axisSize = 7, axisStride = 5;
  static constexpr bool add = Add, start = Start;
};

std::mt19937 gen(7);

std::vector<float> values(int n) {
  std::normal_distribution<float> dist(0.0f, 3.0f);
  std::vector<float> v(n);
  for (float &x : v) x = dist(gen);
  return v;
}

std::vector<float> indices(int n, int axis) {
  const float special[] = {-float(axis) - 0.5f, -float(axis), -0.25f,
                           float(axis) - 0.5f, float(axis), 1e9f,
                           std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::infinity()};
  std::uniform_int_distribution<int> pick(-axis - 3, axis + 2), kind(0, 9);
  std::vector<float> v(n);
  for (float &x : v)
    x = kind(gen) == 0 ? special[pick(gen) & 7]
                       : float(pick(gen)) + 0.5f * float(kind(gen) & 1);
  return v;
}

/// Event t of `Lanes` events side by side: elements i * Lanes + t.
std::vector<float> event(const std::vector<float> &lanes, int size, int lanesCount, int t) {
  std::vector<float> e(size);
  for (int i = 0; i < size; ++i) e[i] = lanes[i * lanesCount + t];
  return e;
}

bool same(const std::vector<float> &lanes, const std::vector<float> &one,
          int lanesCount, int t, const char *what) {
  for (size_t i = 0; i < one.size(); ++i)
    if (std::memcmp(&lanes[i * lanesCount + t], &one[i], 4) != 0) {
      std::printf("%s: lanes %d, event %d, element %zu: %g vs %g\n", what,
                  lanesCount, t, i, lanes[i * lanesCount + t], one[i]);
      return false;
    }
  return true;
}

template <class C, int Lanes> bool gathers(const char *what, int inSize, int idxSize) {
  constexpr int outSize = C::shape[0] * C::shape[1] * (C::rank == 3 ? C::shape[2] : 1);
  std::vector<float> in = values(inSize * Lanes), idx = indices(idxSize * Lanes, C::axisSize),
                     out(outSize * Lanes, -1.0f), one(outSize);
  ariadne::gather_elements<C, Lanes>(in.data(), idx.data(), out.data());
  for (int t = 0; t < Lanes; ++t) {
    std::vector<float> x = event(in, inSize, Lanes, t), j = event(idx, idxSize, Lanes, t);
    ariadne::gather_elements<C, 1>(x.data(), j.data(), one.data());
    if (!same(out, one, Lanes, t, what)) return false;
  }
  return true;
}

template <class C, int Lanes> bool scatters(const char *what, int idxSize) {
  constexpr int updSize = C::shape[0] * C::shape[1] * (C::rank == 3 ? C::shape[2] : 1);
  std::vector<float> start = values(C::size * Lanes), upd = values(updSize * Lanes),
                     idx = indices(idxSize * Lanes, C::axisSize),
                     out(C::size * Lanes, -1.0f), one(C::size);
  const float *from = C::start ? start.data() : nullptr;
  ariadne::scatter_elements<C, Lanes>(from, idx.data(), upd.data(), out.data());
  for (int t = 0; t < Lanes; ++t) {
    std::vector<float> s = event(start, C::size, Lanes, t), u = event(upd, updSize, Lanes, t),
                       j = event(idx, idxSize, Lanes, t);
    ariadne::scatter_elements<C, 1>(C::start ? s.data() : nullptr, j.data(), u.data(), one.data());
    if (!same(out, one, Lanes, t, what)) return false;
  }
  return true;
}

template <int Lanes> bool all() {
  return gathers<Edges, Lanes>("edges", 24 * 16, 40) &&
         gathers<Partial, Lanes>("partial rows", 7 * 20 + 3, 9) &&
         gathers<Nested, Lanes>("nested", 70, 18) &&
         scatters<Sum<true, true>, Lanes>("sum onto a start", 40) &&
         scatters<Sum<true, false>, Lanes>("sum onto zeros", 40) &&
         scatters<Sum<false, true>, Lanes>("replace", 40) &&
         scatters<NestedSum<true, true>, Lanes>("nested sum", 18);
}

int main() {
  constexpr int tile = ariadne::simd::kBatchLanes;
  bool ok = all<tile>() && all<16>() && all<48>() && all<3>();
  std::printf("vector width %d: %s\n", ariadne::simd::kWidth,
              ok ? "agree" : "DISAGREE");
  return ok ? 0 : 1;
}
)";

std::string compiler() {
  const char *cxx = std::getenv("CXX");
  return cxx && *cxx ? cxx : "c++";
}

} // namespace

TEST_CASE("every runtime header compiles on its own", "[runtime][headers]") {
  std::vector<const Resource *> headers = resourcesUnder("runtime/ariadne/");
  REQUIRE(headers.size() >= kInstantiations.size());
  char dirTemplate[] = "/tmp/ariadne-headers-XXXXXX";
  REQUIRE(mkdtemp(dirTemplate) != nullptr);
  std::string dir = dirTemplate;
  REQUIRE(std::system(("mkdir -p " + dir + "/ariadne").c_str()) == 0);
  for (const Resource *header : headers) {
    std::string name = std::string(header->path).substr(16);
    std::ofstream(dir + "/ariadne/" + name) << header->text();
  }
  size_t instantiated = 0;
  for (const Resource *header : headers) {
    std::string name = std::string(header->path).substr(16);
    std::string source = "#include \"ariadne/" + name + "\"\n";
    auto it = kInstantiations.find(name);
    if (it != kInstantiations.end()) {
      source += it->second;
      ++instantiated;
    }
    std::string file = dir + "/check_" + name + ".cpp";
    std::ofstream(file) << source;
    for (const char *flags : {"", "-march=native"}) {
      std::string command =
          compiler() + " -std=c++17 -O2 -Wall -Wextra -Werror " + flags +
          " -I" + dir + " -c " + file + " -o " + file + ".o 2>" + file + ".log";
      INFO(name << " " << flags << ": " << command);
      bool ok = std::system(command.c_str()) == 0;
      if (!ok) {
        std::ifstream log(file + ".log");
        std::string text((std::istreambuf_iterator<char>(log)),
                         std::istreambuf_iterator<char>());
        INFO(text);
        CHECK(ok);
      }
    }
  }
  CHECK(instantiated == kInstantiations.size());

  // The dense and conv vector kernels at the build machine's width agree
  // with the portable loops, and the graph kernels of several events with
  // those of one (this test binary itself is built for the baseline).
  for (auto [name, program] : {std::pair{"native_dense", kNativeDenseCheck},
                               std::pair{"native_conv", kNativeConvCheck},
                               std::pair{"native_graph", kNativeGraphCheck}}) {
    std::string check = dir + "/" + name + ".cpp";
    std::ofstream(check) << program;
    std::string command = compiler() +
                          " -std=c++17 -O2 -march=native -Wall -Wextra "
                          "-Werror -I" +
                          dir + " " + check + " -o " + check + ".bin && " +
                          check + ".bin > " + check + ".log 2>&1";
    bool ok = std::system(command.c_str()) == 0;
    std::ifstream log(check + ".log");
    std::string text((std::istreambuf_iterator<char>(log)),
                     std::istreambuf_iterator<char>());
    INFO(command << "\n" << text);
    CHECK(ok);
  }
  std::system(("rm -rf " + dir).c_str());
}
