// RUN: ariadne-opt %s | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -mlir-print-op-generic | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -emit-bytecode | ariadne-opt | FileCheck %s

// The nn ops that only move elements take tensors of fixed-point values.

// CHECK-LABEL: func.func @reshape
// CHECK-NEXT:    nn.reshape %arg0 : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x3x1x!fx.fixed<16, 6>>
func.func @reshape(%x: tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x3x1x!fx.fixed<16, 6>> {
  %0 = nn.reshape %x : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x3x1x!fx.fixed<16, 6>>
  return %0 : tensor<?x3x1x!fx.fixed<16, 6>>
}

// CHECK-LABEL: func.func @transpose
// CHECK-NEXT:    nn.transpose %arg0 {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x3x2x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
func.func @transpose(%x: tensor<?x2x3x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x3x2x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>> {
  %0 = nn.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x3x2x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
  return %0 : tensor<?x3x2x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
}

// CHECK-LABEL: func.func @concat
// CHECK-NEXT:    nn.concat %arg0, %arg1 {axis = 1 : i64} : (tensor<?x2x!fx.fixed<8, -3>>, tensor<?x5x!fx.fixed<8, -3>>) -> tensor<?x7x!fx.fixed<8, -3>>
func.func @concat(%a: tensor<?x2x!fx.fixed<8, -3>>, %b: tensor<?x5x!fx.fixed<8, -3>>) -> tensor<?x7x!fx.fixed<8, -3>> {
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<?x2x!fx.fixed<8, -3>>, tensor<?x5x!fx.fixed<8, -3>>) -> tensor<?x7x!fx.fixed<8, -3>>
  return %0 : tensor<?x7x!fx.fixed<8, -3>>
}

// CHECK-LABEL: func.func @slice
// CHECK-NEXT:    nn.slice %arg0 {starts = array<i64: 0, 4>, steps = array<i64: 1, -2>} : (tensor<?x6x!fx.fixed<12, 4, RND, SAT>>) -> tensor<?x3x!fx.fixed<12, 4, RND, SAT>>
func.func @slice(%x: tensor<?x6x!fx.fixed<12, 4, RND, SAT>>) -> tensor<?x3x!fx.fixed<12, 4, RND, SAT>> {
  %0 = nn.slice %x {starts = array<i64: 0, 4>, steps = array<i64: 1, -2>} : (tensor<?x6x!fx.fixed<12, 4, RND, SAT>>) -> tensor<?x3x!fx.fixed<12, 4, RND, SAT>>
  return %0 : tensor<?x3x!fx.fixed<12, 4, RND, SAT>>
}
