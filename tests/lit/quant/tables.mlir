// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%S/Inputs/small-tables.toml},fx-lower))' -split-input-file | FileCheck %s

// The config asks for tables of 8 entries over [-2, 2) for fixed<8,3>
// inputs (5 fractional bits, raw -64..63 in the range): 128 raw values in
// 8 bins of 16 (the upper edge needs no bin: values from 2.0 up take the
// last entry). Each entry is tanh at its bin's centre, (-56.5 + 16 i) / 32,
// rounded down (TRN) onto the 5 fractional bits of fixed<8,3>:
// floor(32 * tanh(-1.765625)) = -31, ... .

// CHECK-LABEL: func.func @tanh
// CHECK:         fx.table %{{.*}} {function = "tanh", fx.max_error = {{.*}}, input_low = -64 : i64, shift = 4 : i64, table = dense<[-31, -28, -21, -9, 7, 20, 27, 30]> : tensor<8xi64>} : (tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x3x!fx.fixed<8, 3>>
func.func @tanh(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.activation %x {activation = #nn<act tanh>} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// exp(-d) over d = max - x in [0, 4) with at most 4 entries: bins of 32 raw
// values (1.0), entries at the lower edges d = 0, 1, 2, 3 in
// ufixed<18,1,RND> (2^17 = 1.0): 131072, round(2^17 e^-1) = 48219, 17739,
// 6526. 1/s over the sums s in [1, 3) on the same grid: bins of 2^16 (0.5)
// from 1.0, entries 1/s at the centres 1.25 - 2^-18, ...: 104858, 74898,
// 58254, 47663.

// CHECK-LABEL: func.func @softmax
// CHECK:         fx.softmax %{{.*}} {exp_shift = 5 : i64, exp_table = dense<[131072, 48219, 17739, 6526]> : tensor<4xi64>, exp_type = !fx.ufixed<18, 1, RND, SAT>, fx.exp_max_error = {{.*}}, fx.inv_max_error = {{.*}}, inv_low = 131072 : i64, inv_shift = 16 : i64, inv_table = dense<[104858, 74898, 58254, 47663]> : tensor<4xi64>, inv_type = !fx.ufixed<18, 1, RND, SAT>} : (tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x3x!fx.fixed<8, 3>>
func.func @softmax(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.softmax %x {axis = 1 : i64} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
