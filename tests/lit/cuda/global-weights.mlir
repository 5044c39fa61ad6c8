// RUN: rm -rf %t && ariadnec compile %s --target cuda -o %t
// RUN: FileCheck %s < %t/big.cuh
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.json

// 200 x 128 weights (102400 bytes) exceed the 64 KiB of __constant__
// memory: the arrays go to global memory.

func.func @big(%x: tensor<?x200xf32> {nn.name = "x"}) -> (tensor<?x128xf32> {nn.name = "y"}) {
  %y = nn.dense %x {weight = dense<0.5> : tensor<128x200xf32>,
                    bias = dense<0.25> : tensor<128xf32>} : (tensor<?x200xf32>) -> tensor<?x128xf32> loc("fc")
  return %y : tensor<?x128xf32>
}

// CHECK:     live in global memory (__device__)
// CHECK:     #define big_WEIGHT_SPACE __device__
// CHECK:     alignas(64) big_WEIGHT_SPACE const float fcWeights[
// CHECK:     alignas(64) big_WEIGHT_SPACE const float fcBias[
// CHECK:     ARIADNE_INLINE void big_event(const float *in, float *out) {

// report.json counts the bytes as stored: 128 rows padded to 208 floats
// (4 * 128 * 208) plus the 512-byte bias.
// REPORT: "weight_bytes": 107008,
// REPORT: "weight_space": "global"
