// The nn ops without a fixed-point implementation yet are a located error
// of fx-lower naming the op, never a crash or a silent float op. The
// op-coverage test (tests/coverage/unsupported.txt) points here for each.
// RUN: not ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<16,6>},fx-lower))' 2>&1 | FileCheck %s

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

