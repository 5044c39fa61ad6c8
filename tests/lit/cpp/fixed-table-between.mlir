// RUN: ariadnec compile %s --target cpp --precision 'fixed<16,6>' --emit=cpp | FileCheck %s
// RUN: rm -rf %t && ariadnec compile %s --target cuda --precision 'fixed<16,6>' -o %t
// RUN: FileCheck %s --check-prefix=CUDA < %t/mlp.cuh

// On a CPU, a table between two dense layers, each its neighbour's only
// reader, passes from one to the other as its indices: its config is
// written before the first layer's, which names it `Table`, the second
// names it `InTable`, and the table op itself writes nothing. The last
// table, whose result is the model's, stays a lookup of its own. The
// quantize before the first layer writes its values as the int16_t pairs
// that layer multiplies. The CUDA target keeps every table a layer of its
// own and every quantize plain.

func.func @mlp(%x: tensor<?x3xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"}) {
  %h = nn.dense %x {weight = dense<[[1.0, 2.0, 3.0], [-0.5, 0.25, 0.1]]> : tensor<2x3xf32>,
                    bias = dense<[0.5, -1.5]> : tensor<2xf32>,
                    activation = #nn<act tanh>} : (tensor<?x3xf32>) -> tensor<?x2xf32> loc("fc1")
  %g = nn.dense %h {weight = dense<[[4.0, 5.0], [6.0, 7.0]]> : tensor<2x2xf32>,
                    activation = #nn<act tanh>} : (tensor<?x2xf32>) -> tensor<?x2xf32> loc("fc2")
  %y = nn.dense %g {weight = dense<[[1.0, -1.0], [0.5, 2.0]]> : tensor<2x2xf32>,
                    activation = #nn<act tanh>} : (tensor<?x2xf32>) -> tensor<?x2xf32> loc("fc3")
  return %y : tensor<?x2xf32>
}

// CHECK:      struct xConfig : ariadne::fx::QuantizeConfig {
// CHECK:        using OutT = ariadne::fixed<16, 6>;
// CHECK-NEXT:   static constexpr int pairedFeatures = 3;
// CHECK-NEXT: };
// CHECK:      // fc1: fx.table, tanh, !fx.fixed<29, 9> -> !fx.fixed<16, 6>
// CHECK:      struct [[T1:fc1_[0-9]+Config]] : ariadne::fx::TableConfig {
// CHECK:      struct fc1Config : ariadne::fx::DenseConfig {
// CHECK:        static constexpr const std::int64_t *bias = fc1Bias;
// CHECK-NEXT:   using Table = [[T1]];
// CHECK-NEXT:   static constexpr bool inPairs = true;
// CHECK-NEXT: };
// CHECK:      struct [[T2:fc2_[0-9]+Config]] : ariadne::fx::TableConfig {
// CHECK:      struct fc2Config : ariadne::fx::DenseConfig {
// CHECK:        static constexpr const WeightRaw *weights = fc2Weights;
// CHECK-NEXT:   using Table = [[T2]];
// CHECK-NEXT:   using InTable = [[T1]];
// CHECK-NEXT: };
// CHECK:      struct fc3Config : ariadne::fx::DenseConfig {
// CHECK:        using InTable = [[T2]];
// CHECK-NEXT: };
// CHECK:      struct [[T3:fc3_[0-9]+Config]] : ariadne::fx::TableConfig {

// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK:        ariadne::fx::dense<fc1Config, Lanes>(arena, arena + 16 * Lanes);
// CHECK-NEXT:   // fc1: fx.table, computed by the dense layers around it
// CHECK-NEXT:   // fc2: fx.dense
// CHECK-NEXT:   ariadne::fx::dense<fc2Config, Lanes>(arena + 16 * Lanes, arena);
// CHECK-NEXT:   // fc2: fx.table, computed by the dense layers around it
// CHECK-NEXT:   // fc3: fx.dense
// CHECK-NEXT:   ariadne::fx::dense<fc3Config, Lanes>(arena, arena + 16 * Lanes);
// CHECK-NEXT:   // fc3: fx.table
// CHECK-NEXT:   ariadne::fx::table<[[T3]], Lanes>(arena + 16 * Lanes, arena);

// CUDA-NOT:   pairedFeatures
// CUDA-NOT:   inPairs
// CUDA-NOT:   using Table =
// CUDA-NOT:   using InTable =
// CUDA:       ariadne::fx::table<fc1_{{[0-9]+}}Config, Lanes>
// CUDA:       ariadne::fx::table<fc2_{{[0-9]+}}Config, Lanes>
// CUDA:       ariadne::fx::table<fc3_{{[0-9]+}}Config, Lanes>
