//===- emulator_ops_test.cpp - float emulator, one op kind at a time ------===//
//
// Every nn op through the emulator on a few events, against references
// computed here in double precision.
//
//===----------------------------------------------------------------------===//
#include "emulator_test_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace emutest;

namespace {

/// A one-op kernel on a batched input: `%y = BODY` with %x the input.
std::string oneOp(const std::string &inType, const std::string &outType,
                  const std::string &body) {
  return "func.func @k(%x: " + inType + ") -> " + outType +
         " {\n  %y = " + body + "\n  return %y : " + outType + "\n}\n";
}

double relu(double x) { return x > 0 ? x : 0; }
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

struct ActivationCase {
  const char *kind;
  float alpha, beta;
  double (*ref)(double x, double alpha, double beta);
};

const ActivationCase kActivations[] = {
    {"none", 0, 0, [](double x, double, double) { return x; }},
    {"relu", 0, 0, [](double x, double, double) { return relu(x); }},
    {"leaky_relu", 0.1f, 0,
     [](double x, double a, double) { return x < 0 ? a * x : x; }},
    {"tanh", 0, 0, [](double x, double, double) { return std::tanh(x); }},
    {"sigmoid", 0, 0, [](double x, double, double) { return sigmoid(x); }},
    {"softsign", 0, 0,
     [](double x, double, double) { return x / (1 + std::fabs(x)); }},
    {"hard_sigmoid", 0.2f, 0.5f,
     [](double x, double a, double b) {
       return std::max(0.0, std::min(1.0, a * x + b));
     }},
    {"clip", -0.5f, 0.75f,
     [](double x, double a, double b) { return std::min(b, std::max(a, x)); }},
};

std::string activationAttrs(const ActivationCase &act) {
  char buf[128];
  std::snprintf(buf, sizeof(buf),
                "activation = #nn<act %s>, alpha = %.9e : f32, beta = %.9e : "
                "f32",
                act.kind, double(act.alpha), double(act.beta));
  return buf;
}

} // namespace

TEST_CASE("dense computes weight, bias and each fused activation",
          "[emulator]") {
  const int64_t k = 5, n = 3, events = 9;
  auto w = randomFloats(n * k, 1), b = randomFloats(n, 2);
  auto x = randomFloats(events * k, 3, -3, 3);
  for (const ActivationCase &act : kActivations) {
    SECTION(act.kind) {
      Model model(
          oneOp("tensor<?x5xf32>", "tensor<?x3xf32>",
                "nn.dense %x {weight = " + denseHex(w, "tensor<3x5xf32>") +
                    ", bias = " + denseHex(b, "tensor<3xf32>") + ", " +
                    activationAttrs(act) +
                    "} : (tensor<?x5xf32>) -> tensor<?x3xf32>"));
      auto emu = model.emulator();
      std::vector<double> want;
      for (int64_t e = 0; e < events; ++e)
        for (int64_t i = 0; i < n; ++i) {
          double acc = b[i];
          for (int64_t j = 0; j < k; ++j)
            acc += double(x[e * k + j]) * w[i * k + j];
          want.push_back(act.ref(acc, act.alpha, act.beta));
        }
      checkClose(run(*emu, x, events), want);
    }
  }
}

TEST_CASE("dense without bias applies to every row of a rank-3 event",
          "[emulator]") {
  // Each event is 2 rows of 4 features.
  auto w = randomFloats(3 * 4, 4);
  Model model(oneOp("tensor<?x2x4xf32>", "tensor<?x2x3xf32>",
                    "nn.dense %x {weight = " + denseHex(w, "tensor<3x4xf32>") +
                        "} : (tensor<?x2x4xf32>) -> tensor<?x2x3xf32>"));
  auto emu = model.emulator();
  const int64_t events = 5;
  auto x = randomFloats(events * 8, 5);
  std::vector<double> want;
  for (int64_t r = 0; r < events * 2; ++r)
    for (int64_t i = 0; i < 3; ++i) {
      double acc = 0;
      for (int64_t j = 0; j < 4; ++j)
        acc += double(x[r * 4 + j]) * w[i * 4 + j];
      want.push_back(acc);
    }
  checkClose(run(*emu, x, events), want);
}

TEST_CASE("dense by hand", "[emulator]") {
  Model model(oneOp("tensor<?x2xf32>", "tensor<?x2xf32>",
                    "nn.dense %x {weight = dense<[[1.0, 2.0], [-3.0, 0.5]]> : "
                    "tensor<2x2xf32>, bias = dense<[0.25, -1.0]> : "
                    "tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>"));
  auto emu = model.emulator();
  // [1, 2] -> [1 + 4 + 0.25, -3 + 1 - 1]; [-2, 4] -> [-2 + 8 + 0.25, 6 + 2 - 1]
  auto out = run(*emu, {1, 2, -2, 4}, 2);
  CHECK(out == std::vector<float>{5.25f, -3.0f, 6.25f, 7.0f});
}

TEST_CASE("activation op, every kind, on edge values", "[emulator]") {
  std::vector<float> x = {-100,  -3.5f, -1, -0.25f, -0.0f, 0,
                          1e-3f, 0.5f,  1,  2.75f,  40,    100};
  for (const ActivationCase &act : kActivations) {
    SECTION(act.kind) {
      Model model(oneOp("tensor<?x4xf32>", "tensor<?x4xf32>",
                        "nn.activation %x {" + activationAttrs(act) +
                            "} : tensor<?x4xf32>"));
      auto emu = model.emulator();
      std::vector<double> want;
      for (float v : x)
        want.push_back(act.ref(v, act.alpha, act.beta));
      checkClose(run(*emu, x, 3), want);
    }
  }
}

TEST_CASE("softmax along the last axis survives large inputs", "[emulator]") {
  Model model(oneOp("tensor<?x4xf32>", "tensor<?x4xf32>",
                    "nn.softmax %x {axis = 1 : i64} : tensor<?x4xf32>"));
  auto emu = model.emulator();
  // Without subtracting the maximum, exp(1000) would overflow to inf.
  std::vector<float> x = {1, 2, 3, 4, 1000, 999, 998, 0, -5, -5, -5, -5};
  std::vector<double> want;
  for (int e = 0; e < 3; ++e) {
    double max = *std::max_element(x.begin() + 4 * e, x.begin() + 4 * e + 4);
    double sum = 0;
    for (int i = 0; i < 4; ++i)
      sum += std::exp(x[4 * e + i] - max);
    for (int i = 0; i < 4; ++i)
      want.push_back(std::exp(x[4 * e + i] - max) / sum);
  }
  checkClose(run(*emu, x, 3), want);
}

TEST_CASE("softmax along a middle axis", "[emulator]") {
  // Event shape [3, 2]; softmax over the 3 for each of the 2 columns.
  Model model(oneOp("tensor<?x3x2xf32>", "tensor<?x3x2xf32>",
                    "nn.softmax %x {axis = 1 : i64} : tensor<?x3x2xf32>"));
  auto emu = model.emulator();
  const int events = 4;
  auto x = randomFloats(events * 6, 6, -4, 4);
  std::vector<double> want(x.size());
  for (int e = 0; e < events; ++e)
    for (int j = 0; j < 2; ++j) {
      double sum = 0;
      for (int i = 0; i < 3; ++i)
        sum += std::exp(double(x[e * 6 + i * 2 + j]));
      for (int i = 0; i < 3; ++i)
        want[e * 6 + i * 2 + j] = std::exp(double(x[e * 6 + i * 2 + j])) / sum;
    }
  checkClose(run(*emu, x, events), want);
}

TEST_CASE("batch_norm with constant parameters on [batch, C, L]",
          "[emulator]") {
  std::vector<float> scale = {1.5f, -0.5f, 2}, bias = {0.1f, 0.2f, -0.3f},
                     mean = {0.5f, -1, 0}, var = {4, 0.25f, 1};
  const float eps = 1e-5f;
  // The constants parse to the nearest floats, as the vectors above do.
  const char *text = R"(
func.func @k(%x: tensor<?x3x2xf32>) -> tensor<?x3x2xf32> {
  %s = nn.constant dense<[1.5, -0.5, 2.0]> : tensor<3xf32>
  %b = nn.constant dense<[0.1, 0.2, -0.3]> : tensor<3xf32>
  %m = nn.constant dense<[0.5, -1.0, 0.0]> : tensor<3xf32>
  %v = nn.constant dense<[4.0, 0.25, 1.0]> : tensor<3xf32>
  %y = nn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
      : (tensor<?x3x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>,
         tensor<3xf32>) -> tensor<?x3x2xf32>
  return %y : tensor<?x3x2xf32>
}
)";
  Model model(text);
  auto emu = model.emulator();
  const int events = 3;
  auto x = randomFloats(events * 6, 7);
  std::vector<double> want;
  for (int e = 0; e < events; ++e)
    for (int c = 0; c < 3; ++c)
      for (int l = 0; l < 2; ++l)
        want.push_back((x[e * 6 + c * 2 + l] - double(mean[c])) /
                           std::sqrt(double(var[c]) + double(eps)) * scale[c] +
                       bias[c]);
  checkClose(run(*emu, x, events), want);
}

TEST_CASE("binary ops with numpy broadcasting against constants",
          "[emulator]") {
  struct BinaryCase {
    const char *op;
    double (*ref)(double, double);
  };
  const BinaryCase cases[] = {
      {"add", [](double a, double b) { return a + b; }},
      {"sub", [](double a, double b) { return a - b; }},
      {"mul", [](double a, double b) { return a * b; }},
      {"div", [](double a, double b) { return a / b; }},
      {"max", [](double a, double b) { return std::max(a, b); }},
      {"min", [](double a, double b) { return std::min(a, b); }},
  };
  // x: [?, 2, 1]; c: [3] -> [?, 2, 3], both operands broadcast.
  std::vector<float> c = {0.5f, -1.25f, 3};
  const int events = 4;
  auto x = randomFloats(events * 2, 8);
  for (const BinaryCase &bc : cases) {
    SECTION(bc.op) {
      for (bool constantFirst : {false, true}) {
        std::string operands = constantFirst ? "%c, %x" : "%x, %c";
        std::string types = constantFirst
                                ? "(tensor<3xf32>, tensor<?x2x1xf32>)"
                                : "(tensor<?x2x1xf32>, tensor<3xf32>)";
        Model model("func.func @k(%x: tensor<?x2x1xf32>) -> "
                    "tensor<?x2x3xf32> {\n  %c = nn.constant " +
                    denseHex(c, "tensor<3xf32>") + "\n  %y = nn." + bc.op +
                    " " + operands + " : " + types +
                    " -> tensor<?x2x3xf32>\n  return %y : "
                    "tensor<?x2x3xf32>\n}\n");
        auto emu = model.emulator();
        std::vector<double> want;
        for (int e = 0; e < events; ++e)
          for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 3; ++j)
              want.push_back(constantFirst ? bc.ref(c[j], x[e * 2 + i])
                                           : bc.ref(x[e * 2 + i], c[j]));
        checkClose(run(*emu, x, events), want);
      }
    }
  }
}

TEST_CASE("binary op on two inputs, one broadcast inside the event",
          "[emulator]") {
  // a: [?, 2, 3], b: [?, 1, 3]
  Model model("func.func @k(%a: tensor<?x2x3xf32>, %b: tensor<?x1x3xf32>) "
              "-> tensor<?x2x3xf32> {\n  %y = nn.sub %a, %b : "
              "(tensor<?x2x3xf32>, tensor<?x1x3xf32>) -> tensor<?x2x3xf32>\n"
              "  return %y : tensor<?x2x3xf32>\n}\n");
  auto emu = model.emulator();
  const int events = 5;
  auto in = randomFloats(events * 9, 9);
  std::vector<double> want;
  for (int e = 0; e < events; ++e)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        want.push_back(double(in[e * 9 + i * 3 + j]) - in[e * 9 + 6 + j]);
  checkClose(run(*emu, in, events), want);
}

TEST_CASE("a constant with a leading 1 broadcasts over the batch",
          "[emulator]") {
  Model model("func.func @k(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {\n"
              "  %c = nn.constant dense<[[1.0, 10.0, 100.0]]> : "
              "tensor<1x3xf32>\n"
              "  %y = nn.mul %x, %c : (tensor<?x3xf32>, tensor<1x3xf32>) -> "
              "tensor<?x3xf32>\n  return %y : tensor<?x3xf32>\n}\n");
  auto emu = model.emulator();
  auto out = run(*emu, {1, 2, 3, -1, -2, -3}, 2);
  CHECK(out == std::vector<float>{1, 20, 300, -1, -20, -300});
}

TEST_CASE("max and min propagate NaN", "[emulator]") {
  for (const char *op : {"max", "min"}) {
    Model model(std::string("func.func @k(%a: tensor<?x1xf32>, %b: "
                            "tensor<?x1xf32>) -> tensor<?x1xf32> {\n  %y = "
                            "nn.") +
                op +
                " %a, %b : (tensor<?x1xf32>, tensor<?x1xf32>) -> "
                "tensor<?x1xf32>\n  return %y : tensor<?x1xf32>\n}\n");
    auto emu = model.emulator();
    float nan = std::nanf("");
    auto out = run(*emu, {nan, 1, 1, nan, 2, 3}, 3);
    CHECK(std::isnan(out[0]));
    CHECK(std::isnan(out[1]));
    CHECK(out[2] == (op[1] == 'a' ? 3.0f : 2.0f));
  }
}

TEST_CASE("reshape keeps the C order of an event", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x2x3xf32>) -> tensor<?x3x2xf32> {\n"
              "  %r = nn.reshape %x : (tensor<?x2x3xf32>) -> tensor<?x6xf32>\n"
              "  %s = nn.reshape %r : (tensor<?x6xf32>) -> tensor<?x3x2xf32>\n"
              "  return %s : tensor<?x3x2xf32>\n}\n");
  auto emu = model.emulator();
  auto x = randomFloats(12, 10);
  CHECK(run(*emu, x, 2) == x);
}

TEST_CASE("transpose permutes the event dimensions", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x2x3x4xf32>) -> tensor<?x4x2x3xf32> "
              "{\n  %y = nn.transpose %x {perm = array<i64: 0, 3, 1, 2>} : "
              "(tensor<?x2x3x4xf32>) -> tensor<?x4x2x3xf32>\n  return %y : "
              "tensor<?x4x2x3xf32>\n}\n");
  auto emu = model.emulator();
  const int events = 3;
  auto x = randomFloats(events * 24, 11);
  std::vector<double> want;
  for (int e = 0; e < events; ++e)
    for (int l = 0; l < 4; ++l)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
          want.push_back(x[e * 24 + i * 12 + j * 4 + l]);
  checkClose(run(*emu, x, events), want);
}

TEST_CASE("concat along event axes", "[emulator]") {
  Model model("func.func @k(%a: tensor<?x2x2xf32>, %b: tensor<?x1x2xf32>) -> "
              "tensor<?x2x5xf32> {\n"
              "  %x = nn.concat %a, %b {axis = 1 : i64} : (tensor<?x2x2xf32>, "
              "tensor<?x1x2xf32>) -> tensor<?x3x2xf32>\n"
              "  %t = nn.transpose %x {perm = array<i64: 0, 2, 1>} : "
              "(tensor<?x3x2xf32>) -> tensor<?x2x3xf32>\n"
              "  %y = nn.concat %t, %a {axis = 2 : i64} : (tensor<?x2x3xf32>, "
              "tensor<?x2x2xf32>) -> tensor<?x2x5xf32>\n"
              "  return %y : tensor<?x2x5xf32>\n}\n");
  auto emu = model.emulator();
  // Event: a = [[1, 2], [3, 4]], b = [[5, 6]] -> x = [[1,2],[3,4],[5,6]]
  // t = [[1,3,5],[2,4,6]], y = [[1,3,5,1,2],[2,4,6,3,4]]
  auto out = run(*emu, {1, 2, 3, 4, 5, 6}, 1);
  CHECK(out == std::vector<float>{1, 3, 5, 1, 2, 2, 4, 6, 3, 4});
}

TEST_CASE("slice with steps, including a negative one", "[emulator]") {
  Model model("func.func @k(%x: tensor<?x3x6xf32>) -> tensor<?x2x3xf32> {\n"
              "  %y = nn.slice %x {starts = array<i64: 0, 2, 1>, steps = "
              "array<i64: 1, -2, 2>} : (tensor<?x3x6xf32>) -> "
              "tensor<?x2x3xf32>\n  return %y : tensor<?x2x3xf32>\n}\n");
  auto emu = model.emulator();
  const int events = 3;
  auto x = randomFloats(events * 18, 12);
  std::vector<double> want;
  for (int e = 0; e < events; ++e)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j)
        want.push_back(x[e * 18 + (2 - 2 * i) * 6 + (1 + 2 * j)]);
  checkClose(run(*emu, x, events), want);
}

TEST_CASE("window gathers padded fields and reduce_max takes their maximum",
          "[emulator]") {
  // [C=2, H=4, W=5], kernel [2, 3], strides [2, 1], dilations [1, 2], pads
  // begin [1, 0], end [0, 2]: H (4 + 1 - 2) / 2 + 1 = 2 positions, W (5 + 2
  // - 5) / 1 + 1 = 3; fields [2, 3, C, 6]. The same window padded with
  // -inf (pad_lowest) and its maximum, and padded with 0.
  const std::string attrs =
      "kernel_shape = array<i64: 2, 3>, strides = array<i64: 2, 1>, "
      "dilations = array<i64: 1, 2>, pads = array<i64: 1, 0, 0, 2>";
  const std::string in = "tensor<?x2x4x5xf32>",
                    fields = "tensor<?x2x3x2x6xf32>",
                    maxima = "tensor<?x2x3x2xf32>";
  Model model("func.func @k(%x: " + in + ") -> (" + fields + ", " + maxima +
              ", " + fields + ") {\n  %w = nn.window %x {" + attrs +
              ", pad_lowest} : (" + in + ") -> " + fields +
              "\n  %m = nn.reduce_max %w : (" + fields + ") -> " + maxima +
              "\n  %z = nn.window %x {" + attrs + "} : (" + in + ") -> " +
              fields + "\n  return %w, %m, %z : " + fields + ", " + maxima +
              ", " + fields + "\n}\n");
  auto emu = model.emulator();
  const int events = 3, inSize = 40, fieldSize = 72, outSize = 72 + 12 + 72;
  // Negative inputs: a maximum that took the padding would be 0 or -inf.
  auto x = randomFloats(events * inSize, 14, -3.0f, -0.5f);
  auto out = run(*emu, x, events);
  const float inf = std::numeric_limits<float>::infinity();
  for (int e = 0; e < events; ++e) {
    const float *row = &out[size_t(e * outSize)];
    int padded = 0;
    for (int ph = 0; ph < 2; ++ph)
      for (int pw = 0; pw < 3; ++pw)
        for (int c = 0; c < 2; ++c) {
          float best = -inf;
          for (int kh = 0; kh < 2; ++kh)
            for (int kw = 0; kw < 3; ++kw) {
              int h = ph * 2 - 1 + kh, w = pw + 2 * kw;
              bool inside = h >= 0 && h < 4 && w >= 0 && w < 5;
              float v =
                  inside ? x[size_t(e * inSize + (c * 4 + h) * 5 + w)] : -inf;
              padded += !inside;
              best = std::max(best, v);
              int f = ((ph * 3 + pw) * 2 + c) * 6 + kh * 3 + kw;
              INFO("event " << e << " field element " << f);
              CHECK(row[f] == v);
              CHECK(row[fieldSize + 12 + f] == (inside ? v : 0.0f));
            }
          INFO("event " << e << " maximum " << (ph * 3 + pw) * 2 + c);
          CHECK(row[fieldSize + (ph * 3 + pw) * 2 + c] == best);
          CHECK(best > -inf);
        }
    // Padding per channel: row -1 (kh = 0 at ph = 0) for 3 positions of 3
    // taps, and columns 5 and 6 (kw = 2 at pw = 1, 2) for 2 taps in each
    // of the 3 other rows of taps: 9 + 6 = 15.
    CHECK(padded == 2 * 15);
  }
}

TEST_CASE("constant subgraphs are evaluated and broadcast to every event",
          "[emulator]") {
  // %s depends on constants only; the second output is a constant.
  Model model("func.func @k(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, "
              "tensor<2xf32>) {\n"
              "  %a = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
              "  %b = nn.constant dense<[0.5, 4.0]> : tensor<2xf32>\n"
              "  %s = nn.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> "
              "tensor<2xf32>\n"
              "  %t = nn.activation %s {activation = #nn<act tanh>} : "
              "tensor<2xf32>\n"
              "  %y = nn.add %x, %t : (tensor<?x2xf32>, tensor<2xf32>) -> "
              "tensor<?x2xf32>\n"
              "  return %y, %s : tensor<?x2xf32>, tensor<2xf32>\n}\n");
  auto emu = model.emulator();
  REQUIRE(emu->eventOutputSize() == 4);
  auto out = run(*emu, {1, 1, -1, 0}, 2);
  checkClose(out, {1 + std::tanh(0.5), 1 + std::tanh(8.0), 0.5, 8,
                   -1 + std::tanh(0.5), std::tanh(8.0), 0.5, 8});
}

TEST_CASE("weights may be resource blobs", "[emulator]") {
  // The blob starts with its alignment (4) as a little-endian u32.
  Model model("func.func @k(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {\n"
              "  %c = nn.constant dense_resource<w> : tensor<2xf32>\n"
              "  %y = nn.mul %x, %c : (tensor<?x2xf32>, tensor<2xf32>) -> "
              "tensor<?x2xf32>\n  return %y : tensor<?x2xf32>\n}\n"
              "{-#\n  dialect_resources: {\n    builtin: {\n"
              "      w: \"0x040000000000C0BF00000041\"\n    }\n  }\n#-}\n");
  auto emu = model.emulator();
  // The blob holds [-1.5, 8.0].
  CHECK(run(*emu, {2, 3, -4, 0.5f}, 2) == std::vector<float>{-3, 24, 6, 4});
}
