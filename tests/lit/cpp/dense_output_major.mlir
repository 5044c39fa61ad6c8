// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// A layer with one output and twenty inputs keeps PyTorch's [N][K] layout,
// each row padded to whole vectors: one event is a dot product along k.

func.func @score(%x: tensor<?x20xf32>) -> tensor<?x1xf32> {
  %y = nn.dense %x {weight = dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0]]> : tensor<1x20xf32>,
                    bias = dense<[-0.25]> : tensor<1xf32>,
                    activation = #nn<act sigmoid>} : (tensor<?x20xf32>) -> tensor<?x1xf32> loc("head")
  return %y : tensor<?x1xf32>
}

// CHECK:      // head: nn.dense, 20 -> 1, sigmoid
// CHECK-NEXT: alignas(64) const float headWeights[32] = {
// CHECK-NEXT:     1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f,
// CHECK-NEXT:     9.0f, 10.0f, 11.0f, 12.0f, 13.0f, 14.0f, 15.0f, 16.0f,
// CHECK-NEXT:     17.0f, 18.0f, 19.0f, 20.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT: };
// CHECK-NEXT: alignas(64) const float headBias[16] = {
// CHECK-NEXT:     -0.25f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT:     0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
// CHECK-NEXT: };
// CHECK-EMPTY:
// CHECK-NEXT: struct headConfig : ariadne::DenseConfig {
// CHECK-NEXT:   static constexpr int inFeatures = 20;
// CHECK-NEXT:   static constexpr int outFeatures = 1;
// CHECK-NEXT:   static constexpr bool outputMajor = true;
// CHECK-NEXT:   static constexpr int weightStride = 32;
// CHECK-NEXT:   static constexpr const float *weights = headWeights;
// CHECK-NEXT:   static constexpr const float *bias = headBias;
// CHECK-NEXT:   static constexpr ariadne::Activation activation = ariadne::Activation::Sigmoid;
// CHECK-NEXT: };

// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK-NEXT:   // head: nn.dense
// CHECK-NEXT:   ariadne::dense<headConfig, Lanes>(in, out);
// CHECK-NEXT: }
