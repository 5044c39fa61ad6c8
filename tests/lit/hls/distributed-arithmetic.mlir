// strategy = "distributed_arithmetic": every dense layer is its bias plus
// the canonical signed digits of its weights as shifted inputs, the pairs
// that recur across outputs built once (the Verilog backend's shift_add
// graph), as the tables of ariadne::hls::dense_da: no multiplier, no
// weight ROM. Layers: 6 -> 4 with a bias, 2 -> 3 on the two rows of an
// event (unsigned inputs, no bias), and 4 -> 1 into an accumulator of 16
// bits that wraps. The C simulation agrees with the emulator on events at
// and beyond the type limits, also per layer from a [layer.*] section.

// RUN: rm -rf %t && mkdir -p %t && printf '[hls]\nstrategy = "distributed_arithmetic"\n' > %t/da.toml
// RUN: ariadnec compile %s --target hls --config %t/da.toml -o %t/p 2>&1 | FileCheck %s --check-prefix=PRINT
// RUN: FileCheck %s --check-prefix=PARAMS < %t/p/firmware/parameters.h
// RUN: FileCheck %s --check-prefix=WEIGHTS < %t/p/firmware/weights.h
// RUN: FileCheck %s --check-prefix=REPORT < %t/p/report.json
// RUN: /usr/bin/python3 -c "import random; random.seed(5); print('\n'.join(','.join(repr(random.choice([-9.0, 3.97, 8.5, -0.03125, 0.0]) if e < 6 else round(random.uniform(-4, 4), 3)) for i in range(6)) for e in range(60)))" > %t/events.csv
// RUN: ariadnec validate %s --target hls --config %t/da.toml --input %t/events.csv 2>&1 | FileCheck %s --check-prefix=VALID
// The same adder graph as the Verilog target's shift_add where both see
// the same input ranges: the first layer reads the quantized input (later
// layers' Verilog ranges are the narrower ones of its interval analysis,
// where HLS takes the types').
// RUN: printf '[verilog]\nmultiplier = "shift_add"\n' > %t/shift_add.toml
// RUN: ariadnec compile %s --target verilog --config %t/shift_add.toml -o %t/v > /dev/null 2>&1
// RUN: /usr/bin/python3 -c "import json, sys; h, v = (json.load(open(p))['layers'] for p in sys.argv[1:]); a = {l['name']: (l['adders'], l['adders_without_sharing']) for l in h if 'adders' in l}; b = {l['name']: (l['adders'], l['adders_without_sharing']) for l in v if l['op'] == 'fx.dense'}; print('same graphs' if a['first'] == b['first'] and len(a) == 3 else f'differ: {a} {b}')" %t/p/report.json %t/v/report.json | FileCheck %s --check-prefix=SAME
// RUN: printf '[hls]\nstrategy = "resource"\nreuse_factor = 2\n[layer.rows]\nstrategy = "distributed_arithmetic"\n' > %t/mixed.toml
// RUN: ariadnec validate %s --target hls --config %t/mixed.toml --input %t/events.csv 2>&1 | FileCheck %s --check-prefix=VALID
// RUN: ariadnec compile %s --target hls --config %t/mixed.toml -o %t/m 2>&1 | FileCheck %s --check-prefix=MIXED

func.func @da(%x: tensor<?x6xf32>) -> (tensor<?x2x3xf32>, tensor<?x1xf32>) {
  %q = fx.quantize %x : (tensor<?x6xf32>) -> tensor<?x6x!fx.fixed<8, 3, RND, SAT>>
  %d = fx.dense %q {weight = dense<[[5, 3, -7, 0, 5, 3], [5, -3, 7, 12, 5, 0], [-5, 3, 7, -12, 1, 3], [10, 6, 0, 24, -5, -3]]> : tensor<4x6xi64>, weight_type = !fx.fixed<8, 4>, bias = dense<[3, -5, 0, 17]> : tensor<4xi64>, bias_type = !fx.fixed<8, 3>}
      : (tensor<?x6x!fx.fixed<8, 3, RND, SAT>>) -> tensor<?x4x!fx.fixed<20, 11>> loc("first")
  %c = fx.cast %d : (tensor<?x4x!fx.fixed<20, 11>>) -> tensor<?x4x!fx.ufixed<7, 3, RND, SAT>> loc("first")
  %r = nn.reshape %c : (tensor<?x4x!fx.ufixed<7, 3, RND, SAT>>) -> tensor<?x2x2x!fx.ufixed<7, 3, RND, SAT>> loc("rows")
  %e = fx.dense %r {weight = dense<[[7, -9], [7, 9], [-14, 18]]> : tensor<3x2xi64>, weight_type = !fx.fixed<6, 2>}
      : (tensor<?x2x2x!fx.ufixed<7, 3, RND, SAT>>) -> tensor<?x2x3x!fx.fixed<18, 10>> loc("rows")
  %o0 = fx.dequantize %e : (tensor<?x2x3x!fx.fixed<18, 10>>) -> tensor<?x2x3xf32>
  %w = fx.dense %d {weight = dense<[[27, -27, 45, 99]]> : tensor<1x4xi64>, weight_type = !fx.fixed<8, 4>}
      : (tensor<?x4x!fx.fixed<20, 11>>) -> tensor<?x1x!fx.fixed<16, 3>> loc("wraps")
  %o1 = fx.dequantize %w : (tensor<?x1x!fx.fixed<16, 3>>) -> tensor<?x1xf32>
  return %o0, %o1 : tensor<?x2x3xf32>, tensor<?x1xf32>
}

// PRINT: ariadnec: HLS estimate
// PRINT: first fx.dense 6 -> 4, distributed arithmetic 0 0 0
// PRINT: rows fx.dense 2 x 2 -> 3, distributed arithmetic 0 0 0
// PRINT: wraps fx.dense 4 -> 1, distributed arithmetic 0 0 0
// PRINT: total: 0 DSP, 0 ROM bits

// PARAMS: // distributed arithmetic: [[ADDERS:[0-9]+]] adders ({{[0-9]+}} without shared sums)
// PARAMS: struct first_config : ariadne::hls::dense_da_config {
// PARAMS: static const unsigned n_rows = 1;
// PARAMS: struct rows_config : ariadne::hls::dense_da_config {
// PARAMS: static const unsigned n_rows = 2;
// PARAMS: static const bool has_bias = false;

// WEIGHTS-NOT: first_w[
// WEIGHTS: const ariadne::hls::da_sum first_shared[
// WEIGHTS: const ariadne::hls::da_term first_terms[

// REPORT: "adders": {{[1-9][0-9]*}},
// REPORT-NEXT: "adders_without_sharing": {{[1-9][0-9]*}},
// REPORT: "dsp": 0,

// SAME: same graphs

// VALID: validate: 60 events x 7 outputs agree bit for bit with the emulator

// MIXED: first fx.dense 6 -> 4 {{[0-9]+}} {{[0-9]+}}
// MIXED: rows fx.dense 2 x 2 -> 3, distributed arithmetic 0 0 0
