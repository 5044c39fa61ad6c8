// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<10,4>}))' | FileCheck %s --check-prefix=GLOBAL
// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%S/Inputs/roles.toml}))' | FileCheck %s --check-prefix=CONFIG
// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=auto max-width=12}))' | FileCheck %s --check-prefix=AUTO
// RUN: not ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%S/Inputs/unknown-layer.toml}))' 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// One type for every role (the accumulator is left to fx-lower); the tanh
// table's entries take the result type, over the range where tanh still
// differs from +-1 by more than half a step of it (atanh(1 - 2^-7) = 2.77,
// rounded up to a quarter). Without a size in the config the table has
// none here: fx-lower sizes it by its function.

// GLOBAL-LABEL: func.func @mlp
// GLOBAL-SAME:    {fx.precision = {result = !fx.fixed<10, 4>}
// GLOBAL:         nn.dense {{.*}}fx.precision = {bias = !fx.fixed<10, 4>, result = !fx.fixed<10, 4>, table = {entry = !fx.fixed<10, 4>, high = 3.000000e+00 : f64, low = -3.000000e+00 : f64}, weight = !fx.fixed<10, 4>}
// GLOBAL:         nn.dense {{.*}}fx.precision = {result = !fx.fixed<10, 4>, weight = !fx.fixed<10, 4>}

// The config: the model default, a per-type weight, and per-layer result,
// accumulator and table size for fc2.

// CONFIG-LABEL: func.func @mlp
// CONFIG-SAME:    {fx.precision = {result = !fx.fixed<16, 6>}
// CONFIG:         nn.dense {{.*}}fx.precision = {bias = !fx.fixed<16, 6>, result = !fx.fixed<16, 6>, table = {{.*}}, weight = !fx.fixed<8, 1>}
// CONFIG:         nn.dense {{.*}}fx.precision = {accumulator = !fx.fixed<40, 20>, result = !fx.fixed<12, 4, RND, SAT>, weight = !fx.fixed<8, 1>}

// Auto: each value gets the width budget and the integer bits of its
// calibration range (an input in [-3, 5]: signed, 4 integer bits; a tanh
// output in [-0.8, 0.9]: 1), the weights those of their values
// ([-0.25, 0.5]: 1; [1, 1.5]: 2; a bias in [0, 0.25]: unsigned, -1),
// rounding and saturating.

// AUTO-LABEL: func.func @mlp
// AUTO-SAME:    {fx.precision = {result = !fx.fixed<12, 4, RND, SAT>}
// AUTO:         nn.dense {{.*}}fx.precision = {bias = !fx.ufixed<12, -1, RND, SAT>, result = !fx.fixed<12, 1, RND, SAT>, table = {{.*}}, weight = !fx.fixed<12, 1, RND, SAT>}
// AUTO:         nn.dense {{.*}}fx.precision = {result = !fx.ufixed<12, 2, RND, SAT>, weight = !fx.ufixed<12, 1, RND, SAT>}

// UNKNOWN: error: {{.*}}unknown-layer.toml:1:8: the config names layer 'fc9', which the model does not have
func.func @mlp(%x: tensor<?x1xf32> {fx.range = array<f64: -3.0, 5.0>}) -> tensor<?x1xf32> {
  %h = nn.dense %x {activation = #nn<act tanh>, weight = dense<[[0.5], [-0.25]]> : tensor<2x1xf32>, bias = dense<[0.25, 0.0]> : tensor<2xf32>, fx.range = array<f64: -0.8, 0.9>} : (tensor<?x1xf32>) -> tensor<?x2xf32> loc("fc1")
  %y = nn.dense %h {weight = dense<[[1.0, 1.5]]> : tensor<1x2xf32>, fx.range = array<f64: 0.0, 2.5>} : (tensor<?x2xf32>) -> tensor<?x1xf32> loc("fc2")
  return %y : tensor<?x1xf32>
}
