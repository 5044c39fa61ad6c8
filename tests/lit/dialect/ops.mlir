// RUN: ariadne-opt %s | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -mlir-print-op-generic | ariadne-opt | FileCheck %s

// Every nn op prints in a form that parses back to the same op.

// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    nn.constant dense<[1.000000e+00, -2.500000e+00]> : tensor<2xf32>
// CHECK-NEXT:    nn.constant dense<0.000000e+00> : tensor<3x4xf32>
// CHECK-NEXT:    nn.constant dense<[1, 2]> : tensor<2xi64>
func.func @constant() -> (tensor<2xf32>, tensor<3x4xf32>, tensor<2xi64>) {
  %a = nn.constant dense<[1.0, -2.5]> : tensor<2xf32>
  %b = nn.constant dense<0.0> : tensor<3x4xf32>
  %c = nn.constant dense<[1, 2]> : tensor<2xi64>
  return %a, %b, %c : tensor<2xf32>, tensor<3x4xf32>, tensor<2xi64>
}

// CHECK-LABEL: func.func @dense
// CHECK-NEXT:    %[[A:.*]] = nn.dense %arg0 {weight = dense<1.000000e+00> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    %[[B:.*]] = nn.dense %[[A]] {activation = #nn<act leaky_relu>, alpha = 1.000000e-01 : f32, bias = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, weight = dense<5.000000e-01> : tensor<4x2xf32>} : (tensor<?x2xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.dense %arg1 {activation = #nn<act clip>, alpha = -1.000000e+00 : f32, beta = 1.000000e+00 : f32, weight = dense<2.000000e+00> : tensor<5x3xf32>} : (tensor<?x7x3xf32>) -> tensor<?x7x5xf32>
func.func @dense(%x: tensor<?x3xf32>, %s: tensor<?x7x3xf32>) -> (tensor<?x4xf32>, tensor<?x7x5xf32>) {
  %a = nn.dense %x {weight = dense<1.0> : tensor<2x3xf32>} : (tensor<?x3xf32>) -> tensor<?x2xf32>
  %b = nn.dense %a {weight = dense<0.5> : tensor<4x2xf32>, bias = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>,
                    activation = #nn<act leaky_relu>, alpha = 0.1 : f32} : (tensor<?x2xf32>) -> tensor<?x4xf32>
  %c = nn.dense %s {weight = dense<2.0> : tensor<5x3xf32>, activation = #nn<act clip>, alpha = -1.0 : f32, beta = 1.0 : f32}
      : (tensor<?x7x3xf32>) -> tensor<?x7x5xf32>
  return %b, %c : tensor<?x4xf32>, tensor<?x7x5xf32>
}

// CHECK-LABEL: func.func @matmul
// CHECK-NEXT:    nn.matmul %arg0, %arg1 : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT:    nn.matmul %arg2, %arg3 : (tensor<4x1x5x3xf32>, tensor<6x3x2xf32>) -> tensor<4x6x5x2xf32>
// CHECK-NEXT:    nn.matmul %arg4, %arg1 : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
// CHECK-NEXT:    nn.matmul %arg1, %arg5 : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3xf32>
func.func @matmul(%a: tensor<?x3xf32>, %b: tensor<3x2xf32>, %c: tensor<4x1x5x3xf32>, %d: tensor<6x3x2xf32>,
                  %v: tensor<3xf32>, %w: tensor<2xf32>)
    -> (tensor<?x2xf32>, tensor<4x6x5x2xf32>, tensor<2xf32>, tensor<3xf32>) {
  %0 = nn.matmul %a, %b : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %1 = nn.matmul %c, %d : (tensor<4x1x5x3xf32>, tensor<6x3x2xf32>) -> tensor<4x6x5x2xf32>
  %2 = nn.matmul %v, %b : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  %3 = nn.matmul %b, %w : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3xf32>
  return %0, %1, %2, %3 : tensor<?x2xf32>, tensor<4x6x5x2xf32>, tensor<2xf32>, tensor<3xf32>
}

// CHECK-LABEL: func.func @activation
// CHECK-NEXT:    nn.activation %arg0 : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act relu>} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act leaky_relu>, alpha = 2.500000e-01 : f32} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act tanh>} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act sigmoid>} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act softsign>} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act hard_sigmoid>, alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<?x4xf32>
// CHECK-NEXT:    nn.activation %arg0 {activation = #nn<act clip>, beta = 6.000000e+00 : f32} : tensor<?x4xf32>
func.func @activation(%x: tensor<?x4xf32>) {
  %0 = nn.activation %x {activation = #nn<act none>} : tensor<?x4xf32>
  %1 = nn.activation %x {activation = #nn<act relu>} : tensor<?x4xf32>
  %2 = nn.activation %x {activation = #nn<act leaky_relu>, alpha = 0.25 : f32} : tensor<?x4xf32>
  %3 = nn.activation %x {activation = #nn<act tanh>} : tensor<?x4xf32>
  %4 = nn.activation %x {activation = #nn<act sigmoid>} : tensor<?x4xf32>
  %5 = nn.activation %x {activation = #nn<act softsign>} : tensor<?x4xf32>
  %6 = nn.activation %x {activation = #nn<act hard_sigmoid>, alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<?x4xf32>
  %7 = nn.activation %x {activation = #nn<act clip>, alpha = 0.0 : f32, beta = 6.0 : f32} : tensor<?x4xf32>
  return
}

// CHECK-LABEL: func.func @softmax_batch_norm
// CHECK-NEXT:    nn.softmax %arg0 {axis = 1 : i64} : tensor<?x4xf32>
// CHECK-NEXT:    nn.batch_norm %arg0, %arg1, %arg1, %arg1, %arg1 {epsilon = 9.99999974E-6 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.batch_norm %arg2, %arg3, %arg3, %arg3, %arg3 {epsilon = 1.000000e-01 : f32} : (tensor<?x3x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x5xf32>
func.func @softmax_batch_norm(%x: tensor<?x4xf32>, %p: tensor<4xf32>, %y: tensor<?x3x5xf32>, %q: tensor<3xf32>) {
  %0 = nn.softmax %x {axis = 1 : i64} : tensor<?x4xf32>
  %1 = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32}
      : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %2 = nn.batch_norm %y, %q, %q, %q, %q {epsilon = 0.1 : f32}
      : (tensor<?x3x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<?x3x5xf32>
  return
}

// CHECK-LABEL: func.func @binary
// CHECK-NEXT:    nn.add %arg0, %arg1 : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.sub %arg1, %arg0 : (tensor<4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.mul %arg0, %arg2 : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.div %arg0, %arg0 : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.max %arg3, %arg1 : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK-NEXT:    nn.min %arg2, %arg2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
func.func @binary(%x: tensor<?x4xf32>, %r: tensor<4xf32>, %s: tensor<f32>, %c: tensor<3x1xf32>) {
  %0 = nn.add %x, %r : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %1 = nn.sub %r, %x : (tensor<4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = nn.mul %x, %s : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  %3 = nn.div %x, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %4 = nn.max %c, %r : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %5 = nn.min %s, %s : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @data_movement
// CHECK-NEXT:    nn.reshape %arg0 : (tensor<?x2x3xf32>) -> tensor<?x6xf32>
// CHECK-NEXT:    nn.reshape %arg1 : (tensor<2x3xf32>) -> tensor<6xf32>
// CHECK-NEXT:    nn.transpose %arg0 {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3xf32>) -> tensor<?x3x2xf32>
// CHECK-NEXT:    nn.concat %arg0, %arg0 {axis = 2 : i64} : (tensor<?x2x3xf32>, tensor<?x2x3xf32>) -> tensor<?x2x6xf32>
// CHECK-NEXT:    nn.slice %arg0 {starts = array<i64: 0, 1, 2>, steps = array<i64: 1, 1, -2>} : (tensor<?x2x3xf32>) -> tensor<?x1x2xf32>
func.func @data_movement(%x: tensor<?x2x3xf32>, %y: tensor<2x3xf32>) {
  %0 = nn.reshape %x : (tensor<?x2x3xf32>) -> tensor<?x6xf32>
  %1 = nn.reshape %y : (tensor<2x3xf32>) -> tensor<6xf32>
  %2 = nn.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3xf32>) -> tensor<?x3x2xf32>
  %3 = nn.concat %x, %x {axis = 2 : i64} : (tensor<?x2x3xf32>, tensor<?x2x3xf32>) -> tensor<?x2x6xf32>
  %4 = nn.slice %x {starts = array<i64: 0, 1, 2>, steps = array<i64: 1, 1, -2>} : (tensor<?x2x3xf32>) -> tensor<?x1x2xf32>
  return
}

// CHECK-LABEL: func.func @window
// CHECK-NEXT:    nn.window %arg0 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2x9xf32>
// CHECK-NEXT:    nn.window %arg1 {dilations = array<i64: 2>, kernel_shape = array<i64: 2>, pad_lowest, pads = array<i64: 0, 1>, strides = array<i64: 2>} : (tensor<3x10xf32>) -> tensor<5x3x2xf32>
// CHECK-NEXT:    nn.window %arg2 {dilations = array<i64: 1, 1, 2>, kernel_shape = array<i64: 2, 2, 2>, pads = array<i64: 0, 0, 1, 0, 1, 1>, strides = array<i64: 2, 2, 1>} : (tensor<?x1x4x4x4xf32>) -> tensor<?x2x2x4x1x8xf32>
func.func @window(%x: tensor<?x2x8x8xf32>, %y: tensor<3x10xf32>, %z: tensor<?x1x4x4x4xf32>) {
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2x9xf32>
  // Unbatched, max-pooling padding: (10 + 0 + 1 - 3) / 2 + 1 = 5 positions.
  %1 = nn.window %y {kernel_shape = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 2>, pads = array<i64: 0, 1>, pad_lowest}
      : (tensor<3x10xf32>) -> tensor<5x3x2xf32>
  // 3-D: the last dimension (4 + 1 + 1 - 3) / 1 + 1 = 4 positions.
  %2 = nn.window %z {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 1>, dilations = array<i64: 1, 1, 2>, pads = array<i64: 0, 0, 1, 0, 1, 1>}
      : (tensor<?x1x4x4x4xf32>) -> tensor<?x2x2x4x1x8xf32>
  return
}

// CHECK-LABEL: func.func @reduce_max
// CHECK-NEXT:    nn.reduce_max %arg0 : (tensor<?x4x3xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    nn.reduce_max %arg1 : (tensor<5xf32>) -> tensor<f32>
// CHECK-NEXT:    nn.reduce_max %arg2 : (tensor<?x6xf32>) -> tensor<?xf32>
func.func @reduce_max(%x: tensor<?x4x3xf32>, %y: tensor<5xf32>, %z: tensor<?x6xf32>) {
  %0 = nn.reduce_max %x : (tensor<?x4x3xf32>) -> tensor<?x4xf32>
  // Unbatched: the maximum of all elements, a scalar.
  %1 = nn.reduce_max %y : (tensor<5xf32>) -> tensor<f32>
  // Only the batch is left.
  %2 = nn.reduce_max %z : (tensor<?x6xf32>) -> tensor<?xf32>
  return
}

// CHECK-LABEL: func.func @index_ops
// CHECK-NEXT:    %[[G:.*]] = nn.gather_elements %arg0, %arg1 {axis = 1 : i64} : (tensor<?x4x3xf32>, tensor<?x6x1xf32>) -> tensor<?x6x3xf32>
// CHECK-NEXT:    nn.scatter_elements %arg2, %[[G]] {add, axis = 1 : i64} : (tensor<?x6x3xf32>, tensor<?x6x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    nn.scatter_elements %arg4, %arg5 into %arg3 {axis = 1 : i64} : (tensor<?x6x2xf32>, tensor<?x6x2xf32>, tensor<1x4x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    nn.scatter_elements %arg1, %[[G]] {add, axis = 1 : i64} : (tensor<?x6x1xf32>, tensor<?x6x3xf32>) -> tensor<?x4x3xf32>
func.func @index_ops(%x: tensor<?x4x3xf32>, %i: tensor<?x6x1xf32>, %j: tensor<?x6x3xf32>,
                     %start: tensor<1x4x3xf32>, %k: tensor<?x6x2xf32>, %u: tensor<?x6x2xf32>) {
  // Indices of size 1 broadcast over the result's features.
  %g = nn.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x4x3xf32>, tensor<?x6x1xf32>) -> tensor<?x6x3xf32>
  %s = nn.scatter_elements %j, %g {add, axis = 1 : i64} : (tensor<?x6x3xf32>, tensor<?x6x3xf32>) -> tensor<?x4x3xf32>
  // One start for every event; updates narrower than the result on a
  // dimension other than the axis.
  %t = nn.scatter_elements %k, %u into %start {axis = 1 : i64} : (tensor<?x6x2xf32>, tensor<?x6x2xf32>, tensor<1x4x3xf32>) -> tensor<?x4x3xf32>
  // Indices of size 1 broadcast over the updates' features too.
  %r = nn.scatter_elements %i, %g {add, axis = 1 : i64} : (tensor<?x6x1xf32>, tensor<?x6x3xf32>) -> tensor<?x4x3xf32>
  return
}

// CHECK-LABEL: func.func @conditions
// CHECK-NEXT:    %[[C:.*]] = nn.compare gt %arg0, %arg1 : (tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    %[[D:.*]] = nn.compare le %arg0 {value = 2.500000e-01 : f64} : (tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    nn.select %[[C]] then %arg0 else %arg1 : (tensor<?x4x3xf32>, tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    nn.select %arg2 else %arg1 {x_value = -1.000000e+03 : f64} : (tensor<?x4x1xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
// CHECK-NEXT:    nn.select %[[D]] {x_value = 1.000000e+00 : f64} : (tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
func.func @conditions(%x: tensor<?x4x3xf32>, %y: tensor<?x4x3xf32>, %m: tensor<?x4x1xf32>) {
  %c = nn.compare gt %x, %y : (tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %d = nn.compare le %x {value = 0.25 : f64} : (tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %a = nn.select %c then %x else %y : (tensor<?x4x3xf32>, tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  // The condition broadcasts; a missing branch is its fill.
  %b = nn.select %m else %y {x_value = -1000.0 : f64} : (tensor<?x4x1xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %f = nn.select %d {x_value = 1.0 : f64} : (tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  return
}
