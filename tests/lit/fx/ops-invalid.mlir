// RUN: ariadne-opt %s -split-input-file -verify-diagnostics

// One case per rule of the fx ops' verifiers.

func.func @dynamic_inner_dim(%x: tensor<?x?xf32>) {
  // expected-error @+1 {{'fx.quantize' op input shape [?, ?] has a dynamic dimension 1; only the leading (batch) one may be}}
  %0 = fx.quantize %x : (tensor<?x?xf32>) -> tensor<?x?x!fx.fixed<16, 6>>
  return
}

// -----

func.func @quantize_not_f32(%x: tensor<?x4xf64>) {
  // expected-error @+1 {{'fx.quantize' op operand #0 must be ranked tensor of 32-bit float values}}
  %0 = fx.quantize %x : (tensor<?x4xf64>) -> tensor<?x4x!fx.fixed<16, 6>>
  return
}

// -----

func.func @dequantize_shape(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dequantize' op input shape [?, 4] and result shape [?, 5] differ}}
  %0 = fx.dequantize %x : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x5xf32>
  return
}

// -----

func.func @cast_not_fixed(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.cast' op result #0 must be ranked tensor of fixed-point (!fx.fixed or !fx.ufixed) values, but got 'tensor<?x4xi16>'}}
  %0 = fx.cast %x : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4xi16>
  return
}

// -----

func.func @cast_shape(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.cast' op input shape [?, 4] and result shape [4] differ}}
  %0 = fx.cast %x : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<4x!fx.fixed<8, 2>>
  return
}

// -----

func.func @relu_type(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.relu' op requires the same type for all operands and results}}
  %0 = "fx.relu"(%x) : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<16, 5>>
  return
}

// -----

func.func @dense_rank0(%x: tensor<!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op input must have rank >= 1}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x1xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<!fx.fixed<16, 6>>) -> tensor<1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_weight_rank(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op weight must have shape [N, K], not [2]}}
  %0 = fx.dense %x {weight = dense<1> : tensor<2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_k(%x: tensor<?x3x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op weight has 2 input features but the input has 3}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x3x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_weight_i32(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op weight must hold i64 raw values of '!fx.fixed<8, 1>', not 'i32'}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi32>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_weight_type_not_fixed(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op attribute 'weight_type' failed to satisfy constraint: type attribute of fixed-point (!fx.fixed or !fx.ufixed)}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = i8}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_weight_range(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op weight value 128 at [1, 0] is not a raw value of '!fx.fixed<8, 1>' (-128 to 127)}}
  %0 = fx.dense %x {weight = dense<[[-128, 127], [128, 0]]> : tensor<2x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_weight_range_unsigned(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op weight value -1 at [0, 1] is not a raw value of '!fx.ufixed<8, 1>' (0 to 255)}}
  %0 = fx.dense %x {weight = dense<[[255, -1]]> : tensor<1x2xi64>, weight_type = !fx.ufixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_bias_no_type(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op has a bias but no bias_type}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>,
                    bias = dense<1> : tensor<1xi64>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_bias_type_no_bias(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op has a bias_type but no bias}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>,
                    bias_type = !fx.fixed<8, 2>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_bias_shape(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op bias must have shape [1], not [2]}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>,
                    bias = dense<1> : tensor<2xi64>, bias_type = !fx.fixed<8, 2>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_bias_range(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op bias value -129 at [1] is not a raw value of '!fx.fixed<8, 2>' (-128 to 127)}}
  %0 = fx.dense %x {weight = dense<1> : tensor<2x2xi64>, weight_type = !fx.fixed<8, 1>,
                    bias = dense<[0, -129]> : tensor<2xi64>, bias_type = !fx.fixed<8, 2>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<24, 7>>
  return
}

// -----

// The products have 10 + 7 = 17 fractional bits; a bias with 18 would have
// to be rounded.
func.func @dense_bias_frac(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op bias type '!fx.fixed<20, 2>' has 18 fractional bits, more than the accumulator's 17}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>,
                    bias = dense<1> : tensor<1xi64>, bias_type = !fx.fixed<20, 2>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7>>
  return
}

// -----

func.func @dense_sat_accumulator(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op accumulator type '!fx.fixed<24, 7, TRN, SAT>' must be TRN, WRAP: a rounding or saturating sum depends on the order of the additions}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7, TRN, SAT>>
  return
}

// -----

func.func @dense_rnd_accumulator(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op accumulator type '!fx.fixed<24, 7, RND>' must be TRN, WRAP}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 7, RND>>
  return
}

// -----

func.func @dense_frac(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op accumulator type '!fx.fixed<24, 8>' has 16 fractional bits, but the products of '!fx.fixed<16, 6>' and '!fx.fixed<8, 1>' have 17}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x1x!fx.fixed<24, 8>>
  return
}

// -----

func.func @dense_result_shape(%x: tensor<?x2x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.dense' op result shape [?, 2] should be [?, 1]}}
  %0 = fx.dense %x {weight = dense<1> : tensor<1x2xi64>, weight_type = !fx.fixed<8, 1>}
      : (tensor<?x2x!fx.fixed<16, 6>>) -> tensor<?x2x!fx.fixed<24, 7>>
  return
}

// -----

func.func @table_empty(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op table must have shape [T] with T >= 1, not [0]}}
  %0 = fx.table %x {table = dense<> : tensor<0xi64>, input_low = 0 : i64, shift = 0 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_rank(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op table must have shape [T] with T >= 1, not [2, 2]}}
  %0 = fx.table %x {table = dense<0> : tensor<2x2xi64>, input_low = 0 : i64, shift = 0 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_entry_range(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op table value 128 at [2] is not a raw value of '!fx.fixed<8, 1>' (-128 to 127)}}
  %0 = fx.table %x {table = dense<[-128, 127, 128]> : tensor<3xi64>, input_low = 0 : i64, shift = 0 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_input_low(%x: tensor<?x4x!fx.ufixed<8, 6>>) {
  // expected-error @+1 {{'fx.table' op input_low -1 is not a raw value of '!fx.ufixed<8, 6>' (0 to 255)}}
  %0 = fx.table %x {table = dense<[1, 2]> : tensor<2xi64>, input_low = -1 : i64, shift = 0 : i64}
      : (tensor<?x4x!fx.ufixed<8, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_shift(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op shift must be 0 to 63, got 64}}
  %0 = fx.table %x {table = dense<[1, 2]> : tensor<2xi64>, input_low = 0 : i64, shift = 64 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_negative_shift(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op shift must be 0 to 63, got -1}}
  %0 = fx.table %x {table = dense<[1, 2]> : tensor<2xi64>, input_low = 0 : i64, shift = -1 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x4x!fx.fixed<8, 1>>
  return
}

// -----

func.func @table_shape(%x: tensor<?x4x!fx.fixed<16, 6>>) {
  // expected-error @+1 {{'fx.table' op input shape [?, 4] and result shape [?, 3] differ}}
  %0 = fx.table %x {table = dense<[1, 2]> : tensor<2xi64>, input_low = 0 : i64, shift = 0 : i64}
      : (tensor<?x4x!fx.fixed<16, 6>>) -> tensor<?x3x!fx.fixed<8, 1>>
  return
}
