// RUN: ariadne-opt %s -nn-fold-constants -split-input-file | FileCheck %s

// Binary ops on constants fold to one constant; values are computed in
// double and rounded once to f32: 1/3 becomes the nearest float,
// 0.3333333432674408, which prints with nine digits as 0.333333343 (a double
// would print 0.33333333333333331).

// CHECK-LABEL: func.func @fold_binary
// CHECK-DAG:     %[[SUM:.*]] = nn.constant dense<[1.750000e+00, 2.250000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[THIRD:.*]] = nn.constant dense<0.333333343> : tensor<f32>
// CHECK-DAG:     %[[GRID:.*]] = nn.constant dense<{{\[}}[1.000000e+01, 2.000000e+01, 3.000000e+01], [-1.000000e+00, -2.000000e+00, -3.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT:     nn.add
// CHECK-NOT:     nn.div
// CHECK-NOT:     nn.mul
// CHECK:         return %[[SUM]], %[[THIRD]], %[[GRID]]
func.func @fold_binary() -> (tensor<2xf32>, tensor<f32>, tensor<2x3xf32>) {
  %a = nn.constant dense<[1.5, 2.0]> : tensor<2xf32>
  %b = nn.constant dense<0.25> : tensor<1xf32>
  %sum = nn.add %a, %b : (tensor<2xf32>, tensor<1xf32>) -> tensor<2xf32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %three = nn.constant dense<3.0> : tensor<f32>
  %third = nn.div %one, %three : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %col = nn.constant dense<[[10.0], [-1.0]]> : tensor<2x1xf32>
  %row = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %grid = nn.mul %col, %row : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %sum, %third, %grid : tensor<2xf32>, tensor<f32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sub_max_min
// CHECK-DAG:     nn.constant dense<[-1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-DAG:     nn.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     nn.constant dense<[1.000000e+00, 2.500000e+00]> : tensor<2xf32>
// CHECK-NOT:     nn.sub
// CHECK-NOT:     nn.max
// CHECK-NOT:     nn.min
func.func @fold_sub_max_min() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = nn.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %b = nn.constant dense<[2.0, 2.5]> : tensor<2xf32>
  %d = nn.sub %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %hi = nn.max %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %lo = nn.min %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %d, %hi, %lo : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// max and min propagate NaN whichever side it is on.

// CHECK-LABEL: func.func @fold_max_min_nan
// CHECK-NEXT:    %[[NAN:.*]] = nn.constant dense<0x7FC00000> : tensor<2xf32>
// CHECK-NEXT:    return %[[NAN]], %[[NAN]], %[[NAN]], %[[NAN]]
func.func @fold_max_min_nan() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %nan = nn.constant dense<0x7FC00000> : tensor<2xf32>
  %one = nn.constant dense<1.0> : tensor<2xf32>
  %a = nn.max %nan, %one : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %b = nn.max %one, %nan : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c = nn.min %nan, %one : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %d = nn.min %one, %nan : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %a, %b, %c, %d : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// An operand that is not a constant keeps the op.

// CHECK-LABEL: func.func @no_fold_runtime_operand
// CHECK:         nn.add %arg0, %{{.*}}
func.func @no_fold_runtime_operand(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %b = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = nn.add %x, %b : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reshape_transpose_of_constant
// CHECK-DAG:     nn.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG:     nn.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NOT:     nn.reshape
// CHECK-NOT:     nn.transpose
func.func @fold_reshape_transpose_of_constant() -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %c = nn.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>
  %r = nn.reshape %c : (tensor<6xf32>) -> tensor<2x3xf32>
  %s = nn.reshape %c : (tensor<6xf32>) -> tensor<3x2xf32>
  %t = nn.transpose %s {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %r, %t : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @identity_reshape_transpose
// CHECK-NOT:     nn.reshape
// CHECK-NOT:     nn.transpose
// CHECK:         return %arg0
func.func @identity_reshape_transpose(%x: tensor<?x4x5xf32>) -> tensor<?x4x5xf32> {
  %r = nn.reshape %x : (tensor<?x4x5xf32>) -> tensor<?x4x5xf32>
  %t = nn.transpose %r {perm = array<i64: 0, 1, 2>} : (tensor<?x4x5xf32>) -> tensor<?x4x5xf32>
  return %t : tensor<?x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @merge_reshapes
// CHECK-NEXT:    %[[R:.*]] = nn.reshape %arg0 : (tensor<?x2x6xf32>) -> tensor<?x3x4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @merge_reshapes(%x: tensor<?x2x6xf32>) -> tensor<?x3x4xf32> {
  %a = nn.reshape %x : (tensor<?x2x6xf32>) -> tensor<?x12xf32>
  %b = nn.reshape %a : (tensor<?x12xf32>) -> tensor<?x3x4xf32>
  return %b : tensor<?x3x4xf32>
}

// -----

// A reshape chain that comes back to the input type disappears.

// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-NEXT:    return %arg0
func.func @reshape_round_trip(%x: tensor<?x2x6xf32>) -> tensor<?x2x6xf32> {
  %a = nn.reshape %x : (tensor<?x2x6xf32>) -> tensor<?x12xf32>
  %b = nn.reshape %a : (tensor<?x12xf32>) -> tensor<?x2x6xf32>
  return %b : tensor<?x2x6xf32>
}

// -----

// The composed permutation: output dim i of the second transpose is input
// dim first[second[i]] = [0, 2, 3, 1][[0, 3, 2, 1][i]] = [0, 1, 3, 2].

// CHECK-LABEL: func.func @merge_transposes
// CHECK-NEXT:    %[[T:.*]] = nn.transpose %arg0 {perm = array<i64: 0, 1, 3, 2>} : (tensor<?x2x3x4xf32>) -> tensor<?x2x4x3xf32>
// CHECK-NEXT:    return %[[T]]
func.func @merge_transposes(%x: tensor<?x2x3x4xf32>) -> tensor<?x2x4x3xf32> {
  %a = nn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<?x2x3x4xf32>) -> tensor<?x3x4x2xf32>
  %b = nn.transpose %a {perm = array<i64: 0, 3, 2, 1>} : (tensor<?x3x4x2xf32>) -> tensor<?x2x4x3xf32>
  return %b : tensor<?x2x4x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_round_trip
// CHECK-NEXT:    return %arg0
func.func @transpose_round_trip(%x: tensor<?x3x4xf32>) -> tensor<?x3x4xf32> {
  %a = nn.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<?x3x4xf32>) -> tensor<?x4x3xf32>
  %b = nn.transpose %a {perm = array<i64: 0, 2, 1>} : (tensor<?x4x3xf32>) -> tensor<?x3x4xf32>
  return %b : tensor<?x3x4xf32>
}

// -----

// The [K, N] = [3, 2] right-hand side becomes a [2, 3] weight.

// CHECK-LABEL: func.func @matmul_to_dense
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {weight = dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[D]]
func.func @matmul_to_dense(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %w = nn.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %y = nn.matmul %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_rank3_to_dense
// CHECK-NEXT:    nn.dense %arg0 {weight = dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>} : (tensor<?x5x2xf32>) -> tensor<?x5x2xf32>
func.func @matmul_rank3_to_dense(%x: tensor<?x5x2xf32>) -> tensor<?x5x2xf32> {
  %w = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = nn.matmul %x, %w : (tensor<?x5x2xf32>, tensor<2x2xf32>) -> tensor<?x5x2xf32>
  return %y : tensor<?x5x2xf32>
}

// -----

// Not a dense layer: a runtime right-hand side, a rank-1 left-hand side, a
// batched constant right-hand side.

// CHECK-LABEL: func.func @matmul_stays
// CHECK-NOT:     nn.dense
// CHECK-COUNT-3: nn.matmul
// CHECK-NOT:     nn.dense
func.func @matmul_stays(%x: tensor<?x3xf32>, %y: tensor<3x2xf32>, %v: tensor<3xf32>, %z: tensor<4x5x3xf32>)
    -> (tensor<?x2xf32>, tensor<2xf32>, tensor<4x5x2xf32>) {
  %a = nn.matmul %x, %y : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %w = nn.constant dense<1.0> : tensor<3x2xf32>
  %b = nn.matmul %v, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  %w3 = nn.constant dense<1.0> : tensor<4x3x2xf32>
  %c = nn.matmul %z, %w3 : (tensor<4x5x3xf32>, tensor<4x3x2xf32>) -> tensor<4x5x2xf32>
  return %a, %b, %c : tensor<?x2xf32>, tensor<2xf32>, tensor<4x5x2xf32>
}

// -----

// Bias shapes along the last axis: [N], [1, N] and a scalar, on either side;
// an existing bias accumulates.

// CHECK-LABEL: func.func @add_bias
// CHECK-NEXT:    %[[A:.*]] = nn.dense %arg0 {bias = dense<[5.000000e-01, -1.000000e+00]> : tensor<2xf32>, weight = {{.*}}} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    %[[B:.*]] = nn.dense %arg0 {bias = dense<[1.500000e+00, 2.500000e+00]> : tensor<2xf32>, weight = {{.*}}} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    %[[C:.*]] = nn.dense %arg0 {bias = dense<[3.250000e+00, 4.250000e+00]> : tensor<2xf32>, weight = {{.*}}} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[A]], %[[B]], %[[C]]
func.func @add_bias(%x: tensor<?x3xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %d1 = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b1 = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y1 = nn.add %d1, %b1 : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %d2 = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b2 = nn.constant dense<[[0.5, 0.5]]> : tensor<1x2xf32>
  %y2 = nn.add %b2, %d2 : (tensor<1x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %d3 = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b3 = nn.constant dense<2.25> : tensor<f32>
  %y3 = nn.add %d3, %b3 : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  return %y1, %y2, %y3 : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A rank-3 dense result takes a [1, 1, N] bias.

// CHECK-LABEL: func.func @add_bias_rank3
// CHECK-NEXT:    nn.dense %arg0 {bias = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>, weight = {{.*}}} : (tensor<?x4x3xf32>) -> tensor<?x4x2xf32>
// CHECK-NEXT:    return
func.func @add_bias_rank3(%x: tensor<?x4x3xf32>) -> tensor<?x4x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<?x4x3xf32>) -> tensor<?x4x2xf32>
  %b = nn.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %y = nn.add %d, %b : (tensor<?x4x2xf32>, tensor<1x1x2xf32>) -> tensor<?x4x2xf32>
  return %y : tensor<?x4x2xf32>
}

// -----

// The dense result has a second user that needs it without the bias.

// CHECK-LABEL: func.func @add_dense_two_uses
// CHECK:         %[[D:.*]] = nn.dense %arg0 {weight = {{.*}}}
// CHECK:         %[[Y:.*]] = nn.add %[[D]], %{{.*}}
// CHECK:         return %[[Y]], %[[D]]
func.func @add_dense_two_uses(%x: tensor<?x3xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = nn.add %d, %b : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y, %d : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A constant along the event axis ([B, 1]) is not a bias.

// CHECK-LABEL: func.func @add_not_last_axis
// CHECK:         %[[D:.*]] = nn.dense %arg0 {weight = {{.*}}}
// CHECK:         nn.add %[[D]], %{{.*}} : (tensor<4x2xf32>, tensor<4x1xf32>)
func.func @add_not_last_axis(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<4x3xf32>) -> tensor<4x2xf32>
  %b = nn.constant dense<[[1.0], [2.0], [3.0], [4.0]]> : tensor<4x1xf32>
  %y = nn.add %d, %b : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A [1, 1, N] constant on a rank-2 dense result broadcasts it to rank 3.

// CHECK-LABEL: func.func @add_grows_rank
// CHECK:         nn.add %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<1x1x2xf32>) -> tensor<1x4x2xf32>
func.func @add_grows_rank(%x: tensor<4x3xf32>) -> tensor<1x4x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<4x3xf32>) -> tensor<4x2xf32>
  %b = nn.constant dense<[[[1.0, 2.0]]]> : tensor<1x1x2xf32>
  %y = nn.add %d, %b : (tensor<4x2xf32>, tensor<1x1x2xf32>) -> tensor<1x4x2xf32>
  return %y : tensor<1x4x2xf32>
}

// -----

// A fused activation comes before the addition: nothing to fold.

// CHECK-LABEL: func.func @add_after_activation
// CHECK:         %[[D:.*]] = nn.dense %arg0 {activation = #nn<act relu>, weight = {{.*}}}
// CHECK:         nn.add %[[D]]
func.func @add_after_activation(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>, activation = #nn<act relu>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b = nn.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %y = nn.add %d, %b : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// dense - c lowers the bias; c - dense negates the weights.

// CHECK-LABEL: func.func @sub_constant
// CHECK-NEXT:    %[[A:.*]] = nn.dense %arg0 {bias = dense<[7.500000e-01, 1.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>}
// CHECK-NEXT:    %[[B:.*]] = nn.dense %arg0 {bias = dense<[-7.500000e-01, -1.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[-1.000000e+00, -2.000000e+00], [-3.000000e+00, -4.000000e+00]]> : tensor<2x2xf32>}
// CHECK-NEXT:    return %[[A]], %[[B]]
func.func @sub_constant(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d1 = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %c = nn.constant dense<[0.25, 1.0]> : tensor<2xf32>
  %y1 = nn.sub %d1, %c : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %d2 = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %y2 = nn.sub %c, %d2 : (tensor<2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  return %y1, %y2 : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A per-feature scale multiplies weight rows and bias; without a bias none
// appears.

// CHECK-LABEL: func.func @mul_constant
// CHECK-NEXT:    %[[A:.*]] = nn.dense %arg0 {bias = dense<[2.000000e+00, -6.000000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[2.000000e+00, 4.000000e+00], [-9.000000e+00, -1.200000e+01]]> : tensor<2x2xf32>}
// CHECK-NEXT:    %[[B:.*]] = nn.dense %arg0 {weight = dense<{{\[}}[5.000000e-01, 1.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>}
// CHECK-NEXT:    return %[[A]], %[[B]]
func.func @mul_constant(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d1 = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %c = nn.constant dense<[[2.0, -3.0]]> : tensor<1x2xf32>
  %y1 = nn.mul %c, %d1 : (tensor<1x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %d2 = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %h = nn.constant dense<0.5> : tensor<f32>
  %y2 = nn.mul %d2, %h : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  return %y1, %y2 : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Division by a constant scales like multiplication; 1/3 and 4/3 round once
// to the nearest floats 0.333333343 and 1.33333337.

// CHECK-LABEL: func.func @div_constant
// CHECK-NEXT:    nn.dense %arg0 {bias = dense<[5.000000e-01, 0.333333343]> : tensor<2xf32>, weight = dense<{{\[}}[5.000000e-01, 1.000000e+00], [1.000000e+00, 1.33333337]]> : tensor<2x2xf32>}
// CHECK-NEXT:    return
func.func @div_constant(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %d = nn.dense %x {weight = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, bias = dense<[1.0, 1.0]> : tensor<2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %c = nn.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %y = nn.div %d, %c : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// c / dense is not affine and a division by zero stays a runtime division.

// CHECK-LABEL: func.func @div_stays
// CHECK:         nn.div %{{.*}}, %{{.*}} : (tensor<2xf32>, tensor<?x2xf32>)
// CHECK:         nn.div %{{.*}}, %{{.*}} : (tensor<?x2xf32>, tensor<2xf32>)
func.func @div_stays(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %d1 = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %c = nn.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %y1 = nn.div %c, %d1 : (tensor<2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %d2 = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %z = nn.constant dense<[2.0, 0.0]> : tensor<2xf32>
  %y2 = nn.div %d2, %z : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y1, %y2 : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// PyTorch's Linear exported as MatMul + Add, scaled by 1/2: one dense layer.
// Weight [[1, 2], [3, 4]]^T = [[1, 3], [2, 4]], halved; bias [1, -3] halved.

// CHECK-LABEL: func.func @linear_chain
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0 {bias = dense<[5.000000e-01, -1.500000e+00]> : tensor<2xf32>, weight = dense<{{\[}}[5.000000e-01, 1.500000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[D]]
func.func @linear_chain(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = nn.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %m = nn.matmul %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %b = nn.constant dense<[1.0, -3.0]> : tensor<2xf32>
  %a = nn.add %b, %m : (tensor<2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %two = nn.constant dense<2.0> : tensor<f32>
  %y = nn.div %a, %two : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// PyTorch's nn.Softsign exported as x / (1 + abs(x)), either add order.

// CHECK-LABEL: func.func @softsign
// CHECK-NEXT:    %[[A:.*]] = nn.activation %arg0 {activation = #nn<act softsign>{{.*}}} : tensor<?x3xf32>
// CHECK-NEXT:    %[[B:.*]] = nn.activation %arg0 {activation = #nn<act softsign>{{.*}}} : tensor<?x3xf32>
// CHECK-NEXT:    return %[[A]], %[[B]]
func.func @softsign(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %abs = nn.activation %x {activation = #nn<act abs>} : tensor<?x3xf32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %d1 = nn.add %abs, %one : (tensor<?x3xf32>, tensor<f32>) -> tensor<?x3xf32>
  %y1 = nn.div %x, %d1 : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %d2 = nn.add %one, %abs : (tensor<f32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %y2 = nn.div %x, %d2 : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y1, %y2 : tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// Not softsign: 2 + abs(x), or abs of another value.

// CHECK-LABEL: func.func @not_softsign
// CHECK-COUNT-2: nn.div
// CHECK-NOT:     softsign
func.func @not_softsign(%x: tensor<3xf32>, %z: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %abs = nn.activation %x {activation = #nn<act abs>} : tensor<3xf32>
  %two = nn.constant dense<2.0> : tensor<f32>
  %d1 = nn.add %abs, %two : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %y1 = nn.div %x, %d1 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %d2 = nn.add %abs, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %y2 = nn.div %z, %d2 : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y1, %y2 : tensor<3xf32>, tensor<3xf32>
}
