// RUN: ariadne-opt %s -nn-fuse-activations -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @fuse_tanh
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {activation = #nn<act tanh>, bias = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[D]]
func.func @fuse_tanh(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = nn.activation %d {activation = #nn<act tanh>} : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// The activation's parameters travel with it.

// CHECK-LABEL: func.func @fuse_with_parameters
// CHECK-NEXT:    %[[A:.*]] = nn.dense %arg0 {activation = #nn<act leaky_relu>, alpha = 1.250000e-01 : f32, weight = {{.*}}} : (tensor<?x3xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    %[[B:.*]] = nn.dense %[[A]] {activation = #nn<act clip>, alpha = -1.000000e+00 : f32, beta = 6.000000e+00 : f32, weight = {{.*}}} : (tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    %[[C:.*]] = nn.dense %[[B]] {activation = #nn<act hard_sigmoid>, alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32, weight = {{.*}}} : (tensor<?x4xf32>) -> tensor<?x1xf32>
// CHECK-NEXT:    return %[[C]]
func.func @fuse_with_parameters(%x: tensor<?x3xf32>) -> tensor<?x1xf32> {
  %d1 = nn.dense %x {weight = dense<1.0> : tensor<4x3xf32>} : (tensor<?x3xf32>) -> tensor<?x4xf32>
  %a1 = nn.activation %d1 {activation = #nn<act leaky_relu>, alpha = 0.125 : f32} : tensor<?x4xf32>
  %d2 = nn.dense %a1 {weight = dense<1.0> : tensor<4x4xf32>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %a2 = nn.activation %d2 {activation = #nn<act clip>, alpha = -1.0 : f32, beta = 6.0 : f32} : tensor<?x4xf32>
  %d3 = nn.dense %a2 {weight = dense<1.0> : tensor<1x4xf32>} : (tensor<?x4xf32>) -> tensor<?x1xf32>
  %a3 = nn.activation %d3 {activation = #nn<act hard_sigmoid>, alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<?x1xf32>
  return %a3 : tensor<?x1xf32>
}

// -----

// A dense layer that already has an activation cannot take a second one.

// CHECK-LABEL: func.func @already_activated
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {activation = #nn<act relu>, weight = {{.*}}}
// CHECK-NEXT:    %[[Y:.*]] = nn.activation %[[D]] {activation = #nn<act sigmoid>}
// CHECK-NEXT:    return %[[Y]]
func.func @already_activated(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>, activation = #nn<act relu>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = nn.activation %d {activation = #nn<act sigmoid>} : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// The affine result is also returned, so it must stay as it is.

// CHECK-LABEL: func.func @dense_two_uses
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = {{.*}}}
// CHECK-NEXT:    %[[Y:.*]] = nn.activation %[[D]] {activation = #nn<act relu>}
// CHECK-NEXT:    return %[[Y]], %[[D]]
func.func @dense_two_uses(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = nn.activation %d {activation = #nn<act relu>} : tensor<?x2xf32>
  return %y, %d : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Two activations on one dense layer: neither fuses.

// CHECK-LABEL: func.func @two_activations
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = {{.*}}}
// CHECK-NEXT:    nn.activation %[[D]] {activation = #nn<act relu>}
// CHECK-NEXT:    nn.activation %[[D]] {activation = #nn<act tanh>}
func.func @two_activations(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = nn.activation %d {activation = #nn<act relu>} : tensor<?x2xf32>
  %z = nn.activation %d {activation = #nn<act tanh>} : tensor<?x2xf32>
  return %y, %z : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Activations of anything but a dense layer stay.

// CHECK-LABEL: func.func @not_after_dense
// CHECK-NEXT:    %[[A:.*]] = nn.add %arg0, %arg0
// CHECK-NEXT:    nn.activation %[[A]] {activation = #nn<act softsign>}
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act relu>}
func.func @not_after_dense(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %a = nn.add %x, %x : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = nn.activation %a {activation = #nn<act softsign>} : tensor<?x2xf32>
  %z = nn.activation %x {activation = #nn<act relu>} : tensor<?x2xf32>
  return %y, %z : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A convolution (window, dense, transpose back to channels first): an
// element-wise activation commutes with the transpose, so it fuses into the
// dense layer and the transpose stays, now moving activated values.

// CHECK-LABEL: func.func @fuse_through_transpose
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {activation = #nn<act relu>, bias = dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>, weight = dense<1.000000e+00> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
// CHECK-NEXT:    return %[[T]]
func.func @fuse_through_transpose(%x: tensor<?x2x3x4xf32>) -> tensor<?x2x2x3xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>, bias = dense<[1.0, -2.0]> : tensor<2xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
  %y = nn.activation %t {activation = #nn<act relu>} : tensor<?x2x2x3xf32>
  return %y : tensor<?x2x2x3xf32>
}

// -----

// Through the transpose and the reshape that restores a static batch of one.

// CHECK-LABEL: func.func @fuse_through_transpose_reshape
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {activation = #nn<act leaky_relu>, alpha = 1.250000e-01 : f32, weight = dense<1.000000e+00> : tensor<2x4xf32>} : (tensor<3x4xf32>) -> tensor<3x2xf32>
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
// CHECK-NEXT:    %[[R:.*]] = nn.reshape %[[T]] : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
// CHECK-NEXT:    return %[[R]]
func.func @fuse_through_transpose_reshape(%x: tensor<3x4xf32>) -> tensor<1x2x3xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<3x4xf32>) -> tensor<3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %r = nn.reshape %t : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  %y = nn.activation %r {activation = #nn<act leaky_relu>, alpha = 0.125 : f32} : tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// The transposed affine result is also returned, so it must stay as it is.

// CHECK-LABEL: func.func @transpose_two_uses
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x4xf32>}
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %[[D]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT:    %[[Y:.*]] = nn.activation %[[T]] {activation = #nn<act relu>}
// CHECK-NEXT:    return %[[Y]], %[[T]]
func.func @transpose_two_uses(%x: tensor<?x2x3x4xf32>) -> (tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x4xf32>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x3x2xf32>
  %t = nn.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x3x2xf32>) -> tensor<?x2x2x3xf32>
  %y = nn.activation %t {activation = #nn<act relu>} : tensor<?x2x2x3xf32>
  return %y, %t : tensor<?x2x2x3xf32>, tensor<?x2x2x3xf32>
}
