// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3>},fx-lower))' -split-input-file | FileCheck %s

// A comparison with a constant becomes one with a raw threshold on the
// operand's grid (fixed<8,3>: steps of 1/32), rounded so that the result
// is exact: x > 0.3 is raw > 9 (0.3 = 9.6/32), x >= 0.3 is raw >= 10; a
// constant off the grid equals nothing (128, one step above the type);
// thresholds beyond the type are clamped one step outside it. The result
// is a condition of the index type.

// CHECK-LABEL: func.func @compare_constant
// CHECK:         nn.compare gt %[[X:.*]] {value = 9.000000e+00 : f64} : (tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>
// CHECK-NEXT:    nn.compare ge %[[X]] {value = 1.000000e+01 : f64}
// CHECK-NEXT:    nn.compare lt %[[X]] {value = 1.000000e+01 : f64}
// CHECK-NEXT:    nn.compare le %[[X]] {value = 9.000000e+00 : f64}
// CHECK-NEXT:    nn.compare eq %[[X]] {value = 1.280000e+02 : f64}
// CHECK-NEXT:    nn.compare gt %[[X]] {value = 1.280000e+02 : f64}
// CHECK-NEXT:    nn.compare lt %[[X]] {value = -1.290000e+02 : f64}
func.func @compare_constant(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %a = nn.compare gt %x {value = 0.3 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %b = nn.compare ge %x {value = 0.3 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %c = nn.compare lt %x {value = 0.3 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %d = nn.compare le %x {value = 0.3 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %e = nn.compare eq %x {value = 0.3 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %f = nn.compare gt %x {value = 100.0 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %g = nn.compare lt %x {value = -100.0 : f64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %ra = nn.select %a then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %rb = nn.select %b then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %rc = nn.select %c then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %rd = nn.select %d then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %re = nn.select %e then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %rf = nn.select %f then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %rg = nn.select %g then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %ra, %rb, %rc, %rd, %re, %rf, %rg : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// Two operands of different types are both cast exactly into the
// narrowest type that holds either: an index (fixed<32,32>) and a
// fixed<8,3> meet in fixed<37,32>.

// CHECK-LABEL: func.func @compare_two
// CHECK-DAG:     %[[A:.*]] = fx.cast %{{.*}} : (tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>) -> tensor<?x4x!fx.fixed<37, 32>>
// CHECK-DAG:     %[[B:.*]] = fx.cast %{{.*}} : (tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<37, 32>>
// CHECK:         nn.compare ne %[[A]], %[[B]] : (tensor<?x4x!fx.fixed<37, 32>>, tensor<?x4x!fx.fixed<37, 32>>) -> tensor<?x4x!fx.fixed<32, 32, TRN, SAT>>
func.func @compare_two(%i: tensor<?x4xf32> {nn.index}, %x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c = nn.compare ne %i, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %y = nn.select %c then %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// A select casts its branches into its result type and makes its fills
// raw integers of it, rounded to nearest and saturated: 0.3 is 10/32,
// -1000 the type's least value. A select of indices keeps the index type.

// CHECK-LABEL: func.func @select
// CHECK:         nn.select %[[M:.*]] else %{{.*}} {x_value = 1.000000e+01 : f64} : (tensor<?x4x1x!fx.fixed<32, 32, TRN, SAT>>, tensor<?x4x3x!fx.fixed<8, 3>>) -> tensor<?x4x3x!fx.fixed<8, 3>>
// CHECK-NEXT:    nn.select %[[M]] then %{{.*}} {y_value = -1.280000e+02 : f64} : (tensor<?x4x1x!fx.fixed<32, 32, TRN, SAT>>, tensor<?x4x3x!fx.fixed<8, 3>>) -> tensor<?x4x3x!fx.fixed<8, 3>>
// CHECK-NEXT:    nn.select %[[M]] then %{{.*}} {y_value = 7.000000e+00 : f64} : (tensor<?x4x1x!fx.fixed<32, 32, TRN, SAT>>, tensor<?x4x3x!fx.fixed<32, 32, TRN, SAT>>) -> tensor<?x4x3x!fx.fixed<32, 32, TRN, SAT>>
func.func @select(%m: tensor<?x4x1xf32> {nn.index}, %x: tensor<?x4x3xf32>, %i: tensor<?x4x3xf32> {nn.index}) -> (tensor<?x4x3xf32>, tensor<?x4x3xf32>, tensor<?x4x3xf32>) {
  %a = nn.select %m else %x {x_value = 0.3 : f64} : (tensor<?x4x1xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %b = nn.select %m then %x {y_value = -1000.0 : f64} : (tensor<?x4x1xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %c = nn.select %m then %i {y_value = 7.0 : f64} : (tensor<?x4x1xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  %g = nn.gather_elements %x, %c {axis = 2 : i64} : (tensor<?x4x3xf32>, tensor<?x4x3xf32>) -> tensor<?x4x3xf32>
  return %a, %b, %g : tensor<?x4x3xf32>, tensor<?x4x3xf32>, tensor<?x4x3xf32>
}
