// RUN: ariadne-opt %s | FileCheck %s
// RUN: ariadne-opt %s | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -mlir-print-op-generic | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -canonicalize | FileCheck %s --check-prefix=CANON

// Every spelling of the fixed-point type prints in the form it is read in,
// with the default modes (TRN, WRAP) left out.

// CHECK-LABEL: func.func @signed
// CHECK-SAME:    !fx.fixed<16, 6>
// CHECK-SAME:    !fx.fixed<12, 4, RND, SAT>
// CHECK-SAME:    !fx.fixed<1, 1>
// CHECK-SAME:    !fx.fixed<64, 32, RND_CONV, SAT_SYM>
func.func @signed(%a: !fx.fixed<16, 6>, %b: !fx.fixed<12, 4, RND, SAT>,
                  %c: !fx.fixed<1, 1>, %d: !fx.fixed<64, 32, RND_CONV, SAT_SYM>) {
  return
}

// CHECK-LABEL: func.func @unsigned
// CHECK-SAME:    !fx.ufixed<8, 0>
// CHECK-SAME:    !fx.ufixed<8, 2, RND_CONV, SAT_SYM>
func.func @unsigned(%a: !fx.ufixed<8, 0>, %b: !fx.ufixed<8, 2, RND_CONV, SAT_SYM>) {
  return
}

// The defaults written out are the same type, printed without them; a
// default quantization stays when the overflow mode follows it.
// CHECK-LABEL: func.func @defaults
// CHECK-SAME:    (%{{.*}}: !fx.fixed<16, 6>, %{{.*}}: !fx.fixed<16, 6>, %{{.*}}: !fx.fixed<8, 3, RND>, %{{.*}}: !fx.fixed<8, 3, TRN, SAT>, %{{.*}}: !fx.ufixed<8, 0>)
func.func @defaults(%a: !fx.fixed<16, 6, TRN>, %b: !fx.fixed<16, 6, TRN, WRAP>,
                    %c: !fx.fixed<8, 3, RND, WRAP>, %d: !fx.fixed<8, 3, TRN, SAT>,
                    %e: !fx.ufixed<8,0,TRN,WRAP>) {
  return
}

// Every mode keyword.
// CHECK-LABEL: func.func @modes
// CHECK-SAME:    !fx.fixed<8, 3, TRN_ZERO>
// CHECK-SAME:    !fx.fixed<8, 3, RND>
// CHECK-SAME:    !fx.fixed<8, 3, RND_ZERO>
// CHECK-SAME:    !fx.fixed<8, 3, RND_MIN_INF>
// CHECK-SAME:    !fx.fixed<8, 3, RND_INF>
// CHECK-SAME:    !fx.fixed<8, 3, RND_CONV>
// CHECK-SAME:    !fx.fixed<8, 3, TRN, SAT>
// CHECK-SAME:    !fx.fixed<8, 3, TRN, SAT_ZERO>
// CHECK-SAME:    !fx.fixed<8, 3, TRN, SAT_SYM>
func.func @modes(%a: !fx.fixed<8, 3, TRN_ZERO>, %b: !fx.fixed<8, 3, RND>,
                 %c: !fx.fixed<8, 3, RND_ZERO>, %d: !fx.fixed<8, 3, RND_MIN_INF>,
                 %e: !fx.fixed<8, 3, RND_INF>, %f: !fx.fixed<8, 3, RND_CONV>,
                 %g: !fx.fixed<8, 3, TRN, SAT>, %h: !fx.fixed<8, 3, TRN, SAT_ZERO>,
                 %i: !fx.fixed<8, 3, TRN, SAT_SYM>) {
  return
}

// I below zero (only fractional bits, the top ones always the sign) and I
// above W (the low bits always zero).
// CHECK-LABEL: func.func @int_widths
// CHECK-SAME:    !fx.fixed<8, -3>
// CHECK-SAME:    !fx.ufixed<4, -12, RND>
// CHECK-SAME:    !fx.fixed<8, 20>
// CHECK-SAME:    !fx.fixed<4, 1048575>
// CHECK-SAME:    !fx.fixed<4, -1048575>
func.func @int_widths(%a: !fx.fixed<8, -3>, %b: !fx.ufixed<4, -12, RND>,
                      %c: !fx.fixed<8, 20>, %d: !fx.fixed<4, 1048575>,
                      %e: !fx.fixed<4, -1048575>) {
  return
}

// Signedness and modes are part of the type: canonicalization folds only
// the cast between two spellings of one type.
// CANON-LABEL: func.func @distinct
// CANON-NEXT:    %[[U:.*]] = builtin.unrealized_conversion_cast %arg0 : !fx.fixed<8, 3> to !fx.ufixed<8, 3>
// CANON-NEXT:    %[[R:.*]] = builtin.unrealized_conversion_cast %arg0 : !fx.fixed<8, 3> to !fx.fixed<8, 3, RND>
// CANON-NEXT:    %[[S:.*]] = builtin.unrealized_conversion_cast %arg0 : !fx.fixed<8, 3> to !fx.fixed<8, 3, TRN, SAT>
// CANON-NEXT:    %[[I:.*]] = builtin.unrealized_conversion_cast %arg0 : !fx.fixed<8, 3> to !fx.fixed<8, 4>
// CANON-NEXT:    return %[[U]], %[[R]], %[[S]], %[[I]], %arg0 :
func.func @distinct(%a: !fx.fixed<8, 3>) -> (!fx.ufixed<8, 3>, !fx.fixed<8, 3, RND>, !fx.fixed<8, 3, TRN, SAT>, !fx.fixed<8, 4>, !fx.fixed<8, 3>) {
  %0 = builtin.unrealized_conversion_cast %a : !fx.fixed<8, 3> to !fx.ufixed<8, 3>
  %1 = builtin.unrealized_conversion_cast %a : !fx.fixed<8, 3> to !fx.fixed<8, 3, RND>
  %2 = builtin.unrealized_conversion_cast %a : !fx.fixed<8, 3> to !fx.fixed<8, 3, TRN, SAT>
  %3 = builtin.unrealized_conversion_cast %a : !fx.fixed<8, 3> to !fx.fixed<8, 4>
  %4 = builtin.unrealized_conversion_cast %a : !fx.fixed<8, 3> to !fx.fixed<8, 3, TRN, WRAP>
  return %0, %1, %2, %3, %4 : !fx.ufixed<8, 3>, !fx.fixed<8, 3, RND>, !fx.fixed<8, 3, TRN, SAT>, !fx.fixed<8, 4>, !fx.fixed<8, 3>
}
