// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{config=%S/Inputs/state.toml}))' | FileCheck %s --check-prefix=CONFIG
// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=auto max-width=12}))' | FileCheck %s --check-prefix=AUTO

// The ops a recurrent layer tags `nn.state` take the layer's `state` (and
// an LSTM's `cell`) type; the others its result type.

// CONFIG-LABEL: func.func @steps
// CONFIG:         nn.add {{.*}}fx.precision = {result = !fx.fixed<16, 6>}
// CONFIG:         nn.mul {{.*}}fx.precision = {result = !fx.fixed<14, 5>}
// CONFIG:         nn.sub {{.*}}fx.precision = {result = !fx.fixed<12, 3, RND, SAT>}
// CONFIG:         nn.add {{.*}}fx.precision = {result = !fx.fixed<12, 3, RND, SAT>}

// Auto gives every step of a state the range of all of them: [-0.5, 0.9]
// and [-1.5, 0.2] make one signed type with 2 integer bits.

// AUTO-LABEL: func.func @steps
// AUTO:         nn.add {{.*}}fx.precision = {result = !fx.fixed<12, 4, RND, SAT>}
// AUTO:         nn.sub {{.*}}fx.precision = {result = !fx.fixed<12, 2, RND, SAT>}
// AUTO:         nn.add {{.*}}fx.precision = {result = !fx.fixed<12, 2, RND, SAT>}
func.func @steps(%x: tensor<?x2xf32> {fx.range = array<f64: -3.0, 5.0>}) -> tensor<?x2xf32> {
  %a = nn.add %x, %x {fx.range = array<f64: -6.0, 7.0>} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32> loc("gru")
  %c = nn.mul %a, %x {nn.state = "cell", fx.range = array<f64: -1.0, 1.0>} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32> loc("gru")
  %h1 = nn.sub %x, %a {nn.state = "state", fx.range = array<f64: -0.5, 0.9>} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32> loc("gru")
  %h2 = nn.add %h1, %a {nn.state = "state", fx.range = array<f64: -1.5, 0.2>} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32> loc("gru")
  return %h2 : tensor<?x2xf32>
}
