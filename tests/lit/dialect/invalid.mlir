// RUN: ariadne-opt %s -split-input-file -verify-diagnostics

// One case per verifier diagnostic of passes/NN/NNOps.cpp.

func.func @constant_type() {
  // expected-error @+1 {{all of {value, output} have same type}}
  %0 = "nn.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  return
}

// -----

//===--- dense ---===//

func.func @dense_input_rank(%x: tensor<f32>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %0 = nn.dense %x {weight = dense<1.0> : tensor<2x1xf32>} : (tensor<f32>) -> tensor<2xf32>
  return
}

// -----

func.func @dense_weight_rank(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{weight must have shape [N, K]}}
  %0 = nn.dense %x {weight = dense<1.0> : tensor<3xf32>} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @dense_in_features(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{weight has 3 input features but the input has 2}}
  %0 = nn.dense %x {weight = dense<1.0> : tensor<4x3xf32>} : (tensor<?x2xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @dense_bias_shape(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = nn.dense %x {weight = dense<1.0> : tensor<4x3xf32>, bias = dense<1.0> : tensor<3xf32>} : (tensor<?x3xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @dense_result(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{result type 'tensor<?x3xf32>' does not match the expected shape ?x4}}
  %0 = nn.dense %x {weight = dense<1.0> : tensor<4x3xf32>} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

//===--- matmul ---===//

func.func @matmul_rank(%a: tensor<f32>, %b: tensor<3x2xf32>) {
  // expected-error @+1 {{operands must have rank >= 1}}
  %0 = nn.matmul %a, %b : (tensor<f32>, tensor<3x2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<?x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{contraction dimensions differ: 3 vs 4}}
  %0 = nn.matmul %a, %b : (tensor<?x3xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x5x3xf32>, %b: tensor<4x3x2xf32>) {
  // expected-error @+1 {{batch dimensions do not broadcast}}
  %0 = nn.matmul %a, %b : (tensor<2x5x3xf32>, tensor<4x3x2xf32>) -> tensor<4x5x2xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<?x3xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+1 {{does not match the expected shape ?x2}}
  %0 = nn.matmul %a, %b : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x3xf32>
  return
}

// -----

//===--- activation, softmax, batch_norm ---===//

func.func @clip_bounds(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{clip needs alpha (min) <= beta (max)}}
  %0 = nn.activation %x {activation = #nn<act clip>, alpha = 1.0 : f32, beta = -1.0 : f32} : tensor<?x2xf32>
  return
}

// -----

func.func @activation_type(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{requires the same type for all operands and results}}
  %0 = "nn.activation"(%x) : (tensor<?x2xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{axis 2 out of range}}
  %0 = nn.softmax %x {axis = 2 : i64} : tensor<?x2xf32>
  return
}

// -----

func.func @softmax_batch(%x: tensor<?x2xf32>) {
  // expected-error @+1 {{softmax across the dynamic batch dimension}}
  %0 = nn.softmax %x {axis = 0 : i64} : tensor<?x2xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{input must have rank >= 2 (batch, channel, ...)}}
  %0 = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<?x3x5xf32>, %p: tensor<3xf32>, %q: tensor<5xf32>) {
  // expected-error @+1 {{parameters must have shape [3]}}
  %0 = nn.batch_norm %x, %p, %p, %q, %p {epsilon = 0.0 : f32}
      : (tensor<?x3x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<5xf32>, tensor<3xf32>) -> tensor<?x3x5xf32>
  return
}

// -----

func.func @batch_norm_result(%x: tensor<?x3xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{does not match the expected shape ?x3}}
  %0 = nn.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f32}
      : (tensor<?x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return
}

// -----

//===--- binary ops ---===//

func.func @add_broadcast(%a: tensor<?x3xf32>, %b: tensor<2xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = nn.add %a, %b : (tensor<?x3xf32>, tensor<2xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @sub_broadcast(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = nn.sub %a, %b : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @mul_broadcast(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = nn.mul %a, %b : (tensor<4xf32>, tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @div_result(%a: tensor<?x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{result type 'tensor<?x1xf32>' does not match the expected shape ?x3}}
  %0 = nn.div %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x1xf32>
  return
}

// -----

func.func @max_result(%a: tensor<3x1xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{does not match the expected shape 3x4}}
  %0 = nn.max %a, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x1xf32>
  return
}

// -----

func.func @min_broadcast(%a: tensor<2x2xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{operand shapes do not broadcast}}
  %0 = nn.min %a, %b : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

//===--- reshape ---===//

func.func @reshape_batch_leading(%x: tensor<?x6xf32>) {
  // expected-error @+1 {{the dynamic batch dimension must stay the leading one}}
  %0 = nn.reshape %x : (tensor<?x6xf32>) -> tensor<6x1xf32>
  return
}

// -----

func.func @reshape_inner_dynamic(%x: tensor<?x6xf32>) {
  // expected-error @+1 {{only the leading dimension may be dynamic}}
  %0 = nn.reshape %x : (tensor<?x6xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<?x6xf32>) {
  // expected-error @+1 {{element count differs between 'tensor<?x6xf32>' and 'tensor<?x2x2xf32>'}}
  %0 = nn.reshape %x : (tensor<?x6xf32>) -> tensor<?x2x2xf32>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element type changes}}
  %0 = nn.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return
}

// -----

//===--- transpose ---===//

func.func @transpose_perm_size(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{perm has 2 entries for rank 3}}
  %0 = nn.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  return
}

// -----

func.func @transpose_repeat(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = nn.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_out_of_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = nn.transpose %x {perm = array<i64: 0, 2>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_batch(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{the dynamic batch dimension must stay the leading one}}
  %0 = nn.transpose %x {perm = array<i64: 1, 0>} : (tensor<?x3xf32>) -> tensor<3x?xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result type 'tensor<2x3xf32>' does not match the expected shape 3x2}}
  %0 = nn.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

//===--- concat ---===//

func.func @concat_empty() {
  // expected-error @+1 {{needs at least one input}}
  %0 = nn.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_axis(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{axis 2 out of range}}
  %0 = nn.concat %x, %x {axis = 2 : i64} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @concat_batch(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{concatenation along the dynamic batch dimension}}
  %0 = nn.concat %x, %x {axis = 0 : i64} : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @concat_rank(%x: tensor<2x3xf32>, %y: tensor<2x3x1xf32>) {
  // expected-error @+1 {{inputs differ in rank}}
  %0 = nn.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_dim(%x: tensor<2x3xf32>, %y: tensor<4x3xf32>) {
  // expected-error @+1 {{inputs differ in dimension 0}}
  %0 = nn.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_result(%x: tensor<?x3xf32>, %y: tensor<?x2xf32>) {
  // expected-error @+1 {{does not match the expected shape ?x5}}
  %0 = nn.concat %x, %y {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?x2xf32>) -> tensor<?x6xf32>
  return
}

// -----

//===--- slice ---===//

func.func @slice_arity(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{needs one start and step per dimension}}
  %0 = nn.slice %x {starts = array<i64: 0>, steps = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @slice_zero_step(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{step of dimension 1 is zero}}
  %0 = nn.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @slice_batch(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{only the whole dynamic batch dimension may pass}}
  %0 = nn.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 1, 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @slice_outside(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{dimension 1 reads outside the input}}
  %0 = nn.slice %x {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_negative_step_outside(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{dimension 0 reads outside the input}}
  %0 = nn.slice %x {starts = array<i64: 1, 0>, steps = array<i64: -1, 1>} : (tensor<4x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

//===--- window ---===//

func.func @window_no_spatial(%x: tensor<?x2x8xf32>) {
  // expected-error @+1 {{has 0 spatial dimensions; 1 to 3 are supported}}
  %0 = nn.window %x {kernel_shape = array<i64>, strides = array<i64>, dilations = array<i64>, pads = array<i64>} : (tensor<?x2x8xf32>) -> tensor<?x2x1xf32>
  return
}

// -----

func.func @window_four_spatial(%x: tensor<?x1x4x4x4x4xf32>) {
  // expected-error @+1 {{has 4 spatial dimensions; 1 to 3 are supported}}
  %0 = nn.window %x {kernel_shape = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<?x1x4x4x4x4xf32>) -> tensor<?x4x4x4x4x1x1xf32>
  return
}

// -----

func.func @window_arity(%x: tensor<?x2x8x8xf32>) {
  // expected-error @+1 {{needs one stride and dilation and two pads per spatial dimension}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>} : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2x9xf32>
  return
}

// -----

func.func @window_input_rank(%x: tensor<?x8x8xf32>) {
  // expected-error @+1 {{input must be [N?, C, spatial...] with 2 spatial dimensions}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x8x8xf32>) -> tensor<?x6x6x9xf32>
  return
}

// -----

func.func @window_dynamic_spatial(%x: tensor<?x2x?x8xf32>) {
  // expected-error @+1 {{only the leading (batch) dimension may be dynamic}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x?x8xf32>) -> tensor<?x6x6x2x9xf32>
  return
}

// -----

func.func @window_zero_stride(%x: tensor<?x2x8x8xf32>) {
  // expected-error @+1 {{kernel, stride and dilation must be positive}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 0>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x8x8xf32>) -> tensor<?x6x6x2x9xf32>
  return
}

// -----

func.func @window_zero_dilation(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{kernel, stride and dilation must be positive}}
  %0 = nn.window %x {kernel_shape = array<i64: 3>, strides = array<i64: 1>, dilations = array<i64: 0>, pads = array<i64: 0, 0>} : (tensor<2x8xf32>) -> tensor<6x2x3xf32>
  return
}

// -----

func.func @window_negative_kernel(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{kernel, stride and dilation must be positive}}
  %0 = nn.window %x {kernel_shape = array<i64: -1>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<2x8xf32>) -> tensor<8x2x1xf32>
  return
}

// -----

func.func @window_negative_pad(%x: tensor<?x2x8x8xf32>) {
  // expected-error @+1 {{pads must not be negative}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, -1>} : (tensor<?x2x8x8xf32>) -> tensor<?x6x5x2x9xf32>
  return
}

// -----

func.func @window_kernel_too_large(%x: tensor<?x2x4x8xf32>) {
  // A kernel of 3 with dilation 2 spans 5 rows; 4 rows padded by 0 and 0.
  // expected-error @+1 {{the kernel does not fit the padded input}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 2, 1>, pads = array<i64: 0, 0, 0, 0>} : (tensor<?x2x4x8xf32>) -> tensor<?x1x6x2x9xf32>
  return
}

// -----

func.func @window_result_shape(%x: tensor<?x2x8x8xf32>) {
  // Stride 2 over 8 + 1 + 1 rows: (10 - 3) / 2 + 1 = 4 positions.
  // expected-error @+1 {{result shape must be 'tensor<?x4x8x2x9xf32>'}}
  %0 = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : (tensor<?x2x8x8xf32>) -> tensor<?x8x8x2x9xf32>
  return
}

// -----

func.func @window_result_batch(%x: tensor<?x2x8xf32>) {
  // The dynamic batch stays leading in the result.
  // expected-error @+1 {{result shape must be 'tensor<?x6x2x3xf32>'}}
  %0 = nn.window %x {kernel_shape = array<i64: 3>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<?x2x8xf32>) -> tensor<6x2x3xf32>
  return
}

// -----

func.func @window_element_type(%x: tensor<?x2x8xf32>) {
  // expected-error @+1 {{element type changes}}
  %0 = nn.window %x {kernel_shape = array<i64: 3>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>} : (tensor<?x2x8xf32>) -> tensor<?x6x2x3xf16>
  return
}

// -----

//===--- reduce_max ---===//

func.func @reduce_max_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{needs a last axis that is not the batch}}
  %0 = nn.reduce_max %x : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @reduce_max_batch(%x: tensor<?xf32>) {
  // The only axis is the batch: a maximum over events would mix them.
  // expected-error @+1 {{needs a last axis that is not the batch}}
  %0 = nn.reduce_max %x : (tensor<?xf32>) -> tensor<f32>
  return
}

// -----

func.func @reduce_max_dynamic_axis(%x: tensor<4x?xf32>) {
  // expected-error @+1 {{reduces a dynamic axis}}
  %0 = nn.reduce_max %x : (tensor<4x?xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_max_empty_axis(%x: tensor<?x3x0xf32>) {
  // expected-error @+1 {{reduces an empty axis}}
  %0 = nn.reduce_max %x : (tensor<?x3x0xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @reduce_max_result_shape(%x: tensor<?x4x3xf32>) {
  // The result drops the last axis only, not the first.
  // expected-error @+1 {{result shape must be the input's without its last axis}}
  %0 = nn.reduce_max %x : (tensor<?x4x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @reduce_max_keeps_axis(%x: tensor<?x4x3xf32>) {
  // expected-error @+1 {{result shape must be the input's without its last axis}}
  %0 = nn.reduce_max %x : (tensor<?x4x3xf32>) -> tensor<?x4x1xf32>
  return
}

// -----

func.func @reduce_max_element_type(%x: tensor<?x4x3xf32>) {
  // expected-error @+1 {{element type changes}}
  %0 = nn.reduce_max %x : (tensor<?x4x3xf32>) -> tensor<?x4xf16>
  return
}

// -----

func.func @gather_batch_axis(%x: tensor<?x4xf32>, %i: tensor<?x4xf32>) {
  // expected-error @+1 {{cannot index along the dynamic batch dimension}}
  %0 = nn.gather_elements %x, %i {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @gather_indices_shape(%x: tensor<?x4x3xf32>, %i: tensor<?x6x2xf32>) {
  // expected-error @+1 {{indices dimension 2 neither matches the result's nor broadcasts}}
  %0 = nn.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x4x3xf32>, tensor<?x6x2xf32>) -> tensor<?x6x3xf32>
  return
}

// -----

func.func @gather_input_shape(%x: tensor<?x4x2xf32>, %i: tensor<?x6x1xf32>) {
  // expected-error @+1 {{input dimension 2 differs from the result's}}
  %0 = nn.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x4x2xf32>, tensor<?x6x1xf32>) -> tensor<?x6x3xf32>
  return
}

// -----

func.func @scatter_axis(%i: tensor<?x6xf32>, %u: tensor<?x6xf32>) {
  // expected-error @+1 {{axis 2 is outside the rank 2}}
  %0 = nn.scatter_elements %i, %u {axis = 2 : i64} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @scatter_shapes(%i: tensor<?x6x2xf32>, %u: tensor<?x6x3xf32>) {
  // expected-error @+1 {{indices dimension 2 neither matches the updates' nor broadcasts}}
  %0 = nn.scatter_elements %i, %u {axis = 1 : i64} : (tensor<?x6x2xf32>, tensor<?x6x3xf32>) -> tensor<?x4x3xf32>
  return
}

// -----

func.func @scatter_too_wide(%i: tensor<?x6x5xf32>, %u: tensor<?x6x5xf32>) {
  // expected-error @+1 {{updates dimension 2 exceeds the result's}}
  %0 = nn.scatter_elements %i, %u {axis = 1 : i64} : (tensor<?x6x5xf32>, tensor<?x6x5xf32>) -> tensor<?x4x3xf32>
  return
}

// -----

func.func @scatter_element_type(%i: tensor<?x6xf32>, %u: tensor<?x6xf16>) {
  // expected-error @+1 {{input, updates and result need one element type}}
  %0 = nn.scatter_elements %i, %u {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?x6xf16>) -> tensor<?x4xf32>
  return
}

// -----

func.func @compare_shapes(%x: tensor<?x4xf32>, %y: tensor<?x3xf32>) {
  // expected-error @+1 {{lhs and rhs need one shape}}
  %0 = nn.compare eq %x, %y : (tensor<?x4xf32>, tensor<?x3xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @compare_result(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{result needs the operands' shape}}
  %0 = nn.compare eq %x : (tensor<?x4xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @select_rank(%c: tensor<?xf32>, %x: tensor<?x4xf32>) {
  // expected-error @+1 {{condition and result need one rank}}
  %0 = nn.select %c then %x : (tensor<?xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @select_condition(%c: tensor<?x3xf32>, %x: tensor<?x4xf32>) {
  // expected-error @+1 {{condition dimension 1 neither matches the result's nor broadcasts}}
  %0 = nn.select %c then %x : (tensor<?x3xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @select_branch(%c: tensor<?x4xf32>, %x: tensor<?x1xf32>) {
  // expected-error @+1 {{x and y need the result's shape}}
  %0 = nn.select %c else %x : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  return
}

// -----

func.func @select_type(%c: tensor<?x4xf32>, %x: tensor<?x4xf16>) {
  // expected-error @+1 {{x and y need the result's element type}}
  %0 = nn.select %c then %x : (tensor<?x4xf32>, tensor<?x4xf16>) -> tensor<?x4xf32>
  return
}
