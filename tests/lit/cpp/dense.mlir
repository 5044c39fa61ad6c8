// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// Two dense layers: weights transposed to [K][N] and padded to 16 outputs,
// the fused activation in the config, the hidden layer in the arena and the
// last layer written straight into the output.

func.func @mlp(%x: tensor<?x3xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"}) {
  %h = nn.dense %x {weight = dense<[[1.0, 2.0, 3.0], [-0.5, 0.25, 0.1]]> : tensor<2x3xf32>,
                    bias = dense<[0.5, -1.5]> : tensor<2xf32>,
                    activation = #nn<act tanh>} : (tensor<?x3xf32>) -> tensor<?x2xf32> loc("fc1")
  %y = nn.dense %h {weight = dense<[[4.0, 5.0], [6.0, 7.0]]> : tensor<2x2xf32>,
                    activation = #nn<act leaky_relu>, alpha = 0.01 : f32} : (tensor<?x2xf32>) -> tensor<?x2xf32> loc("fc2")
  return %y : tensor<?x2xf32>
}

// CHECK:      #include "mlp.h"
// CHECK:      #include "ariadne/ariadne.h"

// CHECK:      // fc1: nn.dense, 3 -> 2, tanh
// CHECK-NEXT: alignas(64) const float fc1Weights[3 * 16] = {
// CHECK-NEXT:     1.0f, -0.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     2.0f, 0.25f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     3.0f, 0.1f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT: };
// CHECK-NEXT: alignas(64) const float fc1Bias[16] = {
// CHECK-NEXT:     0.5f, -1.5f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT: };
// CHECK-EMPTY:
// CHECK-NEXT: struct fc1Config : ariadne::DenseConfig {
// CHECK-NEXT:   static constexpr int inFeatures = 3;
// CHECK-NEXT:   static constexpr int outFeatures = 2;
// CHECK-NEXT:   static constexpr int weightStride = 16;
// CHECK-NEXT:   static constexpr const float *weights = fc1Weights;
// CHECK-NEXT:   static constexpr const float *bias = fc1Bias;
// CHECK-NEXT:   static constexpr ariadne::Activation activation = ariadne::Activation::Tanh;
// CHECK-NEXT: };

// The second layer has no bias and a leaky ReLU with its slope.
// CHECK:      // fc2: nn.dense, 2 -> 2, leaky_relu
// CHECK-NEXT: alignas(64) const float fc2Weights[2 * 16] = {
// CHECK-NEXT:     4.0f, 6.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     5.0f, 7.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT: };
// CHECK-EMPTY:
// CHECK-NEXT: struct fc2Config : ariadne::DenseConfig {
// CHECK-NEXT:   static constexpr int inFeatures = 2;
// CHECK-NEXT:   static constexpr int outFeatures = 2;
// CHECK-NEXT:   static constexpr int weightStride = 16;
// CHECK-NEXT:   static constexpr const float *weights = fc2Weights;
// CHECK-NEXT:   static constexpr ariadne::Activation activation = ariadne::Activation::LeakyRelu;
// CHECK-NEXT:   static constexpr float alpha = 0.01f;
// CHECK-NEXT: };

// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK-NEXT:   alignas(64) float arena[Lanes * 16];
// CHECK-NEXT:   // fc1: nn.dense
// CHECK-NEXT:   ariadne::dense<fc1Config, Lanes>(in, arena);
// CHECK-NEXT:   // fc2: nn.dense
// CHECK-NEXT:   ariadne::dense<fc2Config, Lanes>(arena, out);
// CHECK-NEXT: }

// CHECK:      template <class Out> void runBatch(const float *in, Out *out, size_t n) {
// CHECK-NEXT:   constexpr int lanes = ariadne::simd::kBatchLanes;
// CHECK:          run<lanes>(tileIn, tileOut);
// CHECK:          run<1>(in + e * inSize, out + e * outSize);
// CHECK:      extern "C" void mlp(const float *in, float *out) { run<1>(in, out); }
// CHECK:      extern "C" void mlp_batch(const float *in, float *out, size_t n) {
// CHECK-NEXT:   runBatch(in, out, n);
