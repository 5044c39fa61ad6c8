// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// A convolution as the importer writes it (nn.window, a reshape merging
// each field, nn.dense over the fields, a transpose back to channels
// first), then max pooling (nn.window with pad_lowest, nn.reduce_max, a
// transpose). In float on the cpp target, the layers reading the fields
// read the windows' inputs in place: ariadne::conv and ariadne::pool_max
// (conv.h). The transpose between them is read in place too, through the
// pooling window's strides; the last one, which the output needs, is
// written. A window whose fields are a model output stays ariadne::window.

func.func @cnn(%x: tensor<?x2x4x5xf32>) -> (tensor<?x3x2x2xf32>, tensor<?x2x3x2x1xf32>) {
  %w = nn.window %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<?x2x4x5xf32>) -> tensor<?x4x5x2x9xf32> loc("conv_fields")
  %f = nn.reshape %w : (tensor<?x4x5x2x9xf32>) -> tensor<?x4x5x18xf32> loc("conv_flat")
  %d = nn.dense %f {weight = dense<[
        [0.5, -0.25, 0.125, 1.0, -1.0, 0.75, 0.0, 0.25, -0.5, 0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9],
        [-0.3, 0.6, -0.9, 0.2, 0.4, -0.1, 0.8, -0.7, 0.05, 1.5, -1.25, 0.35, 0.45, -0.55, 0.65, 0.0, 0.15, -0.2],
        [0.25, 0.25, 0.25, -0.5, -0.5, -0.5, 1.0, 1.0, 1.0, -0.125, 0.375, -0.625, 0.875, -1.125, 0.0, 0.5, -0.75, 0.3]]> : tensor<3x18xf32>,
      bias = dense<[0.1, -0.2, 0.05]> : tensor<3xf32>,
      activation = #nn<act relu>} : (tensor<?x4x5x18xf32>) -> tensor<?x4x5x3xf32> loc("conv")
  %t = nn.transpose %d {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x4x5x3xf32>) -> tensor<?x3x4x5xf32> loc("conv_channels")
  %p = nn.window %t {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, pad_lowest}
      : (tensor<?x3x4x5xf32>) -> tensor<?x2x2x3x4xf32> loc("pool_fields")
  %m = nn.reduce_max %p : (tensor<?x2x2x3x4xf32>) -> tensor<?x2x2x3xf32> loc("pool")
  %u = nn.transpose %m {perm = array<i64: 0, 3, 1, 2>} : (tensor<?x2x2x3xf32>) -> tensor<?x3x2x2xf32> loc("pool_channels")
  %z = nn.window %x {kernel_shape = array<i64: 1, 1>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>}
      : (tensor<?x2x4x5xf32>) -> tensor<?x2x3x2x1xf32> loc("subsample")
  return %u, %z : tensor<?x3x2x2xf32>, tensor<?x2x3x2x1xf32>
}

// The convolution's window: zero padding 1 around 4 x 5, C order.
// CHECK:      // conv_fields: nn.window, read in place
// CHECK-NEXT: struct conv_fieldsConfig : ariadne::WindowReadConfig {
// CHECK:        static constexpr int padBegin[2] = {1, 1};
// CHECK-NEXT:   static constexpr int out[2] = {4, 5};
// CHECK-NEXT:   static constexpr int channelStride = 20;
// CHECK-NEXT:   static constexpr int inStride[2] = {5, 1};
// CHECK-NEXT: };

// The dense layer keeps the input-major layout that conv reads.
// CHECK:      struct convConfig : ariadne::DenseConfig {
// CHECK-NEXT:   static constexpr int rows = 20;
// CHECK-NEXT:   static constexpr int inFeatures = 18;
// CHECK-NEXT:   static constexpr int outFeatures = 3;
// CHECK-NEXT:   static constexpr int weightStride = 16;

// The pooling window reads the convolution's [4, 5, 3] result as the
// channels-first [3, 4, 5] of the transpose: channel stride 1.
// CHECK:      // pool_fields: nn.window, read in place
// CHECK-NEXT: struct pool_fieldsConfig : ariadne::WindowReadConfig {
// CHECK:        static constexpr int out[2] = {2, 2};
// CHECK-NEXT:   static constexpr int channelStride = 1;
// CHECK-NEXT:   static constexpr int inStride[2] = {15, 3};
// CHECK-NEXT: };
// CHECK-NOT:  poolConfig

// CHECK:      struct pool_channelsConfig : ariadne::TransposeConfig {
// CHECK:      struct subsampleConfig : ariadne::WindowConfig {

// The convolution's padded copy (2 x 6 x 7 = 84 elements) in its window's
// buffer; pooling reaches no padding and needs none. Every buffer the
// fields would have taken is gone.
// CHECK:      // conv_fields: nn.window, read in place by the layer after it
// CHECK-NEXT: // conv_flat: nn.reshape, aliases its input
// CHECK-NEXT: // conv: nn.dense, over the fields of conv_fields
// CHECK-NEXT: ariadne::conv<conv_fieldsConfig, convConfig, Lanes>(in, arena, [[CONV:arena \+ [0-9]+ \* Lanes]]);
// CHECK-NEXT: // conv_channels: nn.transpose, read in place by the windows after it
// CHECK-NEXT: // pool_fields: nn.window, read in place by the layer after it
// CHECK-NEXT: // pool: nn.reduce_max, over the fields of pool_fields
// CHECK-NEXT: ariadne::pool_max<pool_fieldsConfig, Lanes>([[CONV]], nullptr, [[POOL:arena.*]], -__builtin_huge_valf());
// CHECK-NEXT: // pool_channels: nn.transpose
// CHECK-NEXT: ariadne::transpose<pool_channelsConfig, Lanes>([[POOL]], out);
// CHECK-NEXT: // subsample: nn.window
// CHECK-NEXT: ariadne::window<subsampleConfig, Lanes>(in, out + 12 * Lanes, float(0));

// The package against the emulator: 40 events, a tile of the batched path
// and 8 single events.
// RUN: rm -rf %t && mkdir -p %t
// RUN: awk 'BEGIN { for (e = 0; e < 40; ++e) { line = ""; for (i = 0; i < 40; ++i) line = line (i ? "," : "") sprintf("%%.4f", 2 * sin(e * 40 + i * 1.7)); print line } }' > %t/events.csv
// RUN: ariadnec validate %s --target cpp --input %t/events.csv -o %t/pkg | FileCheck %s --check-prefix=VALID
// VALID: validate: 40 events x 24 outputs agree with the emulator
