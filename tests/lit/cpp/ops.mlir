// RUN: ariadnec compile %s --target cpp --emit=cpp | FileCheck %s

// Broadcasting strides computed at compile time, constants broadcast into
// the lane layout, the buffer plan (arena reuse, an aliasing reshape, a
// result written in place, a copy for an output returned twice), and the
// event-relative axes of softmax, transpose, slice and concat.

func.func @ops(%a: tensor<?x2x3xf32>, %b: tensor<?x3xf32>) -> (tensor<?x9xf32>, tensor<?x3x2xf32>, tensor<?x3x2xf32>) {
  %c = nn.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32> loc("offset")
  %0 = nn.add %a, %c : (tensor<?x2x3xf32>, tensor<3xf32>) -> tensor<?x2x3xf32> loc("shift")
  %1 = nn.softmax %0 {axis = 2 : i64} : tensor<?x2x3xf32> loc("prob")
  %2 = nn.reshape %1 : (tensor<?x2x3xf32>) -> tensor<?x6xf32> loc("flat")
  %3 = nn.slice %b {starts = array<i64: 0, 2>, steps = array<i64: 1, -1>} : (tensor<?x3xf32>) -> tensor<?x3xf32> loc("reverse")
  %4 = nn.concat %2, %3 {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?x3xf32>) -> tensor<?x9xf32> loc("join")
  %5 = nn.transpose %1 {perm = array<i64: 0, 2, 1>} : (tensor<?x2x3xf32>) -> tensor<?x3x2xf32> loc("swap")
  return %4, %5, %5 : tensor<?x9xf32>, tensor<?x3x2xf32>, tensor<?x3x2xf32>
}

// CHECK:      // offset: nn.constant, [3]
// CHECK-NEXT: alignas(64) const float offsetData[3] = {
// CHECK-NEXT:     1.0f, 2.0f, 3.0f,
// CHECK-NEXT: };

// The [3] constant broadcasts over the event's first dimension: stride 0.
// CHECK:      // shift: nn.add, [2x3], [3] -> [2x3]
// CHECK-NEXT: struct shiftConfig : ariadne::BinaryConfig {
// CHECK-NEXT:   static constexpr ariadne::BinaryOp op = ariadne::BinaryOp::Add;
// CHECK-NEXT:   static constexpr int rank = 2;
// CHECK-NEXT:   static constexpr int shape[2] = {2, 3};
// CHECK-NEXT:   static constexpr int lhsStrides[2] = {3, 1};
// CHECK-NEXT:   static constexpr int rhsStrides[2] = {0, 1};
// CHECK-NEXT: };

// Axis 2 of the model is axis 1 of an event.
// CHECK:      // prob: nn.softmax, event axis 1
// CHECK-NEXT: struct probConfig : ariadne::SoftmaxConfig {
// CHECK-NEXT:   static constexpr int outer = 2;
// CHECK-NEXT:   static constexpr int axisSize = 3;
// CHECK-NEXT:   static constexpr int inner = 1;
// CHECK-NEXT: };

// CHECK:      // reverse: nn.slice
// CHECK-NEXT: struct reverseConfig : ariadne::SliceConfig {
// CHECK-NEXT:   static constexpr int rank = 1;
// CHECK-NEXT:   static constexpr int shape[1] = {3};
// CHECK-NEXT:   static constexpr int strides[1] = {-1};
// CHECK-NEXT:   static constexpr int offset = 2;
// CHECK-NEXT: };

// CHECK:      // join: nn.concat, event axis 0
// CHECK-NEXT: struct joinConfig : ariadne::ConcatConfig {
// CHECK-NEXT:   static constexpr int inputs = 2;
// CHECK-NEXT:   static constexpr int outer = 1;
// CHECK-NEXT:   static constexpr int chunks[2] = {6, 3};
// CHECK-NEXT: };

// CHECK:      // swap: nn.transpose
// CHECK-NEXT: struct swapConfig : ariadne::TransposeConfig {
// CHECK-NEXT:   static constexpr int rank = 2;
// CHECK-NEXT:   static constexpr int shape[2] = {3, 2};
// CHECK-NEXT:   static constexpr int strides[2] = {1, 3};
// CHECK-NEXT: };

// shift's buffer is free once prob has read it and is reused by reverse,
// then by swap; the concat writes the first output in place.
// CHECK:      template <int Lanes, class Out> void run(const float *in, Out *out) {
// CHECK-NEXT:   alignas(64) float arena[Lanes * 48];
// CHECK-NEXT:   // offset: nn.constant
// CHECK-NEXT:   const float *offset = ariadne::broadcastLanes<3, Lanes>(offsetData, arena);
// CHECK-NEXT:   // shift: nn.add
// CHECK-NEXT:   ariadne::binary<shiftConfig, Lanes>(in, offset, arena + 16 * Lanes);
// CHECK-NEXT:   // prob: nn.softmax
// CHECK-NEXT:   ariadne::softmax<probConfig, Lanes>(arena + 16 * Lanes, arena + 32 * Lanes);
// CHECK-NEXT:   // flat: nn.reshape, aliases its input
// CHECK-NEXT:   // reverse: nn.slice
// CHECK-NEXT:   ariadne::slice<reverseConfig, Lanes>(in + 6 * Lanes, arena + 16 * Lanes);
// CHECK-NEXT:   // join: nn.concat
// CHECK-NEXT:   const float *const joinInputs[] = {arena + 32 * Lanes, arena + 16 * Lanes};
// CHECK-NEXT:   ariadne::concat<joinConfig, Lanes>(joinInputs, out);
// CHECK-NEXT:   // swap: nn.transpose
// CHECK-NEXT:   ariadne::transpose<swapConfig, Lanes>(arena + 32 * Lanes, arena + 16 * Lanes);
// CHECK-NEXT:   // output 1
// CHECK-NEXT:   ariadne::copy<6, Lanes>(arena + 16 * Lanes, out + 9 * Lanes);
// CHECK-NEXT:   // output 2
// CHECK-NEXT:   ariadne::copy<6, Lanes>(arena + 16 * Lanes, out + 15 * Lanes);
// CHECK-NEXT: }
