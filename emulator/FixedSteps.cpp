//===- FixedSteps.cpp - bit-accurate steps of the emulator ----------------===//
//
// The fx ops on raw integers, exactly as passes/FX/FXOps.td states them, so
// that the emulator agrees bit for bit with every backend. Each element is
// a std::uint64_t: the raw value of a fixed-point element, extended as
// fixed_bits.h carries it (sign-extended for signed types), or the bit
// pattern of an f32 element (the model's inputs and outputs, which
// fx.quantize and fx.dequantize convert).
//
// Between fx.quantize and fx.dequantize nothing is floating point: casts
// are fixed_bits.h's castBits, sums and products exact integer arithmetic
// (modular in 64 or 128 bits where the exact result is known to fit, an
// APInt where it may not). Every step that applies an overflow mode counts
// the values that overflowed, and fx.dense the sums that wrapped.
//
//===----------------------------------------------------------------------===//
#include "emulator/MoveSteps.h"
#include "emulator/Translate.h"
#include "passes/FX/FXOps.h"

#include "llvm/ADT/APInt.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::emu;

namespace {

using Bits = std::uint64_t;
using FixedStep = Step<Bits>;
using StepOrError = llvm::Expected<std::unique_ptr<FixedStep>>;
using FixedTranslation = Translation<Bits>;
using Int128 = __int128;
using UInt128 = unsigned __int128;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// The fixed-point element type of a value the op verifiers typed.
FixedSpec fixedSpec(Value value) {
  return llvm::cast<fx::FixedType>(
             llvm::cast<ShapedType>(value.getType()).getElementType())
      .getSpec();
}

/// A raw value as the attributes hold it (an i64, the bit pattern for a
/// 64-bit ufixed), extended as fixed_bits.h carries it.
Bits rawBits(const APInt &value, const FixedSpec &spec) {
  return ariadne::detail::normalizeBits(value.getZExtValue(), spec.width,
                                        spec.isSigned);
}

Bits rawBits(IntegerAttr attr, const FixedSpec &spec) {
  return rawBits(attr.getValue(), spec);
}

/// The raw values of an attribute, in C order.
llvm::Expected<std::vector<Bits>> readRaw(Operation *op, ElementsAttr attr,
                                          const FixedSpec &spec,
                                          const llvm::Twine &what,
                                          const FixedTranslation &t) {
  auto values = attr.tryGetValues<APInt>();
  if (!values ||
      !llvm::cast<ShapedType>(attr.getType()).getElementType().isInteger(64))
    return t.error(op, what + " does not hold i64 raw values");
  std::vector<Bits> raw;
  raw.reserve(attr.getNumElements());
  for (const APInt &value : *values)
    raw.push_back(rawBits(value, spec));
  return raw;
}

/// The integer a raw value holds, as an APInt of `bits` bits.
APInt wideValue(Bits raw, bool isSigned, unsigned bits) {
  APInt value(64, raw);
  return isSigned ? value.sext(bits) : value.zext(bits);
}

float floatOfBits(Bits bits) {
  auto pattern = static_cast<std::uint32_t>(bits);
  float value;
  std::memcpy(&value, &pattern, sizeof(value));
  return value;
}

Bits bitsOfFloat(float value) {
  std::uint32_t pattern;
  std::memcpy(&pattern, &value, sizeof(pattern));
  return pattern;
}

/// An element-wise step's operands: `size` elements per copy, one copy per
/// event when per event.
struct Unary {
  int in, out;
  bool perEvent;
  int64_t size;

  int64_t count(int64_t events) const { return (perEvent ? events : 1) * size; }
};

Unary unaryOf(Value input, Value output, const FixedTranslation &t) {
  const TensorInfo &in = t.info(input);
  return {t.tensorOf(input), t.tensorOf(output), in.perEvent, in.size};
}

/// Where a step adds the values it computed and those that overflowed,
/// which count as saturated or wrapped by the result type's overflow mode.
class Tally {
public:
  Tally(OverflowCount *count, OverflowMode mode)
      : count(count), saturating(mode != WRAP) {}

  void add(int64_t values, std::uint64_t overflowed) const {
    count->values += std::uint64_t(values);
    (saturating ? count->saturated : count->wrapped) += overflowed;
  }

private:
  OverflowCount *count;
  bool saturating;
};

Tally tallyOf(Operation *op, const FixedSpec &result, FixedTranslation &t) {
  return Tally(t.overflowCounter(op), result.overflow);
}

/// Calls `fn(q, o)` with the modes of `spec` as std::integral_constant
/// arguments, so that a loop of castBits in `fn` on `withModes<q(), o()>`
/// is compiled once per pair of modes, its mode switches folded away.
template <typename Fn> void withConstantModes(const FixedSpec &spec, Fn &&fn) {
  auto overflow = [&](auto q) {
    switch (spec.overflow) {
    case WRAP:
      return fn(q, std::integral_constant<OverflowMode, WRAP>());
    case SAT:
      return fn(q, std::integral_constant<OverflowMode, SAT>());
    case SAT_ZERO:
      return fn(q, std::integral_constant<OverflowMode, SAT_ZERO>());
    case SAT_SYM:
      return fn(q, std::integral_constant<OverflowMode, SAT_SYM>());
    }
  };
  switch (spec.quant) {
  case TRN:
    return overflow(std::integral_constant<QuantMode, TRN>());
  case TRN_ZERO:
    return overflow(std::integral_constant<QuantMode, TRN_ZERO>());
  case RND:
    return overflow(std::integral_constant<QuantMode, RND>());
  case RND_ZERO:
    return overflow(std::integral_constant<QuantMode, RND_ZERO>());
  case RND_MIN_INF:
    return overflow(std::integral_constant<QuantMode, RND_MIN_INF>());
  case RND_INF:
    return overflow(std::integral_constant<QuantMode, RND_INF>());
  case RND_CONV:
    return overflow(std::integral_constant<QuantMode, RND_CONV>());
  }
}

/// `spec` with the modes Q and O.
template <QuantMode Q, OverflowMode O>
FixedSpec withModes(const FixedSpec &spec) {
  FixedSpec result = spec;
  result.quant = Q;
  result.overflow = O;
  return result;
}

//===----------------------------------------------------------------------===//
// The model boundary and casts
//===----------------------------------------------------------------------===//

/// f32 (as bit patterns) to raw values: bitsFromDouble of the exact value.
class QuantizeStep final : public FixedStep {
public:
  QuantizeStep(Unary u, FixedSpec to, Tally tally)
      : u(u), to(to), tally(tally) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    std::uint64_t overflowed = 0;
    withConstantModes(to, [&](auto q, auto o) {
      const FixedSpec target = withModes<q(), o()>(to);
      for (int64_t i = 0; i < n; ++i) {
        bool over = false;
        y[i] = bitsFromDouble(double(floatOfBits(x[i])), target, &over);
        overflowed += over;
      }
    });
    tally.add(n, overflowed);
  }

private:
  Unary u;
  FixedSpec to;
  Tally tally;
};

/// Raw values to f32 bit patterns, rounded once to nearest even.
class DequantizeStep final : public FixedStep {
public:
  DequantizeStep(Unary u, FixedSpec from) : u(u), from(from) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    for (int64_t i = 0; i < n; ++i)
      y[i] = bitsOfFloat(bitsToFloat(x[i], from));
  }

private:
  Unary u;
  FixedSpec from;
};

class CastStep final : public FixedStep {
public:
  CastStep(Unary u, FixedSpec from, FixedSpec to, Tally tally)
      : u(u), from(from), to(to), tally(tally) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    std::uint64_t overflowed = 0;
    withConstantModes(to, [&](auto q, auto o) {
      const FixedSpec target = withModes<q(), o()>(to);
      for (int64_t i = 0; i < n; ++i) {
        bool over = false;
        y[i] = castBits(x[i], from, target, &over);
        overflowed += over;
      }
    });
    tally.add(n, overflowed);
  }

private:
  Unary u;
  FixedSpec from, to;
  Tally tally;
};

//===----------------------------------------------------------------------===//
// Element-wise functions
//===----------------------------------------------------------------------===//

/// y = table[tableIndex(x)] (fixed_bits.h).
class TableStep final : public FixedStep {
public:
  TableStep(Unary u, const FixedSpec &in, Int128 low, int shift,
            std::vector<Bits> table)
      : u(u), inSigned(in.isSigned), low(static_cast<Bits>(low)), shift(shift),
        table(std::move(table)) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    const Bits *entries = table.data();
    const int last = int(table.size()) - 1;
    for (int64_t i = 0; i < n; ++i)
      y[i] = entries[tableIndex(x[i], low, inSigned, shift, last)];
  }

private:
  Unary u;
  bool inSigned;
  Bits low; // a raw value of the input type (the op's verifier)
  int shift;
  std::vector<Bits> table;
};

class ReluStep final : public FixedStep {
public:
  ReluStep(Unary u, bool isSigned) : u(u), isSigned(isSigned) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    if (!isSigned) {
      std::copy(x, x + n, y);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      y[i] = static_cast<int64_t>(x[i]) < 0 ? 0 : x[i];
  }

private:
  Unary u;
  bool isSigned;
};

class ClampStep final : public FixedStep {
public:
  ClampStep(Unary u, bool isSigned, Bits low, Bits high)
      : u(u), isSigned(isSigned), low(low), high(high) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    if (isSigned) {
      auto lo = static_cast<int64_t>(low), hi = static_cast<int64_t>(high);
      for (int64_t i = 0; i < n; ++i) {
        auto v = static_cast<int64_t>(x[i]);
        y[i] = static_cast<Bits>(v < lo ? lo : (v > hi ? hi : v));
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      y[i] = x[i] < low ? low : (x[i] > high ? high : x[i]);
  }

private:
  Unary u;
  bool isSigned;
  Bits low, high;
};

/// x >= 0 ? x : x * alpha, then one cast (leakyReluBits, fixed_bits.h).
class LeakyReluStep final : public FixedStep {
public:
  LeakyReluStep(Unary u, FixedSpec in, Bits alpha, FixedSpec alphaSpec,
                FixedSpec to, Tally tally)
      : u(u), in(in), alpha(alpha), alphaSpec(alphaSpec), to(to), tally(tally) {
  }

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    std::uint64_t overflowed = 0;
    for (int64_t i = 0; i < n; ++i) {
      bool over = false;
      y[i] = leakyReluBits(x[i], in, alpha, alphaSpec, to, &over);
      overflowed += over;
    }
    tally.add(n, overflowed);
  }

private:
  Unary u;
  FixedSpec in;
  Bits alpha;
  FixedSpec alphaSpec, to;
  Tally tally;
};

/// v = x * scale[c] + offset[c] * 2^shift along the last axis, exact in 63
/// bits (the verifier checks it), then one cast (scaleBits, fixed_bits.h).
class ScaleStep final : public FixedStep {
public:
  ScaleStep(Unary u, std::vector<Bits> scale, std::vector<Bits> offset,
            FixedSpec sum, FixedSpec to, Tally tally)
      : u(u), scale(std::move(scale)), offset(std::move(offset)), sum(sum),
        to(to), tally(tally) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    const auto channels = int64_t(scale.size());
    std::uint64_t overflowed = 0;
    // Modular arithmetic on the extended values gives the exact v, which
    // fits.
    for (int64_t row = 0; row < n; row += channels)
      for (int64_t c = 0; c < channels; ++c) {
        bool over = false;
        y[row + c] = scaleBits(x[row + c], scale[c], offset[c], sum, to, &over);
        overflowed += over;
      }
    tally.add(n, overflowed);
  }

private:
  Unary u;
  std::vector<Bits> scale, offset; // per channel; offset already shifted
  FixedSpec sum, to;
  Tally tally;
};

/// Softmax over rows of `len` values by the exp and reciprocal tables.
class SoftmaxStep final : public FixedStep {
public:
  struct Tables {
    std::vector<Bits> exp, inv;
    FixedSpec expSpec, invSpec;
    int expShift, invShift;
    int64_t invLow;
  };
  SoftmaxStep(Unary u, int64_t len, bool inSigned, Tables tables, FixedSpec to,
              Tally tally)
      : u(u), len(len), inSigned(inSigned), tables(std::move(tables)), to(to),
        tally(tally) {}

  void run(Bits *const *t, int64_t events) const override {
    const Bits *x = t[u.in];
    Bits *y = t[u.out];
    int64_t n = u.count(events);
    const SoftmaxTables<Bits> rowTables = {
        tables.exp.data(), int(tables.exp.size()),
        tables.expShift,   tables.expSpec,
        tables.inv.data(), int(tables.inv.size()),
        tables.invShift,   static_cast<Bits>(tables.invLow),
        tables.invSpec};
    std::uint64_t overflowed = 0;
    for (int64_t row = 0; row < n; row += len)
      overflowed +=
          softmaxRow(x + row, y + row, int(len), 1, inSigned, rowTables, to);
    tally.add(n, overflowed);
  }

private:
  Unary u;
  int64_t len;
  bool inSigned;
  Tables tables;
  FixedSpec to;
  Tally tally;
};

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

//===----------------------------------------------------------------------===//
// Translators
//===----------------------------------------------------------------------===//

StepOrError translateQuantize(fx::QuantizeOp op, FixedTranslation &t) {
  FixedSpec to = fixedSpec(op.getOutput());
  return std::make_unique<QuantizeStep>(
      unaryOf(op.getInput(), op.getOutput(), t), to, tallyOf(op, to, t));
}

StepOrError translateDequantize(fx::DequantizeOp op, FixedTranslation &t) {
  return std::make_unique<DequantizeStep>(
      unaryOf(op.getInput(), op.getOutput(), t), fixedSpec(op.getInput()));
}

StepOrError translateCast(fx::CastOp op, FixedTranslation &t) {
  FixedSpec to = fixedSpec(op.getOutput());
  return std::make_unique<CastStep>(unaryOf(op.getInput(), op.getOutput(), t),
                                    fixedSpec(op.getInput()), to,
                                    tallyOf(op, to, t));
}

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

StepOrError translateTable(fx::TableOp op, FixedTranslation &t) {
  FixedSpec input = fixedSpec(op.getInput());
  auto table =
      readRaw(op, op.getTable(), fixedSpec(op.getOutput()), "the table", t);
  if (!table)
    return table.takeError();
  if (table->empty())
    return t.error(op, "the table is empty");
  int64_t shift = op.getShiftAttr().getValue().getSExtValue();
  if (shift < 0 || shift > 63)
    return t.error(op, "shift must be 0 to 63");
  Bits low = rawBits(op.getInputLowAttr(), input);
  Int128 wideLow =
      input.isSigned ? Int128(static_cast<int64_t>(low)) : Int128(low);
  return std::make_unique<TableStep>(unaryOf(op.getInput(), op.getOutput(), t),
                                     input, wideLow, int(shift),
                                     std::move(*table));
}

StepOrError translateRelu(fx::ReluOp op, FixedTranslation &t) {
  return std::make_unique<ReluStep>(unaryOf(op.getInput(), op.getOutput(), t),
                                    fixedSpec(op.getInput()).isSigned);
}

StepOrError translateClamp(fx::ClampOp op, FixedTranslation &t) {
  FixedSpec spec = fixedSpec(op.getInput());
  return std::make_unique<ClampStep>(
      unaryOf(op.getInput(), op.getOutput(), t), spec.isSigned,
      rawBits(op.getLowAttr(), spec), rawBits(op.getHighAttr(), spec));
}

StepOrError translateLeakyRelu(fx::LeakyReluOp op, FixedTranslation &t) {
  FixedSpec in = fixedSpec(op.getInput()), to = fixedSpec(op.getOutput());
  FixedSpec alphaSpec = op.getAlphaType().getSpec();
  if (!isValidSpec(productSpec(in, alphaSpec)))
    return t.error(op, "the input and alpha widths add up to more than 64 "
                       "bits");
  return std::make_unique<LeakyReluStep>(
      unaryOf(op.getInput(), op.getOutput(), t), in,
      rawBits(op.getAlphaAttr(), alphaSpec), alphaSpec, to, tallyOf(op, to, t));
}

StepOrError translateScale(fx::ScaleOp op, FixedTranslation &t) {
  const TensorInfo &info = t.info(op.getInput());
  if (info.shape.empty())
    return t.error(op, "the input must have rank >= 1");
  int64_t channels = info.shape.back();
  FixedSpec in = fixedSpec(op.getInput()), to = fixedSpec(op.getOutput());
  FixedSpec scaleSpec = op.getScaleType().getSpec();
  int64_t frac = int64_t(in.fracWidth()) + scaleSpec.fracWidth();
  // Per channel, broadcast from one value where there is one.
  auto perChannel = [&](std::vector<Bits> values,
                        const char *what) -> llvm::Expected<std::vector<Bits>> {
    if (values.size() == 1)
      values.assign(size_t(channels), values.front());
    if (int64_t(values.size()) != channels)
      return t.error(op, llvm::Twine(what) + " has neither 1 nor " +
                             llvm::Twine(channels) + " values");
    return values;
  };
  auto scaleRaw = readRaw(op, op.getScale(), scaleSpec, "the scale", t);
  if (!scaleRaw)
    return scaleRaw.takeError();
  auto scale = perChannel(std::move(*scaleRaw), "the scale");
  if (!scale)
    return scale.takeError();
  std::vector<Bits> offset(size_t(channels), 0);
  if (auto offsetAttr = op.getOffsetAttr()) {
    std::optional<fx::FixedType> offsetType = op.getOffsetType();
    if (!offsetType)
      return t.error(op, "has an offset but no offset_type");
    FixedSpec offsetSpec = offsetType->getSpec();
    int64_t shift = frac - offsetSpec.fracWidth();
    if (shift < 0 || shift > 62)
      return t.error(op, "the offset does not fit the products' grid");
    auto offsetRaw = readRaw(op, offsetAttr, offsetSpec, "the offset", t);
    if (!offsetRaw)
      return offsetRaw.takeError();
    auto values = perChannel(std::move(*offsetRaw), "the offset");
    if (!values)
      return values.takeError();
    // The verifier keeps offset * 2^shift within 63 bits.
    for (size_t c = 0; c < values->size(); ++c)
      offset[c] = (*values)[c] << shift;
  }
  // v is a signed 64-bit raw value with F fractional bits.
  FixedSpec sum{64, int(64 - frac), true};
  if (!isValidSpec(sum))
    return t.error(op, "the products have too many fractional bits");
  return std::make_unique<ScaleStep>(unaryOf(op.getInput(), op.getOutput(), t),
                                     std::move(*scale), std::move(offset), sum,
                                     to, tallyOf(op, to, t));
}

StepOrError translateSoftmax(fx::SoftmaxOp op, FixedTranslation &t) {
  const TensorInfo &info = t.info(op.getInput());
  if (info.shape.empty() || info.shape.back() < 1)
    return t.error(op, "the input needs a last axis of at least one value");
  FixedSpec in = fixedSpec(op.getInput()), to = fixedSpec(op.getOutput());
  if (in.width > 62)
    return t.error(op, "the input is more than 62 bits wide");
  SoftmaxStep::Tables tables;
  tables.expSpec = op.getExpType().getSpec();
  tables.invSpec = op.getInvType().getSpec();
  auto exp = readRaw(op, op.getExpTable(), tables.expSpec, "exp_table", t);
  if (!exp)
    return exp.takeError();
  auto inv = readRaw(op, op.getInvTable(), tables.invSpec, "inv_table", t);
  if (!inv)
    return inv.takeError();
  if (exp->empty() || inv->empty())
    return t.error(op, "a table is empty");
  tables.exp = std::move(*exp);
  tables.inv = std::move(*inv);
  int64_t expShift = op.getExpShiftAttr().getValue().getSExtValue();
  int64_t invShift = op.getInvShiftAttr().getValue().getSExtValue();
  tables.invLow = op.getInvLowAttr().getValue().getSExtValue();
  if (expShift < 0 || expShift > 63 || invShift < 0 || invShift > 63 ||
      tables.invLow < 0)
    return t.error(op, "the shifts must be 0 to 63 and inv_low >= 0");
  tables.expShift = int(expShift);
  tables.invShift = int(invShift);
  if (tables.expSpec.isSigned ||
      !isValidSpec(productSpec(tables.expSpec, tables.invSpec)))
    return t.error(op, "exp_type must be unsigned and the table types at "
                       "most 64 bits wide together");
  return std::make_unique<SoftmaxStep>(
      unaryOf(op.getInput(), op.getOutput(), t), info.shape.back(),
      fixedSpec(op.getInput()).isSigned, std::move(tables), to,
      tallyOf(op, to, t));
}

} // namespace

void ariadne::emu::registerFixedTranslators(TranslatorTable<Bits> &table) {
  table.add<fx::QuantizeOp>(translateQuantize);
  table.add<fx::DequantizeOp>(translateDequantize);
  table.add<fx::CastOp>(translateCast);
  table.add<fx::DenseOp>(translateDense);
  table.add<fx::TableOp>(translateTable);
  table.add<fx::ReluOp>(translateRelu);
  table.add<fx::ClampOp>(translateClamp);
  table.add<fx::LeakyReluOp>(translateLeakyRelu);
  table.add<fx::ScaleOp>(translateScale);
  table.add<fx::SoftmaxOp>(translateSoftmax);
  registerMoveTranslators(table);
}
