//===- emulator_batch_test.cpp - events, batches and chunks ---------------===//
//
// How the emulator maps CSV-style event rows onto the model: batched and
// static models, several inputs and outputs, and runs that span chunks.
//
//===----------------------------------------------------------------------===//
#include "emulator_test_util.h"

#include <cstring>

using namespace emutest;

namespace {

/// dense(5 -> 4, tanh) then softmax, with fixed random weights.
struct MlpCase {
  std::vector<float> w = randomFloats(4 * 5, 21), b = randomFloats(4, 22);

  std::string text() const {
    return "func.func @k(%x: tensor<?x5xf32> {nn.name = \"hits\"}) -> "
           "(tensor<?x4xf32> {nn.name = \"probs\"}) {\n"
           "  %h = nn.dense %x {weight = " +
           denseHex(w, "tensor<4x5xf32>") +
           ", bias = " + denseHex(b, "tensor<4xf32>") +
           ", activation = #nn<act tanh>} : (tensor<?x5xf32>) -> "
           "tensor<?x4xf32>\n"
           "  %y = nn.softmax %h {axis = 1 : i64} : tensor<?x4xf32>\n"
           "  return %y : tensor<?x4xf32>\n}\n";
  }

  std::vector<double> reference(const std::vector<float> &x) const {
    std::vector<double> out;
    for (size_t e = 0; e < x.size() / 5; ++e) {
      double h[4], sum = 0;
      for (int i = 0; i < 4; ++i) {
        double acc = b[i];
        for (int j = 0; j < 5; ++j)
          acc += double(x[e * 5 + j]) * w[i * 5 + j];
        h[i] = std::tanh(acc);
        sum += std::exp(h[i]);
      }
      for (int i = 0; i < 4; ++i)
        out.push_back(std::exp(h[i]) / sum);
    }
    return out;
  }
};

} // namespace

TEST_CASE("inputs and outputs are described per event", "[emulator]") {
  MlpCase mlp;
  Model model(mlp.text());
  auto emu = model.emulator();
  CHECK(emu->hasBatch());
  REQUIRE(emu->inputs().size() == 1);
  REQUIRE(emu->outputs().size() == 1);
  CHECK(emu->inputs()[0].name == "hits");
  CHECK(emu->inputs()[0].eventShape == std::vector<int64_t>{5});
  CHECK(emu->outputs()[0].name == "probs");
  CHECK(emu->outputs()[0].eventShape == std::vector<int64_t>{4});
  CHECK(emu->eventInputSize() == 5);
  CHECK(emu->eventOutputSize() == 4);
  CHECK(emu->chunkEvents() == 256);
}

TEST_CASE("runs across chunk boundaries match the per-event reference",
          "[emulator]") {
  MlpCase mlp;
  Model model(mlp.text());
  auto small = model.emulator(7);
  REQUIRE(small->chunkEvents() == 7);
  auto large = model.emulator();
  for (size_t n : {0, 1, 6, 7, 8, 15, 1000}) {
    INFO("n = " << n);
    auto x = randomFloats(n * 5, unsigned(100 + n), -3, 3);
    auto out = run(*small, x, n);
    checkClose(out, mlp.reference(x));
    // The chunking must not change a single bit.
    auto again = run(*large, x, n);
    REQUIRE(again.size() == out.size());
    REQUIRE((out.empty() ||
             std::memcmp(out.data(), again.data(), out.size() * 4) == 0));
  }
}

TEST_CASE("running zero events writes nothing", "[emulator]") {
  MlpCase mlp;
  Model model(mlp.text());
  auto emu = model.emulator();
  float sentinel = 42;
  emu->run(nullptr, &sentinel, 0);
  CHECK(sentinel == 42);
}

TEST_CASE("large events shrink the chunk", "[emulator]") {
  // Input and output of 1 MiB each per event: 8 events fill 16 MiB.
  Model model("func.func @k(%x: tensor<?x262144xf32>) -> "
              "tensor<?x262144xf32> {\n"
              "  %y = nn.activation %x {activation = #nn<act relu>} : "
              "tensor<?x262144xf32>\n  return %y : tensor<?x262144xf32>\n}\n");
  auto emu = model.emulator();
  CHECK(emu->chunkEvents() == 8);
  const size_t n = 19;
  auto x = randomFloats(n * 262144, 23);
  auto out = run(*emu, x, n);
  for (size_t i = 0; i < x.size(); ++i)
    if (out[i] != (x[i] > 0 ? x[i] : 0.0f))
      FAIL("element " << i);
}

TEST_CASE("several inputs and outputs concatenate in graph order",
          "[emulator]") {
  Model model(
      "func.func @k(%a: tensor<?x2xf32> {nn.name = \"a\"}, %b: "
      "tensor<?x3xf32> {nn.name = \"b\"}) -> (tensor<?x5xf32> {nn.name = "
      "\"ab\"}, tensor<?x2xf32> {nn.name = \"sum\"}, tensor<?x3xf32>) {\n"
      "  %ab = nn.concat %a, %b {axis = 1 : i64} : (tensor<?x2xf32>, "
      "tensor<?x3xf32>) -> tensor<?x5xf32>\n"
      "  %d = nn.dense %b {weight = dense<[[1.0, 0.0, 1.0], [0.0, 2.0, "
      "0.0]]> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>\n"
      "  %s = nn.add %a, %d : (tensor<?x2xf32>, tensor<?x2xf32>) -> "
      "tensor<?x2xf32>\n"
      "  return %ab, %s, %b : tensor<?x5xf32>, tensor<?x2xf32>, "
      "tensor<?x3xf32>\n}\n");
  auto emu = model.emulator();
  REQUIRE(emu->eventInputSize() == 5);
  REQUIRE(emu->eventOutputSize() == 10);
  CHECK(emu->outputs()[1].name == "sum");
  CHECK(emu->outputs()[2].name == "output2");
  // Event 0: a = [1, 2], b = [3, 4, 5]: d = [8, 8], s = [9, 10].
  // Event 1: a = [0, -1], b = [1, 1, 1]: d = [2, 2], s = [2, 1].
  auto out = run(*emu, {1, 2, 3, 4, 5, 0, -1, 1, 1, 1}, 2);
  CHECK(out == std::vector<float>{1, 2,  3, 4, 5, 9, 10, 3, 4, 5,
                                  0, -1, 1, 1, 1, 2, 1,  1, 1, 1});
}

TEST_CASE("without a batch dimension each event is the whole tensor",
          "[emulator]") {
  // Event: x[2, 3] -> dense to [2, 2] -> softmax over axis 0.
  Model model("func.func @k(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {\n"
              "  %d = nn.dense %x {weight = dense<[[1.0, -1.0, 0.5], [0.25, "
              "0.0, 2.0]]> : tensor<2x3xf32>} : (tensor<2x3xf32>) -> "
              "tensor<2x2xf32>\n"
              "  %y = nn.softmax %d {axis = 0 : i64} : tensor<2x2xf32>\n"
              "  return %y : tensor<2x2xf32>\n}\n");
  auto emu = model.emulator(5);
  CHECK_FALSE(emu->hasBatch());
  CHECK(emu->inputs()[0].eventShape == std::vector<int64_t>{2, 3});
  CHECK(emu->eventInputSize() == 6);
  CHECK(emu->eventOutputSize() == 4);
  const double w[2][3] = {{1, -1, 0.5}, {0.25, 0, 2}};
  for (size_t n : {1, 5, 12}) {
    auto x = randomFloats(n * 6, unsigned(30 + n));
    std::vector<double> want;
    for (size_t e = 0; e < n; ++e) {
      double d[2][2];
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) {
          d[r][c] = 0;
          for (int j = 0; j < 3; ++j)
            d[r][c] += x[e * 6 + r * 3 + j] * w[c][j];
        }
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c)
          want.push_back(std::exp(d[r][c]) /
                         (std::exp(d[0][c]) + std::exp(d[1][c])));
    }
    checkClose(run(*emu, x, n), want);
  }
}

TEST_CASE("static batch_norm takes its parameters per event", "[emulator]") {
  // As in ONNX's conformance models: every parameter is a graph input.
  Model model("func.func @k(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %b: "
              "tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> "
              "tensor<2x3xf32> {\n"
              "  %y = nn.batch_norm %x, %s, %b, %m, %v {epsilon = 0.5 : f32} : "
              "(tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, "
              "tensor<3xf32>) -> tensor<2x3xf32>\n"
              "  return %y : tensor<2x3xf32>\n}\n");
  auto emu = model.emulator();
  REQUIRE(emu->eventInputSize() == 18);
  const size_t n = 4;
  auto in = randomFloats(n * 18, 41);
  for (size_t e = 0; e < n; ++e) // variances must be >= 0
    for (int c = 0; c < 3; ++c)
      in[e * 18 + 15 + c] = std::fabs(in[e * 18 + 15 + c]);
  std::vector<double> want;
  for (size_t e = 0; e < n; ++e) {
    const float *row = &in[e * 18];
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 3; ++c)
        want.push_back((row[r * 3 + c] - double(row[12 + c])) /
                           std::sqrt(double(row[15 + c]) + 0.5) * row[6 + c] +
                       row[9 + c]);
  }
  checkClose(run(*emu, in, n), want);
}

TEST_CASE("static concat with a constant and a transpose", "[emulator]") {
  Model model("func.func @k(%x: tensor<2x2xf32>) -> tensor<2x3xf32> {\n"
              "  %c = nn.constant dense<[[7.0, 8.0]]> : tensor<1x2xf32>\n"
              "  %y = nn.concat %x, %c {axis = 0 : i64} : (tensor<2x2xf32>, "
              "tensor<1x2xf32>) -> tensor<3x2xf32>\n"
              "  %t = nn.transpose %y {perm = array<i64: 1, 0>} : "
              "(tensor<3x2xf32>) -> tensor<2x3xf32>\n"
              "  return %t : tensor<2x3xf32>\n}\n");
  auto emu = model.emulator();
  auto out = run(*emu, {1, 2, 3, 4, 5, 6, 7, 8}, 2);
  CHECK(out == std::vector<float>{1, 3, 7, 2, 4, 8, 5, 7, 7, 6, 8, 8});
}

TEST_CASE("a model may return its input", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, "
              "tensor<?x1x2xf32>) {\n"
              "  %r = nn.reshape %x : (tensor<?x2xf32>) -> tensor<?x1x2xf32>\n"
              "  return %x, %r : tensor<?x2xf32>, tensor<?x1x2xf32>\n}\n");
  auto emu = model.emulator(2);
  auto out = run(*emu, {1, 2, 3, 4, 5, 6}, 3);
  CHECK(out == std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6});
}
