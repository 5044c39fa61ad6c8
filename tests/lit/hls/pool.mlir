// Max pooling in the HLS target: nn.window is wiring (each field element
// is an input element or a padding constant: 0, or with pad_lowest the
// type's lowest value, -4.0 for fixed<8,3> and 0.0 for ufixed<6,2>);
// nn.reduce_max is ariadne::hls::reduce_max<T, ROWS, L>, ROWS * (L - 1)
// comparators in ceil(log2(L)) levels; the C simulation against the
// emulator.

// RUN: rm -rf %t && ariadnec compile %s --target hls -o %t 2>&1 | FileCheck %s --check-prefix=PRINT
// RUN: FileCheck %s --check-prefix=PARAMS < %t/firmware/parameters.h
// RUN: FileCheck %s --check-prefix=TOP < %t/firmware/pool.cpp

func.func @pool(%x: tensor<?x2x5xf32>, %u: tensor<?x1x4xf32>)
    -> (tensor<?x3x2xf32>, tensor<?x5x1xf32>, tensor<?x3x1xf32>) {
  %a = fx.quantize %x : (tensor<?x2x5xf32>) -> tensor<?x2x5x!fx.fixed<8, 3>>
  %w = nn.window %a {kernel_shape = array<i64: 3>, strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, pad_lowest}
      : (tensor<?x2x5x!fx.fixed<8, 3>>) -> tensor<?x3x2x3x!fx.fixed<8, 3>> loc("pool_fields")
  %m = nn.reduce_max %w : (tensor<?x3x2x3x!fx.fixed<8, 3>>) -> tensor<?x3x2x!fx.fixed<8, 3>> loc("pool_max")
  %b = fx.quantize %u : (tensor<?x1x4xf32>) -> tensor<?x1x4x!fx.ufixed<6, 2>>
  %z = nn.window %b {kernel_shape = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 1, 1>}
      : (tensor<?x1x4x!fx.ufixed<6, 2>>) -> tensor<?x5x1x2x!fx.ufixed<6, 2>> loc("zero_fields")
  %s = nn.reduce_max %z : (tensor<?x5x1x2x!fx.ufixed<6, 2>>) -> tensor<?x5x1x!fx.ufixed<6, 2>> loc("zero_max")
  %l = nn.window %b {kernel_shape = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 2>, pads = array<i64: 0, 1>, pad_lowest}
      : (tensor<?x1x4x!fx.ufixed<6, 2>>) -> tensor<?x3x1x2x!fx.ufixed<6, 2>> loc("low_fields")
  %n = nn.reduce_max %l : (tensor<?x3x1x2x!fx.ufixed<6, 2>>) -> tensor<?x3x1x!fx.ufixed<6, 2>> loc("low_max")
  %o0 = fx.dequantize %m : (tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x3x2xf32>
  %o1 = fx.dequantize %s : (tensor<?x5x1x!fx.ufixed<6, 2>>) -> tensor<?x5x1xf32>
  %o2 = fx.dequantize %n : (tensor<?x3x1x!fx.ufixed<6, 2>>) -> tensor<?x3x1xf32>
  return %o0, %o1, %o2 : tensor<?x3x2xf32>, tensor<?x5x1xf32>, tensor<?x3x1xf32>
}

// PRINT: ariadnec: HLS estimate
// PRINT: pool_fields nn.window wiring 0 0 0 0 1
// PRINT: pool_max nn.reduce_max 12 comparators 0 0 0 2 1
// PRINT: zero_fields nn.window wiring 0 0 0 0 1
// PRINT: zero_max nn.reduce_max 5 comparators 0 0 0 1 1
// PRINT: low_fields nn.window wiring 0 0 0 0 1
// PRINT: low_max nn.reduce_max 3 comparators 0 0 0 1 1

// Both ops keep their input's type.
// PARAMS:      // pool_fields: nn.window
// PARAMS-NEXT: typedef ARIADNE_FIXED(8, 3, TRN, WRAP) pool_fields_t;
// PARAMS:      // pool_max: nn.reduce_max
// PARAMS-NEXT: typedef ARIADNE_FIXED(8, 3, TRN, WRAP) pool_max_t;
// PARAMS:      // zero_fields: nn.window
// PARAMS-NEXT: typedef ARIADNE_UFIXED(6, 2, TRN, WRAP) zero_fields_t;
// PARAMS:      // zero_max: nn.reduce_max
// PARAMS-NEXT: typedef ARIADNE_UFIXED(6, 2, TRN, WRAP) zero_max_t;

// Position 0 of channel 0 reads the begin padding, then elements 0 and 1;
// channel 1 starts at element 5. The last position reads the end padding.
// TOP:      pool_fields_t pool_fields_out[18];
// TOP:      // pool_fields
// TOP-NEXT: pool_fields_out[0] = input0_t(-4.0);
// TOP-NEXT: pool_fields_out[1] = input0[0];
// TOP-NEXT: pool_fields_out[2] = input0[1];
// TOP-NEXT: pool_fields_out[3] = input0_t(-4.0);
// TOP-NEXT: pool_fields_out[4] = input0[5];
// TOP-NEXT: pool_fields_out[5] = input0[6];
// TOP:      pool_fields_out[17] = input0_t(-4.0);
// TOP:      ariadne::hls::reduce_max<pool_fields_t, 6, 3>(pool_fields_out, pool_max_out);
// TOP:      // zero_fields
// TOP-NEXT: zero_fields_out[0] = 0;
// TOP-NEXT: zero_fields_out[1] = input1[0];
// TOP:      zero_fields_out[9] = 0;
// TOP:      ariadne::hls::reduce_max<zero_fields_t, 5, 2>(zero_fields_out, zero_max_out);
// Dilation 2: position p reads elements p and p + 2; the last one's second
// tap is the end padding, the unsigned type's lowest value.
// TOP:      // low_fields
// TOP-NEXT: low_fields_out[0] = input1[0];
// TOP-NEXT: low_fields_out[1] = input1[2];
// TOP-NEXT: low_fields_out[2] = input1[1];
// TOP-NEXT: low_fields_out[3] = input1[3];
// TOP-NEXT: low_fields_out[4] = input1[2];
// TOP-NEXT: low_fields_out[5] = input1_t(0.0);
// TOP:      ariadne::hls::reduce_max<low_fields_t, 3, 2>(low_fields_out, low_max_out);

// The C simulation agrees with the emulator on events whose border maxima
// are negative (signed) or zero (unsigned).
// RUN: printf -- '-3.9,-3.5,-2,-1,-4,-0.5,0.25,3.97,-3.97,-3,0.5,3,3.9,1.25\n-3.96875,-3.96875,-3.96875,-3.96875,-3.96875,-4,-4,-4,-4,-4,0,0.0625,0,0\n' > %t.csv
// RUN: ariadnec validate %s --target hls --input %t.csv 2>&1 | FileCheck %s --check-prefix=VALID
// VALID: validate: 2 events x 14 outputs agree bit for bit with the emulator
