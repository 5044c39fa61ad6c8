//===- FixedDense.cpp - fx.dense on raw integers --------------------------===//
//
// fx.dense exactly: every sum is computed in an integer wide enough for its
// exact value (int32 blocks, 64 or 128 bits modular where the exact sum is
// known to fit, APInt otherwise), then kept modulo the accumulator's width,
// counting the sums that wrapped.
//
//===----------------------------------------------------------------------===//
#include "emulator/FixedSupport.h"

namespace ariadne {
namespace emu {
namespace fixed {

namespace {

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

/// The signed type that reads a Wide sum.
template <typename Wide> struct SignedOf;
template <> struct SignedOf<std::uint64_t> { using type = std::int64_t; };
template <> struct SignedOf<UInt128> { using type = Int128; };

/// The low bits of an APInt as a Wide, i.e. its value modulo 2^bits(Wide).
template <typename Wide> Wide lowBits(const APInt &value);
template <> std::uint64_t lowBits<std::uint64_t>(const APInt &value) {
  return value.trunc(64).getZExtValue();
}
template <> UInt128 lowBits<UInt128>(const APInt &value) {
  APInt low = value.zextOrTrunc(128);
  return (UInt128(low.lshr(64).trunc(64).getZExtValue()) << 64) |
         low.trunc(64).getZExtValue();
}

/// What every dense step shares: the layout and the accumulator.
struct DenseShape {
  int in, out;
  bool perEvent;
  int64_t rowsPerEvent, k, n;
  FixedSpec input, acc;

  int64_t rows(int64_t events) const {
    return (perEvent ? events : 1) * rowsPerEvent;
  }
};

/// y[r, i] = wrap(sum_j x[r, j] * w[i, j] + b[i]) where every exact sum
/// fits the signed reading of Wide: the products and the sum are computed
/// modulo 2^bits(Wide), whose signed reading is then the exact sum, which
/// tells whether the accumulator wrapped.
template <typename Wide> class DenseStep final : public FixedStep {
  using Signed = typename SignedOf<Wide>::type;

public:
  DenseStep(DenseShape shape, std::vector<Wide> weight, std::vector<Wide> bias,
            Signed accLow, Signed accHigh, OverflowCount *count)
      : shape(shape), weight(std::move(weight)), bias(std::move(bias)),
        accLow(accLow), accHigh(accHigh), count(count) {}

  void run(Bits *const *t, int64_t events) const override {
    const int64_t rows = shape.rows(events), k = shape.k, n = shape.n;
    const Wide *w = weight.data();
    std::vector<Wide> widened;
    if (!std::is_same_v<Wide, Bits>)
      widened.resize(size_t(k));
    std::uint64_t wrapped = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const Wide *x = rowOf(t[shape.in] + r * k, widened);
      Bits *y = t[shape.out] + r * n;
      int64_t i = 0;
      // Four outputs at a time share the loads of x.
      for (; i + 4 <= n; i += 4) {
        const Wide *w0 = w + i * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
        Wide s0 = bias[i], s1 = bias[i + 1], s2 = bias[i + 2], s3 = bias[i + 3];
        for (int64_t j = 0; j < k; ++j) {
          Wide xj = x[j];
          s0 += xj * w0[j];
          s1 += xj * w1[j];
          s2 += xj * w2[j];
          s3 += xj * w3[j];
        }
        y[i] = finish(s0, wrapped);
        y[i + 1] = finish(s1, wrapped);
        y[i + 2] = finish(s2, wrapped);
        y[i + 3] = finish(s3, wrapped);
      }
      for (; i < n; ++i) {
        const Wide *wi = w + i * k;
        Wide s = bias[i];
        for (int64_t j = 0; j < k; ++j)
          s += x[j] * wi[j];
        y[i] = finish(s, wrapped);
      }
    }
    count->values += std::uint64_t(rows * n);
    count->wrapped += wrapped;
  }

private:
  /// A row of inputs as Wide values congruent to their integers.
  const Wide *rowOf(const Bits *x, std::vector<Wide> &widened) const {
    if constexpr (std::is_same_v<Wide, Bits>) {
      // Extended raw values are congruent to their integers modulo 2^64.
      return x;
    } else {
      for (int64_t j = 0; j < shape.k; ++j)
        widened[j] = shape.input.isSigned
                         ? Wide(Signed(static_cast<int64_t>(x[j])))
                         : Wide(x[j]);
      return widened.data();
    }
  }

  /// The accumulator's raw value of the exact sum `s`; counts a wrap.
  Bits finish(Wide s, std::uint64_t &wrapped) const {
    auto exact = static_cast<Signed>(s);
    wrapped += (exact < accLow) | (exact > accHigh);
    return ariadne::detail::normalizeBits(static_cast<Bits>(s), shape.acc.width,
                                          shape.acc.isSigned);
  }

  DenseShape shape;
  std::vector<Wide> weight; // [n][k]
  std::vector<Wide> bias;   // [n], shifted onto the products' grid
  Signed accLow, accHigh;   // the accumulator's range, within Signed's
  OverflowCount *count;
};

/// As DenseStep, for sums that may not fit 128 bits: APInts wide enough
/// for any of them.
class WideDenseStep final : public FixedStep {
public:
  WideDenseStep(DenseShape shape, std::vector<APInt> weight,
                std::vector<APInt> bias, APInt accLow, APInt accHigh,
                OverflowCount *count)
      : shape(shape), weight(std::move(weight)), bias(std::move(bias)),
        accLow(std::move(accLow)), accHigh(std::move(accHigh)), count(count) {}

  void run(Bits *const *t, int64_t events) const override {
    const int64_t rows = shape.rows(events), k = shape.k, n = shape.n;
    const unsigned bits = accLow.getBitWidth();
    std::vector<APInt> x(size_t(k), APInt(bits, 0));
    std::uint64_t wrapped = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const Bits *xr = t[shape.in] + r * k;
      for (int64_t j = 0; j < k; ++j)
        x[j] = wideValue(xr[j], shape.input.isSigned, bits);
      Bits *y = t[shape.out] + r * n;
      for (int64_t i = 0; i < n; ++i) {
        APInt s = bias[i];
        for (int64_t j = 0; j < k; ++j)
          s += x[j] * weight[i * k + j];
        wrapped += s.slt(accLow) || s.sgt(accHigh);
        y[i] = ariadne::detail::normalizeBits(
            s.trunc(64).getZExtValue(), shape.acc.width, shape.acc.isSigned);
      }
    }
    count->values += std::uint64_t(rows * n);
    count->wrapped += wrapped;
  }

private:
  DenseShape shape;
  std::vector<APInt> weight, bias;
  APInt accLow, accHigh;
  OverflowCount *count;
};

/// As DenseStep, for inputs and weights whose raw values fit int16 (the
/// common 16-bit types): products are formed in int32 over the outputs, a
/// block of input features at a time, and added into int64 sums after each
/// block. Blocks are short enough that no int32 sum can overflow, so every
/// sum is exact; the loop over outputs vectorizes with 16-bit multiplies.
class NarrowDenseStep final : public FixedStep {
public:
  NarrowDenseStep(DenseShape shape, std::vector<int16_t> weightT,
                  std::vector<int64_t> bias, int64_t block, int64_t accLow,
                  int64_t accHigh, OverflowCount *count)
      : shape(shape), weightT(std::move(weightT)), bias(std::move(bias)),
        block(block), accLow(accLow), accHigh(accHigh), count(count) {}

  void run(Bits *const *t, int64_t events) const override {
    const int64_t rows = shape.rows(events), k = shape.k, n = shape.n;
    std::vector<int32_t> partial(static_cast<size_t>(n));
    std::vector<int64_t> sums(static_cast<size_t>(n));
    int32_t *p = partial.data();
    int64_t *s = sums.data();
    std::uint64_t wrapped = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const Bits *x = t[shape.in] + r * k;
      std::copy(bias.begin(), bias.end(), s);
      for (int64_t start = 0; start < k; start += block) {
        const int64_t end = std::min(k, start + block);
        std::fill(p, p + n, 0);
        for (int64_t j = start; j < end; ++j) {
          // The low 16 bits of the extended raw value are its integer.
          const auto xj = static_cast<int16_t>(x[j]);
          const int16_t *w = weightT.data() + j * n;
          for (int64_t i = 0; i < n; ++i)
            p[i] += int32_t(xj) * int32_t(w[i]);
        }
        for (int64_t i = 0; i < n; ++i)
          s[i] += p[i];
      }
      Bits *y = t[shape.out] + r * n;
      for (int64_t i = 0; i < n; ++i) {
        wrapped += (s[i] < accLow) | (s[i] > accHigh);
        y[i] = ariadne::detail::normalizeBits(
            static_cast<Bits>(s[i]), shape.acc.width, shape.acc.isSigned);
      }
    }
    count->values += std::uint64_t(rows * n);
    count->wrapped += wrapped;
  }

private:
  DenseShape shape;
  std::vector<int16_t> weightT; // [k][n]
  std::vector<int64_t> bias;    // [n], shifted onto the products' grid
  int64_t block;                // input features per int32 partial sum
  int64_t accLow, accHigh;      // the accumulator's range, within int64's
  OverflowCount *count;
};

/// The accumulator's range [accLow, accHigh] clamped to that of a signed
/// integer of `width` bits.
std::pair<APInt, APInt> clampedRange(const APInt &accLow, const APInt &accHigh,
                                     unsigned width) {
  unsigned bits = accLow.getBitWidth();
  APInt min = APInt::getSignedMinValue(width).sext(bits);
  APInt max = APInt::getSignedMaxValue(width).sext(bits);
  return {accLow.slt(min) ? min : accLow, accHigh.sgt(max) ? max : accHigh};
}

/// The narrow dense step where it applies, whose every exact sum must fit
/// int64: the input type's and the weights' raw values fit int16, and
/// blocks of at least 8 products (or all K) keep int32 partial sums exact.
std::unique_ptr<FixedStep>
makeNarrowDenseStep(const DenseShape &shape, const std::vector<APInt> &weight,
                    const std::vector<APInt> &bias, const APInt &inLow,
                    const APInt &inHigh, const APInt &accLow,
                    const APInt &accHigh, OverflowCount *count) {
  auto fitsInt16 = [](const APInt &v) { return v.isSignedIntN(16); };
  if (!fitsInt16(inLow) || !fitsInt16(inHigh) ||
      !llvm::all_of(weight, fitsInt16))
    return nullptr;
  int64_t maxInput =
      std::max(std::abs(inLow.getSExtValue()), std::abs(inHigh.getSExtValue()));
  int64_t maxWeight = 0;
  for (const APInt &w : weight)
    maxWeight = std::max(maxWeight, std::abs(w.getSExtValue()));
  // A partial sum of b products is at most b * maxInput * maxWeight.
  int64_t largest = maxInput * maxWeight;
  int64_t block =
      largest == 0 ? shape.k : std::min<int64_t>(shape.k, INT32_MAX / largest);
  if (block < std::min<int64_t>(8, shape.k))
    return nullptr;
  std::vector<int16_t> weightT(weight.size());
  for (int64_t i = 0; i < shape.n; ++i)
    for (int64_t j = 0; j < shape.k; ++j)
      weightT[j * shape.n + i] =
          static_cast<int16_t>(weight[i * shape.k + j].getSExtValue());
  std::vector<int64_t> shiftedBias;
  for (const APInt &b : bias)
    shiftedBias.push_back(b.trunc(64).getSExtValue());
  auto [low, high] = clampedRange(accLow, accHigh, 64);
  return std::make_unique<NarrowDenseStep>(
      shape, std::move(weightT), std::move(shiftedBias),
      std::max<int64_t>(block, 1), low.trunc(64).getSExtValue(),
      high.trunc(64).getSExtValue(), count);
}

/// Builds the dense step whose Wide holds every exact sum in [lo, hi].
template <typename Wide>
std::unique_ptr<FixedStep>
makeDenseStep(const DenseShape &shape, const std::vector<APInt> &weight,
              const std::vector<APInt> &bias, const APInt &accLow,
              const APInt &accHigh, OverflowCount *count) {
  using Signed = typename SignedOf<Wide>::type;
  constexpr unsigned kWideBits = sizeof(Wide) * 8;
  std::vector<Wide> w, b;
  for (const APInt &value : weight)
    w.push_back(lowBits<Wide>(value));
  for (const APInt &value : bias)
    b.push_back(lowBits<Wide>(value));
  // The accumulator's range, clamped to Signed's: the exact sums lie there.
  auto [low, high] = clampedRange(accLow, accHigh, kWideBits);
  return std::make_unique<DenseStep<Wide>>(
      shape, std::move(w), std::move(b),
      static_cast<Signed>(lowBits<Wide>(low)),
      static_cast<Signed>(lowBits<Wide>(high)), count);
}

} // namespace

StepOrError translateDense(fx::DenseOp op, FixedTranslation &t) {
  const TensorInfo &in = t.info(op.getInput());
  int64_t k = op.getInFeatures(), n = op.getOutFeatures();
  if (in.shape.empty() || in.shape.back() != k)
    return t.error(op, "the input's last dimension is not the weight's " +
                           llvm::Twine(k) + " input features");
  FixedSpec input = fixedSpec(op.getInput()), acc = fixedSpec(op.getOutput());
  FixedSpec weightSpec = op.getWeightType().getSpec();
  auto weightRaw = readRaw(op, op.getWeight(), weightSpec, "the weight", t);
  if (!weightRaw)
    return weightRaw.takeError();
  int64_t frac = int64_t(input.fracWidth()) + weightSpec.fracWidth();
  std::vector<Bits> biasRaw(size_t(n), 0);
  FixedSpec biasSpec{1, 1, false};
  int64_t biasShift = 0;
  if (auto biasAttr = op.getBiasAttr()) {
    std::optional<fx::FixedType> biasType = op.getBiasType();
    if (!biasType)
      return t.error(op, "has a bias but no bias_type");
    biasSpec = biasType->getSpec();
    auto values = readRaw(op, biasAttr, biasSpec, "the bias", t);
    if (!values)
      return values.takeError();
    if (int64_t(values->size()) != n)
      return t.error(op, "the bias does not have one value per output");
    biasRaw = std::move(*values);
    biasShift = frac - biasSpec.fracWidth();
    if (biasShift < 0)
      return t.error(op, "the bias has more fractional bits than the "
                         "products");
  }

  // Integers wide enough for any exact sum: products below 2^128, K of
  // them below 2^63 terms, and the shifted bias.
  const unsigned bits = unsigned(200 + biasShift);
  APInt inLow = wideValue(ariadne::detail::minBits(input.width, input.isSigned),
                          input.isSigned, bits);
  APInt inHigh =
      wideValue(ariadne::detail::maxBits(input.width, input.isSigned),
                input.isSigned, bits);
  std::vector<APInt> weight, bias;
  weight.reserve(weightRaw->size());
  for (Bits raw : *weightRaw)
    weight.push_back(wideValue(raw, weightSpec.isSigned, bits));
  for (Bits raw : biasRaw)
    bias.push_back(
        wideValue(raw, biasSpec.isSigned, bits).shl(unsigned(biasShift)));
  // The range of the exact sums over every input of the input type: each
  // product lies between the products of the input's extremes.
  APInt low(bits, 0), high(bits, 0);
  for (int64_t i = 0; i < n; ++i) {
    APInt positive(bits, 0), negative(bits, 0);
    for (int64_t j = 0; j < k; ++j) {
      const APInt &w = weight[i * k + j];
      (w.isNegative() ? negative : positive) += w;
    }
    APInt rowLow = inLow * positive + inHigh * negative + bias[i];
    APInt rowHigh = inHigh * positive + inLow * negative + bias[i];
    if (i == 0 || rowLow.slt(low))
      low = rowLow;
    if (i == 0 || rowHigh.sgt(high))
      high = rowHigh;
  }
  APInt accLow = wideValue(ariadne::detail::minBits(acc.width, acc.isSigned),
                           acc.isSigned, bits);
  APInt accHigh = wideValue(ariadne::detail::maxBits(acc.width, acc.isSigned),
                            acc.isSigned, bits);

  DenseShape shape{t.tensorOf(op.getInput()),
                   t.tensorOf(op.getOutput()),
                   in.perEvent,
                   productOf(ArrayRef<int64_t>(in.shape).drop_back()),
                   k,
                   n,
                   input,
                   acc};
  OverflowCount *count = t.overflowCounter(op);
  auto fits = [&](unsigned width) {
    return low.sge(APInt::getSignedMinValue(width).sext(bits)) &&
           high.sle(APInt::getSignedMaxValue(width).sext(bits));
  };
  if (fits(64)) {
    if (auto step = makeNarrowDenseStep(shape, weight, bias, inLow, inHigh,
                                        accLow, accHigh, count))
      return step;
    return makeDenseStep<std::uint64_t>(shape, weight, bias, accLow, accHigh,
                                        count);
  }
  if (fits(128))
    return makeDenseStep<UInt128>(shape, weight, bias, accLow, accHigh, count);
  return std::make_unique<WideDenseStep>(shape, std::move(weight),
                                         std::move(bias), std::move(accLow),
                                         std::move(accHigh), count);
}

} // namespace fixed
} // namespace emu
} // namespace ariadne
