// RUN: ariadne-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the fixed-point type's parser and verifier.

// expected-error @+1 {{fixed-point width W (all bits, sign included) must be 1 to 64, got 0}}
func.func private @width_zero(!fx.fixed<0, 0>)

// -----

// expected-error @+1 {{fixed-point width W (all bits, sign included) must be 1 to 64, got 65}}
func.func private @width_65(!fx.ufixed<65, 1>)

// -----

// expected-error @+1 {{fixed-point width W (all bits, sign included) must be 1 to 64, got -8}}
func.func private @width_negative(!fx.fixed<-8, 1>)

// -----

// expected-error @+1 {{fixed-point integer bits I must be between -1048575 and 1048575, got 1048576}}
func.func private @int_width_large(!fx.fixed<8, 1048576>)

// -----

// expected-error @+1 {{fixed-point integer bits I must be between -1048575 and 1048575, got -1048576}}
func.func private @int_width_small(!fx.fixed<8, -1048576>)

// -----

// expected-error @+1 {{unknown quantization mode 'RND_EVEN' (TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV)}}
func.func private @unknown_quant(!fx.fixed<16, 6, RND_EVEN>)

// -----

// expected-error @+1 {{unknown overflow mode 'CLAMP' (WRAP, SAT, SAT_ZERO, SAT_SYM)}}
func.func private @unknown_overflow(!fx.fixed<16, 6, RND, CLAMP>)

// -----

// The quantization mode comes first, as in ap_fixed's template arguments.
// expected-error @+1 {{'SAT' is an overflow mode, but the quantization mode comes first: write TRN, SAT to keep the default quantization}}
func.func private @overflow_first(!fx.fixed<16, 6, SAT>)

// -----

// expected-error @+1 {{'SAT' is an overflow mode, but the quantization mode comes first}}
func.func private @swapped(!fx.fixed<16, 6, SAT, RND>)

// -----

// expected-error @+1 {{'RND' is a quantization mode, but the overflow mode comes second (WRAP, SAT, SAT_ZERO, SAT_SYM)}}
func.func private @two_quant(!fx.fixed<16, 6, TRN, RND>)

// -----

// expected-error @+1 {{expected '>'}}
func.func private @too_many(!fx.fixed<16, 6, RND, SAT, 3>)

// -----

// expected-error @+1 {{expected ','}}
func.func private @one_parameter(!fx.fixed<16>)

// -----

// expected-error @+1 {{unknown fx type 'sfixed' (fixed, ufixed)}}
func.func private @unknown_type(!fx.sfixed<16, 6>)

// -----

// The modes are part of the type: a reshape cannot change them.
func.func @reshape_changes_mode(%x: tensor<?x3x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{element type changes}}
  %0 = nn.reshape %x : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x3x!fx.fixed<16, 6, RND>>
  return
}
