//===- runtime_fastmath_test.cpp - accuracy of exp, tanh, sigmoid ---------===//
//
// Sweeps the vectorizable math functions over their whole interesting
// range (every 61st float) against the double-precision libm results
// rounded to float, and asserts the maximum error in ulp.
//
//===----------------------------------------------------------------------===//
#include "ariadne/fastmath.h"

#include "runtime_test_util.h"

#include <limits>

using namespace ariadne;
using ariadne::test::floatOrdinal;
using ariadne::test::ulpDistance;

namespace {

float fromOrdinal(int64_t ordinal) {
  int32_t bits = ordinal < 0
                     ? static_cast<int32_t>(uint32_t(-ordinal) | 0x80000000u)
                     : static_cast<int32_t>(ordinal);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// The largest ulp error of `fn` against `reference` on floats in [low,
/// high], evaluated in blocks through a loop the compiler vectorizes;
/// optionally also how many values are off by more than 2 ulp, of how
/// many.
template <class Fn, class Ref>
int64_t maxUlpError(Fn fn, Ref reference, float low, float high,
                    float &worstInput, int64_t *beyondTwo = nullptr,
                    int64_t *total = nullptr) {
  constexpr int64_t stride = 61;
  constexpr size_t block = 4096;
  std::vector<float> inputs, outputs(block);
  int64_t worst = 0;
  auto flush = [&]() {
    for (size_t i = 0; i < inputs.size(); ++i)
      outputs[i] = fn(inputs[i]);
    for (size_t i = 0; i < inputs.size(); ++i) {
      float expected = static_cast<float>(reference(double(inputs[i])));
      int64_t error = ulpDistance(outputs[i], expected);
      if (beyondTwo && error > 2)
        ++*beyondTwo;
      if (total)
        ++*total;
      if (error > worst) {
        worst = error;
        worstInput = inputs[i];
      }
    }
    inputs.clear();
  };
  for (int64_t o = floatOrdinal(low); o <= floatOrdinal(high); o += stride) {
    inputs.push_back(fromOrdinal(o));
    if (inputs.size() == block)
      flush();
  }
  flush();
  return worst;
}

double referenceSigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

} // namespace

TEST_CASE("exp is within 1 ulp from the subnormal range to overflow",
          "[runtime][fastmath]") {
  float worstInput = 0;
  int64_t worst = maxUlpError([](float x) { return math::exp(x); },
                              [](double x) { return std::exp(x); }, -110.0f,
                              95.0f, worstInput);
  INFO("worst input " << worstInput);
  REQUIRE(worst <= 1);
}

TEST_CASE("tanh is within 6 ulp, nearly always within 2",
          "[runtime][fastmath]") {
  float worstInput = 0;
  int64_t beyondTwo = 0, total = 0;
  int64_t worst = maxUlpError([](float x) { return math::tanh(x); },
                              [](double x) { return std::tanh(x); }, -20.0f,
                              20.0f, worstInput, &beyondTwo, &total);
  INFO("worst input " << worstInput << ", " << beyondTwo << " of " << total
                      << " beyond 2 ulp");
  REQUIRE(worst <= 6);
  REQUIRE(beyondTwo * 250 <= total);
}

TEST_CASE("sigmoid is within 2 ulp, including tiny results",
          "[runtime][fastmath]") {
  float worstInput = 0;
  int64_t worst = maxUlpError([](float x) { return math::sigmoid(x); },
                              referenceSigmoid, -110.0f, 110.0f, worstInput);
  INFO("worst input " << worstInput);
  REQUIRE(worst <= 2);
}

#if ARIADNE_SIMD_WIDTH > 1
TEST_CASE("exp on vectors gives the scalar form's values",
          "[runtime][fastmath]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> inputs = {nan,     inf,     -inf,    0.0f,    -0.0f,
                               88.7f,   89.5f,   -103.9f, -104.5f, -175.75f,
                               -176.0f, -176.5f, -1e9f,   1e-30f};
  for (int64_t o = floatOrdinal(-110.0f); o <= floatOrdinal(95.0f); o += 9973)
    inputs.push_back(fromOrdinal(o));
  while (inputs.size() % simd::kWidth != 0)
    inputs.push_back(1.0f);
  for (size_t i = 0; i < inputs.size(); i += simd::kWidth) {
    const simd::Vec e = math::expOf(simd::load(&inputs[i]));
    for (int j = 0; j < simd::kWidth; ++j) {
      const float x = inputs[i + j];
      INFO("x = " << x);
      if (std::isnan(x))
        CHECK(std::isnan(e[j]));
      else
        CHECK(floatOrdinal(e[j]) == floatOrdinal(math::exp(x)));
    }
  }
}
#endif

TEST_CASE("special values of exp, tanh and sigmoid", "[runtime][fastmath]") {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(math::exp(0.0f) == 1.0f);
  CHECK(math::exp(-inf) == 0.0f);
  CHECK(math::exp(inf) == inf);
  CHECK(math::exp(100.0f) == inf);
  CHECK(math::exp(-200.0f) == 0.0f);
  // Below -104 the result is +0, whether it comes from an underflowing
  // product or (from -176 on, where the scale factors are +0) a product
  // with zero; just above, the smallest subnormals.
  for (float x :
       {-104.001f, -120.0f, -175.7f, -175.75f, -176.0f, -176.5f, -1e9f, -inf}) {
    INFO("x = " << x);
    CHECK(math::exp(x) == 0.0f);
    CHECK_FALSE(std::signbit(math::exp(x)));
  }
  CHECK(math::exp(-103.9f) > 0.0f);
  CHECK(math::exp(-103.9f) < std::numeric_limits<float>::denorm_min() * 2);
  CHECK(math::exp(88.7f) < inf);
  CHECK(std::isnan(math::exp(nan)));

  CHECK(math::tanh(0.0f) == 0.0f);
  CHECK(std::signbit(math::tanh(-0.0f)));
  CHECK(math::tanh(inf) == 1.0f);
  CHECK(math::tanh(-inf) == -1.0f);
  CHECK(math::tanh(9.1f) == 1.0f);
  CHECK(math::tanh(1e-30f) == 1e-30f);
  CHECK(std::isnan(math::tanh(nan)));

  CHECK(math::sigmoid(0.0f) == 0.5f);
  CHECK(math::sigmoid(inf) == 1.0f);
  CHECK(math::sigmoid(-inf) == 0.0f);
  CHECK(math::sigmoid(-100.0f) > 0.0f);
  CHECK(std::isnan(math::sigmoid(nan)));
}

TEST_CASE("tanh is odd and sigmoid symmetric", "[runtime][fastmath]") {
  for (float x : ariadne::test::randomFloats(1000, 7, -12.0f, 12.0f)) {
    CHECK(math::tanh(-x) == -math::tanh(x));
    float s = math::sigmoid(x), t = math::sigmoid(-x);
    CHECK(std::fabs(double(s) + double(t) - 1.0) <= 3e-7);
  }
}

TEST_CASE("select picks without branching on NaN", "[runtime][fastmath]") {
  CHECK(math::select(true, 1.0f, 2.0f) == 1.0f);
  CHECK(math::select(false, 1.0f, 2.0f) == 2.0f);
  float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(math::select(true, nan, 2.0f)));
  CHECK(math::copySignBits(3.0f, -0.0f) == -3.0f);
  CHECK(math::absBits(-2.5f) == 2.5f);
}
