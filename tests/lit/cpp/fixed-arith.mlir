// RUN: ariadnec compile %s --target cpp --precision 'fixed<8,3>' --emit=cpp | FileCheck %s

// Two activations in fixed point: a sum with a gate broadcast over the
// features (stride 0), a product, and a matrix product of two activations
// into its exact accumulator, each followed by one cast.

func.func @arith(%a: tensor<?x2x3xf32>, %g: tensor<?x2x1xf32>, %b: tensor<?x3x2xf32>) -> tensor<?x2x2xf32> {
  %s = nn.add %a, %g : (tensor<?x2x3xf32>, tensor<?x2x1xf32>) -> tensor<?x2x3xf32> loc("residual")
  %m = nn.mul %s, %a : (tensor<?x2x3xf32>, tensor<?x2x3xf32>) -> tensor<?x2x3xf32> loc("gate")
  %p = nn.matmul %m, %b : (tensor<?x2x3xf32>, tensor<?x3x2xf32>) -> tensor<?x2x2xf32> loc("scores")
  return %p : tensor<?x2x2xf32>
}

// CHECK:      // residual: fx.add, [2x3], [2x1] -> [2x3], !fx.fixed<8, 3> -> !fx.fixed<9, 4>
// CHECK-NEXT: struct residualConfig : ariadne::fx::ArithConfig {
// CHECK-NEXT:   static constexpr ariadne::ArithKind kind = ariadne::ArithKind::Add;
// CHECK-NEXT:   using LhsT = ariadne::fixed<8, 3>;
// CHECK-NEXT:   using RhsT = ariadne::fixed<8, 3>;
// CHECK-NEXT:   static constexpr int rank = 2;
// CHECK-NEXT:   static constexpr int shape[2] = {2, 3};
// CHECK-NEXT:   static constexpr int lhsStrides[2] = {3, 1};
// CHECK-NEXT:   static constexpr int rhsStrides[2] = {1, 0};
// CHECK-NEXT: };

// CHECK:      // gate: fx.mul, [2x3], [2x3] -> [2x3], !fx.fixed<8, 3> -> !fx.fixed<16, 6>
// CHECK:        static constexpr ariadne::ArithKind kind = ariadne::ArithKind::Mul;

// K = 3 products of fixed<8,3> raw values lie in [-16256, 16384]: the
// exact accumulator has 17 bits, 10 of them fractional.
// CHECK:      // scores: fx.matmul, [2x3] x [3x2], !fx.fixed<8, 3> -> !fx.fixed<17, 7>
// CHECK-NEXT: struct scoresConfig : ariadne::fx::MatMulConfig {
// CHECK-NEXT:   static constexpr int m = 2;
// CHECK-NEXT:   static constexpr int k = 3;
// CHECK-NEXT:   static constexpr int n = 2;
// CHECK-NEXT:   static constexpr int batchRank = 1;
// CHECK-NEXT:   static constexpr int batchShape[1] = {1};
// CHECK-NEXT:   static constexpr int lhsBatchStrides[1] = {0};
// CHECK-NEXT:   static constexpr int rhsBatchStrides[1] = {0};
// CHECK-NEXT:   using LhsT = ariadne::fixed<8, 3>;
// CHECK-NEXT:   using RhsT = ariadne::fixed<8, 3>;
// CHECK-NEXT:   using AccT = ariadne::fixed<17, 7>;
// CHECK-NEXT: };

// CHECK:      ariadne::fx::arith<residualConfig, Lanes>(
// CHECK:      ariadne::fx::arith<gateConfig, Lanes>(
// CHECK:      ariadne::fx::matmul<scoresConfig, Lanes>(
