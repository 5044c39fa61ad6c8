//===- cpp_backend_ops_test.cpp - every op through a generated package ----===//
//
// Each test writes a module, emits its C++ package, compiles the kernel and
// its test bench, runs the bench (batched and event by event) on random
// events and compares with values computed here in double precision.
//
//===----------------------------------------------------------------------===//
#include "cpp_backend_test_util.h"

#include <algorithm>

using namespace cpptest;
using ariadne::nn::ActivationKind;
using ariadne::nn::evalActivation;

namespace {

/// Events per test: not a multiple of any tile width, so that both the
/// tiled path and the per-event remainder of NAME_batch run.
constexpr size_t kEvents = 37;

/// Runs `pkg` on `inputs` batched and per event and checks both.
void checkBoth(Package &pkg, const std::vector<float> &inputs, size_t width,
               const std::vector<double> &expected, double relative = 2e-6,
               double absolute = 1e-6) {
  {
    INFO("batched");
    requireClose(pkg.run(inputs, width), expected, relative, absolute);
  }
  {
    INFO("per event");
    requireClose(pkg.run(inputs, width, "--per-event"), expected, relative,
                 absolute);
  }
}

} // namespace

TEST_CASE("cpp backend: MLP of dense layers", "[cpp-backend]") {
  std::vector<float> w1 = randomFloats(7 * 5, 1, -0.6f, 0.6f);
  std::vector<float> b1 = randomFloats(7, 2);
  std::vector<float> w2 = randomFloats(3 * 7, 3, -0.6f, 0.6f);
  std::vector<float> w3 = randomFloats(2 * 3, 4);
  std::vector<float> b3 = randomFloats(2, 5);
  std::string text =
      R"(
func.func @mlp(%x: tensor<?x5xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"}) {
  %h = nn.dense %x {weight = )" +
      denseLiteral(w1, {7, 5}) + ", bias = " + denseLiteral(b1, {7}) + R"(,
      activation = #nn<act tanh>} : (tensor<?x5xf32>) -> tensor<?x7xf32> loc("fc1")
  %g = nn.dense %h {weight = )" +
      denseLiteral(w2, {3, 7}) + R"(,
      activation = #nn<act leaky_relu>, alpha = 0.2 : f32} : (tensor<?x7xf32>) -> tensor<?x3xf32> loc("fc2")
  %y = nn.dense %g {weight = )" +
      denseLiteral(w3, {2, 3}) + ", bias = " + denseLiteral(b3, {2}) + R"(,
      activation = #nn<act hard_sigmoid>, alpha = 0.3 : f32, beta = 0.5 : f32} : (tensor<?x3xf32>) -> tensor<?x2xf32> loc("fc3")
  return %y : tensor<?x2xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::vector<float> in = randomFloats(kEvents * 5, 6, -3, 3);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    double h[7], g[3];
    for (int n = 0; n < 7; ++n) {
      double acc = b1[n];
      for (int k = 0; k < 5; ++k)
        acc += double(w1[n * 5 + k]) * in[e * 5 + k];
      h[n] = std::tanh(acc);
    }
    for (int n = 0; n < 3; ++n) {
      double acc = 0;
      for (int k = 0; k < 7; ++k)
        acc += double(w2[n * 7 + k]) * h[k];
      g[n] = acc < 0 ? 0.2 * acc : acc;
    }
    for (int n = 0; n < 2; ++n) {
      double acc = b3[n];
      for (int k = 0; k < 3; ++k)
        acc += double(w3[n * 3 + k]) * g[k];
      expected.push_back(std::max(0.0, std::min(1.0, 0.3 * acc + 0.5)));
    }
  }
  checkBoth(pkg, in, 5, expected, 1e-5, 1e-6);
}

TEST_CASE("cpp backend: every activation, several outputs", "[cpp-backend]") {
  std::string text = R"(
func.func @acts(%x: tensor<?x6xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>) {
  %0 = nn.activation %x {activation = #nn<act relu>} : tensor<?x6xf32>
  %1 = nn.activation %x {activation = #nn<act leaky_relu>, alpha = 0.1 : f32} : tensor<?x6xf32>
  %2 = nn.activation %x {activation = #nn<act tanh>} : tensor<?x6xf32>
  %3 = nn.activation %x {activation = #nn<act sigmoid>} : tensor<?x6xf32>
  %4 = nn.activation %x {activation = #nn<act softsign>} : tensor<?x6xf32>
  %5 = nn.activation %x {activation = #nn<act hard_sigmoid>, alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<?x6xf32>
  %6 = nn.activation %x {activation = #nn<act clip>, alpha = -0.5 : f32, beta = 1.5 : f32} : tensor<?x6xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>, tensor<?x6xf32>
}
)";
  Package pkg(text);
  pkg.build();
  struct Kind {
    ActivationKind kind;
    double alpha, beta;
  };
  const Kind kinds[] = {{ActivationKind::relu, 0, 0},
                        {ActivationKind::leaky_relu, 0.1f, 0},
                        {ActivationKind::tanh, 0, 0},
                        {ActivationKind::sigmoid, 0, 0},
                        {ActivationKind::softsign, 0, 0},
                        {ActivationKind::hard_sigmoid, 0.2f, 0.5f},
                        {ActivationKind::clip, -0.5f, 1.5f}};
  std::vector<float> in = randomFloats(kEvents * 6, 7, -4, 4);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e)
    for (const Kind &k : kinds)
      for (int i = 0; i < 6; ++i)
        expected.push_back(
            evalActivation(k.kind, k.alpha, k.beta, in[e * 6 + i]));
  checkBoth(pkg, in, 6, expected, 1e-6, 1e-7);
}

TEST_CASE("cpp backend: softmax and batch norm on inner axes",
          "[cpp-backend]") {
  std::vector<float> scale = randomFloats(3, 1), bias = randomFloats(3, 2),
                     mean = randomFloats(3, 3),
                     variance = randomFloats(3, 4, 0.2f, 2.0f);
  std::string text = R"(
func.func @norm(%x: tensor<?x3x4xf32>) -> (tensor<?x3x4xf32>, tensor<?x3x4xf32>, tensor<?x3x4xf32>) {
  %s1 = nn.softmax %x {axis = 1 : i64} : tensor<?x3x4xf32>
  %s2 = nn.softmax %x {axis = 2 : i64} : tensor<?x3x4xf32>
  %scale = nn.constant )" +
                     denseLiteral(scale, {3}) + R"(
  %bias = nn.constant )" +
                     denseLiteral(bias, {3}) + R"(
  %mean = nn.constant )" +
                     denseLiteral(mean, {3}) + R"(
  %var = nn.constant )" +
                     denseLiteral(variance, {3}) + R"(
  %bn = nn.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-03 : f32} : (tensor<?x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x4xf32>
  return %s1, %s2, %bn : tensor<?x3x4xf32>, tensor<?x3x4xf32>, tensor<?x3x4xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::vector<float> in = randomFloats(kEvents * 12, 8, -3, 3);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    const float *x = &in[e * 12];
    std::vector<double> s1(12), s2(12);
    for (int j = 0; j < 4; ++j) { // axis 1 (size 3), inner 4
      double maximum = -1e300, sum = 0;
      for (int c = 0; c < 3; ++c)
        maximum = std::max(maximum, double(x[c * 4 + j]));
      for (int c = 0; c < 3; ++c)
        sum += std::exp(x[c * 4 + j] - maximum);
      for (int c = 0; c < 3; ++c)
        s1[c * 4 + j] = std::exp(x[c * 4 + j] - maximum) / sum;
    }
    for (int c = 0; c < 3; ++c) { // axis 2 (size 4)
      double maximum = -1e300, sum = 0;
      for (int j = 0; j < 4; ++j)
        maximum = std::max(maximum, double(x[c * 4 + j]));
      for (int j = 0; j < 4; ++j)
        sum += std::exp(x[c * 4 + j] - maximum);
      for (int j = 0; j < 4; ++j)
        s2[c * 4 + j] = std::exp(x[c * 4 + j] - maximum) / sum;
    }
    expected.insert(expected.end(), s1.begin(), s1.end());
    expected.insert(expected.end(), s2.begin(), s2.end());
    for (int c = 0; c < 3; ++c)
      for (int j = 0; j < 4; ++j)
        expected.push_back((x[c * 4 + j] - double(mean[c])) /
                               std::sqrt(double(variance[c]) + 1e-3) *
                               scale[c] +
                           bias[c]);
  }
  checkBoth(pkg, in, 12, expected, 1e-5, 1e-6);
}

TEST_CASE("cpp backend: binary ops broadcast, two inputs", "[cpp-backend]") {
  std::vector<float> c = randomFloats(3, 1, 0.5f, 2.0f);
  std::vector<float> c2 = randomFloats(2, 2);
  std::string text = R"(
func.func @arith(%a: tensor<?x2x3xf32>, %b: tensor<?x1x3xf32>) -> (tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x1x3xf32>) {
  %c = nn.constant )" +
                     denseLiteral(c, {3}) + R"(
  %c2 = nn.constant )" +
                     denseLiteral(c2, {1, 2, 1}) + R"(
  %0 = nn.add %a, %b : (tensor<?x2x3xf32>, tensor<?x1x3xf32>) -> tensor<?x2x3xf32>
  %1 = nn.sub %a, %c : (tensor<?x2x3xf32>, tensor<3xf32>) -> tensor<?x2x3xf32>
  %2 = nn.mul %c2, %a : (tensor<1x2x1xf32>, tensor<?x2x3xf32>) -> tensor<?x2x3xf32>
  %3 = nn.div %a, %c : (tensor<?x2x3xf32>, tensor<3xf32>) -> tensor<?x2x3xf32>
  %4 = nn.max %a, %b : (tensor<?x2x3xf32>, tensor<?x1x3xf32>) -> tensor<?x2x3xf32>
  %5 = nn.min %b, %c : (tensor<?x1x3xf32>, tensor<3xf32>) -> tensor<?x1x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x2x3xf32>, tensor<?x1x3xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::vector<float> in = randomFloats(kEvents * 9, 9, -3, 3);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    const float *a = &in[e * 9], *b = a + 6;
    auto each = [&](auto fn) {
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
          expected.push_back(fn(i, j));
    };
    each([&](int i, int j) { return double(a[i * 3 + j]) + b[j]; });
    each([&](int i, int j) { return double(a[i * 3 + j]) - c[j]; });
    each([&](int i, int j) { return double(c2[i]) * a[i * 3 + j]; });
    each([&](int i, int j) { return double(a[i * 3 + j]) / c[j]; });
    each([&](int i, int j) { return double(std::max(a[i * 3 + j], b[j])); });
    for (int j = 0; j < 3; ++j)
      expected.push_back(std::min(b[j], c[j]));
  }
  checkBoth(pkg, in, 9, expected);
}

TEST_CASE("cpp backend: matmul of inputs and constants", "[cpp-backend]") {
  std::vector<float> w = randomFloats(3 * 5, 1);
  std::string text = R"(
func.func @mm(%a: tensor<?x2x3xf32>, %b: tensor<?x3x4xf32>, %v: tensor<?x3xf32>) -> (tensor<?x2x4xf32>, tensor<?x2x5xf32>, tensor<?x5xf32>) {
  %w = nn.constant )" +
                     denseLiteral(w, {3, 5}) + R"(
  %0 = nn.matmul %a, %b : (tensor<?x2x3xf32>, tensor<?x3x4xf32>) -> tensor<?x2x4xf32>
  %1 = nn.matmul %a, %w : (tensor<?x2x3xf32>, tensor<3x5xf32>) -> tensor<?x2x5xf32>
  %2 = nn.matmul %v, %w : (tensor<?x3xf32>, tensor<3x5xf32>) -> tensor<?x5xf32>
  return %0, %1, %2 : tensor<?x2x4xf32>, tensor<?x2x5xf32>, tensor<?x5xf32>
}
)";
  Package pkg(text);
  pkg.build();
  constexpr size_t width = 6 + 12 + 3;
  std::vector<float> in = randomFloats(kEvents * width, 10);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    const float *a = &in[e * width], *b = a + 6, *v = b + 12;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j) {
        double acc = 0;
        for (int k = 0; k < 3; ++k)
          acc += double(a[i * 3 + k]) * b[k * 4 + j];
        expected.push_back(acc);
      }
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 5; ++j) {
        double acc = 0;
        for (int k = 0; k < 3; ++k)
          acc += double(a[i * 3 + k]) * w[k * 5 + j];
        expected.push_back(acc);
      }
    for (int j = 0; j < 5; ++j) {
      double acc = 0;
      for (int k = 0; k < 3; ++k)
        acc += double(v[k]) * w[k * 5 + j];
      expected.push_back(acc);
    }
  }
  checkBoth(pkg, in, width, expected, 1e-5, 1e-6);
}

TEST_CASE("cpp backend: reshape, transpose, slice, concat and copies",
          "[cpp-backend]") {
  std::string text = R"(
func.func @move(%x: tensor<?x2x3xf32>, %y: tensor<?x4xf32>) -> (tensor<?x3x2xf32>, tensor<?x3xf32>, tensor<?x13xf32>, tensor<?x6xf32>, tensor<?x4xf32>, tensor<?x13xf32>) {
  %r = nn.reshape %x : (tensor<?x2x3xf32>) -> tensor<?x6xf32> loc("r")
  %t = nn.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3xf32>) -> tensor<?x3x2xf32>
  %s = nn.slice %r {starts = array<i64: 0, 5>, steps = array<i64: 1, -2>} : (tensor<?x6xf32>) -> tensor<?x3xf32>
  %c = nn.concat %r, %y, %s {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<?x13xf32>
  %r2 = nn.reshape %t : (tensor<?x3x2xf32>) -> tensor<?x6xf32> loc("r2")
  return %t, %s, %c, %r2, %y, %c : tensor<?x3x2xf32>, tensor<?x3xf32>, tensor<?x13xf32>, tensor<?x6xf32>, tensor<?x4xf32>, tensor<?x13xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::vector<float> in = randomFloats(kEvents * 10, 11);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    const float *x = &in[e * 10], *y = x + 6;
    std::vector<double> t, s, c;
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i)
        t.push_back(x[i * 3 + j]);
    for (int k = 5; k >= 0; k -= 2)
      s.push_back(x[k]);
    c.assign(x, x + 6);
    c.insert(c.end(), y, y + 4);
    c.insert(c.end(), s.begin(), s.end());
    expected.insert(expected.end(), t.begin(), t.end());
    expected.insert(expected.end(), s.begin(), s.end());
    expected.insert(expected.end(), c.begin(), c.end());
    expected.insert(expected.end(), t.begin(), t.end());
    expected.insert(expected.end(), y, y + 4);
    expected.insert(expected.end(), c.begin(), c.end());
  }
  checkBoth(pkg, in, 10, expected, 0, 0);
  // The reshape of an intermediate value is an alias: no kernel call.
  std::string source = readFile(pkg.file("move.cpp"));
  CHECK(source.find("r: nn.reshape, aliases its input") != std::string::npos);
  CHECK(source.find("ariadne::reshape<r2Config, Lanes>") != std::string::npos);
}

TEST_CASE("cpp backend: a static model is one event per tensor",
          "[cpp-backend]") {
  std::vector<float> c = randomFloats(6, 1), cc = randomFloats(3, 2);
  std::string text = R"(
func.func @fixed(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %c = nn.constant )" +
                     denseLiteral(c, {2, 3}) + R"(
  %cc = nn.constant )" +
                     denseLiteral(cc, {3, 1}) + R"(
  %0 = nn.mul %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.transpose %0 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %2 = nn.softmax %1 {axis = 0 : i64} : tensor<3x2xf32>
  %3 = nn.concat %2, %cc {axis = 1 : i64} : (tensor<3x2xf32>, tensor<3x1xf32>) -> tensor<3x3xf32>
  return %3 : tensor<3x3xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::string header = readFile(pkg.file("fixed.h"));
  CHECK(header.find("#define fixed_INPUT_SIZE 6") != std::string::npos);
  CHECK(header.find("#define fixed_OUTPUT_SIZE 9") != std::string::npos);
  CHECK(header.find("#define fixed_IN0_SHAPE {2, 3}") != std::string::npos);
  std::vector<float> in = randomFloats(kEvents * 6, 12);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e) {
    const float *x = &in[e * 6];
    double t[3][2];
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 2; ++i)
        t[j][i] = double(float(x[i * 3 + j] * c[i * 3 + j]));
    double sm[3][2];
    for (int i = 0; i < 2; ++i) {
      double maximum = std::max({t[0][i], t[1][i], t[2][i]}), sum = 0;
      for (int j = 0; j < 3; ++j)
        sum += std::exp(t[j][i] - maximum);
      for (int j = 0; j < 3; ++j)
        sm[j][i] = std::exp(t[j][i] - maximum) / sum;
    }
    for (int j = 0; j < 3; ++j) {
      expected.push_back(sm[j][0]);
      expected.push_back(sm[j][1]);
      expected.push_back(cc[j]);
    }
  }
  checkBoth(pkg, in, 6, expected, 1e-6, 1e-7);
}

TEST_CASE("cpp backend: a dense layer with few outputs is output-major",
          "[cpp-backend]") {
  std::vector<float> w = randomFloats(2 * 40, 1, -0.3f, 0.3f);
  std::vector<float> b = randomFloats(2, 2);
  std::string text = R"(
func.func @narrow(%x: tensor<?x40xf32>) -> tensor<?x2xf32> {
  %y = nn.dense %x {weight = )" +
                     denseLiteral(w, {2, 40}) +
                     ", bias = " + denseLiteral(b, {2}) + R"(,
      activation = #nn<act sigmoid>} : (tensor<?x40xf32>) -> tensor<?x2xf32> loc("score")
  return %y : tensor<?x2xf32>
}
)";
  Package pkg(text);
  pkg.build();
  std::string source = readFile(pkg.file("narrow.cpp"));
  CHECK(source.find("static constexpr bool outputMajor = true;") !=
        std::string::npos);
  CHECK(source.find("scoreWeights[2 * 48]") != std::string::npos);
  std::vector<float> in = randomFloats(kEvents * 40, 3, -3, 3);
  std::vector<double> expected;
  for (size_t e = 0; e < kEvents; ++e)
    for (int n = 0; n < 2; ++n) {
      double acc = b[n];
      for (int k = 0; k < 40; ++k)
        acc += double(w[n * 40 + k]) * in[e * 40 + k];
      expected.push_back(1.0 / (1.0 + std::exp(-acc)));
    }
  checkBoth(pkg, in, 40, expected, 1e-5, 1e-7);
}
