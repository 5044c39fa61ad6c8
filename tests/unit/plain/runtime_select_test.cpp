//===- runtime_select_test.cpp - comparisons and selects ------------------===//
//
// compare and select of select.h (the C++ and CUDA packages, float and raw
// fixed-point lanes) and of hls_kernels.h (the HLS target, with
// ariadne::fixed) against a reference written here from DESIGN.md's rule:
// a comparison of two values of one type is exact, one with a constant
// compares with fx-lower's raw threshold, a float condition holds where its
// floor is not 0, and a missing branch is its fill.
//
//===----------------------------------------------------------------------===//
#include "ariadne/hls_types.h"

#include "ariadne/hls_kernels.h"
#include "ariadne/select.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using u64 = std::uint64_t;
using ariadne::Predicate;

constexpr int kSize = 12;

template <Predicate P, bool Rhs = true, bool Signed = true>
struct Compare : ariadne::CompareConfig {
  static constexpr int size = kSize;
  static constexpr Predicate predicate = P;
  static constexpr bool hasRhs = Rhs;
  static constexpr float value = 0.25f;
  static constexpr long long threshold = -3;
  static constexpr bool isSigned = Signed;
};

bool reference(Predicate p, double a, double b) {
  switch (p) {
  case Predicate::eq:
    return a == b;
  case Predicate::ne:
    return a != b;
  case Predicate::lt:
    return a < b;
  case Predicate::le:
    return a <= b;
  case Predicate::gt:
    return a > b;
  case Predicate::ge:
    return a >= b;
  }
  return false;
}

/// Raw values of a signed type, ties among them, and a float copy.
struct Operands {
  std::vector<u64> a, b;
  std::vector<float> fa, fb;
};

Operands operands(int lanes) {
  std::mt19937 gen(5);
  std::uniform_int_distribution<int> value(-6, 6);
  Operands o;
  for (int i = 0; i < kSize * lanes; ++i) {
    int a = value(gen), b = i % 3 == 0 ? a : value(gen);
    o.a.push_back(u64(std::int64_t(a)));
    o.b.push_back(u64(std::int64_t(b)));
    o.fa.push_back(float(a) / 8);
    o.fb.push_back(float(b) / 8);
  }
  return o;
}

template <Predicate P> void checkPredicate() {
  constexpr int lanes = 3;
  Operands o = operands(lanes);
  std::vector<u64> out(o.a.size(), 7), outConst(o.a.size(), 7);
  std::vector<float> fout(o.a.size(), 7), foutConst(o.a.size(), 7);
  ariadne::compare<Compare<P>, lanes>(o.a.data(), o.b.data(), out.data());
  ariadne::compare<Compare<P, false>, lanes>(
      o.a.data(), static_cast<const u64 *>(nullptr), outConst.data());
  ariadne::compare<Compare<P>, lanes>(o.fa.data(), o.fb.data(), fout.data());
  ariadne::compare<Compare<P, false>, lanes>(
      o.fa.data(), static_cast<const float *>(nullptr), foutConst.data());
  for (size_t i = 0; i < o.a.size(); ++i) {
    double a = double(std::int64_t(o.a[i])), b = double(std::int64_t(o.b[i]));
    CHECK(out[i] == u64(reference(P, a, b)));
    CHECK(outConst[i] == u64(reference(P, a, -3)));
    CHECK(fout[i] == float(reference(P, o.fa[i], o.fb[i])));
    CHECK(foutConst[i] == float(reference(P, o.fa[i], 0.25)));
  }
}

} // namespace

TEST_CASE("compare gives 1 where the predicate holds, exactly",
          "[runtime][select]") {
  checkPredicate<Predicate::eq>();
  checkPredicate<Predicate::ne>();
  checkPredicate<Predicate::lt>();
  checkPredicate<Predicate::le>();
  checkPredicate<Predicate::gt>();
  checkPredicate<Predicate::ge>();
}

TEST_CASE("compare orders raw values by their signedness, NaN unordered",
          "[runtime][select]") {
  // The bits of -1 are 2^64 - 1: less than 1 when signed, greater when not.
  const u64 a[kSize] = {~u64(0), 1, 0}, b[kSize] = {1, ~u64(0), 0};
  u64 s[kSize], u[kSize];
  ariadne::compare<Compare<Predicate::lt>>(a, b, s);
  ariadne::compare<Compare<Predicate::lt, true, false>>(a, b, u);
  CHECK(s[0] == 1);
  CHECK(s[1] == 0);
  CHECK(u[0] == 0);
  CHECK(u[1] == 1);
  const float x[kSize] = {NAN, 1}, y[kSize] = {1, NAN};
  float lt[kSize], ne[kSize];
  ariadne::compare<Compare<Predicate::lt>>(x, y, lt);
  ariadne::compare<Compare<Predicate::ne>>(x, y, ne);
  CHECK(lt[0] == 0);
  CHECK(lt[1] == 0);
  CHECK(ne[0] == 1);
  CHECK(ne[1] == 1);
}

namespace {

// A condition [4, 1] broadcast over a result [4, 3].
constexpr int kRows = 4, kCols = 3;

template <bool X, bool Y> struct Select : ariadne::SelectConfig {
  static constexpr int rank = 2;
  static constexpr int shape[2] = {kRows, kCols};
  static constexpr int condStrides[2] = {1, 0};
  static constexpr bool hasX = X;
  static constexpr bool hasY = Y;
  static constexpr float xFill = 0;
  static constexpr float yFill = -1000;
};

template <bool X, bool Y> struct RawSelect : Select<X, Y> {
  static constexpr u64 xFill = 0;
  static constexpr u64 yFill = u64(std::int64_t(-128));
};

} // namespace

TEST_CASE("select chooses by the broadcast condition, fills for branches",
          "[runtime][select]") {
  constexpr int lanes = 2;
  // Float conditions hold where their floor is not 0.
  const float cond[kRows * lanes] = {0, 1, 0.5f, -0.5f, 2, 0.99f, 0, 0};
  std::vector<float> x(kRows * kCols * lanes), y(x.size());
  std::vector<u64> rx(x.size()), ry(x.size()), rcond(kRows * lanes);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = float(i);
    y[i] = -float(i);
    rx[i] = u64(i);
    ry[i] = u64(std::int64_t(-int(i)));
  }
  for (int i = 0; i < kRows * lanes; ++i)
    rcond[size_t(i)] = u64(std::int64_t(std::floor(cond[i])));
  std::vector<float> both(x.size()), fillY(x.size());
  std::vector<u64> rawBoth(x.size()), rawFill(x.size());
  ariadne::select<Select<true, true>, lanes>(cond, x.data(), y.data(),
                                             both.data());
  ariadne::select<Select<true, false>, lanes>(
      cond, x.data(), static_cast<const float *>(nullptr), fillY.data());
  ariadne::select<RawSelect<true, true>, lanes>(rcond.data(), rx.data(),
                                                ry.data(), rawBoth.data());
  ariadne::select<RawSelect<true, false>, lanes>(
      rcond.data(), rx.data(), static_cast<const u64 *>(nullptr),
      rawFill.data());
  for (int r = 0; r < kRows; ++r)
    for (int c = 0; c < kCols; ++c)
      for (int t = 0; t < lanes; ++t) {
        bool holds = std::floor(cond[r * lanes + t]) != 0;
        size_t o = size_t((r * kCols + c) * lanes + t);
        CHECK(both[o] == (holds ? x[o] : y[o]));
        CHECK(fillY[o] == (holds ? x[o] : -1000.0f));
        CHECK(rawBoth[o] == (holds ? rx[o] : ry[o]));
        CHECK(std::int64_t(rawFill[o]) ==
              (holds ? std::int64_t(rx[o]) : -128));
      }
}

namespace {

using data_t = ariadne::fixed<8, 3>;
using cond_t = ariadne::fixed<32, 32, ariadne::TRN, ariadne::SAT>;

template <int P> struct HlsCompare {
  static const unsigned n = kSize;
  static const int predicate = P;
  static const long long threshold = -3;
  static const int outcome = -1;
};

struct HlsSelect {
  static const unsigned n = kRows * kCols;
  static const unsigned n_cond = kRows;
  static const bool has_x = true;
  static const bool has_y = false;
  static const long long x_fill = 0;
  static const long long y_fill = -128;
  static unsigned cond_at(unsigned i) { return i / kCols; }
};

template <int P> void checkHls() {
  Operands o = operands(1);
  data_t a[kSize], b[kSize];
  for (int i = 0; i < kSize; ++i) {
    a[i] = data_t::fromRaw(std::int64_t(o.a[size_t(i)]));
    b[i] = data_t::fromRaw(std::int64_t(o.b[size_t(i)]));
  }
  cond_t out[kSize], outConst[kSize];
  ariadne::hls::compare<data_t, cond_t, HlsCompare<P>>(a, b, out);
  ariadne::hls::compare_constant<data_t, cond_t, HlsCompare<P>>(a, outConst);
  u64 want[kSize], wantConst[kSize];
  ariadne::compare<Compare<Predicate(P)>>(o.a.data(), o.b.data(), want);
  ariadne::compare<Compare<Predicate(P), false>>(
      o.a.data(), static_cast<const u64 *>(nullptr), wantConst);
  for (int i = 0; i < kSize; ++i) {
    CHECK(u64(out[i].raw()) == want[i]);
    CHECK(u64(outConst[i].raw()) == wantConst[i]);
  }
}

} // namespace

TEST_CASE("the HLS compare and select agree with the C++ kernels",
          "[runtime][select][hls]") {
  checkHls<0>();
  checkHls<1>();
  checkHls<2>();
  checkHls<3>();
  checkHls<4>();
  checkHls<5>();
  cond_t cond[kRows];
  data_t x[kRows * kCols], y[kRows * kCols], out[kRows * kCols];
  const int c[kRows] = {0, 1, -1, 0};
  for (int r = 0; r < kRows; ++r)
    cond[r] = cond_t(c[r]);
  for (int i = 0; i < kRows * kCols; ++i)
    x[i] = data_t::fromRaw(i);
  ariadne::hls::select<cond_t, data_t, HlsSelect>(cond, x, y, out);
  for (int i = 0; i < kRows * kCols; ++i)
    CHECK(out[i].raw() == (c[i / kCols] != 0 ? i : -128));
}
