// Zero padding that reaches an output: the padding elements are the
// constant 0. Input of tests/lit/verilog/pool.test.
func.func @pad_output(%x: tensor<?x1x3xf32>) -> tensor<?x1x5xf32> {
  %a = fx.quantize %x : (tensor<?x1x3xf32>) -> tensor<?x1x3x!fx.fixed<8, 3>>
  %w = nn.window %a {kernel_shape = array<i64: 1>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 1, 1>}
      : (tensor<?x1x3x!fx.fixed<8, 3>>) -> tensor<?x5x1x1x!fx.fixed<8, 3>> loc("pad")
  %r = nn.reshape %w : (tensor<?x5x1x1x!fx.fixed<8, 3>>) -> tensor<?x1x5x!fx.fixed<8, 3>>
  %o = fx.dequantize %r : (tensor<?x1x5x!fx.fixed<8, 3>>) -> tensor<?x1x5xf32>
  return %o : tensor<?x1x5xf32>
}
