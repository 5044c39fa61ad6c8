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

// -----

// A convolution (window, dense, transpose back to channels first): the
// transpose with perm [0, 3, 1, 2] brings the dense layer's features to
// axis 1, which batch_norm normalizes, so it folds into the dense layer
// (s = [2, 0.5], b' = [0.5, 0] as in @fold_after_dense) and the transpose
// stays, now moving normalized values.

// CHECK-LABEL: func.func @fold_through_transpose
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {bias = dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[2.000000e+00, 4.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.500000e+00, 2.000000e+00]]> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
// CHECK-NOT:     nn.batch_norm
// CHECK:         return %[[T]]
func.func @fold_through_transpose(%x: tensor<?x2x3x4xf32>) -> tensor<?x2x2x3xf32> {
  %d = nn.dense %x {weight = dense<[[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 4.0]]> : tensor<2x4xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
  %scale = nn.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %shift = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %mean = nn.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %var = nn.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %y = nn.batch_norm %t, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<?x2x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x3xf32>
  return %y : tensor<?x2x2x3xf32>
}

// -----

// A static batch of one event (the importer drops it, then restores it with
// a reshape after the transpose): the features go from axis 1 of [2, 3] to
// axis 1 of [1, 2, 3]; s = 4 / sqrt(3 + 1) = 2, b' = (0 - 1) * 2 + 1 = -1.

// CHECK-LABEL: func.func @fold_through_transpose_reshape
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {bias = dense<-1.000000e+00> : tensor<2xf32>, weight = dense<2.000000e+00> : tensor<2x4xf32>} : (tensor<3x4xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[R:.*]] = nn.reshape %[[T]] : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
// CHECK-NOT:     nn.batch_norm
// CHECK:         return %[[R]]
func.func @fold_through_transpose_reshape(%x: tensor<3x4xf32>) -> tensor<1x2x3xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<3x4xf32>) -> tensor<3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %r = nn.reshape %t : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  %one = nn.constant dense<1.0> : tensor<2xf32>
  %three = nn.constant dense<3.0> : tensor<2xf32>
  %four = nn.constant dense<4.0> : tensor<2xf32>
  %y = nn.batch_norm %r, %four, %one, %one, %three {epsilon = 1.0 : f32}
      : (tensor<1x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// The transpose with perm [0, 1, 3, 2] puts another axis (of the same size,
// 2) at 1 and the features at 2: batch_norm would normalize the wrong axis,
// so nothing folds.

// CHECK-LABEL: func.func @transpose_other_axis
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 0, 1, 3, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
// CHECK:         %[[N:.*]] = nn.batch_norm %[[T]]
// CHECK-NEXT:    return %[[N]]
func.func @transpose_other_axis(%x: tensor<?x2x3x4xf32>) -> tensor<?x2x2x3xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 0, 1, 3, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
  %p = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = nn.batch_norm %t, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x2x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x3xf32>
  return %y : tensor<?x2x2x3xf32>
}

// -----

// A reshape that merges the features with another axis: no feature axis to
// normalize, nothing folds.

// CHECK-LABEL: func.func @reshape_merges_features
// CHECK:         nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x4xf32>}
// CHECK:         nn.batch_norm
func.func @reshape_merges_features(%x: tensor<?x3x4xf32>) -> tensor<?x6xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<?x3x4xf32>) -> tensor<?x3x2xf32>
  %r = nn.reshape %d : (tensor<?x3x2xf32>) -> tensor<?x6xf32>
  %p = nn.constant dense<2.0> : tensor<6xf32>
  %y = nn.batch_norm %r, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  return %y : tensor<?x6xf32>
}

// -----

// The transposed, unnormalized result is also returned: folding into the
// dense layer would normalize it too, so nothing folds.

// CHECK-LABEL: func.func @transpose_two_uses
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x4xf32>}
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK:         %[[N:.*]] = nn.batch_norm %[[T]]
// CHECK-NEXT:    return %[[N]], %[[T]]
func.func @transpose_two_uses(%x: tensor<?x2x3x4xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
  %p = nn.constant dense<2.0> : tensor<2xf32>
  %y = nn.batch_norm %t, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x2x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2x2x3xf32>
  return %y, %t : tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>
}
