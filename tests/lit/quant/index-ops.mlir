// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3>},fx-lower))' -split-input-file | FileCheck %s

// Indices (an argument marked nn.index and what reshapes and concats make
// of it) are never quantized with the model's precision: they enter as
// fixed<32,32,TRN,SAT>, which holds every int32 and saturates what lies
// beyond, outside every axis. A gather keeps its input's type.

// CHECK-LABEL: func.func @gather
// CHECK-NEXT:    %[[X:.*]] = fx.quantize %arg0 : (tensor<?x4x2xf32>) -> tensor<?x4x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[I:.*]] = fx.quantize %arg1 : (tensor<?x5xf32>) -> tensor<?x5x!fx.fixed<32, 32, TRN, SAT>>
// CHECK-NEXT:    %[[R:.*]] = nn.reshape %[[I]] : (tensor<?x5x!fx.fixed<32, 32, TRN, SAT>>) -> tensor<?x5x1x!fx.fixed<32, 32, TRN, SAT>>
// CHECK-NEXT:    %[[C:.*]] = nn.concat %[[R]], %[[R]] {axis = 2 : i64} : {{.*}} -> tensor<?x5x2x!fx.fixed<32, 32, TRN, SAT>>
// CHECK-NEXT:    %[[G:.*]] = nn.gather_elements %[[X]], %[[C]] {axis = 1 : i64} : (tensor<?x4x2x!fx.fixed<8, 3>>, tensor<?x5x2x!fx.fixed<32, 32, TRN, SAT>>) -> tensor<?x5x2x!fx.fixed<8, 3>>
// CHECK-NEXT:    fx.dequantize %[[G]]
func.func @gather(%x: tensor<?x4x2xf32>, %i: tensor<?x5xf32> {nn.index}) -> tensor<?x5x2xf32> {
  %r = nn.reshape %i : (tensor<?x5xf32>) -> tensor<?x5x1xf32>
  %c = nn.concat %r, %r {axis = 2 : i64} : (tensor<?x5x1xf32>, tensor<?x5x1xf32>) -> tensor<?x5x2xf32>
  %g = nn.gather_elements %x, %c {axis = 1 : i64} : (tensor<?x4x2xf32>, tensor<?x5x2xf32>) -> tensor<?x5x2xf32>
  return %g : tensor<?x5x2xf32>
}

// -----

// A scatter-add sums at most 5 updates of fixed<8,3> into one element:
// exact in fixed<11,6> (3 more integer bits); with a start of fixed<8,3>,
// 6 terms: the join and one bit for two, two more for the rest, again
// fixed<11,6>. One cast after the sum. Without add, the updates are cast
// into the result type first and only moved.

// CHECK-LABEL: func.func @scatter
// CHECK:         %[[U:.*]] = fx.cast %{{.*}} : (tensor<?x5x2x!fx.fixed<8, 3>>) -> tensor<?x5x2x!fx.fixed<11, 6>>
// CHECK-NEXT:    %[[S:.*]] = nn.scatter_elements %{{.*}}, %[[U]] {add, axis = 1 : i64} : ({{.*}}) -> tensor<?x4x2x!fx.fixed<11, 6>>
// CHECK-NEXT:    %[[Y:.*]] = fx.cast %[[S]] : (tensor<?x4x2x!fx.fixed<11, 6>>) -> tensor<?x4x2x!fx.fixed<8, 3>>
// CHECK:         nn.scatter_elements %{{.*}}, %{{.*}} into %{{.*}} {add, axis = 1 : i64} : ({{.*}}) -> tensor<?x4x2x!fx.fixed<11, 6>>
// CHECK:         nn.scatter_elements %{{.*}}, %{{.*}} into %{{.*}} {axis = 1 : i64} : ({{.*}}, tensor<?x5x2x!fx.fixed<8, 3>>, tensor<?x4x2x!fx.fixed<8, 3>>) -> tensor<?x4x2x!fx.fixed<8, 3>>
func.func @scatter(%x: tensor<?x4x2xf32>, %u: tensor<?x5x2xf32>, %i: tensor<?x5x2xf32> {nn.index}) -> (tensor<?x4x2xf32>, tensor<?x4x2xf32>, tensor<?x4x2xf32>) {
  %a = nn.scatter_elements %i, %u {add, axis = 1 : i64} : (tensor<?x5x2xf32>, tensor<?x5x2xf32>) -> tensor<?x4x2xf32>
  %b = nn.scatter_elements %i, %u into %x {add, axis = 1 : i64} : (tensor<?x5x2xf32>, tensor<?x5x2xf32>, tensor<?x4x2xf32>) -> tensor<?x4x2xf32>
  %c = nn.scatter_elements %i, %u into %x {axis = 1 : i64} : (tensor<?x5x2xf32>, tensor<?x5x2xf32>, tensor<?x4x2xf32>) -> tensor<?x4x2xf32>
  return %a, %b, %c : tensor<?x4x2xf32>, tensor<?x4x2xf32>, tensor<?x4x2xf32>
}
