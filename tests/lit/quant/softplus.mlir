// Softplus in fixed point: max(x, 0) exactly (fx.relu), plus a table of
// log(1 + exp(-|x|)), their sum exact (fx.add), then one cast.

// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3>},fx-lower))' | FileCheck %s
// RUN: printf '2.0,0.0,-0.5,-10\n' > %t.csv
// RUN: ariadnec emulate %s --precision 'fixed<16,6>' --input %t.csv -o %t.out.csv
// RUN: FileCheck %s --check-prefix=EMULATE < %t.out.csv

// The default table covers every fixed<8,3> input (256 raw values, one
// entry each); the sum of two fixed<8,3> values is exact in fixed<9,4>.
// CHECK-LABEL: func.func @softplus
// CHECK-NEXT:    %[[X:.*]] = fx.quantize %arg0 : (tensor<?x4xf32>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[T:.*]] = fx.table %[[X]] {function = "softplus", fx.max_error = {{.*}}, input_low = -128 : i64, shift = 0 : i64, table = dense<{{.*}}> : tensor<256xi64>} : (tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[L:.*]] = fx.relu %[[X]] : tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[S:.*]] = fx.add %[[L]], %[[T]] : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<9, 4>>
// CHECK-NEXT:    %[[Y:.*]] = fx.cast %[[S]] : (tensor<?x4x!fx.fixed<9, 4>>) -> tensor<?x4x!fx.fixed<8, 3>>
// CHECK-NEXT:    %[[F:.*]] = fx.dequantize %[[Y]] : (tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4xf32>
// CHECK-NEXT:    return %[[F]]

// softplus(2) = 2.12693, softplus(0) = 0.693147, softplus(-0.5) = 0.474077,
// softplus(-10) = 4.5e-5: the table, sized to be within one unit of
// fixed<16,6> (2^-10) of the function, and the final cast leave errors
// below 0.001.
// EMULATE: 2.1259766,0.6923828,0.4736328,0

func.func @softplus(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = nn.activation %x {activation = #nn<act softplus>} : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
