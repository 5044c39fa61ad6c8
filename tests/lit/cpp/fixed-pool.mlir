// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// nn.window and nn.reduce_max stay nn ops on fixed-point tensors and move
// raw values (std::uint64_t extended bits): the window pads with 0, or
// with pad_lowest the type's smallest raw value (-128 for fixed<8,3>, 0
// for the unsigned ufixed<6,2>); reduce_max compares raw values as the
// integers they hold, unsigned ones as unsigned (isSigned = false).

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

// CHECK:      // pool_fields: nn.window
// CHECK-NEXT: struct pool_fieldsConfig : ariadne::WindowConfig {
// CHECK-NEXT:   static constexpr int rank = 1;
// CHECK-NEXT:   static constexpr int channels = 2;
// CHECK-NEXT:   static constexpr int in[1] = {5};
// CHECK-NEXT:   static constexpr int kernel[1] = {3};
// CHECK-NEXT:   static constexpr int stride[1] = {2};
// CHECK-NEXT:   static constexpr int dilation[1] = {1};
// CHECK-NEXT:   static constexpr int padBegin[1] = {1};
// CHECK-NEXT:   static constexpr int out[1] = {3};
// CHECK-NEXT: };

// The signed type keeps ReduceConfig's default isSigned = true.
// CHECK:      // pool_max: nn.reduce_max
// CHECK-NEXT: struct pool_maxConfig : ariadne::ReduceConfig {
// CHECK-NEXT:   static constexpr int rows = 6;
// CHECK-NEXT:   static constexpr int length = 3;
// CHECK-NEXT: };

// CHECK:      // zero_max: nn.reduce_max
// CHECK-NEXT: struct zero_maxConfig : ariadne::ReduceConfig {
// CHECK-NEXT:   static constexpr int rows = 5;
// CHECK-NEXT:   static constexpr int length = 2;
// CHECK-NEXT:   static constexpr bool isSigned = false;
// CHECK-NEXT: };

// Dilation 2 over 4 elements padded by 0 and 1: (5 - 3) / 1 + 1 = 3.
// CHECK:      // low_fields: nn.window
// CHECK-NEXT: struct low_fieldsConfig : ariadne::WindowConfig {
// CHECK:        static constexpr int dilation[1] = {2};
// CHECK-NEXT:   static constexpr int padBegin[1] = {0};
// CHECK-NEXT:   static constexpr int out[1] = {3};
// CHECK-NEXT: };

// CHECK:      // low_max: nn.reduce_max
// CHECK-NEXT: struct low_maxConfig : ariadne::ReduceConfig {
// CHECK-NEXT:   static constexpr int rows = 3;
// CHECK-NEXT:   static constexpr int length = 2;
// CHECK-NEXT:   static constexpr bool isSigned = false;
// CHECK-NEXT: };

// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK-NEXT:   alignas(64) std::uint64_t arena[
// CHECK:        ariadne::window<pool_fieldsConfig, Lanes>({{.*}}, std::uint64_t(-128));
// CHECK-NEXT:   // pool_max: nn.reduce_max
// CHECK-NEXT:   ariadne::reduce_max<pool_maxConfig, Lanes>(
// CHECK:        ariadne::window<zero_fieldsConfig, Lanes>({{.*}}, std::uint64_t(0));
// CHECK-NEXT:   // zero_max: nn.reduce_max
// CHECK-NEXT:   ariadne::reduce_max<zero_maxConfig, Lanes>(
// CHECK:        ariadne::window<low_fieldsConfig, Lanes>({{.*}}, std::uint64_t(0));
// CHECK-NEXT:   // low_max: nn.reduce_max
// CHECK-NEXT:   ariadne::reduce_max<low_maxConfig, Lanes>(

// The emulator, on two events (per event: pool_max [position, channel],
// zero_max, low_max). Event 1: fixed<8,3> truncates -3.9 to -3.90625, 3.97
// to 3.96875 and -3.97 to -4; the maxima of the border fields are values
// of the input, never the padding. Event 2: fields of -3.96875 (one step
// above the lowest value) and of -4 (the lowest, as the padding) at the
// border; the unsigned maxima of 0 and 1/16.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf -- '-3.9,-3.5,-2,-1,-4,-0.5,0.25,3.97,-3.97,-3,0.5,3,3.9,1.25\n-3.96875,-3.96875,-3.96875,-3.96875,-3.96875,-4,-4,-4,-4,-4,0,0.0625,0,0\n' > %t/events.csv
// RUN: ariadnec emulate %s --input %t/events.csv | FileCheck %s --check-prefix=EMU
// EMU:      {{^}}-3.5,0.25,-1,3.96875,-1,-3,0.5,3,3.875,3.875,1.25,3.875,3,3.875{{$}}
// EMU-NEXT: {{^}}-3.96875,-4,-3.96875,-4,-3.96875,-4,0,0.0625,0.0625,0,0,0,0.0625,0{{$}}

// The C++ package agrees with it bit for bit.
// RUN: ariadnec validate %s --target cpp --input %t/events.csv -o %t/pkg | FileCheck %s --check-prefix=VALID
// VALID: validate: 2 events x 14 outputs agree bit for bit with the emulator
