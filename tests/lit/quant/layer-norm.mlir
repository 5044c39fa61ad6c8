// A layer norm's exact statistics (nn.exact) lower without a cast between them (fx.dense, fx.scale, fx.sub, fx.mul), then the rsqrt table over q's calibration range, and one cast after d * r.

// RUN: ariadne-opt %s -pass-pipeline='builtin.module(func.func(fx-assign-precision{precision=fixed<16,6>},fx-lower))' | FileCheck %s
// RUN: printf '1,2,3,4\n-1,0.5,0.25,2\n0,0,0,1\n' > %t.csv
// RUN: ariadnec emulate %s --precision 'fixed<16,6>' --input %t.csv -o %t.out.csv
// RUN: FileCheck %s --check-prefix=EMULATE < %t.out.csv

// The ops as the importer writes LayerNormalization over N = 4 (epsilon
// 1e-3): S = sum x, d = 4 x - S, q = sum d^2, r = 1 / sqrt(q / 4 + 16 eps),
// y = d r, then the scale and bias. The statistics keep every bit of
// fixed<16,6> (10 fractional bits): S in fixed<18,8> (4 terms), 4 x in
// fixed<20,10> (4 is fixed<4,4>), d in fixed<21,11>, d^2 in fixed<42,22>,
// q in fixed<44,24>, none cast. The rsqrt table spans q's range [12, 80]
// (raw from 12 * 2^20 = 12582912), its entries typed for 1/sqrt over that
// range, [0.224, 0.576]: ufixed<16,0> (16 fractional bits, finer than the
// layer's 10). Sized by its function, it takes the finest bins of at most
// 2^14 entries, as none is within one unit of ufixed<16,0>: 2^13 raw
// (1/128), 8704 entries; the first is 1/sqrt(q / 4 + 0.016) * 2^16 at the
// bin's centre q = 12 + 4095.5 / 2^20, rounded, 37731 (0x9363). d r is
// exact in fixed<37,11> and cast once into the layer's type.

// CHECK-LABEL: func.func @layer_norm
// CHECK-NEXT:    %[[X:.*]] = fx.quantize %arg0 : (tensor<?x4xf32>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[S:.*]] = fx.dense %[[X]] {weight = dense<1> : tensor<1x4xi64>, weight_type = !fx.fixed<2, 2>} : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<18, 8>>
// CHECK-NEXT:    %[[NX:.*]] = fx.scale %[[X]] {scale = dense<4> : tensor<1xi64>, scale_type = !fx.fixed<4, 4>} : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<20, 10>>
// CHECK-NEXT:    %[[D:.*]] = fx.sub %[[NX]], %[[S]] : (tensor<?x4x!fx.fixed<20, 10>>, tensor<?x1x!fx.fixed<18, 8>>) -> tensor<?x4x!fx.fixed<21, 11>>
// CHECK-NEXT:    %[[D2:.*]] = fx.mul %[[D]], %[[D]] : (tensor<?x4x!fx.fixed<21, 11>>, tensor<?x4x!fx.fixed<21, 11>>) -> tensor<?x4x!fx.fixed<42, 22>>
// CHECK-NEXT:    %[[Q:.*]] = fx.dense %[[D2]] {weight = dense<1> : tensor<1x4xi64>, weight_type = !fx.fixed<2, 2>} : (tensor<?x4x!fx.fixed<42, 22>>) -> tensor<?x1x!fx.fixed<44, 24>>
// CHECK-NEXT:    %[[R:.*]] = fx.table %[[Q]] {function = "rsqrt", fx.max_error = {{.*}}, input_low = 12582912 : i64, shift = 13 : i64, table = dense<"0x6393000000000000{{[0-9A-F]+}}"> : tensor<8704xi64>} : (tensor<?x1x!fx.fixed<44, 24>>) -> tensor<?x1x!fx.ufixed<16, 0, RND, SAT>>
// CHECK-NEXT:    %[[DR:.*]] = fx.mul %[[D]], %[[R]] : (tensor<?x4x!fx.fixed<21, 11>>, tensor<?x1x!fx.ufixed<16, 0, RND, SAT>>) -> tensor<?x4x!fx.fixed<37, 11>>
// CHECK-NEXT:    %[[Y:.*]] = fx.cast %[[DR]] : (tensor<?x4x!fx.fixed<37, 11>>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[G:.*]] = fx.scale %[[Y]] {scale = dense<[1024, 2048, 512, 1024]> : tensor<4xi64>, scale_type = !fx.fixed<16, 6>} : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[B:.*]] = fx.scale %[[G]] {offset = dense<[0, 256, 0, -1024]> : tensor<4xi64>, offset_type = !fx.fixed<16, 6>, scale = dense<1024> : tensor<1xi64>, scale_type = !fx.fixed<16, 6>} : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<16, 6>>
// CHECK-NEXT:    %[[F:.*]] = fx.dequantize %[[B]] : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4xf32>
// CHECK-NEXT:    return %[[F]]

// [1, 2, 3, 4]: d = [-6, -2, 2, 6] and q = 80, in the table's last bin
// (centre 79.9961): r = 14649 / 2^16, so y = d r truncated to 10
// fractional bits, [-1.341796875, -0.447265625, 0.447265625, 1.341796875],
// before the scale [1, 2, 0.5, 1] and bias [0, 0.25, 0, -1] (float:
// -1.3411044, -0.6440696, 0.2235174, 0.3411044).
// EMULATE: -1.3417969,-0.64453125,0.22265625,0.3408203
// The other rows (float: -1.3476912, 0.3671905, -0.0878929, 0.4648817 and
// -0.5758168, -0.9016336, -0.2879084, 0.7274504):
// EMULATE-NEXT: -1.3476562,0.3671875,-0.087890625,0.46484375
// EMULATE-NEXT: -0.5761719,-0.90234375,-0.28808594,0.7265625

func.func @layer_norm(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %s = nn.dense %x {nn.exact, weight = dense<1.0> : tensor<1x4xf32>} : (tensor<?x4xf32>) -> tensor<?x1xf32> loc("ln")
  %n = nn.constant dense<4.0> : tensor<f32> loc("ln")
  %nx = nn.mul %x, %n {nn.exact} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32> loc("ln")
  %d = nn.sub %nx, %s {nn.exact} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32> loc("ln")
  %d2 = nn.mul %d, %d {nn.exact} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32> loc("ln")
  %q = nn.dense %d2 {nn.exact, weight = dense<1.0> : tensor<1x4xf32>, fx.range = array<f64: 12.0, 80.0>} : (tensor<?x4xf32>) -> tensor<?x1xf32> loc("ln")
  %r = nn.activation %q {activation = #nn<act rsqrt>, alpha = 2.500000e-01 : f32, beta = 1.600000e-02 : f32} : tensor<?x1xf32> loc("ln/rsqrt")
  %y = nn.mul %d, %r : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32> loc("ln/normalized")
  %g = nn.constant dense<[1.0, 2.0, 0.5, 1.0]> : tensor<4xf32> loc("ln")
  %z = nn.mul %y, %g : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32> loc("ln/scale")
  %b = nn.constant dense<[0.0, 0.25, 0.0, -1.0]> : tensor<4xf32> loc("ln")
  %o = nn.add %z, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32> loc("ln")
  return %o : tensor<?x4xf32>
}
