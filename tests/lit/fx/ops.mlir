// RUN: ariadne-opt %s | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC
// RUN: ariadne-opt %s -mlir-print-op-generic | ariadne-opt | FileCheck %s
// RUN: ariadne-opt %s -emit-bytecode | ariadne-opt | FileCheck %s

// Every fx op reads back what it prints, in the custom and the generic form.

// CHECK-LABEL: func.func @boundary
// CHECK-NEXT:    %[[Q:.*]] = fx.quantize %arg0 : (tensor<?x16xf32>) -> tensor<?x16x!fx.fixed<16, 6, RND, SAT>>
// CHECK-NEXT:    %[[C:.*]] = fx.cast %[[Q]] : (tensor<?x16x!fx.fixed<16, 6, RND, SAT>>) -> tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
// CHECK-NEXT:    %[[D:.*]] = fx.dequantize %[[C]] : (tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x16xf32>
// CHECK-NEXT:    return %[[D]]
// GENERIC-LABEL: sym_name = "boundary"
// GENERIC:         "fx.quantize"(%{{.*}}) : (tensor<?x16xf32>) -> tensor<?x16x!fx.fixed<16, 6, RND, SAT>>
// GENERIC:         "fx.cast"(%{{.*}}) : (tensor<?x16x!fx.fixed<16, 6, RND, SAT>>) -> tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
// GENERIC:         "fx.dequantize"(%{{.*}}) : (tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x16xf32>
func.func @boundary(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %q = fx.quantize %x : (tensor<?x16xf32>) -> tensor<?x16x!fx.fixed<16, 6, RND, SAT>>
  %c = fx.cast %q : (tensor<?x16x!fx.fixed<16, 6, RND, SAT>>) -> tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>
  %y = fx.dequantize %c : (tensor<?x16x!fx.ufixed<8, 2, RND_CONV, SAT_SYM>>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// A static shape (one event is the whole tensor) is as good as a batch.
// CHECK-LABEL: func.func @static_shape
// CHECK-NEXT:    fx.quantize %arg0 : (tensor<2x3xf32>) -> tensor<2x3x!fx.fixed<8, -3>>
func.func @static_shape(%x: tensor<2x3xf32>) -> tensor<2x3x!fx.fixed<8, -3>> {
  %q = fx.quantize %x : (tensor<2x3xf32>) -> tensor<2x3x!fx.fixed<8, -3>>
  return %q : tensor<2x3x!fx.fixed<8, -3>>
}

// Products of fixed<16, 6> (10 fractional bits) and fixed<8, 1> (7) have 17
// fractional bits, the accumulator's; the bias (6) is shifted onto them.
// The extreme raw values of each type are accepted.
// CHECK-LABEL: func.func @dense
// CHECK-NEXT:    fx.dense %arg0 {bias = dense<[-128, 127]> : tensor<2xi64>, bias_type = !fx.fixed<8, 2>, weight = dense<{{\[}}[3, -2, -128], [0, 127, 1]]> : tensor<2x3xi64>, weight_type = !fx.fixed<8, 1>} : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<28, 11>>
// GENERIC-LABEL: sym_name = "dense"
// GENERIC:         "fx.dense"(%{{.*}}) <{bias = dense<[-128, 127]> : tensor<2xi64>, bias_type = !fx.fixed<8, 2>, weight = dense<{{\[}}[3, -2, -128], [0, 127, 1]]> : tensor<2x3xi64>, weight_type = !fx.fixed<8, 1>}> : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<28, 11>>
func.func @dense(%x: tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<28, 11>> {
  %0 = fx.dense %x {weight = dense<[[3, -2, -128], [0, 127, 1]]> : tensor<2x3xi64>,
                    weight_type = !fx.fixed<8, 1>,
                    bias = dense<[-128, 127]> : tensor<2xi64>,
                    bias_type = !fx.fixed<8, 2>}
      : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<28, 11>>
  return %0 : tensor<?x2x!fx.fixed<28, 11>>
}

// Without a bias, unsigned operands and a narrow accumulator that may wrap
// (it is allowed: wrapping does not depend on the order of the sum). The
// weight's raw values of a ufixed<64, 64> are bit patterns: -1 is 2^64-1.
// CHECK-LABEL: func.func @dense_unsigned
// CHECK-NEXT:    fx.dense %arg0 {weight = dense<{{\[}}[255, 0]]> : tensor<1x2xi64>, weight_type = !fx.ufixed<8, 4>} : (tensor<4x2x!fx.ufixed<8, 0>>) -> tensor<4x1x!fx.ufixed<10, -2>>
// CHECK-NEXT:    fx.dense %arg1 {weight = dense<-1> : tensor<1x1xi64>, weight_type = !fx.ufixed<64, 64>} : (tensor<5x1x!fx.fixed<4, 4>>) -> tensor<5x1x!fx.fixed<64, 64>>
func.func @dense_unsigned(%x: tensor<4x2x!fx.ufixed<8, 0>>, %y: tensor<5x1x!fx.fixed<4, 4>>) -> (tensor<4x1x!fx.ufixed<10, -2>>, tensor<5x1x!fx.fixed<64, 64>>) {
  %0 = fx.dense %x {weight = dense<[[255, 0]]> : tensor<1x2xi64>,
                    weight_type = !fx.ufixed<8, 4>}
      : (tensor<4x2x!fx.ufixed<8, 0>>) -> tensor<4x1x!fx.ufixed<10, -2>>
  %1 = fx.dense %y {weight = dense<[[-1]]> : tensor<1x1xi64>,
                    weight_type = !fx.ufixed<64, 64>}
      : (tensor<5x1x!fx.fixed<4, 4>>) -> tensor<5x1x!fx.fixed<64, 64>>
  return %0, %1 : tensor<4x1x!fx.ufixed<10, -2>>, tensor<5x1x!fx.fixed<64, 64>>
}

// A table that need not have a power-of-two size; the function name is
// optional.
// CHECK-LABEL: func.func @table
// CHECK-NEXT:    fx.table %arg0 {function = "tanh", input_low = -512 : i64, shift = 8 : i64, table = dense<[-96, -64, 0, 64, 96]> : tensor<5xi64>} : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<8, 1>>
// CHECK-NEXT:    fx.table %arg1 {input_low = 0 : i64, shift = 0 : i64, table = dense<255> : tensor<1xi64>} : (tensor<3x!fx.ufixed<4, 4>>) -> tensor<3x!fx.ufixed<8, 0>>
// GENERIC-LABEL: sym_name = "table"
// GENERIC:         "fx.table"(%{{.*}}) <{function = "tanh", input_low = -512 : i64, shift = 8 : i64, table = dense<[-96, -64, 0, 64, 96]> : tensor<5xi64>}> : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<8, 1>>
func.func @table(%x: tensor<?x8x!fx.fixed<16, 6>>, %u: tensor<3x!fx.ufixed<4, 4>>) -> (tensor<?x8x!fx.fixed<8, 1>>, tensor<3x!fx.ufixed<8, 0>>) {
  %0 = fx.table %x {table = dense<[-96, -64, 0, 64, 96]> : tensor<5xi64>,
                    input_low = -512 : i64, shift = 8 : i64, function = "tanh"}
      : (tensor<?x8x!fx.fixed<16, 6>>) -> tensor<?x8x!fx.fixed<8, 1>>
  %1 = fx.table %u {table = dense<[255]> : tensor<1xi64>,
                    input_low = 0 : i64, shift = 0 : i64}
      : (tensor<3x!fx.ufixed<4, 4>>) -> tensor<3x!fx.ufixed<8, 0>>
  return %0, %1 : tensor<?x8x!fx.fixed<8, 1>>, tensor<3x!fx.ufixed<8, 0>>
}

// CHECK-LABEL: func.func @relu
// CHECK-NEXT:    fx.relu %arg0 : tensor<?x8x!fx.fixed<16, 6, RND, SAT>>
// GENERIC-LABEL: sym_name = "relu"
// GENERIC:         "fx.relu"(%{{.*}}) : (tensor<?x8x!fx.fixed<16, 6, RND, SAT>>) -> tensor<?x8x!fx.fixed<16, 6, RND, SAT>>
func.func @relu(%x: tensor<?x8x!fx.fixed<16, 6, RND, SAT>>) -> tensor<?x8x!fx.fixed<16, 6, RND, SAT>> {
  %0 = fx.relu %x : tensor<?x8x!fx.fixed<16, 6, RND, SAT>>
  return %0 : tensor<?x8x!fx.fixed<16, 6, RND, SAT>>
}
