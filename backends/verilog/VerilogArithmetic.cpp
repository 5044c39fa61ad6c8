//===- VerilogArithmetic.cpp - exact arithmetic as RTL --------------------===//
#include "backends/verilog/VerilogArithmetic.h"

#include "backends/common/ElementSources.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace verilog {

namespace {
/// The rounding increment of a cast for `mode` from the bits that are
/// dropped (`half`: the first, `sticky`: any other), the sign and the
/// kept value's least significant bit.
std::string roundIncrement(QuantMode mode, const std::string &half,
                           const std::string &sticky, const std::string &neg,
                           const std::string &lsb) {
  switch (mode) {
  case QuantMode::TRN:
    return "1'b0";
  case QuantMode::TRN_ZERO:
    return neg + " & (" + half + " | " + sticky + ")";
  case QuantMode::RND:
    return half;
  case QuantMode::RND_ZERO:
    return half + " & (" + neg + " | " + sticky + ")";
  case QuantMode::RND_MIN_INF:
    return half + " & " + sticky;
  case QuantMode::RND_INF:
    return half + " & (~" + neg + " | " + sticky + ")";
  case QuantMode::RND_CONV:
    return half + " & (" + lsb + " | " + sticky + ")";
  }
  return "1'b0";
}

} // namespace

//===----------------------------------------------------------------------===//
// Shared logic
//===----------------------------------------------------------------------===//

/// The signed representation of `raw` bits of `type` read from a W-bit
/// vector expression `bits`.
std::string fromRaw(const std::string &bits, FixedType type) {
  return type.isSigned() ? "$signed(" + bits + ")"
                         : "$signed({1'b0, " + bits + "})";
}

/// `x * c` as a Verilog expression evaluated in the width of its context:
/// a product, or a sum of shifts.
std::string constantProduct(const Signal &x, Int128 c,
                            VerilogMultiplier style) {
  if (c == 0)
    return "0";
  auto digits = csdDigits(c);
  if (style == VerilogMultiplier::Dsp && digits.size() > 1)
    return "(" + x.name + " * " + literal(c) + ")";
  std::string expr;
  for (auto [shift, negative] : digits) {
    std::string term =
        shift == 0 ? x.name
                   : "(" + x.name + " <<< " + std::to_string(shift) + ")";
    if (expr.empty())
      expr = negative ? "(-" + term + ")" : term;
    else
      expr = "(" + expr + (negative ? " - " : " + ") + term + ")";
  }
  return expr;
}

/// The range of x * c.
std::pair<Int128, Int128> productRange(const Signal &x, Int128 c) {
  Int128 a = x.low * c, b = x.high * c;
  return {std::min(a, b), std::max(a, b)};
}

/// `in`, a value with `fracIn` fractional bits, cast into `to` as
/// fixed_bits.h castBits does: rounding on the exact value with to's
/// quantization mode, then to's overflow mode. Combinational.
Signal emitCast(VerilogEmission &emission, const Signal &in, int64_t fracIn,
                FixedType to, StringRef base) {
  raw_ostream &os = emission.body();
  int64_t shift = fracIn - to.getFracWidth();
  int64_t stage = in.stage;
  std::string value;
  int valueWidth = 0;
  Int128 low = 0, high = 0;
  if (shift > 0) {
    int extended = int(std::max<int64_t>(in.width, shift + 1) + 1);
    Signal x = emission.wire(base.str() + "_x", extended, in.name, stage,
                             in.low, in.high);
    Signal q = emission.wire(base.str() + "_q", extended,
                             x.name + " >>> " + std::to_string(shift), stage,
                             in.low, in.high);
    std::string half = x.name + "[" + std::to_string(shift - 1) + "]";
    std::string sticky =
        shift >= 2 ? "(|" + x.name + "[" + std::to_string(shift - 2) + ":0])"
                   : "1'b0";
    std::string neg = x.name + "[" + std::to_string(extended - 1) + "]";
    std::string inc =
        roundIncrement(to.getQuant(), half, sticky, neg, q.name + "[0]");
    std::string incName = emission.unique(base.str() + "_inc");
    os << "  wire " << incName << " = " << inc << ";\n";
    // floor(in / 2^shift) + inc, which needs at most one more bit.
    Int128 qLow = shift >= 100 ? Int128(-1) : (in.low >> shift);
    Int128 qHigh = shift >= 100 ? Int128(1) : (in.high >> shift) + 1;
    Signal v = emission.wire(base.str() + "_v", extended + 1,
                             q.name + " + $signed({1'b0, " + incName + "})",
                             stage, qLow, qHigh);
    value = v.name;
    valueWidth = v.width;
    low = qLow;
    high = qHigh;
  } else {
    int k = int(-shift);
    Signal v =
        emission.wire(base.str() + "_v", in.width + k,
                      k == 0 ? in.name : in.name + " <<< " + std::to_string(k),
                      stage, in.low, in.high);
    value = v.name;
    valueWidth = v.width;
    low = in.low;
    high = in.high;
  }
  auto [lo, hi] = rangeOf(to);
  int outWidth = internalWidth(to);
  int64_t w = to.getWidth();
  // The low W bits (the WRAP result), sign-extended first if narrower.
  int wide = std::max<int>(valueWidth, int(w));
  std::string wrappedBits;
  if (valueWidth < w) {
    Signal e = emission.wire(base.str() + "_e", wide, value, stage, low, high);
    wrappedBits = e.name + "[" + std::to_string(w - 1) + ":0]";
  } else {
    wrappedBits = value + "[" + std::to_string(w - 1) + ":0]";
  }
  std::string wrapped = fromRaw(wrappedBits, to);
  std::string expr;
  bool symmetric = to.isSigned() && w > 1;
  switch (to.getOverflow()) {
  case OverflowMode::WRAP:
    expr = wrapped;
    break;
  case OverflowMode::SAT:
    expr = "(" + value + " > " + literal(hi) + ") ? " + literal(hi) + " : (" +
           value + " < " + literal(lo) + ") ? " + literal(lo) + " : " + wrapped;
    break;
  case OverflowMode::SAT_ZERO:
    expr = "(" + value + " > " + literal(hi) + " || " + value + " < " +
           literal(lo) + ") ? " + literal(0) + " : " + wrapped;
    break;
  case OverflowMode::SAT_SYM: {
    Int128 symLow = symmetric ? lo + 1 : lo;
    expr = "(" + value + " > " + literal(hi) + ") ? " + literal(hi) + " : (" +
           value + " < " + literal(symLow) + ") ? " + literal(symLow) + " : " +
           wrapped;
    break;
  }
  }
  Int128 outLow = lo, outHigh = hi;
  if (to.getOverflow() != OverflowMode::WRAP ||
      (!beyondLimit(low) && !beyondLimit(high) && low >= lo && high <= hi)) {
    outLow = std::max(lo, std::min(low, hi));
    outHigh = std::min(hi, std::max(high, lo));
    if (to.getOverflow() == OverflowMode::SAT_ZERO) {
      outLow = std::min<Int128>(outLow, 0);
      outHigh = std::max<Int128>(outHigh, 0);
    }
  }
  return emission.wire(base, outWidth, expr, stage, outLow, outHigh);
}

/// The sum of `terms`, exact or modulo 2^modulus bits, by a balanced tree
/// of two-input adders, with register stages after every `levelsPerStage`
/// levels (0: none). Counts the adders and the stages added.
Term adderTree(VerilogEmission &emission, std::vector<Term> terms, int modulus,
               int64_t levelsPerStage, const std::string &base, int64_t &adders,
               int64_t &stages, int64_t levelsBefore) {
  if (terms.empty()) {
    Term zero;
    zero.signal = VerilogEmission::constant(0);
    return zero;
  }
  auto combine = [&](const Term &a, const Term &b) {
    Term t;
    std::string expr;
    Int128 low = 0, high = 0;
    const Signal &x = a.signal, &y = b.signal;
    if (a.negative == b.negative) {
      expr = x.name + " + " + y.name;
      low = x.low + y.low;
      high = x.high + y.high;
      t.negative = a.negative;
    } else {
      const Signal &plus = a.negative ? y : x, &minus = a.negative ? x : y;
      expr = plus.name + " - " + minus.name;
      low = plus.low - minus.high;
      high = plus.high - minus.low;
    }
    bool modular = a.modular || b.modular || beyondLimit(low) ||
                   beyondLimit(high) || signedBits(low, high) >= modulus;
    int width = modular ? modulus : signedBits(low, high);
    if (modular) {
      low = -(Int128(1) << (modulus - 1));
      high = (Int128(1) << (modulus - 1)) - 1;
    }
    t.modular = modular;
    t.signal = emission.wire(
        base + "_s", width, expr,
        std::max(x.constant ? 0 : x.stage, y.constant ? 0 : y.stage), low,
        high);
    ++adders;
    return t;
  };
  for (int64_t level = 1 + levelsBefore; terms.size() > 1; ++level) {
    std::vector<Term> next;
    for (size_t i = 0; i + 1 < terms.size(); i += 2)
      next.push_back(combine(terms[i], terms[i + 1]));
    if (terms.size() % 2)
      next.push_back(terms.back());
    terms = std::move(next);
    if (levelsPerStage > 0 && level % levelsPerStage == 0 && terms.size() > 1) {
      int64_t stage = VerilogEmission::latestStage(llvm::to_vector(
          llvm::map_range(terms, [](const Term &t) { return t.signal; })));
      for (Term &t : terms) {
        if (t.signal.constant)
          continue;
        t.signal = emission.at(t.signal, stage);
        if (t.signal.stage == stage)
          t.signal = emission.reg(base + "_p", t.signal.width, t.signal.name,
                                  stage, t.signal.low, t.signal.high);
      }
      ++stages;
    }
  }
  return terms.front();
}

} // namespace verilog
} // namespace ariadne
