// RUN: ariadne-opt %s -nn-remove-dead-code | FileCheck %s

// A dead chain goes in one sweep; what feeds the result stays.

// CHECK-LABEL: func.func @dead_chain
// CHECK-NEXT:    %[[D:.*]] = nn.dense %arg0
// CHECK-NEXT:    return %[[D]]
func.func @dead_chain(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %c = nn.constant dense<1.0> : tensor<2xf32>
  %a = nn.add %x, %c : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %t = nn.activation %a {activation = #nn<act relu>} : tensor<?x2xf32>
  %d = nn.dense %x {weight = dense<1.0> : tensor<2x2xf32>} : (tensor<?x2xf32>) -> tensor<?x2xf32>
  %s = nn.softmax %t {axis = 1 : i64} : tensor<?x2xf32>
  return %d : tensor<?x2xf32>
}
