// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3>},fx-lower))' -split-input-file | FileCheck %s

// Weights and bias are quantized into integers of fixed<8,3> (5 fractional
// bits: 0.5 -> 16, -0.25 -> -8, 0.25 -> 8). The accumulator has 5 + 5
// fractional bits and is exactly as wide as these weights need over every
// input of fixed<8,3> (raw -128..127): row 0 spans 16*[-128,127] + 8<<5 =
// [-1792, 2288], row 1 spans -8*[-128,127] = [-1016, 1024]: 13 bits.

// CHECK-LABEL: func.func @dense
// CHECK-NEXT:    %[[Q:.*]] = fx.quantize %arg0 : (tensor<?x1xf32>) -> tensor<?x1x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[D:.*]] = fx.dense %[[Q]] {bias = dense<[8, 0]> : tensor<2xi64>, bias_type = !fx.fixed<8, 3>, weight = dense<{{\[}}[16], [-8]]> : tensor<2x1xi64>, weight_type = !fx.fixed<8, 3>} : (tensor<?x1x!fx.fixed<8, 3>>) -> tensor<?x2x!fx.fixed<13, 3>>
// CHECK-NEXT:    %[[C:.*]] = fx.cast %[[D]] : (tensor<?x2x!fx.fixed<13, 3>>) -> tensor<?x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[R:.*]] = fx.dequantize %[[C]] : (tensor<?x2x!fx.fixed<8, 3>>) -> tensor<?x2xf32>
// CHECK-NEXT:    return %[[R]]
func.func @dense(%x: tensor<?x1xf32>) -> tensor<?x2xf32> {
  %y = nn.dense %x {weight = dense<[[0.5], [-0.25]]> : tensor<2x1xf32>, bias = dense<[0.25, 0.0]> : tensor<2xf32>} : (tensor<?x1xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// A fused tanh is a table indexed by the accumulator itself (no rounding
// before the lookup); ReLU is exact after the cast.

// CHECK-LABEL: func.func @dense_tanh_relu
// CHECK:         %[[D:.*]] = fx.dense %{{.*}} -> tensor<?x2x!fx.fixed<13, 3>>
// CHECK-NEXT:    %[[T:.*]] = fx.table %[[D]] {function = "tanh", fx.max_error = {{.*}}, input_low = {{-?[0-9]+}} : i64, shift = {{[0-9]+}} : i64, table = dense<{{.*}}> : tensor<{{[0-9]+}}xi64>} : (tensor<?x2x!fx.fixed<13, 3>>) -> tensor<?x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[E:.*]] = fx.dense %[[T]]
// CHECK-NEXT:    %[[C:.*]] = fx.cast %[[E]]
// CHECK-NEXT:    %[[R:.*]] = fx.relu %[[C]] : tensor<?x1x!fx.fixed<8, 3>>
// CHECK-NEXT:    fx.dequantize %[[R]]
func.func @dense_tanh_relu(%x: tensor<?x1xf32>) -> tensor<?x1xf32> {
  %h = nn.dense %x {activation = #nn<act tanh>, weight = dense<[[0.5], [-0.25]]> : tensor<2x1xf32>, bias = dense<[0.25, 0.0]> : tensor<2xf32>} : (tensor<?x1xf32>) -> tensor<?x2xf32>
  %y = nn.dense %h {activation = #nn<act relu>, weight = dense<[[1.0, 1.0]]> : tensor<1x2xf32>} : (tensor<?x2xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

// Leaky ReLU scales by a 16-bit slope straight from the accumulator; clip
// and hard-sigmoid are exact clamps; a standalone sigmoid is a table.

// CHECK-LABEL: func.func @activations
// CHECK:         %[[L:.*]] = fx.leaky_relu %{{.*}} {alpha = 52429 : i64, alpha_type = !fx.ufixed<16, -3, RND, SAT>} : (tensor<?x2x!fx.fixed<12, 2>>) -> tensor<?x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    fx.clamp %[[L]] {high = 32 : i64, low = -32 : i64} : tensor<?x2x!fx.fixed<8, 3>>
// CHECK:         fx.scale %{{.*}} {offset = dense<{{[0-9]+}}> : tensor<1xi64>, offset_type = {{.*}}, scale = dense<{{[0-9]+}}> : tensor<1xi64>, scale_type = !fx.ufixed<16, -2, RND, SAT>}
// CHECK-NEXT:    fx.clamp %{{.*}} {high = 32 : i64, low = 0 : i64}
// CHECK:         fx.table %{{.*}} {function = "sigmoid"
func.func @activations(%x: tensor<?x1xf32>) -> tensor<?x2xf32> {
  %a = nn.dense %x {activation = #nn<act leaky_relu>, alpha = 0.1 : f32, weight = dense<[[0.5], [-0.25]]> : tensor<2x1xf32>} : (tensor<?x1xf32>) -> tensor<?x2xf32>
  %b = nn.activation %a {activation = #nn<act clip>, alpha = -1.0 : f32, beta = 1.0 : f32} : tensor<?x2xf32>
  %c = nn.activation %b {activation = #nn<act hard_sigmoid>, alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<?x2xf32>
  %d = nn.activation %c {activation = #nn<act sigmoid>} : tensor<?x2xf32>
  return %d : tensor<?x2xf32>
}

// -----

// Data movement keeps its nn op on fixed-point tensors; a standalone
// batch normalization is a per-channel fx.scale.

// CHECK-LABEL: func.func @movement
// CHECK:         %[[R:.*]] = nn.reshape %{{.*}} : (tensor<?x2x2x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[S:.*]] = fx.scale %[[R]] {offset = dense<[{{.*}}]> : tensor<4xi64>, offset_type = !fx.fixed<8, 3>, scale = dense<[{{.*}}]> : tensor<4xi64>, scale_type = !fx.fixed<8, 3>}
// CHECK-NEXT:    nn.concat %[[S]], %[[S]] {axis = 1 : i64} : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x8x!fx.fixed<8, 3>>
func.func @movement(%x: tensor<?x2x2xf32>) -> tensor<?x8xf32> {
  %r = nn.reshape %x : (tensor<?x2x2xf32>) -> tensor<?x4xf32>
  %s = nn.constant dense<[1.0, 2.0, 0.5, 1.0]> : tensor<4xf32>
  %b = nn.constant dense<[0.0, 0.5, -0.5, 1.0]> : tensor<4xf32>
  %m = nn.constant dense<[0.0, 0.0, 0.0, 0.0]> : tensor<4xf32>
  %v = nn.constant dense<[1.0, 1.0, 1.0, 1.0]> : tensor<4xf32>
  %n = nn.batch_norm %r, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %c = nn.concat %n, %n {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}
