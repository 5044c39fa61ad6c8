// RUN: not ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=auto}))' 2>&1 | FileCheck %s

// Auto precision refuses a layer without a calibration range.
// CHECK: error: auto precision needs the calibration range of the layer's result (an fx.range attribute); give --calibration events
func.func @no_range(%x: tensor<?x1xf32> {fx.range = array<f64: -1.0, 1.0>}) -> tensor<?x1xf32> {
  %y = nn.dense %x {weight = dense<[[1.0]]> : tensor<1x1xf32>} : (tensor<?x1xf32>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
