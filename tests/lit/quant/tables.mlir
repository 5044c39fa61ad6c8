// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%S/Inputs/small-tables.toml},fx-lower))' -split-input-file | FileCheck %s

// The config asks for tables of 8 entries over [-2, 2] for fixed<8,3>
// inputs (raw -64..64, 5 fractional bits): the finest power-of-two bins
// that need no more than 8 entries are 32 raw values wide, 5 of them from
// raw -64. Each entry is tanh at its bin's centre, (-48.5 + 32 i) / 32,
// rounded down (TRN) onto the 5 fractional bits of fixed<8,3>:
// floor(32 * tanh(-1.515625)) = -30, ... .

// CHECK-LABEL: func.func @tanh
// CHECK:         fx.table %{{.*}} {function = "tanh", input_low = -64 : i64, shift = 5 : i64, table = dense<[-30, -16, 14, 28, 31]> : tensor<5xi64>} : (tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x3x!fx.fixed<8, 3>>
func.func @tanh(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.activation %x {activation = #nn<act tanh>} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// exp(-d) over d = max - x in [0, 4] with at most 4 entries: bins of 64 raw
// values (2.0), entries at the lower edges d = 0, 2, 4 in ufixed<18,1,RND>
// (2^17 = 1.0): 131072, round(2^17 e^-2) = 17739, round(2^17 e^-4) = 2401.
// 1/s over the sums s in [1, 3] on the same grid: bins of 2^17 (1.0) from
// 1.0, entries 1/s at the centres 1.5 - 2^-18, ...: 87382, 52429, 37449.

// CHECK-LABEL: func.func @softmax
// CHECK:         fx.softmax %{{.*}} {exp_shift = 6 : i64, exp_table = dense<[131072, 17739, 2401]> : tensor<3xi64>, exp_type = !fx.ufixed<18, 1, RND, SAT>, inv_low = 131072 : i64, inv_shift = 17 : i64, inv_table = dense<[87382, 52429, 37449]> : tensor<3xi64>, inv_type = !fx.ufixed<18, 1, RND, SAT>} : (tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x3x!fx.fixed<8, 3>>
func.func @softmax(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.softmax %x {axis = 1 : i64} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
