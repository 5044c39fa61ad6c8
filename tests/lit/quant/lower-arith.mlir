// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3>},fx-lower))' -split-input-file | FileCheck %s
// RUN: not ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<40,10>},fx-lower))' -split-input-file 2>&1 | FileCheck %s --check-prefix=WIDE

// Two activations of fixed<8,3> (5 fractional bits): their sum and
// difference are exact in fixed<9,4>, their product in fixed<16,6>, as
// ap_fixed types them; each is then cast once into the layer's result type.

// CHECK-LABEL: func.func @add
// CHECK-NEXT:    %[[A:.*]] = fx.quantize %arg0
// CHECK-NEXT:    %[[B:.*]] = fx.quantize %arg1 : (tensor<?x1xf32>) -> tensor<?x1x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[S:.*]] = fx.add %[[A]], %[[B]] : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x1x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<9, 4>>
// CHECK-NEXT:    %[[C:.*]] = fx.cast %[[S]] : (tensor<?x4x!fx.fixed<9, 4>>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[D:.*]] = fx.sub %[[C]], %[[A]] : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<9, 4>>
// CHECK-NEXT:    %[[E:.*]] = fx.cast %[[D]]
// CHECK-NEXT:    %[[M:.*]] = fx.mul %[[E]], %[[A]] : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[F:.*]] = fx.cast %[[M]] : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    fx.dequantize %[[F]]
func.func @add(%a: tensor<?x4xf32>, %b: tensor<?x1xf32>) -> tensor<?x4xf32> {
  %s = nn.add %a, %b : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %d = nn.sub %s, %a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %m = nn.mul %d, %a : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %m : tensor<?x4xf32>
}
// WIDE: error: the exact result of '!fx.fixed<40, 10>' and '!fx.fixed<40, 10>' needs more than 64 bits; narrow the operands' types

// -----

// A matrix product of two activations: K = 3 products of raw values in
// [-128, 127] lie in [-16256, 16384], their sums in [-48768, 49152]: a
// 17-bit accumulator with 5 + 5 fractional bits.

// CHECK-LABEL: func.func @matmul
// CHECK:         %[[P:.*]] = fx.matmul %{{.*}}, %{{.*}} : (tensor<?x2x3x!fx.fixed<8, 3>>, tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<17, 7>>
// CHECK-NEXT:    fx.cast %[[P]] : (tensor<?x2x2x!fx.fixed<17, 7>>) -> tensor<?x2x2x!fx.fixed<8, 3>>
func.func @matmul(%a: tensor<?x2x3xf32>, %b: tensor<?x3x2xf32>) -> tensor<?x2x2xf32> {
  %0 = nn.matmul %a, %b : (tensor<?x2x3xf32>, tensor<?x3x2xf32>) -> tensor<?x2x2xf32>
  return %0 : tensor<?x2x2xf32>
}
// WIDE: error: a product of '!fx.fixed<40, 10>' and '!fx.fixed<40, 10>' needs more than 64 bits; narrow the operands' types

// -----

// An activation and a constant: x * c, x + c, c - x and x / c are affine
// maps along the last axis (fx.scale), the constant quantized with the
// layer's weight (scale) and bias (offset) types.

// CHECK-LABEL: func.func @constants
// CHECK:         %[[M:.*]] = fx.scale %[[Q:.*]] {scale = dense<[16, -8]> : tensor<2xi64>, scale_type = !fx.fixed<8, 3>} : (tensor<?x2x!fx.fixed<8, 3>>) -> tensor<?x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[A:.*]] = fx.scale %[[M]] {offset = dense<8> : tensor<1xi64>, offset_type = !fx.fixed<8, 3>, scale = dense<32> : tensor<1xi64>, scale_type = !fx.fixed<8, 3>}
// CHECK-NEXT:    %[[S:.*]] = fx.scale %[[A]] {offset = dense<32> : tensor<1xi64>, offset_type = !fx.fixed<8, 3>, scale = dense<-32> : tensor<1xi64>, scale_type = !fx.fixed<8, 3>}
// CHECK-NEXT:    %[[D:.*]] = fx.scale %[[S]] {scale = dense<8> : tensor<1xi64>, scale_type = !fx.fixed<8, 3>}
func.func @constants(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = nn.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %b = nn.constant dense<0.25> : tensor<f32>
  %one = nn.constant dense<1.0> : tensor<1x1xf32>
  %four = nn.constant dense<4.0> : tensor<f32>
  %m = nn.mul %x, %w : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %a = nn.add %m, %b : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  %s = nn.sub %one, %a : (tensor<1x1xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %d = nn.div %s, %four : (tensor<?x2xf32>, tensor<f32>) -> tensor<?x2xf32>
  return %d : tensor<?x2xf32>
}

// -----

// One constant per channel of a feature map [N, C, W] (PReLU's slopes,
// a constant [C, 1]): the channels move last for fx.scale and back.

// CHECK-LABEL: func.func @per_channel
// CHECK:         %[[T:.*]] = nn.transpose %[[Q:.*]] {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3x!fx.fixed<8, 3>>) -> tensor<?x3x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[M:.*]] = fx.scale %[[T]] {scale = dense<[16, -8]> : tensor<2xi64>, scale_type = !fx.fixed<8, 3>} : (tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x3x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    nn.transpose %[[M]] {perm = array<i64: 0, 2, 1>} : (tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x2x3x!fx.fixed<8, 3>>
func.func @per_channel(%x: tensor<?x2x3xf32>) -> tensor<?x2x3xf32> {
  %w = nn.constant dense<[[0.5], [-0.25]]> : tensor<2x1xf32>
  %m = nn.mul %x, %w : (tensor<?x2x3xf32>, tensor<2x1xf32>) -> tensor<?x2x3xf32>
  return %m : tensor<?x2x3xf32>
}

