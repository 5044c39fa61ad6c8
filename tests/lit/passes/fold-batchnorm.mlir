// RUN: ariadne-opt %s -nn-fold-batchnorm -split-input-file | FileCheck %s

// s = scale / sqrt(var + eps) = [4, 1.5] / sqrt([3, 8] + 1) = [2, 0.5];
// W' = W * s per row = [[2, 4], [1.5, 2]];
// b' = (b - mean) * s + bias = [(1 - 1) * 2 + 0.5, (2 - 0) * 0.5 - 1] = [0.5, 0].

// CHECK-LABEL: func.func @fold_after_dense
// CHECK-NOT:     nn.batch_norm
// CHECK:         %[[D:.*]] = nn.dense %arg0 {bias = dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[2.000000e+00, 4.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK-NOT:     nn.batch_norm
// CHECK:         return %[[D]]
func.func @fold_after_dense(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %scale = nn.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %shift = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = nn.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = nn.batch_norm %d, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Without a bias the dense layer gets one: b' = -mean * s + bias.
// s = 1 / sqrt(2) is computed in double and rounded once to the nearest
// float, 0.707106769; -2 * s + 1 = -0.41421356237... rounds once to
// -0.414213568, one ulp from the -0.414213538 that a float32 evaluation step
// by step gives.

// CHECK-LABEL: func.func @fold_no_bias
// CHECK:         nn.dense %arg0 {bias = dense<[-0.414213568, 4.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[0.707106769, 0.000000e+00, 0.707106769], [2.000000e+00, 2.000000e+00, 2.000000e+00]]> : tensor<2x3xf32>} : (tensor<8x3xf32>) -> tensor<8x2xf32>
// CHECK-NOT:     nn.batch_norm
func.func @fold_no_bias(%x: tensor<8x3xf32>) -> tensor<8x2xf32> {
  %d = nn.dense %x {weight = dense<[[1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]> : tensor<2x3xf32>} : (tensor<8x3xf32>) -> tensor<8x2xf32>
  %scale = nn.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %shift = nn.constant dense<[1.0, 5.0]> : tensor<2xf32>
  %mean = nn.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %var = nn.constant dense<[2.0, 0.25]> : tensor<2xf32>
  %y = nn.batch_norm %d, %scale, %shift, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<8x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<8x2xf32>
  return %y : tensor<8x2xf32>
}

// -----

// A fused activation comes before the normalization.

// CHECK-LABEL: func.func @dense_with_activation
// CHECK:         %[[D:.*]] = nn.dense %arg0 {activation = #nn<act relu>, weight = dense<1.000000e+00> : tensor<2x2xf32>}
// CHECK:         nn.batch_norm %[[D]]
func.func @dense_with_activation(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>, activation = #nn<act relu>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %y = nn.batch_norm %d, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// The unnormalized dense result is also returned.

// CHECK-LABEL: func.func @dense_two_uses
// CHECK:         %[[D:.*]] = nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x2xf32>}
// CHECK:         %[[N:.*]] = nn.batch_norm %[[D]]
// CHECK:         return %[[N]], %[[D]]
func.func @dense_two_uses(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %y = nn.batch_norm %d, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y, %d : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Runtime parameters, and an input that is not a dense layer.

// CHECK-LABEL: func.func @not_foldable
// CHECK:         nn.dense
// CHECK-COUNT-2: nn.batch_norm
func.func @not_foldable(%x: tensor<?x2xf32>, %mean: tensor<2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %y = nn.batch_norm %d, %p, %p, %mean, %p {epsilon = 0.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %z = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y, %z : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// On a rank-3 dense result, axis 1 is not the feature axis.

// CHECK-LABEL: func.func @rank3_dense
// CHECK:         nn.batch_norm
func.func @rank3_dense(%x: tensor<4x3x2xf32>) -> tensor<4x3x3xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<3x2xf32>} : (tensor<4x3x2xf32>) -> tensor<4x3x3xf32>
  %p = nn.constant dense<1.0> : tensor<3xf32>
  %y = nn.batch_norm %d, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<4x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3x3xf32>
  return %y : tensor<4x3x3xf32>
}

// -----

// A zero variance with a zero epsilon divides by zero at runtime; folding
// would put infinities into the weights.

// CHECK-LABEL: func.func @zero_variance
// CHECK:         nn.batch_norm
func.func @zero_variance(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %p = nn.constant dense<1.0> : tensor<2xf32>
  %var = nn.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %y = nn.batch_norm %d, %p, %p, %p, %var {epsilon = 0.0 : f32}
      : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Two normalizations in a row fold one after the other:
// s1 = 2 / sqrt(0 + 1) = 2, then s2 = 3 / sqrt(8 + 1) = 1; b' = ((0 - 0) * 2 + 1 - 1) * 1 + 0.5.

// CHECK-LABEL: func.func @two_in_a_row
// CHECK:         nn.dense %arg0 {bias = dense<5.000000e-01> : tensor<1xf32>, weight = dense<2.000000e+00> : tensor<1x1xf32>}
// CHECK-NEXT:    return
func.func @two_in_a_row(%x: tensor<?x1xf32>) -> tensor<?x1xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<1x1xf32>} : (tensor<?x1xf32>) -> tensor<?x1xf32>
  %zero = nn.constant dense<0.0> : tensor<1xf32>
  %one = nn.constant dense<1.0> : tensor<1xf32>
  %two = nn.constant dense<2.0> : tensor<1xf32>
  %three = nn.constant dense<3.0> : tensor<1xf32>
  %eight = nn.constant dense<8.0> : tensor<1xf32>
  %half = nn.constant dense<0.5> : tensor<1xf32>
  %y = nn.batch_norm %d, %two, %one, %zero, %zero {epsilon = 1.0 : f32}
      : (tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  %z = nn.batch_norm %y, %three, %half, %one, %eight {epsilon = 1.0 : f32}
      : (tensor<?x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  return %z : tensor<?x1xf32>
}
