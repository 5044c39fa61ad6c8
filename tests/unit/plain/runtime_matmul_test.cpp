//===- runtime_matmul_test.cpp - matmul kernel ----------------------------===//
#include "ariadne/matmul.h"

#include "runtime_test_util.h"

using namespace ariadne;
using namespace ariadne::test;

namespace {

/// lhs [2, 1, 3, 4] x rhs [5, 4, 2] -> [2, 5, 3, 2]: both operands
/// broadcast one batch dimension.
struct BroadcastConfig : MatMulConfig {
  static constexpr int m = 3, k = 4, n = 2;
  static constexpr int batchRank = 2;
  static constexpr int batchShape[2] = {2, 5};
  static constexpr int lhsBatchStrides[2] = {12, 0};
  static constexpr int rhsBatchStrides[2] = {0, 8};
};

std::vector<double> broadcastReference(const std::vector<float> &lhs,
                                       const std::vector<float> &rhs) {
  std::vector<double> out;
  for (int b0 = 0; b0 < 2; ++b0)
    for (int b1 = 0; b1 < 5; ++b1)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j) {
          double acc = 0;
          for (int k = 0; k < 4; ++k)
            acc += double(lhs[b0 * 12 + i * 4 + k]) * rhs[b1 * 8 + k * 2 + j];
          out.push_back(acc);
        }
  return out;
}

/// A 1-D lhs [4] times rhs [4, 3]: a one-row matrix.
struct VectorConfig : MatMulConfig {
  static constexpr int m = 1, k = 4, n = 3;
};

/// lhs [2, 1, M, K] x rhs [3, K, N] -> [2, 3, M, N], for the one-event
/// vector kernel: rows of N outputs in whole vectors and a scalar tail.
template <int M, int K, int N> struct RowsConfig : MatMulConfig {
  static constexpr int m = M, k = K, n = N;
  static constexpr int batchRank = 2;
  static constexpr int batchShape[2] = {2, 3};
  static constexpr int lhsBatchStrides[2] = {M * K, 0};
  static constexpr int rhsBatchStrides[2] = {0, K *N};
};

template <int M, int K, int N> void checkRows(unsigned seed) {
  std::vector<float> lhs = randomFloats(2 * M * K, seed);
  std::vector<float> rhs = randomFloats(3 * K * N, seed + 1);
  std::vector<float> out(6 * M * N);
  matmul<RowsConfig<M, K, N>>(lhs.data(), rhs.data(), out.data());
  std::vector<double> expected;
  for (int b0 = 0; b0 < 2; ++b0)
    for (int b1 = 0; b1 < 3; ++b1)
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
          double acc = 0;
          for (int k = 0; k < K; ++k)
            acc += double(lhs[b0 * M * K + i * K + k]) *
                   rhs[b1 * K * N + k * N + j];
          expected.push_back(acc);
        }
  INFO("m " << M << " k " << K << " n " << N);
  requireClose(out, expected);
}

} // namespace

TEST_CASE("matmul of one event in vectors along the rows",
          "[runtime][matmul]") {
  checkRows<16, 8, 16>(5);
  checkRows<16, 16, 8>(7);
  checkRows<3, 5, 4>(9);
  checkRows<5, 7, 13>(11);
  checkRows<2, 9, 37>(13);
  checkRows<1, 3, 64>(15);
}

TEST_CASE("matmul broadcasts batch dimensions", "[runtime][matmul]") {
  std::vector<float> lhs = randomFloats(2 * 3 * 4, 1);
  std::vector<float> rhs = randomFloats(5 * 4 * 2, 2);
  std::vector<float> out(2 * 5 * 3 * 2);
  matmul<BroadcastConfig>(lhs.data(), rhs.data(), out.data());
  requireClose(out, broadcastReference(lhs, rhs));
}

TEST_CASE("matmul in the lane layout", "[runtime][matmul]") {
  constexpr int lanes = 4;
  std::vector<float> lhs = randomFloats(24 * lanes, 3);
  std::vector<float> rhs = randomFloats(40 * lanes, 4);
  std::vector<float> out(60 * lanes);
  matmul<BroadcastConfig, lanes>(eventsToLanes(lhs, 24, lanes).data(),
                                 eventsToLanes(rhs, 40, lanes).data(),
                                 out.data());
  std::vector<float> events = lanesToEvents(out, 60, lanes);
  for (int t = 0; t < lanes; ++t) {
    std::vector<float> l(lhs.begin() + t * 24, lhs.begin() + (t + 1) * 24);
    std::vector<float> r(rhs.begin() + t * 40, rhs.begin() + (t + 1) * 40);
    std::vector<float> y(events.begin() + t * 60,
                         events.begin() + (t + 1) * 60);
    requireClose(y, broadcastReference(l, r));
  }
}

TEST_CASE("matmul of a vector and a matrix", "[runtime][matmul]") {
  std::vector<float> lhs = {1, 2, 3, 4};
  std::vector<float> rhs = {1, 0, 2, 0, 1, 2, 1, 1, 2, -1, 0, 2};
  std::vector<float> out(3);
  matmul<VectorConfig>(lhs.data(), rhs.data(), out.data());
  CHECK(out == std::vector<float>{0, 5, 20});
}
