// A table whose size the config leaves open is sized by its function: the
// coarsest power-of-two bins whose entries are within one unit of the
// entry type (2^-5 for fixed<8,3,RND,SAT>) of the function at every raw
// input the table covers; fx.max_error records the largest difference.

// RUN: ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<8,3,RND,SAT>},fx-lower))' | FileCheck %s
// RUN: printf '[model]\nprecision = "fixed<8,3,RND,SAT>"\n[model.table]\nsize = 8\n' > %t.toml
// RUN: ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%t.toml},fx-lower))' | FileCheck %s --check-prefix=SIZED

// tanh over its default range [-2.5, 2.5) (raw -80 to 79 with 5 fractional
// bits), each entry tanh at its bin's centre rounded to 5 fractional bits.
// Bins of 2 raw values: the largest difference is 0.0312398 (within
// 2^-5 = 0.03125); bins of 4 reach 0.0622. So 80 entries (shift 1).
// CHECK-LABEL: func.func @tanh
// CHECK:         fx.table %{{.*}} {function = "tanh", fx.max_error = 0.031239831446031256 : f64, input_low = -80 : i64, shift = 1 : i64, table = dense<{{.*}}> : tensor<80xi64>}
// A size in the config is taken as it is: at most 8 entries, bins of 32
// raw values (the finest power of two that needs no more), 5 of them.
// SIZED-LABEL: func.func @tanh
// SIZED:         fx.table %{{.*}} {function = "tanh", fx.max_error = {{.*}}, input_low = -80 : i64, shift = 5 : i64, table = dense<{{.*}}> : tensor<5xi64>}
func.func @tanh(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.activation %x {activation = #nn<act tanh>} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// sigmoid over [-4.25, 4.25), clamped to the raw inputs fixed<8,3> holds
// (-128 to 127): bins of 4 stay within 0.0264754, bins of 8 reach 0.0374.
// So 64 entries (shift 2).
// CHECK-LABEL: func.func @sigmoid
// CHECK:         fx.table %{{.*}} {function = "sigmoid", fx.max_error = 0.026475392595586567 : f64, input_low = -128 : i64, shift = 2 : i64, table = dense<{{.*}}> : tensor<64xi64>}
func.func @sigmoid(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %y = nn.activation %x {activation = #nn<act sigmoid>} : tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
