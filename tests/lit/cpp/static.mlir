// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// A model without a batch dimension (as ONNX's conformance models are): one
// event is the whole tensors, so axes and shapes are the model's own. The
// batch norm takes runtime parameters, here graph inputs.

func.func @fixed(%x: tensor<2x3x4xf32>, %m: tensor<4x5xf32>, %scale: tensor<3xf32>, %bias: tensor<3xf32>, %mean: tensor<3xf32>, %var: tensor<3xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x4xf32>) {
  %0 = nn.matmul %x, %m : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32> loc("product")
  %1 = nn.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32> loc("norm")
  return %0, %1 : tensor<2x3x5xf32>, tensor<2x3x4xf32>
}

// The rank-2 right operand broadcasts over the batch dimension of the left.
// CHECK:      // product: nn.matmul, [2x3x4] x [4x5]
// CHECK-NEXT: struct productConfig : ariadne::MatMulConfig {
// CHECK-NEXT:   static constexpr int m = 3;
// CHECK-NEXT:   static constexpr int k = 4;
// CHECK-NEXT:   static constexpr int n = 5;
// CHECK-NEXT:   static constexpr int batchRank = 1;
// CHECK-NEXT:   static constexpr int batchShape[1] = {2};
// CHECK-NEXT:   static constexpr int lhsBatchStrides[1] = {12};
// CHECK-NEXT:   static constexpr int rhsBatchStrides[1] = {0};
// CHECK-NEXT: };

// CHECK:      // norm: nn.batch_norm, event axis 1
// CHECK-NEXT: struct normConfig : ariadne::BatchNormConfig {
// CHECK-NEXT:   static constexpr int outer = 2;
// CHECK-NEXT:   static constexpr int channels = 3;
// CHECK-NEXT:   static constexpr int inner = 4;
// CHECK-NEXT:   static constexpr float epsilon = 1e-05f;
// CHECK-NEXT: };

// Inputs at their offsets in the concatenated event, outputs likewise; no
// intermediate buffer.
// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK-NEXT:   // product: nn.matmul
// CHECK-NEXT:   ariadne::matmul<productConfig, Lanes>(in, in + 24 * Lanes, out);
// CHECK-NEXT:   // norm: nn.batch_norm
// CHECK-NEXT:   ariadne::batchNorm<normConfig, Lanes>(in, in + 44 * Lanes, in + 47 * Lanes, in + 50 * Lanes, in + 53 * Lanes, out + 30 * Lanes);
// CHECK-NEXT: }
