// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// Receptive fields and their maximum in float: an nn.window whose fields
// only nn.reduce_max reads is max pooling, ariadne::pool_max reading the
// window's input in place (its geometry and the input's strides in a
// WindowReadConfig), the padding -infinity (pad_lowest) copied with the
// input into the window's buffer; a window of its own is ariadne::window,
// padded with 0 here.

func.func @pool(%x: tensor<?x2x5xf32>) -> (tensor<?x3x2xf32>, tensor<?x6x2x1xf32>) {
  %w = nn.window %x {kernel_shape = array<i64: 3>, strides = array<i64: 2>, dilations = array<i64: 1>, pads = array<i64: 1, 1>, pad_lowest}
      : (tensor<?x2x5xf32>) -> tensor<?x3x2x3xf32> loc("pool_fields")
  %m = nn.reduce_max %w : (tensor<?x3x2x3xf32>) -> tensor<?x3x2xf32> loc("pool_max")
  %z = nn.window %x {kernel_shape = array<i64: 1>, strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 1>}
      : (tensor<?x2x5xf32>) -> tensor<?x6x2x1xf32> loc("zero_pad")
  return %m, %z : tensor<?x3x2xf32>, tensor<?x6x2x1xf32>
}

// Kernel 3, stride 2 over 5 + 1 + 1: 3 positions; the input in C order.
// CHECK:      // pool_fields: nn.window, read in place
// CHECK-NEXT: struct pool_fieldsConfig : ariadne::WindowReadConfig {
// CHECK-NEXT:   static constexpr int rank = 1;
// CHECK-NEXT:   static constexpr int channels = 2;
// CHECK-NEXT:   static constexpr int in[1] = {5};
// CHECK-NEXT:   static constexpr int kernel[1] = {3};
// CHECK-NEXT:   static constexpr int stride[1] = {2};
// CHECK-NEXT:   static constexpr int dilation[1] = {1};
// CHECK-NEXT:   static constexpr int padBegin[1] = {1};
// CHECK-NEXT:   static constexpr int out[1] = {3};
// CHECK-NEXT:   static constexpr int channelStride = 5;
// CHECK-NEXT:   static constexpr int inStride[1] = {1};
// CHECK-NEXT: };
// CHECK-NOT:  pool_maxConfig

// CHECK:      // zero_pad: nn.window
// CHECK-NEXT: struct zero_padConfig : ariadne::WindowConfig {
// CHECK:        static constexpr int padBegin[1] = {0};
// CHECK-NEXT:   static constexpr int out[1] = {6};
// CHECK-NEXT: };

// The padded copy (2 channels x 7) in the window's buffer, the maxima
// straight into the output.
// CHECK:      alignas(64) float arena[Lanes * 16];
// CHECK-NEXT: // pool_fields: nn.window, read in place by the layer after it
// CHECK-NEXT: // pool_max: nn.reduce_max, over the fields of pool_fields
// CHECK-NEXT: ariadne::pool_max<pool_fieldsConfig, Lanes>(in, arena, out, -__builtin_huge_valf());
// CHECK:      ariadne::window<zero_padConfig, Lanes>(in, out + 6 * Lanes, float(0));

// The emulator on two events: the maximum of a field at the border of
// negative values is never the padding (event 2, channel 0: -1, not -inf);
// zero padding adds a last position of zeros. Per event: pool_max
// [position, channel] then zero_pad [position, channel]. The package
// agrees with it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf -- '-3,-2,-1,-0.5,-4,1,2,3,4,5\n-1,-1,-1,-1,-1,-7,-6,-5,-4,-3\n' > %t/events.csv
// RUN: ariadnec emulate %s --input %t/events.csv | FileCheck %s --check-prefix=EMU
// EMU:      -2,2,-0.5,4,-0.5,5,-3,1,-2,2,-1,3,-0.5,4,-4,5,0,0
// EMU-NEXT: -1,-6,-1,-4,-1,-3,-1,-7,-1,-6,-1,-5,-1,-4,-1,-3,0,0
// RUN: ariadnec validate %s --target cpp --input %t/events.csv -o %t/pkg | FileCheck %s --check-prefix=VALID
// VALID: validate: 2 events x 18 outputs agree with the emulator
