// The nn ops without a fixed-point implementation yet are a located error
// of fx-lower naming the op, never a crash or a silent float op. The
// op-coverage test (tests/coverage/unsupported.txt) points here for each.
// RUN: not ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<16,6>},fx-lower))' 2>&1 | FileCheck %s

func.func @add(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.add' has no fixed-point implementation yet

// -----
func.func @sub(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.sub %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.sub' has no fixed-point implementation yet

// -----
func.func @mul(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.mul %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.mul' has no fixed-point implementation yet

// -----
func.func @div(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.div %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.div' has no fixed-point implementation yet

// -----
func.func @max(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.max %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.max' has no fixed-point implementation yet

// -----
func.func @min(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.min %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK: error: 'nn.min' has no fixed-point implementation yet

// -----
func.func @matmul(%a: tensor<?x2x3xf32>, %b: tensor<?x3x2xf32>) -> tensor<?x2x2xf32> {
  %0 = nn.matmul %a, %b : (tensor<?x2x3xf32>, tensor<?x3x2xf32>) -> tensor<?x2x2xf32>
  return %0 : tensor<?x2x2xf32>
}
// CHECK: error: 'nn.matmul' has no fixed-point implementation yet
