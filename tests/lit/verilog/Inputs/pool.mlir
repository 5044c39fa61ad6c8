// Max pooling on a signed and an unsigned fixed-point input: windows padded
// with the lowest value or with 0, and the maximum of each field. Input of
// tests/lit/verilog/pool.test (the same module as tests/lit/cpp/fixed-pool.mlir
// and tests/lit/hls/pool.mlir).
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
