// RUN: ariadne-opt %s -split-input-file -verify-diagnostics

func.func @not_exact(%a: tensor<?x4x!fx.fixed<8, 3>>, %b: tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<8, 3>> {
  // expected-error @+1 {{result type '!fx.fixed<8, 3>' is not the exact type '!fx.fixed<9, 4>' of '!fx.fixed<8, 3>' and '!fx.fixed<8, 3>'}}
  %0 = fx.add %a, %b : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x4x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<8, 3>>
  return %0 : tensor<?x4x!fx.fixed<8, 3>>
}

// -----

func.func @mixed_signs(%a: tensor<4x!fx.fixed<8, 3>>, %b: tensor<4x!fx.ufixed<8, 3>>) -> tensor<4x!fx.fixed<10, 5>> {
  // An unsigned operand beside a signed one counts one more bit for the sign.
  %0 = fx.sub %a, %b : (tensor<4x!fx.fixed<8, 3>>, tensor<4x!fx.ufixed<8, 3>>) -> tensor<4x!fx.fixed<10, 5>>
  return %0 : tensor<4x!fx.fixed<10, 5>>
}

// -----

func.func @shapes(%a: tensor<?x4x!fx.fixed<8, 3>>, %b: tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<16, 6>> {
  // expected-error @+1 {{operand shapes [?, 4] and [?, 3] do not broadcast to the result shape [?, 4]}}
  %0 = fx.mul %a, %b : (tensor<?x4x!fx.fixed<8, 3>>, tensor<?x3x!fx.fixed<8, 3>>) -> tensor<?x4x!fx.fixed<16, 6>>
  return %0 : tensor<?x4x!fx.fixed<16, 6>>
}

// -----

func.func @too_wide(%a: tensor<4x!fx.fixed<40, 3>>, %b: tensor<4x!fx.fixed<40, 3>>) -> tensor<4x!fx.fixed<64, 6>> {
  // expected-error @+1 {{the exact result of '!fx.fixed<40, 3>' and '!fx.fixed<40, 3>' needs more than 64 bits}}
  %0 = fx.mul %a, %b : (tensor<4x!fx.fixed<40, 3>>, tensor<4x!fx.fixed<40, 3>>) -> tensor<4x!fx.fixed<64, 6>>
  return %0 : tensor<4x!fx.fixed<64, 6>>
}

// -----

func.func @saturating_acc(%a: tensor<?x2x3x!fx.fixed<8, 3>>, %b: tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<17, 7, TRN, SAT>> {
  // expected-error @+1 {{accumulator type '!fx.fixed<17, 7, TRN, SAT>' must be TRN, WRAP}}
  %0 = fx.matmul %a, %b : (tensor<?x2x3x!fx.fixed<8, 3>>, tensor<?x3x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<17, 7, TRN, SAT>>
  return %0 : tensor<?x2x2x!fx.fixed<17, 7, TRN, SAT>>
}

// -----

func.func @contracted(%a: tensor<?x2x3x!fx.fixed<8, 3>>, %b: tensor<?x4x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<17, 7>> {
  // expected-error @+1 {{operand shapes [?, 2, 3] x [?, 4, 2] do not multiply}}
  %0 = fx.matmul %a, %b : (tensor<?x2x3x!fx.fixed<8, 3>>, tensor<?x4x2x!fx.fixed<8, 3>>) -> tensor<?x2x2x!fx.fixed<17, 7>>
  return %0 : tensor<?x2x2x!fx.fixed<17, 7>>
}

// -----

func.func @wrapping_acc(%a: tensor<?x2x3x!fx.fixed<8, 3>>, %b: tensor<3x!fx.fixed<8, 3>>) -> tensor<?x2x!fx.fixed<12, 2>> {
  // A narrower TRN/WRAP accumulator wraps on purpose; a vector on the right.
  %0 = fx.matmul %a, %b : (tensor<?x2x3x!fx.fixed<8, 3>>, tensor<3x!fx.fixed<8, 3>>) -> tensor<?x2x!fx.fixed<12, 2>>
  return %0 : tensor<?x2x!fx.fixed<12, 2>>
}
