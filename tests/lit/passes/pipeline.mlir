// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(nn-fold-constants,nn-fold-batchnorm,nn-fuse-activations,nn-remove-dead-code))' -split-input-file | FileCheck %s
// RUN: ariadne-opt %s -nn-optimize -split-input-file | FileCheck %s

// tanh(Linear(x) / 2) as PyTorch exports it: the [out, in] weight is
// transposed for MatMul, the bias added, the result halved. All of it ends
// as one dense layer: weight [[1, 2, 3], [4, 5, 6]] / 2, bias [0.5, -1] / 2.

// CHECK-LABEL: func.func @linear_half_tanh
// CHECK-SAME:    (%[[X:.*]]: tensor<?x3xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"})
// CHECK-NEXT:    %[[D:.*]] = nn.dense %[[X]] {activation = #nn<act tanh>, bias = dense<[2.500000e-01, -5.000000e-01]> : tensor<2xf32>, weight = dense<{{\[}}[5.000000e-01, 1.000000e+00, 1.500000e+00], [2.000000e+00, 2.500000e+00, 3.000000e+00]]> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[D]] : tensor<?x2xf32>
// CHECK-NEXT:  }
func.func @linear_half_tanh(%x: tensor<?x3xf32> {nn.name = "x"}) -> (tensor<?x2xf32> {nn.name = "y"}) {
  %w = nn.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %wt = nn.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %m = nn.matmul %x, %wt : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %b = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %a = nn.add %m, %b : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %two = nn.constant dense<2.0> : tensor<f32>
  %h = nn.div %a, %two : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %y = nn.activation %h {activation = #nn<act tanh>} : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Linear -> BatchNorm1d -> ReLU -> Linear -> Sigmoid: two dense layers.
// BatchNorm: s = [4, 3, 2] / sqrt([3, 0, 15] + 1) = [2, 3, 0.5];
// W1' = rows of W1 times s; b1' = (b1 - mean) * s + shift
//     = [0 * 2 + 0, (1 - 1) * 3 + 0, 2 * 0.5 + 1] = [0, 0, 2].

// CHECK-LABEL: func.func @mlp_batchnorm
// CHECK-NOT:     nn.constant
// CHECK:         %[[H:.*]] = nn.dense %arg0 {activation = #nn<act relu>, bias = dense<[0.000000e+00, 0.000000e+00, 2.000000e+00]> : tensor<3xf32>, weight = dense<{{\[}}[2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 3.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 5.000000e-01, 5.000000e-01]]> : tensor<3x4xf32>} : (tensor<?x4xf32>) -> tensor<?x3xf32>
// CHECK-NEXT:    %[[Y:.*]] = nn.dense %[[H]] {activation = #nn<act sigmoid>, bias = dense<2.500000e-01> : tensor<1xf32>, weight = dense<{{\[}}[1.000000e+00, -1.000000e+00, 5.000000e-01]]> : tensor<1x3xf32>} : (tensor<?x3xf32>) -> tensor<?x1xf32>
// CHECK-NEXT:    return %[[Y]]
func.func @mlp_batchnorm(%x: tensor<?x4xf32>) -> tensor<?x1xf32> {
  %w1 = nn.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<3x4xf32>
  %w1t = nn.transpose %w1 {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  %m1 = nn.matmul %x, %w1t : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %b1 = nn.constant dense<[0.0, 1.0, 2.0]> : tensor<3xf32>
  %l1 = nn.add %b1, %m1 : (tensor<3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %scale = nn.constant dense<[4.0, 3.0, 2.0]> : tensor<3xf32>
  %shift = nn.constant dense<[0.0, 0.0, 1.0]> : tensor<3xf32>
  %mean = nn.constant dense<[0.0, 1.0, 0.0]> : tensor<3xf32>
  %var = nn.constant dense<[3.0, 0.0, 15.0]> : tensor<3xf32>
  %n1 = nn.batch_norm %l1, %scale, %shift, %mean, %var {epsilon = 1.0 : f32}
      : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %r1 = nn.activation %n1 {activation = #nn<act relu>} : tensor<?x3xf32>
  %w2 = nn.constant dense<[[1.0, -1.0, 0.5]]> : tensor<1x3xf32>
  %w2t = nn.transpose %w2 {perm = array<i64: 1, 0>} : (tensor<1x3xf32>) -> tensor<3x1xf32>
  %m2 = nn.matmul %r1, %w2t : (tensor<?x3xf32>, tensor<3x1xf32>) -> tensor<?x1xf32>
  %b2 = nn.constant dense<0.25> : tensor<1xf32>
  %l2 = nn.add %m2, %b2 : (tensor<?x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
  %y = nn.activation %l2 {activation = #nn<act sigmoid>} : tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
