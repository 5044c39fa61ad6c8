// RUN: not ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<16,6>},fx-lower))' 2>&1 | FileCheck %s

// A constant beside an activation is an affine map along the last axis or
// the channels (axis 1) of a feature map: other layouts are located errors.

func.func @across_axes(%x: tensor<?x2x3x4xf32>) -> tensor<?x2x3x4xf32> {
  %c = nn.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %y = nn.mul %x, %c : (tensor<?x2x3x4xf32>, tensor<3x1xf32>) -> tensor<?x2x3x4xf32>
  return %y : tensor<?x2x3x4xf32>
}
// CHECK: error: constant operand of shape [3, 1] varies along another axis than the last or the channels; fixed point takes one value, or one per channel of the last axis or of axis 1 of a feature map

// -----
func.func @widens(%x: tensor<?x1xf32>) -> tensor<?x3xf32> {
  %c = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = nn.add %x, %c : (tensor<?x1xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
// CHECK: error: the constant operand broadcasts the activation 'tensor<?x1xf32>' to 'tensor<?x3xf32>'; fixed point applies a constant to an activation of the result's shape only

// -----
func.func @reciprocal(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = nn.constant dense<1.0> : tensor<f32>
  %y = nn.div %c, %x : (tensor<f32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
// CHECK: error: division by an activation has no fixed-point implementation yet

// -----
func.func @by_zero(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %c = nn.constant dense<[1.0, 0.0, 2.0]> : tensor<3xf32>
  %y = nn.div %x, %c : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
// CHECK: error: division by the constant 0 has no finite fixed-point factor
