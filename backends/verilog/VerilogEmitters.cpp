//===- VerilogEmitters.cpp - one emission pattern per op ------------------===//
//
// Each pattern turns the element signals of its operands into those of its
// result: dense layers into constant multiplications and adder trees,
// tables into ROM modules, casts into rounding and overflow logic, data
// movement into wiring. Arithmetic is on signed wires wide enough for the
// exact value; an accumulator narrower than the exact sum is computed
// modulo 2^W, which is what fx.dense's WRAP means whatever the order of
// the additions.
//
//===----------------------------------------------------------------------===//
#include "backends/verilog/VerilogEmitter.h"

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

//===----------------------------------------------------------------------===//
// Integers
//===----------------------------------------------------------------------===//

namespace {

/// Ranges beyond this magnitude are not tracked: their sums are computed
/// modulo the accumulator's width.
const Int128 kRangeLimit = Int128(1) << 100;

bool beyondLimit(Int128 v) { return v > kRangeLimit || v < -kRangeLimit; }

std::string decimal(Int128 value) {
  if (value == 0)
    return "0";
  bool negative = value < 0;
  unsigned __int128 magnitude =
      negative ? (unsigned __int128)0 - value : (unsigned __int128)value;
  std::string digits;
  while (magnitude) {
    digits.push_back(char('0' + int(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative)
    digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

int bitLength(unsigned __int128 v) {
  int bits = 0;
  while (v) {
    ++bits;
    v >>= 1;
  }
  return bits;
}

} // namespace

int signedBits(Int128 low, Int128 high) {
  int bits = 1;
  while (!(low >= -(Int128(1) << (bits - 1)) &&
           high <= (Int128(1) << (bits - 1)) - 1))
    ++bits;
  return bits;
}

std::string literal(Int128 value) {
  unsigned __int128 magnitude =
      value < 0 ? (unsigned __int128)0 - value : (unsigned __int128)value;
  int width = bitLength(magnitude) + 1;
  std::string text = std::to_string(width) + "'sd" +
                     decimal(Int128(magnitude == 0 ? 0 : magnitude));
  return value < 0 ? "-" + text : text;
}

std::pair<Int128, Int128> rangeOf(FixedType type) {
  int w = int(type.getWidth());
  if (type.isSigned())
    return {-(Int128(1) << (w - 1)), (Int128(1) << (w - 1)) - 1};
  return {0, (Int128(1) << w) - 1};
}

int internalWidth(FixedType type) {
  return int(type.getWidth()) + (type.isSigned() ? 0 : 1);
}

//===----------------------------------------------------------------------===//
// VerilogEmission
//===----------------------------------------------------------------------===//

VerilogEmission::VerilogEmission(func::FuncOp fn, const VerilogOptions &options)
    : fn(fn), opts(options), bodyOS(bodyText), modulesOS(modulesText),
      registerOS(registerText) {
  // Names of the top module's ports and Verilog keywords a model may use.
  for (const char *reserved :
       {"clk",       "valid_in", "valid_out", "valid_pipe", "module",
        "endmodule", "input",    "output",    "inout",      "wire",
        "reg",       "assign",   "always",    "begin",      "end",
        "case",      "endcase",  "default",   "if",         "else",
        "initial",   "integer",  "parameter", "localparam", "function",
        "task",      "for",      "signed",    "unsigned",   "genvar",
        "generate",  "and",      "or",        "not",        "xor",
        "buf",       "edge",     "posedge",   "negedge",    "table",
        "logic",     "bit",      "byte",      "int",        "time",
        "real",      "event",    "do",        "while",      "repeat",
        "force"})
    identifiers.reserve(reserved);
  identifiers.reserve(fn.getSymName());
}

std::string VerilogEmission::unique(StringRef base) {
  return identifiers.unique(base);
}

std::string VerilogEmission::layerName(Operation *op) const {
  return cpp::IdentifierTable::layerName(op);
}

std::string VerilogEmission::identifier(Operation *op) {
  return identifiers.identifier(op);
}

VerilogLayerSettings VerilogEmission::settingsOf(Operation *op,
                                                 StringRef type) const {
  if (!opts.layerSettings)
    return {};
  SmallVector<std::string, 2> names;
  op->getLoc()->walk([&](Location loc) {
    if (auto name = llvm::dyn_cast<NameLoc>(loc))
      names.push_back(name.getName().str());
    return WalkResult::advance();
  });
  return opts.layerSettings(names, type);
}

const std::vector<Signal> &VerilogEmission::signalsOf(Value value) const {
  auto it = values.find(value);
  assert(it != values.end() && "value without signals");
  return it->second;
}

void VerilogEmission::bind(Value value, std::vector<Signal> signals) {
  values[value] = std::move(signals);
}

Signal VerilogEmission::wire(StringRef base, int width, const std::string &expr,
                             int64_t stage, Int128 low, Int128 high) {
  Signal s;
  s.name = unique(base);
  s.width = width;
  s.stage = stage;
  s.low = low;
  s.high = high;
  bodyOS << "  wire signed [" << width - 1 << ":0] " << s.name << " = " << expr
         << ";\n";
  return s;
}

Signal VerilogEmission::reg(StringRef base, int width, const std::string &expr,
                            int64_t stage, Int128 low, Int128 high) {
  Signal s;
  s.name = unique(base);
  s.width = width;
  s.stage = stage + 1;
  s.low = low;
  s.high = high;
  bodyOS << "  reg signed [" << width - 1 << ":0] " << s.name << ";\n";
  registerOS << "    " << s.name << " <= " << expr << ";\n";
  return s;
}

Signal VerilogEmission::at(const Signal &signal, int64_t stage) {
  if (signal.constant || signal.stage >= stage)
    return signal;
  std::vector<std::string> &chain = delays[signal.name];
  Signal current = signal;
  for (int64_t s = signal.stage; s < stage; ++s) {
    size_t index = size_t(s - signal.stage);
    if (index < chain.size()) {
      current.name = chain[index];
    } else {
      current = reg(signal.name + "_d" + std::to_string(index + 1),
                    signal.width, current.name, s, signal.low, signal.high);
      chain.push_back(current.name);
    }
    current.stage = s + 1;
  }
  return current;
}

Signal VerilogEmission::constant(Int128 value) {
  Signal s;
  s.name = literal(value);
  s.width = signedBits(value, value);
  s.constant = true;
  s.low = s.high = value;
  return s;
}

int64_t VerilogEmission::latestStage(ArrayRef<Signal> signals) {
  int64_t stage = 0;
  for (const Signal &s : signals)
    if (!s.constant)
      stage = std::max(stage, s.stage);
  return stage;
}

std::string VerilogEmission::takeBody() {
  if (!registerText.empty())
    bodyOS << "\n  always @(posedge clk) begin\n" << registerText << "  end\n";
  registerText.clear();
  return std::move(bodyText);
}

namespace {

//===----------------------------------------------------------------------===//
// Shared logic
//===----------------------------------------------------------------------===//

/// The signed representation of `raw` bits of `type` read from a W-bit
/// vector expression `bits`.
std::string fromRaw(const std::string &bits, FixedType type) {
  return type.isSigned() ? "$signed(" + bits + ")"
                         : "$signed({1'b0, " + bits + "})";
}

/// The canonical signed digit form of `value`: (shift, negative) pairs,
/// no two adjacent shifts, as few nonzero digits as any signed digit form.
SmallVector<std::pair<int, bool>> csdDigits(Int128 value) {
  SmallVector<std::pair<int, bool>> digits;
  for (int shift = 0; value != 0; ++shift, value /= 2) {
    if (value % 2 == 0)
      continue;
    // value mod 4 decides the digit: 1 -> +1, 3 -> -1 (borrow upwards).
    Int128 mod4 = ((value % 4) + 4) % 4;
    bool negative = mod4 == 3;
    digits.push_back({shift, negative});
    value -= negative ? -1 : 1;
  }
  return digits;
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

/// A term of an adder tree: the signal's value, negated when `negative`.
struct Term {
  Signal signal;
  bool negative = false;
  /// Whether the signal holds its value only modulo 2^modulus.
  bool modular = false;
};

/// The sum of `terms`, exact or modulo 2^modulus bits, by a balanced tree
/// of two-input adders, with register stages after every `levelsPerStage`
/// levels (0: none). Counts the adders and the stages added.
Term adderTree(VerilogEmission &emission, std::vector<Term> terms, int modulus,
               int64_t levelsPerStage, const std::string &base, int64_t &adders,
               int64_t &stages) {
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
  for (int64_t level = 1; terms.size() > 1; ++level) {
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

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// Every signal of `signals` delayed to the latest stage among them.
std::vector<Signal> aligned(VerilogEmission &emission,
                            const std::vector<Signal> &signals) {
  int64_t stage = VerilogEmission::latestStage(signals);
  std::vector<Signal> result;
  for (const Signal &s : signals)
    result.push_back(emission.at(s, stage));
  return result;
}

LogicalResult emitDense(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::DenseOp>(operation);
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  if (int64_t(in.size()) != k)
    return op.emitOpError("has several rows per event; the verilog target "
                          "supports dense layers on vectors");
  std::string id = emission.identifier(op);
  VerilogLayerSettings settings = emission.settingsOf(op, "dense");
  FixedType acc = fx::elementTypeOf(op.getOutput());
  int modulus = int(acc.getWidth());
  SmallVector<int64_t> weights = fx::rawValuesOf(op.getWeight());
  SmallVector<int64_t> bias;
  int64_t biasShift = 0;
  if (op.getBiasAttr()) {
    bias = fx::rawValuesOf(op.getBiasAttr());
    biasShift = acc.getFracWidth() - op.getBiasType()->getFracWidth();
  }
  int64_t inStage = VerilogEmission::latestStage(in);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.dense " << k
                  << " -> " << n << ", accumulator " << fx::formatPrecision(acc)
                  << "\n";
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.dense";
  report.detail = std::to_string(k) + " -> " + std::to_string(n) + ", weight " +
                  fx::formatPrecision(op.getWeightType());
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  int64_t treeStages = 0;
  std::vector<Signal> out;
  for (int64_t o = 0; o < n; ++o) {
    std::string base = id + "_n" + std::to_string(o);
    std::vector<Term> terms;
    for (int64_t i = 0; i < k; ++i) {
      Int128 w = weights[o * k + i];
      if (w == 0)
        continue;
      const Signal &x = in[i];
      auto digits = csdDigits(w);
      if (settings.multiplier == VerilogMultiplier::Dsp && digits.size() > 1) {
        auto [low, high] = productRange(x, w);
        bool modular = beyondLimit(low) || beyondLimit(high) ||
                       signedBits(low, high) >= modulus;
        int width = modular ? modulus : signedBits(low, high);
        Term t;
        t.modular = modular;
        t.signal =
            emission.wire(base + "_m", width, x.name + " * " + literal(w),
                          inStage, low, high);
        if (modular) {
          t.signal.low = -(Int128(1) << (modulus - 1));
          t.signal.high = (Int128(1) << (modulus - 1)) - 1;
        }
        terms.push_back(t);
        ++report.multipliers;
        continue;
      }
      // Shifts of the input, one per signed digit.
      for (auto [shift, negative] : digits) {
        Term t;
        t.negative = negative;
        t.signal = x;
        if (shift > 0) {
          t.signal.name = "(" + x.name + " <<< " + std::to_string(shift) + ")";
          t.signal.width = x.width + shift;
          Int128 scale = Int128(1) << std::min(shift, 100);
          if (shift >= 100 || beyondLimit(x.low * scale) ||
              beyondLimit(x.high * scale) || x.width + shift >= modulus) {
            // Cut to the accumulator's width first.
            t.signal = emission.wire(base + "_t", modulus, t.signal.name,
                                     inStage, 0, 0);
            t.signal.low = -(Int128(1) << (modulus - 1));
            t.signal.high = (Int128(1) << (modulus - 1)) - 1;
            t.modular = true;
          } else {
            t.signal.low = x.low * scale;
            t.signal.high = x.high * scale;
          }
        }
        terms.push_back(t);
      }
    }
    if (!bias.empty() && bias[o] != 0) {
      Int128 b = Int128(bias[o]) * (Int128(1) << biasShift);
      Term t;
      if (beyondLimit(b) || signedBits(b, b) > modulus) {
        // Only its low bits count.
        Int128 mask = (Int128(1) << modulus) - 1;
        b = b & mask;
        if (b >= (Int128(1) << (modulus - 1)))
          b -= Int128(1) << modulus;
      }
      t.signal = VerilogEmission::constant(b);
      terms.push_back(t);
    }
    int64_t adders = 0, stages = 0;
    Term sum = adderTree(emission, std::move(terms), modulus,
                         settings.pipelineLevels, base, adders, stages);
    report.adders += adders;
    treeStages = std::max(treeStages, stages);
    Signal root = sum.signal;
    int64_t stage = root.constant ? inStage + stages : root.stage;
    if (sum.negative) {
      root = emission.wire(base + "_neg",
                           sum.modular ? modulus
                                       : signedBits(-root.high, -root.low),
                           "-" + root.name, stage, -root.high, -root.low);
      ++report.adders;
    }
    // The low W bits of the sum are the accumulator's raw value.
    Signal low = emission.wire(base + "_acc", modulus, root.name, stage,
                               root.low, root.high);
    auto [accLow, accHigh] = rangeOf(acc);
    Int128 outLow = accLow, outHigh = accHigh;
    if (!sum.modular && root.low >= accLow && root.high <= accHigh) {
      outLow = root.low;
      outHigh = root.high;
    }
    out.push_back(emission.reg(base + "_r", internalWidth(acc),
                               fromRaw(low.name, acc), stage, outLow, outHigh));
  }
  // Neurons with fewer levels wait for the others.
  int64_t outStage = inStage + treeStages + 1;
  for (Signal &s : out)
    s = emission.at(s, outStage);
  report.stages = outStage - inStage;
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitCastOp(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::CastOp>(operation);
  FixedType from = fx::elementTypeOf(op.getInput());
  FixedType to = fx::elementTypeOf(op.getOutput());
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.cast "
                  << fx::formatPrecision(from) << " -> "
                  << fx::formatPrecision(to) << "\n";
  std::vector<Signal> out;
  const std::vector<Signal> &in = emission.signalsOf(op.getInput());
  for (auto [i, x] : llvm::enumerate(in))
    out.push_back(emitCast(emission, x, from.getFracWidth(), to,
                           id + "_" + std::to_string(i)));
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.cast";
  report.detail = fx::formatPrecision(to);
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitRelu(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ReluOp>(operation);
  FixedType type = fx::elementTypeOf(op.getInput());
  const std::vector<Signal> &in = emission.signalsOf(op.getInput());
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.relu";
  emission.addLayer(report);
  if (!type.isSigned()) {
    emission.bind(op.getOutput(), in);
    return success();
  }
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << report.name << ": fx.relu\n";
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in))
    out.push_back(emission.wire(
        id + "_" + std::to_string(i), x.width,
        "(" + x.name + " < 0) ? " + literal(0) + " : " + x.name, x.stage,
        std::max<Int128>(x.low, 0), std::max<Int128>(x.high, 0)));
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitClamp(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ClampOp>(operation);
  Int128 low = op.getLowAttr().getValue().getSExtValue();
  Int128 high = op.getHighAttr().getValue().getSExtValue();
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.clamp\n";
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(emission.signalsOf(op.getInput())))
    out.push_back(emission.wire(id + "_" + std::to_string(i), x.width,
                                "(" + x.name + " < " + literal(low) + ") ? " +
                                    literal(low) + " : (" + x.name + " > " +
                                    literal(high) + ") ? " + literal(high) +
                                    " : " + x.name,
                                x.stage, std::max(low, std::min(x.low, high)),
                                std::min(high, std::max(x.high, low))));
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.clamp";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitLeakyRelu(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::LeakyReluOp>(operation);
  FixedType inType = fx::elementTypeOf(op.getInput());
  FixedType alphaType = op.getAlphaType();
  Int128 alpha = op.getAlphaAttr().getValue().getSExtValue();
  int64_t fa = alphaType.getFracWidth();
  if (fa < 0)
    return op.emitOpError("has an alpha type with negative fractional bits; "
                          "the verilog target does not support it");
  VerilogLayerSettings settings = emission.settingsOf(op, "leaky_relu");
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.leaky_relu\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    // x * 2^fa for x >= 0, x * alpha below.
    Int128 posLow = std::max<Int128>(x.low, 0), posHigh = x.high;
    auto [negLow, negHigh] = productRange(x, alpha);
    Int128 low = std::min<Int128>(negLow, posLow * (Int128(1) << fa));
    Int128 high = std::max<Int128>(negHigh, posHigh * (Int128(1) << fa));
    low = std::min<Int128>(low, 0);
    high = std::max<Int128>(high, 0);
    std::string positive =
        fa > 0 ? "(" + x.name + " <<< " + std::to_string(fa) + ")" : x.name;
    Signal v = emission.wire(
        base + "_v", signedBits(low, high),
        "(" + x.name + " < 0) ? " +
            constantProduct(x, alpha, settings.multiplier) + " : " + positive,
        stage, low, high);
    Signal y = emitCast(emission, v, inType.getFracWidth() + fa,
                        fx::elementTypeOf(op.getOutput()), base + "_c");
    out.push_back(
        emission.reg(base + "_r", y.width, y.name, stage, y.low, y.high));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.leaky_relu";
  report.stages = 1;
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  if (settings.multiplier == VerilogMultiplier::Dsp &&
      csdDigits(alpha).size() > 1)
    report.multipliers = int64_t(in.size());
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitScale(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::ScaleOp>(operation);
  FixedType inType = fx::elementTypeOf(op.getInput());
  int64_t frac = inType.getFracWidth() + op.getScaleType().getFracWidth();
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t channels = shape.back();
  auto expand = [&](ElementsAttr attr) {
    SmallVector<int64_t> values = fx::rawValuesOf(attr);
    if (values.size() == 1)
      values.assign(channels, values.front());
    return values;
  };
  SmallVector<int64_t> scale = expand(op.getScale());
  SmallVector<int64_t> offset;
  int64_t offsetShift = 0;
  if (op.getOffsetAttr()) {
    offset = expand(op.getOffsetAttr());
    offsetShift = frac - op.getOffsetType()->getFracWidth();
  }
  VerilogLayerSettings settings = emission.settingsOf(op, "scale");
  std::string id = emission.identifier(op);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.scale\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  VerilogLayerReport report;
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    int64_t c = int64_t(i) % channels;
    auto [low, high] = productRange(x, scale[c]);
    std::string expr = constantProduct(x, scale[c], settings.multiplier);
    if (settings.multiplier == VerilogMultiplier::Dsp &&
        csdDigits(scale[c]).size() > 1)
      ++report.multipliers;
    if (!offset.empty()) {
      Int128 o = Int128(offset[c]) * (Int128(1) << offsetShift);
      low += o;
      high += o;
      expr = expr + " + " + literal(o);
    }
    low = std::min<Int128>(low, 0);
    high = std::max<Int128>(high, 0);
    Signal v = emission.wire(base + "_v", signedBits(low, high), expr, stage,
                             low, high);
    Signal y = emitCast(emission, v, frac, fx::elementTypeOf(op.getOutput()),
                        base + "_c");
    out.push_back(
        emission.reg(base + "_r", y.width, y.name, stage, y.low, y.high));
  }
  report.name = emission.layerName(op);
  report.op = "fx.scale";
  report.stages = 1;
  report.multiplier =
      settings.multiplier == VerilogMultiplier::Dsp ? "dsp" : "shift_add";
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// A ROM module `name` of `table` (raw values of `type`), read with a
/// registered output.
void writeRom(VerilogEmission &emission, const std::string &name,
              ArrayRef<int64_t> table, FixedType type, int addrBits) {
  int64_t w = type.getWidth();
  uint64_t mask = w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
  raw_ostream &os = emission.modules();
  os << "\n// " << table.size() << " entries of " << fx::formatPrecision(type)
     << ", registered read.\nmodule " << name << " (\n"
     << "  input wire clk,\n"
     << "  input wire [" << addrBits - 1 << ":0] addr,\n"
     << "  output reg [" << w - 1 << ":0] data\n);\n"
     << "  always @(posedge clk)\n    case (addr)\n";
  for (size_t i = 0; i + 1 < table.size(); ++i)
    os << "      " << addrBits << "'d" << i << ": data <= " << w << "'h"
       << llvm::utohexstr(uint64_t(table[i]) & mask, /*LowerCase=*/true)
       << ";\n";
  os << "      default: data <= " << w << "'h"
     << llvm::utohexstr(uint64_t(table.back()) & mask, /*LowerCase=*/true)
     << ";\n    endcase\nendmodule\n";
}

int addressBits(size_t entries) {
  return std::max(1, bitLength((unsigned __int128)(entries - 1)));
}

/// Looks `index` (an address wire of `addrBits`) up in the ROM module
/// `rom`; the result, of `type`, is valid one stage later.
Signal lookUp(VerilogEmission &emission, const std::string &rom,
              const std::string &index, int64_t stage, FixedType type,
              const std::string &base) {
  std::string data = emission.unique(base + "_data");
  emission.body() << "  wire [" << type.getWidth() - 1 << ":0] " << data
                  << ";\n  " << rom << " " << emission.unique(base + "_rom")
                  << " (.clk(clk), .addr(" << index << "), .data(" << data
                  << "));\n";
  auto [low, high] = rangeOf(type);
  return emission.wire(base + "_y", internalWidth(type), fromRaw(data, type),
                       stage + 1, low, high);
}

/// The address of `clamp((x - low) >> shift, 0, entries - 1)`.
std::string tableAddress(VerilogEmission &emission, const Signal &x, Int128 low,
                         int64_t shift, size_t entries,
                         const std::string &base) {
  int addrBits = addressBits(entries);
  Int128 dLow = x.low - low, dHigh = x.high - low;
  int width = std::max(signedBits(dLow, dHigh), addrBits + 1);
  Signal d = emission.wire(base + "_d", width, x.name + " - " + literal(low),
                           x.stage, dLow, dHigh);
  Signal b = emission.wire(base + "_b", width,
                           d.name + " >>> " + std::to_string(shift), x.stage,
                           dLow, dHigh);
  std::string addr = emission.unique(base + "_a");
  Int128 last = Int128(entries) - 1;
  emission.body() << "  wire [" << addrBits - 1 << ":0] " << addr << " = ("
                  << b.name << " < 0) ? " << addrBits << "'d0 : (" << b.name
                  << " > " << literal(last) << ") ? " << addrBits << "'d"
                  << decimal(last) << " : " << b.name << "[" << addrBits - 1
                  << ":0];\n";
  return addr;
}

LogicalResult emitTable(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::TableOp>(operation);
  SmallVector<int64_t> table = fx::rawValuesOf(op.getTable());
  if (table.empty())
    return op.emitOpError("has an empty table");
  FixedType outType = fx::elementTypeOf(op.getOutput());
  std::string id = emission.identifier(op);
  std::string rom = emission.unique(emission.function().getSymName().str() +
                                    "_" + id + "_rom");
  int addrBits = addressBits(table.size());
  writeRom(emission, rom, table, outType, addrBits);
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.table"
                  << (op.getFunction() ? " (" + op.getFunction()->str() + ")"
                                       : "")
                  << ", " << table.size() << " entries\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  Int128 low = op.getInputLowAttr().getValue().getSExtValue();
  int64_t shift = op.getShiftAttr().getValue().getSExtValue();
  std::vector<Signal> out;
  for (auto [i, x] : llvm::enumerate(in)) {
    std::string base = id + "_" + std::to_string(i);
    std::string addr =
        tableAddress(emission, x, low, shift, table.size(), base);
    out.push_back(lookUp(emission, rom, addr, stage, outType, base));
  }
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = "fx.table";
  report.detail = (op.getFunction() ? op.getFunction()->str() + ", " : "") +
                  std::to_string(table.size()) + " entries";
  report.stages = 1;
  report.roms = int64_t(in.size());
  report.romBits = int64_t(table.size()) * outType.getWidth();
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

LogicalResult emitSoftmax(Operation *operation, VerilogEmission &emission) {
  auto op = llvm::cast<fx::SoftmaxOp>(operation);
  FixedType expType = op.getExpType(), invType = op.getInvType();
  FixedType outType = fx::elementTypeOf(op.getOutput());
  SmallVector<int64_t> expTable = fx::rawValuesOf(op.getExpTable());
  SmallVector<int64_t> invTable = fx::rawValuesOf(op.getInvTable());
  if (expTable.empty() || invTable.empty())
    return op.emitOpError("has an empty table");
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t length = shape.back();
  std::string id = emission.identifier(op);
  std::string top = emission.function().getSymName().str();
  std::string expRom = emission.unique(top + "_" + id + "_exp_rom");
  std::string invRom = emission.unique(top + "_" + id + "_inv_rom");
  writeRom(emission, expRom, expTable, expType, addressBits(expTable.size()));
  writeRom(emission, invRom, invTable, invType, addressBits(invTable.size()));
  emission.body() << "\n  // " << emission.layerName(op) << ": fx.softmax over "
                  << length << "\n";
  std::vector<Signal> in = aligned(emission, emission.signalsOf(op.getInput()));
  int64_t stage = VerilogEmission::latestStage(in);
  int64_t expShift = op.getExpShiftAttr().getValue().getSExtValue();
  int64_t invShift = op.getInvShiftAttr().getValue().getSExtValue();
  Int128 invLow = op.getInvLowAttr().getValue().getSExtValue();
  VerilogLayerReport report;
  std::vector<Signal> out;
  for (size_t row = 0; row < in.size(); row += size_t(length)) {
    std::string base = id + "_r" + std::to_string(row / size_t(length));
    std::vector<Signal> x(in.begin() + row, in.begin() + row + length);
    // The row's maximum, by a tree of comparisons; registered.
    std::vector<Signal> level = x;
    while (level.size() > 1) {
      std::vector<Signal> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2) {
        const Signal &a = level[i], &b = level[i + 1];
        next.push_back(emission.wire(
            base + "_max", std::max(a.width, b.width),
            "(" + a.name + " > " + b.name + ") ? " + a.name + " : " + b.name,
            stage, std::max(a.low, b.low), std::max(a.high, b.high)));
      }
      if (level.size() % 2)
        next.push_back(level.back());
      level = std::move(next);
    }
    Signal max = emission.reg(base + "_m", level[0].width, level[0].name, stage,
                              level[0].low, level[0].high);
    // e_j = exp_table[min((max - x_j) >> exp_shift, T - 1)].
    std::vector<Signal> e;
    for (auto [j, xj] : llvm::enumerate(x)) {
      std::string b = base + "_" + std::to_string(j);
      Signal xd = emission.at(xj, stage + 1);
      Int128 dHigh = max.high - xd.low;
      Signal d = emission.wire(b + "_d", signedBits(0, dHigh) + 1,
                               max.name + " - " + xd.name, stage + 1, 0, dHigh);
      std::string addr =
          tableAddress(emission, d, 0, expShift, expTable.size(), b + "_e");
      e.push_back(
          lookUp(emission, expRom, addr, stage + 1, expType, b + "_exp"));
    }
    // s = sum_j e_j, exact; registered.
    std::vector<Term> terms;
    for (const Signal &s : e) {
      Term t;
      t.signal = s;
      terms.push_back(t);
    }
    int64_t adders = 0, stages = 0;
    Term sum = adderTree(emission, std::move(terms), 126, 0, base + "_sum",
                         adders, stages);
    report.adders += adders;
    Signal s = emission.reg(base + "_s", sum.signal.width, sum.signal.name,
                            stage + 2, sum.signal.low, sum.signal.high);
    // r = inv_table[clamp((s - inv_low) >> inv_shift, 0, T - 1)].
    std::string invAddr = tableAddress(emission, s, invLow, invShift,
                                       invTable.size(), base + "_i");
    Signal r =
        lookUp(emission, invRom, invAddr, stage + 3, invType, base + "_inv");
    // y_j = cast of e_j * r.
    for (auto [j, ej] : llvm::enumerate(e)) {
      std::string b = base + "_" + std::to_string(j);
      Signal ed = emission.at(ej, stage + 4);
      Int128 corners[] = {ed.low * r.low, ed.low * r.high, ed.high * r.low,
                          ed.high * r.high};
      Int128 low = *std::min_element(std::begin(corners), std::end(corners));
      Int128 high = *std::max_element(std::begin(corners), std::end(corners));
      Signal p = emission.wire(b + "_p", signedBits(low, high),
                               ed.name + " * " + r.name, stage + 4, low, high);
      ++report.multipliers;
      Signal y =
          emitCast(emission, p, expType.getFracWidth() + invType.getFracWidth(),
                   outType, b + "_c");
      out.push_back(
          emission.reg(b + "_y", y.width, y.name, stage + 4, y.low, y.high));
    }
  }
  report.name = emission.layerName(op);
  report.op = "fx.softmax";
  report.detail = std::to_string(expTable.size()) + " + " +
                  std::to_string(invTable.size()) + " entries";
  report.stages = 5;
  report.roms = int64_t(in.size()) + int64_t(in.size()) / length;
  report.romBits = int64_t(expTable.size()) * expType.getWidth() +
                   int64_t(invTable.size()) * invType.getWidth();
  emission.addLayer(report);
  emission.bind(op.getOutput(), std::move(out));
  return success();
}

/// Data movement (reshape, transpose, slice, concat): element `i` of the
/// result is element `source.second` of operand `source.first`. Wiring
/// only.
LogicalResult emitGather(Operation *op, VerilogEmission &emission) {
  std::vector<Signal> out;
  for (auto [operand, index] : elementSources(op))
    out.push_back(emission.signalsOf(op->getOperand(operand))[size_t(index)]);
  VerilogLayerReport report;
  report.name = emission.layerName(op);
  report.op = op->getName().getStringRef().str();
  report.detail = "wiring";
  emission.addLayer(report);
  emission.bind(op->getResult(0), std::move(out));
  return success();
}

/// fx.quantize and fx.dequantize are the module's ports, which the
/// package writer declares from the hardware boundary: no logic here.
LogicalResult emitPort(Operation *, VerilogEmission &) { return success(); }

} // namespace

void populateVerilogPatterns(VerilogPatterns &patterns) {
  patterns.add<fx::QuantizeOp, fx::DequantizeOp>(emitPort);
  patterns.add<fx::DenseOp>(emitDense);
  patterns.add<fx::CastOp>(emitCastOp);
  patterns.add<fx::ReluOp>(emitRelu);
  patterns.add<fx::ClampOp>(emitClamp);
  patterns.add<fx::LeakyReluOp>(emitLeakyRelu);
  patterns.add<fx::ScaleOp>(emitScale);
  patterns.add<fx::TableOp>(emitTable);
  patterns.add<fx::SoftmaxOp>(emitSoftmax);
  patterns.add<nn::ReshapeOp, nn::TransposeOp, nn::SliceOp, nn::ConcatOp>(
      emitGather);
}

} // namespace verilog
} // namespace ariadne
