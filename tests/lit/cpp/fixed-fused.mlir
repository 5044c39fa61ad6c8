// RUN: ariadnec compile %s --target cpp --precision 'fixed<8,3,RND,SAT>' --emit=cpp | FileCheck %s

// A dense layer takes in the cast and the ReLU that alone read its result:
// its config names the cast's type and the ReLU, and the two ops write
// nothing (their results are the dense layer's buffer). Without the ReLU,
// the cast alone.

func.func @mlp(%x: tensor<?x3xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"}) {
  %h = nn.dense %x {weight = dense<[[1.0, 2.0, 3.0], [-0.5, 0.25, 0.1]]> : tensor<2x3xf32>,
                    bias = dense<[0.5, -1.5]> : tensor<2xf32>,
                    activation = #nn<act relu>} : (tensor<?x3xf32>) -> tensor<?x2xf32> loc("fc1")
  %y = nn.dense %h {weight = dense<[[4.0, 5.0], [6.0, 7.0]]> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32> loc("fc2")
  return %y : tensor<?x2xf32>
}

// CHECK:      struct fc1Config : ariadne::fx::DenseConfig {
// CHECK:        using AccT = ariadne::fixed<16, 6>;
// CHECK:        static constexpr const std::int64_t *bias = fc1Bias;
// CHECK-NEXT:   using OutT = ariadne::fixed<8, 3, ariadne::RND, ariadne::SAT>;
// CHECK-NEXT:   static constexpr bool relu = true;
// CHECK-NEXT:   static constexpr bool inPairs = true;
// CHECK-NEXT: };

// CHECK:      struct fc2Config : ariadne::fx::DenseConfig {
// CHECK:        static constexpr const WeightRaw *weights = fc2Weights;
// CHECK-NEXT:   using OutT = ariadne::fixed<8, 3, ariadne::RND, ariadne::SAT>;
// CHECK-NEXT: };

// CHECK-NOT:  CastConfig
// CHECK-NOT:  ReluConfig
// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK:        ariadne::fx::dense<fc1Config, Lanes>(arena, arena + 16 * Lanes);
// CHECK-NEXT:   // fc1: fx.cast, computed by the dense layer before it
// CHECK-NEXT:   // fc1: fx.relu, computed by the dense layer before it
// CHECK-NEXT:   // fc2: fx.dense
// CHECK-NEXT:   ariadne::fx::dense<fc2Config, Lanes>(arena + 16 * Lanes, arena);
// CHECK-NEXT:   // fc2: fx.cast, computed by the dense layer before it
// CHECK-NEXT:   // y: fx.dequantize
// CHECK-NEXT:   ariadne::fx::output<yConfig, Lanes>(arena, out);
