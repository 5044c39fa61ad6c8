//===- runtime_index_test.cpp - gathers and scatters at run-time indices --===//
//
// gather_elements and scatter_elements of gather.h (the C++ and CUDA
// packages, float and raw fixed-point lanes) and of hls_kernels.h (the HLS
// target, with ariadne::fixed) against a reference written here from
// DESIGN.md's rule: an index in [-n, 0) counts from the end of its axis of
// n elements, a gather at an index outside [-n, n) reads 0, a scatter
// drops the update, and without a reduction the last update wins.
//
//===----------------------------------------------------------------------===//
#include "ariadne/hls_types.h"

#include "ariadne/gather.h"
#include "ariadne/hls_kernels.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

namespace {

using u64 = std::uint64_t;

// One event: data [4, 3] gathered along axis 0 at indices [5, 1] that
// broadcast over the 3 columns: out [5, 3].
constexpr int kRows = 4, kCols = 3, kPicks = 5;

struct Gather : ariadne::GatherElementsConfig {
  static constexpr int rank = 2;
  static constexpr int shape[2] = {kPicks, kCols};
  static constexpr int strides[2] = {0, 1};
  static constexpr int indexStrides[2] = {1, 0};
  static constexpr int axisSize = kRows;
  static constexpr int axisStride = kCols;
};

// Updates [5, 2] scattered along axis 0 into a result [4, 3].
constexpr int kUpdateCols = 2;
template <bool Add> struct Scatter : ariadne::ScatterElementsConfig {
  static constexpr int size = kRows * kCols;
  static constexpr int rank = 2;
  static constexpr int shape[2] = {kPicks, kUpdateCols};
  static constexpr int strides[2] = {0, 1};
  static constexpr int indexStrides[2] = {kUpdateCols, 1};
  static constexpr int axisSize = kRows;
  static constexpr int axisStride = kCols;
  static constexpr bool add = Add;
};

/// The same scatter with indices [5, 1] broadcast over the updates'
/// columns (one index per row of updates).
template <bool Add> struct RowScatter : Scatter<Add> {
  static constexpr int indexStrides[2] = {1, 0};
};

/// The element index `j` names on an axis of `n`, or -1.
long long element(long long j, long long n) {
  return j < -n || j >= n ? -1 : j < 0 ? j + n : j;
}

const std::vector<long long> kIndices = {-5, -4, -1, 0, 3, 4, 7, -100, 2, 1};

std::vector<long long> randomIndices(std::mt19937 &gen, size_t n) {
  std::uniform_int_distribution<size_t> pick(0, kIndices.size() - 1);
  std::vector<long long> v(n);
  for (long long &j : v)
    j = kIndices[pick(gen)];
  return v;
}

} // namespace

TEST_CASE("gather_elements reads the named element, 0 outside the axis",
          "[runtime][index]") {
  constexpr int lanes = 3;
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> value(-4, 4);
  std::vector<float> in(kRows * kCols * lanes);
  for (float &v : in)
    v = value(gen);
  std::vector<long long> idx = randomIndices(gen, kPicks * lanes);
  // Float indices (float packages) and raw integers (fixed point).
  std::vector<float> idxFloat(idx.begin(), idx.end());
  std::vector<u64> idxRaw(idx.begin(), idx.end());
  std::vector<u64> inRaw(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    inRaw[i] = u64(std::int64_t(in[i] * 64));
  std::vector<float> out(kPicks * kCols * lanes, -1);
  std::vector<u64> outRaw(out.size(), 99);
  ariadne::gather_elements<Gather, lanes>(in.data(), idxFloat.data(),
                                          out.data());
  ariadne::gather_elements<Gather, lanes>(inRaw.data(), idxRaw.data(),
                                          outRaw.data());
  for (int p = 0; p < kPicks; ++p)
    for (int c = 0; c < kCols; ++c)
      for (int t = 0; t < lanes; ++t) {
        long long row = element(idx[size_t(p * lanes + t)], kRows);
        size_t o = size_t((p * kCols + c) * lanes + t);
        size_t source = size_t((row * kCols + c) * lanes + t);
        CHECK(out[o] == (row < 0 ? 0.0f : in[source]));
        CHECK(outRaw[o] == (row < 0 ? 0 : inRaw[source]));
      }
}

TEST_CASE("gather_elements floors a float index, as TRN quantization does",
          "[runtime][index]") {
  const float in[kRows * kCols] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const float idx[kPicks] = {1.5f, -0.5f, 3.99f, 4.0f, -4.5f};
  float out[kPicks * kCols];
  ariadne::gather_elements<Gather>(in, idx, out);
  // 1.5 -> 1, -0.5 -> -1 (the last row), 3.99 -> 3, 4 and -5 outside.
  const float want[kPicks * kCols] = {3,  4, 5, 9, 10, 11, 9, 10,
                                      11, 0, 0, 0, 0,  0,  0};
  for (int i = 0; i < kPicks * kCols; ++i)
    CHECK(out[i] == want[i]);
}

TEST_CASE("scatter_elements sums or replaces in order, dropping outside",
          "[runtime][index]") {
  constexpr int lanes = 2;
  std::mt19937 gen(11);
  std::uniform_int_distribution<int> value(-50, 50);
  std::vector<u64> start(kRows * kCols * lanes),
      updates(kPicks * kUpdateCols * lanes);
  for (u64 &v : start)
    v = u64(std::int64_t(value(gen)));
  for (u64 &v : updates)
    v = u64(std::int64_t(value(gen)));
  std::vector<long long> idx = randomIndices(gen, updates.size());
  std::vector<u64> idxRaw(idx.begin(), idx.end());
  for (bool add : {false, true})
    for (bool withStart : {false, true}) {
      std::vector<std::int64_t> want(start.size());
      for (size_t i = 0; i < want.size(); ++i)
        want[i] = withStart ? std::int64_t(start[i]) : 0;
      for (int p = 0; p < kPicks; ++p)
        for (int c = 0; c < kUpdateCols; ++c)
          for (int t = 0; t < lanes; ++t) {
            size_t u = size_t((p * kUpdateCols + c) * lanes + t);
            long long row = element(idx[u], kRows);
            if (row < 0)
              continue;
            std::int64_t &y = want[size_t((row * kCols + c) * lanes + t)];
            y = add ? y + std::int64_t(updates[u]) : std::int64_t(updates[u]);
          }
      std::vector<u64> out(start.size(), 12345);
      const u64 *from = withStart ? start.data() : nullptr;
      if (add)
        ariadne::scatter_elements<Scatter<true>, lanes>(
            from, idxRaw.data(), updates.data(), out.data());
      else
        ariadne::scatter_elements<Scatter<false>, lanes>(
            from, idxRaw.data(), updates.data(), out.data());
      for (size_t i = 0; i < out.size(); ++i)
        CHECK(std::int64_t(out[i]) == want[i]);
    }
}

namespace {

using data_t = ariadne::fixed<12, 4>;
using sum_t = ariadne::fixed<16, 8>;
using index_t = ariadne::fixed<32, 32, ariadne::TRN, ariadne::SAT>;

struct HlsGather {
  static const unsigned n = kPicks * kCols;
  static const unsigned n_in = kRows * kCols;
  static const unsigned n_index = kPicks;
  static const int axis_size = kRows;
  static const unsigned axis_stride = kCols;
  static unsigned base(unsigned i) { return i % kCols; }
  static unsigned index_at(unsigned i) { return i / kCols; }
};

struct HlsScatter {
  static const unsigned n = kRows * kCols;
  static const unsigned n_updates = kPicks * kUpdateCols;
  static const unsigned n_index = kPicks * kUpdateCols;
  static const int axis_size = kRows;
  static const bool add = true;
  static const bool has_start = true;
  static unsigned out_base(unsigned i) { return i % kCols; }
  static unsigned axis_at(unsigned i) { return i / kCols; }
  static unsigned update_base(unsigned i) { return i % kUpdateCols; }
  static unsigned index_at(unsigned i) { return i; }
};

/// HlsScatter with one index per row of updates.
struct HlsRowScatter : HlsScatter {
  static const unsigned n_index = kPicks;
  static unsigned index_at(unsigned i) { return i / kUpdateCols; }
};

} // namespace

TEST_CASE("the HLS gather and scatter agree with the C++ kernels",
          "[runtime][index][hls]") {
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> raw(-2048, 2047);
  std::vector<long long> idx = randomIndices(gen, kPicks * kUpdateCols);
  data_t in[kRows * kCols];
  sum_t start[kRows * kCols], updates[kPicks * kUpdateCols];
  index_t index[kPicks * kUpdateCols];
  std::vector<u64> inRaw, startRaw, updateRaw, indexRaw;
  for (data_t &v : in) {
    v = data_t::fromRaw(raw(gen));
    inRaw.push_back(u64(std::int64_t(v.raw())));
  }
  for (sum_t &v : start) {
    v = sum_t::fromRaw(raw(gen));
    startRaw.push_back(u64(std::int64_t(v.raw())));
  }
  for (size_t u = 0; u < idx.size(); ++u) {
    updates[u] = sum_t::fromRaw(raw(gen));
    updateRaw.push_back(u64(std::int64_t(updates[u].raw())));
    index[u] = index_t::fromRaw(std::int32_t(idx[u]));
    indexRaw.push_back(u64(idx[u]));
  }

  data_t gathered[kPicks * kCols];
  ariadne::hls::gather_elements<data_t, index_t, HlsGather>(in, index,
                                                            gathered);
  std::vector<u64> want(kPicks * kCols);
  ariadne::gather_elements<Gather>(inRaw.data(), indexRaw.data(), want.data());
  for (int i = 0; i < kPicks * kCols; ++i)
    CHECK(std::int64_t(gathered[i].raw()) == std::int64_t(want[size_t(i)]));

  sum_t scattered[kRows * kCols];
  ariadne::hls::scatter_elements<sum_t, index_t, HlsScatter>(
      start, index, updates, scattered);
  std::vector<u64> sums(kRows * kCols);
  ariadne::scatter_elements<Scatter<true>>(startRaw.data(), indexRaw.data(),
                                           updateRaw.data(), sums.data());
  for (int i = 0; i < kRows * kCols; ++i)
    CHECK(std::int64_t(scattered[i].raw()) == std::int64_t(sums[size_t(i)]));
}

TEST_CASE("scatter_elements with one index per row of updates is the "
          "scatter at the index repeated over the row",
          "[runtime][index][hls]") {
  constexpr int lanes = 3;
  std::mt19937 gen(19);
  std::uniform_int_distribution<int> value(-50, 50);
  std::vector<u64> updates(kPicks * kUpdateCols * lanes);
  for (u64 &v : updates)
    v = u64(std::int64_t(value(gen)));
  std::vector<long long> rows = randomIndices(gen, kPicks * lanes);
  std::vector<u64> rowRaw(rows.begin(), rows.end()), repeated;
  std::vector<float> rowFloat(rows.begin(), rows.end());
  for (int p = 0; p < kPicks; ++p)
    for (int c = 0; c < kUpdateCols; ++c)
      for (int t = 0; t < lanes; ++t)
        repeated.push_back(rowRaw[size_t(p * lanes + t)]);
  std::vector<u64> want(kRows * kCols * lanes, 1), got(want.size(), 2);
  const u64 *zeros = nullptr;
  ariadne::scatter_elements<Scatter<true>, lanes>(
      zeros, repeated.data(), updates.data(), want.data());
  ariadne::scatter_elements<RowScatter<true>, lanes>(
      zeros, rowRaw.data(), updates.data(), got.data());
  CHECK(got == want);
  std::vector<float> updatesFloat(updates.size()), wantFloat(want.size()),
      gotFloat(want.size());
  for (size_t i = 0; i < updates.size(); ++i)
    updatesFloat[i] = float(std::int64_t(updates[i]));
  for (size_t i = 0; i < want.size(); ++i)
    wantFloat[i] = float(std::int64_t(want[i]));
  const float *floatZeros = nullptr;
  ariadne::scatter_elements<RowScatter<true>, lanes>(
      floatZeros, rowFloat.data(), updatesFloat.data(), gotFloat.data());
  CHECK(gotFloat == wantFloat);

  // The HLS kernel (one event) against the C++ kernel.
  sum_t start[kRows * kCols], updatesHls[kPicks * kUpdateCols],
      out[kRows * kCols];
  index_t index[kPicks];
  std::vector<u64> startRaw(kRows * kCols), updateRaw(kPicks * kUpdateCols),
      indexRaw(kPicks), sums(kRows * kCols);
  for (int i = 0; i < kRows * kCols; ++i) {
    start[i] = sum_t(value(gen) / 8.0);
    startRaw[size_t(i)] = u64(std::int64_t(start[i].raw()));
  }
  for (int i = 0; i < kPicks * kUpdateCols; ++i) {
    updatesHls[i] = sum_t(value(gen) / 8.0);
    updateRaw[size_t(i)] = u64(std::int64_t(updatesHls[i].raw()));
  }
  for (int p = 0; p < kPicks; ++p) {
    index[p] = index_t(double(rows[size_t(p)]));
    indexRaw[size_t(p)] = u64(rows[size_t(p)]);
  }
  ariadne::hls::scatter_elements<sum_t, index_t, HlsRowScatter>(
      start, index, updatesHls, out);
  ariadne::scatter_elements<RowScatter<true>>(
      startRaw.data(), indexRaw.data(), updateRaw.data(), sums.data());
  for (int i = 0; i < kRows * kCols; ++i)
    CHECK(std::int64_t(out[i].raw()) == std::int64_t(sums[size_t(i)]));
}
