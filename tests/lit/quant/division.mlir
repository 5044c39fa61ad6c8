// nn.div of two activations lowers to a table of 1/x over the divisor's calibration range, an exact fx.mul and one fx.cast; without that range, a located error.

// The last case fails, so ariadne-opt exits non-zero; its error goes to
// %t.err, checked apart from the lowered cases.
// RUN: not ariadne-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<16,6>},fx-lower))' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=ERR < %t.err

// The divisor's range, from the fx.range of the op computing it, [0.5, 4],
// is raw 512 to 4096 in fixed<16,6> (10 fractional bits): 3584 raw values.
// The entries take a type for 1/x over the range, [0.25, 2]: ufixed<16,2>
// (14 fractional bits). Sized by its function, the table needs a bin per
// raw value to stay within one unit of that type (at x = 0.5, 1/x falls by
// 64 units per raw step): 3584 entries, each 1/x rounded: the first
// 2^24 / 512 = 32768 (0x8000), the last 2^24 / 4095 = 4097 (0x1001).
// The product with a fixed<16,6> is exact in fixed<32,8>.

// CHECK-LABEL: func.func @div(
// CHECK-NEXT:    %[[A:.*]] = fx.quantize %arg0 : (tensor<?x4xf32>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[B:.*]] = fx.quantize %arg1 : (tensor<?x4xf32>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[R:.*]] = fx.relu %[[B]] : tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[I:.*]] = fx.table %[[R]] {function = "reciprocal", fx.max_error = {{.*}}, input_low = 512 : i64, shift = 0 : i64, table = dense<"0x0080000000000000{{[0-9A-F]+}}0110000000000000"> : tensor<3584xi64>} : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.ufixed<16, 2, RND, SAT>>
// CHECK-NEXT:    %[[M:.*]] = fx.mul %[[A]], %[[I]] : (tensor<?x4x!fx.fixed<16, 6>>, tensor<?x4x!fx.ufixed<16, 2, RND, SAT>>) -> tensor<?x4x!fx.fixed<32, 8>>
// CHECK-NEXT:    %[[Y:.*]] = fx.cast %[[M]] : (tensor<?x4x!fx.fixed<32, 8>>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[F:.*]] = fx.dequantize %[[Y]] : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4xf32>
// CHECK-NEXT:    return %[[F]]
func.func @div(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = nn.activation %b {activation = #nn<act relu>, fx.range = array<f64: 0.5, 4.0>} : tensor<?x4xf32>
  %0 = nn.div %a, %s : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32> loc("ratio")
  return %0 : tensor<?x4xf32>
}

// -----

// A divisor that is a model input takes the range recorded on the
// argument, [1, 1.03125]: raw 1024 to 1056, one entry per raw value v,
// 2^25 / v rounded in ufixed<16,1> (1/x lies in [0.97, 1]); the divisor
// broadcasts along the last axis.

// CHECK-LABEL: func.func @div_by_input
// CHECK:         %[[I:.*]] = fx.table %{{.*}} {function = "reciprocal", fx.max_error = {{.*}}, input_low = 1024 : i64, shift = 0 : i64, table = dense<[32768, 32736, 32704, 32672, 32640, 32609, 32577, 32546, 32514, 32483, 32451, 32420, 32388, 32357, 32326, 32295, 32264, 32233, 32202, 32171, 32140, 32110, 32079, 32048, 32018, 31987, 31957, 31926, 31896, 31866, 31835, 31805]> : tensor<32xi64>} : (tensor<?x1x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.ufixed<16, 1, RND, SAT>>
// CHECK-NEXT:    %[[M:.*]] = fx.mul %{{.*}}, %[[I]] : (tensor<?x4x!fx.fixed<16, 6>>, tensor<?x1x!fx.ufixed<16, 1, RND, SAT>>) -> tensor<?x4x!fx.fixed<32, 7>>
// CHECK-NEXT:    fx.cast %[[M]] : (tensor<?x4x!fx.fixed<32, 7>>) -> tensor<?x4x!fx.fixed<16, 6>>
func.func @div_by_input(%a: tensor<?x4xf32>, %b: tensor<?x1xf32> {fx.range = array<f64: 1.0, 1.03125>}) -> tensor<?x4xf32> {
  %0 = nn.div %a, %b : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32> loc("ratio")
  return %0 : tensor<?x4xf32>
}

// -----

// The same division with no calibration range on the divisor: the table
// has no range to span, and the error names the layer; nothing is printed.

// ERR: error: loc("ratio"): needs the calibration range of the divisor (or give the range of its 1/x table in the config); give --calibration events
// CHECK-NOT: @div_no_range
func.func @div_no_range(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = nn.activation %b {activation = #nn<act relu>} : tensor<?x4xf32>
  %0 = nn.div %a, %s : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32> loc("ratio")
  return %0 : tensor<?x4xf32>
}
