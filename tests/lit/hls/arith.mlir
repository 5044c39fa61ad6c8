// Arithmetic of two activations in the HLS target: fx.add, fx.sub and
// fx.mul over operands broadcast to the result (each operand's element of
// result element i comes from the config's lhs_index/rhs_index, its
// broadcast strides), fx.matmul over broadcast batch dimensions, and a
// dense layer on the rows of an event; their estimates; the resource
// strategy; and the C simulation against the emulator.

// RUN: rm -rf %t && ariadnec compile %s --target hls --precision 'fixed<8,3>' -o %t 2>&1 | FileCheck %s --check-prefix=PRINT
// RUN: FileCheck %s --check-prefix=PARAMS < %t/firmware/parameters.h
// RUN: FileCheck %s --check-prefix=TOP < %t/firmware/arith.cpp

func.func @arith(%a: tensor<?x2x3xf32> {nn.name = "a"}, %g: tensor<?x2x1xf32> {nn.name = "g"},
                 %b: tensor<?x2x3x4xf32> {nn.name = "b"}, %c: tensor<?x1x4x5xf32> {nn.name = "c"})
    -> (tensor<?x2x3xf32> {nn.name = "y"}, tensor<?x2x3x5xf32> {nn.name = "z"}, tensor<?x2x2xf32> {nn.name = "w"}) {
  %s = nn.add %a, %g : (tensor<?x2x3xf32>, tensor<?x2x1xf32>) -> tensor<?x2x3xf32> loc("residual")
  %d = nn.sub %g, %s : (tensor<?x2x1xf32>, tensor<?x2x3xf32>) -> tensor<?x2x3xf32> loc("diff")
  %m = nn.mul %d, %a : (tensor<?x2x3xf32>, tensor<?x2x3xf32>) -> tensor<?x2x3xf32> loc("gate")
  %p = nn.matmul %b, %c : (tensor<?x2x3x4xf32>, tensor<?x1x4x5xf32>) -> tensor<?x2x3x5xf32> loc("scores")
  %f = nn.dense %a {weight = dense<[[0.5, -0.25, 0.75], [1.0, 0.125, -0.5]]> : tensor<2x3xf32>,
                    bias = dense<[0.25, -0.5]> : tensor<2xf32>} : (tensor<?x2x3xf32>) -> tensor<?x2x2xf32> loc("rows")
  %w = nn.mul %f, %g : (tensor<?x2x2xf32>, tensor<?x2x1xf32>) -> tensor<?x2x2xf32> loc("scale")
  return %m, %p, %w : tensor<?x2x3xf32>, tensor<?x2x3x5xf32>, tensor<?x2x2xf32>
}

// One adder level per sum; a multiplier per product of two activations
// (8 x 8 bits: one DSP each); K = 4 products summed in two adder levels.
// PRINT: ariadnec: HLS estimate
// PRINT: residual fx.add 6 adders 0 0 0 1 1
// PRINT: diff fx.sub 6 adders 0 0 0 1 1
// PRINT: gate fx.mul 6 products 6 6 0 1 1
// PRINT: scores fx.matmul 2 x 3x4 * 4x5 120 120 0 2 1
// PRINT: rows fx.dense 2 x 3 -> 2 {{[0-9]+}} {{[0-9]+}} 0 {{[0-9]+}} 1
// PRINT: scale fx.mul 4 products 4 4 0 1 1

// The sum of two fixed<8,3> is fixed<9,4>, their product fixed<16,6>, as
// ap_fixed types them; the [2x1] gate is read at i / 3 (stride 0 along
// the features).
// PARAMS:      // residual: fx.add [2x3], [2x1] -> [2x3]
// PARAMS-NEXT: typedef ARIADNE_FIXED(9, 4, TRN, WRAP) residual_t;
// PARAMS-NEXT: struct residual_config : ariadne::hls::binary_config {
// PARAMS-NEXT:   static const unsigned n = 6;
// PARAMS-NEXT:   static const unsigned n_lhs = 6;
// PARAMS-NEXT:   static const unsigned n_rhs = 2;
// PARAMS-NEXT:   static unsigned lhs_index(unsigned i) { return i; }
// PARAMS-NEXT:   static unsigned rhs_index(unsigned i) { return i / 3; }
// PARAMS-NEXT: };

// PARAMS:      // diff: fx.sub [2x1], [2x3] -> [2x3]
// PARAMS-NEXT: typedef ARIADNE_FIXED(9, 4, TRN, WRAP) diff_t;
// PARAMS:        static unsigned lhs_index(unsigned i) { return i / 3; }
// PARAMS-NEXT:   static unsigned rhs_index(unsigned i) { return i; }

// PARAMS:      // gate: fx.mul [2x3], [2x3] -> [2x3]
// PARAMS-NEXT: typedef ARIADNE_FIXED(16, 6, TRN, WRAP) gate_t;
// PARAMS-NEXT: struct gate_config : ariadne::hls::binary_config {
// PARAMS-NEXT:   static const unsigned n = 6;
// PARAMS-NEXT:   static const unsigned n_lhs = 6;
// PARAMS-NEXT:   static const unsigned n_rhs = 6;
// PARAMS-NEXT:   static const unsigned reuse_factor = 1;
// PARAMS-NEXT:   static const bool resource = false;

// Two products per event (the batch dimension of 2 against 1): the left
// matrices 12 elements apart, the one right matrix shared. K = 4 products
// of raw values in [-128, 127] lie in [-65024, 65536]: an exact
// accumulator of 18 bits, 10 of them fractional.
// PARAMS:      // scores: fx.matmul [2x3x4] x [1x4x5] -> [2x3x5]
// PARAMS-NEXT: typedef ARIADNE_FIXED(18, 8, TRN, WRAP) scores_t;
// PARAMS-NEXT: struct scores_config : ariadne::hls::matmul_config {
// PARAMS-NEXT:   static const unsigned batch = 2;
// PARAMS-NEXT:   static const unsigned m = 3;
// PARAMS-NEXT:   static const unsigned k = 4;
// PARAMS-NEXT:   static const unsigned n = 5;
// PARAMS-NEXT:   static const unsigned n_lhs = 24;
// PARAMS-NEXT:   static const unsigned n_rhs = 20;
// PARAMS-NEXT:   static const unsigned reuse_factor = 1;
// PARAMS-NEXT:   static const bool resource = false;
// PARAMS-NEXT:   static unsigned lhs_offset(unsigned i) { return i * 12; }
// PARAMS-NEXT:   static unsigned rhs_offset(unsigned) { return 0; }
// PARAMS-NEXT: };

// PARAMS:      // rows: fx.dense 2 x 3 -> 2
// PARAMS:      struct rows_config : ariadne::hls::dense_config {
// PARAMS:        static const unsigned n_rows = 2;

// PARAMS:      // scale: fx.mul [2x2], [2x1] -> [2x2]
// PARAMS:        static unsigned lhs_index(unsigned i) { return i; }
// PARAMS-NEXT:   static unsigned rhs_index(unsigned i) { return i / 2; }

// TOP: ariadne::hls::add<a_t, g_t, residual_t, residual_config>(a, g, residual_out);
// TOP: ariadne::hls::sub<g_t, residual_2_t, diff_t, diff_config>(g, residual_2_out, diff_out);
// TOP: ariadne::hls::mul<diff_2_t, a_t, gate_t, gate_config>(diff_2_out, a, gate_out);
// TOP: ariadne::hls::matmul<b_t, c_t, scores_t, scores_config>(b, c, scores_out);
// TOP: ariadne::hls::dense<a_t, rows_weight_t, rows_bias_t, rows_t, rows_config>(a, rows_out, rows_w, rows_b);
// TOP: ariadne::hls::mul<rows_2_t, g_t, scale_t, scale_config>(rows_2_out, g, scale_out);

// The C simulation agrees with the emulator, also with the resource
// strategy (reuse factor 4: ceil(120 / 4) multipliers for the matrix
// product, ceil(6 / 4) for the element-wise one, II = 4) and an
// accumulator that wraps.
// RUN: ariadnec validate %s --target hls --precision 'fixed<8,3>' --input %S/Inputs/arith.csv 2>&1 | FileCheck %s --check-prefix=VALID
// VALID: validate: 16 events x 40 outputs agree bit for bit with the emulator
// RUN: rm -rf %t.res && ariadnec compile %s --target hls --precision 'fixed<8,3>' --config %S/Inputs/arith.toml -o %t.res 2>&1 | FileCheck %s --check-prefix=RESPRINT
// RESPRINT: gate fx.mul 6 products 2 2 0 4 4
// RESPRINT: scores fx.matmul 2 x 3x4 * 4x5 30 30 0 5 4
// RESPRINT: initiation interval 4
// RUN: FileCheck %s --check-prefix=RESPARAMS < %t.res/firmware/parameters.h
// RESPARAMS:      typedef ARIADNE_FIXED(12, 2, TRN, WRAP) scores_t;
// RESPARAMS:        static const unsigned reuse_factor = 4;
// RESPARAMS-NEXT:   static const bool resource = true;
// RUN: ariadnec validate %s --target hls --precision 'fixed<8,3>' --config %S/Inputs/arith.toml --input %S/Inputs/arith.csv --report-overflow 2>&1 | FileCheck %s --check-prefix=RESVALID
// RESVALID: scores fx.matmul !fx.fixed<12, 2> 480 0 {{[1-9][0-9]*}}
// RESVALID: validate: 16 events x 40 outputs agree bit for bit with the emulator

// RUN: not ariadnec compile %s --target hls --precision 'fixed<8,3>' --config %S/Inputs/arith-wide.toml -o %t.wide 2>&1 | FileCheck %s --check-prefix=WIDE
// WIDE: error: node 'scores': 'fx.matmul' op accumulator '!fx.fixed<64, 54>' is 64 bits wide; the hls target sums in at most 63
