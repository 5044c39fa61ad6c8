// Two activations combined: an add broadcasting an unsigned per-event
// scalar over four signed values (the finer grid is the signed one), a
// difference of two unsigned tensors (signed), their product, and a
// matrix product of an activation with its own transpose into a
// wrapping accumulator. Input of tests/lit/verilog/arith.test.
func.func @arith(%x: tensor<?x4xf32>, %g: tensor<?x1xf32>,
                 %p: tensor<?x4xf32>, %m: tensor<?x2x3xf32>)
    -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>,
        tensor<?x2x2xf32>) {
  %a = fx.quantize %x : (tensor<?x4xf32>) -> tensor<?x4x!fx.fixed<8, 3>>
  %u = fx.quantize %g : (tensor<?x1xf32>) -> tensor<?x1x!fx.ufixed<6, 2>>
  %v = fx.quantize %p : (tensor<?x4xf32>) -> tensor<?x4x!fx.ufixed<5, 2>>
  %q = fx.quantize %m : (tensor<?x2x3xf32>) -> tensor<?x2x3x!fx.fixed<8, 3>>
  %s = fx.add %a, %u : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x1x!fx.ufixed<6, 2>>) -> tensor<?x4x!fx.fixed<9, 4>> loc("gate_add")
  %d = fx.sub %v, %u : (tensor<?x4x!fx.ufixed<5, 2>>, tensor<?x1x!fx.ufixed<6, 2>>) -> tensor<?x4x!fx.fixed<7, 3>> loc("diff")
  %y = fx.mul %a, %u : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x1x!fx.ufixed<6, 2>>) -> tensor<?x4x!fx.fixed<14, 5>> loc("gate_mul")
  %t = nn.transpose %q {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3x!fx.fixed<8, 3>>) -> tensor<?x3x2x!fx.fixed<8, 3>>
  %c = fx.matmul %q, %t : (tensor<?x2x3x!fx.fixed<8, 3>>, tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<12, 2>> loc("scores")
  %o0 = fx.dequantize %s : (tensor<?x4x!fx.fixed<9, 4>>) -> tensor<?x4xf32>
  %o1 = fx.dequantize %d : (tensor<?x4x!fx.fixed<7, 3>>) -> tensor<?x4xf32>
  %o2 = fx.dequantize %y : (tensor<?x4x!fx.fixed<14, 5>>) -> tensor<?x4xf32>
  %o3 = fx.dequantize %c : (tensor<?x2x2x!fx.fixed<12, 2>>) -> tensor<?x2x2xf32>
  return %o0, %o1, %o2, %o3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x2x2xf32>
}
