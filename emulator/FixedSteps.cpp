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
#include "emulator/ArithNests.h"
#include "emulator/FixedSupport.h"

using namespace ariadne;
using namespace ariadne::emu;
using namespace ariadne::emu::fixed;

namespace {

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
// Arithmetic of two activations
//===----------------------------------------------------------------------===//

/// fx.add, fx.sub, fx.mul over broadcast operands (ariadne::arithBits):
/// exact, so nothing is counted.
class ArithStep final : public FixedStep {
public:
  ArithStep(ArithKind kind, int out, int lhs, int rhs, FixedSpec sa,
            FixedSpec sb, StridedNest<3> nest)
      : kind(kind), out(out), lhs(lhs), rhs(rhs), sa(sa), sb(sb),
        nest(std::move(nest)) {}

  void run(Bits *const *t, int64_t events) const override {
    auto rows = [&](const StridedNest<3>::Offsets &at, int64_t count,
                    const StridedNest<3>::Offsets &step) {
      Bits *y = t[out] + at[0];
      const Bits *a = t[lhs] + at[1], *b = t[rhs] + at[2];
      for (int64_t i = 0; i < count; ++i)
        y[i * step[0]] =
            arithBits(kind, a[i * step[1]], sa, b[i * step[2]], sb);
    };
    nest.forEachRow(events, rows);
  }

private:
  ArithKind kind;
  int out, lhs, rhs;
  FixedSpec sa, sb;
  StridedNest<3> nest;
};

/// fx.matmul (ariadne::dotBits per element). Where the accumulator is
/// narrower than the exact one, the exact sums (below 2^127: products fit
/// 64 bits) are compared with its range to count the ones that wrapped.
class MatMulStep final : public FixedStep {
public:
  MatMulStep(int out, int lhs, int rhs, FixedSpec sa, FixedSpec sb,
             FixedSpec acc, MatMulLayout layout, OverflowCount *count)
      : out(out), lhs(lhs), rhs(rhs), sa(sa), sb(sb), acc(acc),
        layout(std::move(layout)), count(count) {
    auto wide = [&](Bits raw) {
      return acc.isSigned ? Int128(static_cast<int64_t>(raw)) : Int128(raw);
    };
    accLow = wide(ariadne::detail::minBits(acc.width, acc.isSigned));
    accHigh = wide(ariadne::detail::maxBits(acc.width, acc.isSigned));
  }

  void run(Bits *const *t, int64_t events) const override {
    const int64_t m = layout.m, k = layout.k, n = layout.n;
    std::uint64_t values = 0, wrapped = 0;
    auto exactOf = [&](Bits raw, bool isSigned) {
      return isSigned ? Int128(static_cast<int64_t>(raw)) : Int128(raw);
    };
    auto rows = [&](const StridedNest<3>::Offsets &at, int64_t matrices,
                    const StridedNest<3>::Offsets &step) {
      for (int64_t e = 0; e < matrices; ++e) {
        Bits *c = t[out] + at[0] + e * step[0];
        const Bits *a = t[lhs] + at[1] + e * step[1];
        const Bits *b = t[rhs] + at[2] + e * step[2];
        for (int64_t row = 0; row < m; ++row)
          for (int64_t col = 0; col < n; ++col) {
            const Bits *ar = a + row * k, *bc = b + col;
            c[row * n + col] = dotBits(ar, 1, sa, bc, int(n), sb, int(k), acc);
            Int128 exact = 0;
            for (int64_t j = 0; j < k; ++j)
              exact +=
                  exactOf(ar[j], sa.isSigned) * exactOf(bc[j * n], sb.isSigned);
            wrapped += (exact < accLow) | (exact > accHigh);
          }
        values += std::uint64_t(m * n);
      }
    };
    layout.nest.forEachRow(events, rows);
    count->values += values;
    count->wrapped += wrapped;
  }

private:
  int out, lhs, rhs;
  FixedSpec sa, sb, acc;
  MatMulLayout layout;
  OverflowCount *count;
  Int128 accLow, accHigh;
};

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

template <typename OpT, ArithKind Kind>
StepOrError translateArith(OpT op, FixedTranslation &t) {
  auto nest = broadcastNest(op, t);
  if (!nest)
    return nest.takeError();
  FixedSpec sa = fixedSpec(op.getLhs()), sb = fixedSpec(op.getRhs());
  FixedSpec out = fixedSpec(op.getOutput());
  FixedSpec exact = Kind == ArithKind::Add   ? sumSpec(sa, sb)
                    : Kind == ArithKind::Sub ? differenceSpec(sa, sb)
                                             : productSpec(sa, sb);
  if (!isValidSpec(exact) || exact.width != out.width ||
      exact.intWidth != out.intWidth || exact.isSigned != out.isSigned)
    return t.error(op, "the result type is not the exact type of the "
                       "operands");
  return std::make_unique<ArithStep>(
      Kind, t.tensorOf(op.getOutput()), t.tensorOf(op.getLhs()),
      t.tensorOf(op.getRhs()), sa, sb, std::move(*nest));
}

StepOrError translateMatMul(fx::MatMulOp op, FixedTranslation &t) {
  auto layout = matMulLayout(op, t);
  if (!layout)
    return layout.takeError();
  FixedSpec sa = fixedSpec(op.getLhs()), sb = fixedSpec(op.getRhs());
  if (!isValidSpec(productSpec(sa, sb)))
    return t.error(op, "a product needs more than 64 bits");
  return std::make_unique<MatMulStep>(
      t.tensorOf(op.getOutput()), t.tensorOf(op.getLhs()),
      t.tensorOf(op.getRhs()), sa, sb, fixedSpec(op.getOutput()),
      std::move(*layout), t.overflowCounter(op));
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
  table.add<fx::AddOp>(translateArith<fx::AddOp, ArithKind::Add>);
  table.add<fx::SubOp>(translateArith<fx::SubOp, ArithKind::Sub>);
  table.add<fx::MulOp>(translateArith<fx::MulOp, ArithKind::Mul>);
  table.add<fx::MatMulOp>(translateMatMul);
  registerMoveTranslators(table);
}
