//===- HlsEmitters.cpp - one emission pattern per op ----------------------===//
//
// Each pattern declares its layer's types (typedefs over hls_types.h's
// ARIADNE_FIXED) and configuration struct in parameters.h, its weights or
// table in weights.h, its result array and kernel call in the top
// function, and its estimate (HlsBackend.h, README.md of the project).
//
//===----------------------------------------------------------------------===//
#include "backends/hls/HlsEmitter.h"

#include "backends/common/ElementSources.h"
#include "backends/common/SharedSums.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNOps.h"
#include "passes/Support/Broadcast.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APInt.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace hls {

//===----------------------------------------------------------------------===//
// HlsEmission
//===----------------------------------------------------------------------===//

HlsEmission::HlsEmission(func::FuncOp fn, const HlsOptions &options)
    : fn(fn), opts(options), paramsOS(paramsText), weightsOS(weightsText),
      bodyOS(bodyText) {
  // Names the generated files use themselves.
  for (const char *reserved :
       {"ariadne", "std", "main", "in", "out", "i", "e", "unit", "inv_low", "p",
        "word", "result", "step"})
    identifiers.reserve(reserved);
  identifiers.reserve(fn.getSymName());
}

std::string HlsEmission::unique(StringRef base) {
  return identifiers.unique(base);
}

std::string HlsEmission::layerName(Operation *op) const {
  return IdentifierTable::layerName(op);
}

std::string HlsEmission::identifier(Operation *op) {
  return identifiers.identifier(op);
}

void HlsEmission::declareArray(Value value, const std::string &name,
                               const std::string &type) {
  bodyOS << "  " << type << " " << name << "[" << eventSize(value) << "];\n"
         << "#pragma HLS ARRAY_PARTITION variable=" << name << " complete\n";
  arrays[value] = {name, type};
}

std::string HlsEmission::typeName(const std::string &name, FixedType type) {
  paramsOS << "typedef " << typeSpelling(type) << " " << name << ";\n";
  return name;
}

int64_t HlsEmission::eventSize(Value value) const {
  bool batched = false;
  return product(eventShapeOf(value, batched));
}

HlsLayerSettings HlsEmission::settingsOf(Operation *op, StringRef type) const {
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

//===----------------------------------------------------------------------===//
// Spelling
//===----------------------------------------------------------------------===//

std::string typeSpelling(FixedType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << (type.isSigned() ? "ARIADNE_FIXED(" : "ARIADNE_UFIXED(")
     << type.getWidth() << ", " << type.getIntWidth() << ", "
     << fx::stringifyQuantMode(type.getQuant()) << ", "
     << fx::stringifyOverflowMode(type.getOverflow()) << ")";
  return os.str();
}

FailureOr<std::string> valueLiteral(Operation *op, int64_t raw,
                                    FixedType type) {
  if (raw >= (int64_t(1) << 53) || raw <= -(int64_t(1) << 53))
    return op->emitOpError("holds the raw value ")
           << raw << " of " << type
           << ", beyond 2^53: the hls target writes constants as exact "
              "doubles";
  double value = std::ldexp(double(raw), -int(type.getFracWidth()));
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string literal = text;
  // An integer-valued literal still reads as a double.
  if (literal.find_first_of(".eEn") == std::string::npos)
    literal += ".0";
  return literal;
}

namespace {

/// The C literal of a raw value as `type`'s ROM word holds it: W bits,
/// signed or not, written so that it converts to every word type exactly
/// (a C integer of at least W bits, ap_int<W>, ap_uint<W>).
std::string romLiteral(int64_t raw, FixedType type) {
  if (type.isSigned()) {
    if (raw == INT64_MIN)
      return "(-9223372036854775807LL - 1)";
    return std::to_string(raw) +
           (raw > INT32_MAX || raw < INT32_MIN ? "LL" : "");
  }
  uint64_t bits = uint64_t(raw);
  if (type.getWidth() < 64)
    bits &= (uint64_t(1) << type.getWidth()) - 1;
  return std::to_string(bits) + (bits > INT32_MAX ? "ULL" : "");
}

/// `static const ariadne::hls::rom_t<T> name[N] = {...};`: the raw integers
/// of `fixed` values (ROMs in hardware), 12 per line.
void writeConstArray(raw_ostream &os, const std::string &type,
                     const std::string &name, ArrayRef<int64_t> raw,
                     FixedType fixed) {
  os << "// " << type << ": value = raw * 2^" << -int64_t(fixed.getFracWidth())
     << "\n"
     << "static const ariadne::hls::rom_t<" << type << "> " << name << "["
     << raw.size() << "] = {";
  for (size_t i = 0; i < raw.size(); ++i)
    os << (i % 12 == 0 ? "\n    " : " ") << romLiteral(raw[i], fixed) << ",";
  os << "\n};\n\n";
}

/// A scalar constant of type `type`, as a constructor call.
FailureOr<std::string> constantOf(Operation *op, const std::string &typeName,
                                  int64_t raw, FixedType type) {
  FailureOr<std::string> literal = valueLiteral(op, raw, type);
  if (failed(literal))
    return failure();
  return typeName + "(" + *literal + ")";
}

//===----------------------------------------------------------------------===//
// The estimate model
//===----------------------------------------------------------------------===//

int64_t adderLevels(int64_t terms) {
  return terms <= 1 ? 0 : int64_t(llvm::Log2_64_Ceil(uint64_t(terms)));
}

/// Cycles of `levels` adder levels in a row at the configured clock.
int64_t adderCycles(HlsEmission &emission, int64_t levels) {
  double period = emission.options().clockPeriod;
  return levels == 0
             ? 0
             : int64_t(std::ceil(double(levels) * kAdderDelayNs / period));
}

/// DSP48E2 slices of one product of a `wa`-bit and a `wb`-bit operand.
int64_t dspPerProduct(int64_t wa, int64_t wb) {
  int64_t narrow = std::min(wa, wb), wide = std::max(wa, wb);
  if (narrow <= kLutMultiplierBits)
    return 0;
  return llvm::divideCeil(wide, 27) * llvm::divideCeil(narrow, 18);
}

/// Whether multiplying by the raw constant `w` needs a multiplier: zero is
/// removed and powers of two are shifts.
bool needsMultiplier(int64_t w) {
  uint64_t magnitude = w < 0 ? uint64_t(0) - uint64_t(w) : uint64_t(w);
  return magnitude != 0 && !llvm::isPowerOf2_64(magnitude);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// The array and type of `op`'s result, declared in the top function.
std::string declareResult(HlsEmission &emission, Operation *op,
                          const std::string &id) {
  std::string type =
      emission.typeName(id + "_t", fx::elementTypeOf(op->getResult(0)));
  std::string array = id + "_out";
  emission.declareArray(op->getResult(0), array, type);
  return type;
}

/// The C type name of an operand's elements (its producer's typedef).
std::string operandType(HlsEmission &emission, Value v) {
  return emission.typeOf(v);
}

/// A dense layer as distributed arithmetic: every output is its bias plus
/// the canonical signed digits of its weights as shifted inputs, with the
/// pairs that recur across outputs built once (the adder graph of the
/// Verilog backend's shift_add). The graph goes into weights.h as the
/// tables of ariadne::hls::dense_da, its shape into parameters.h.
struct DistributedSums {
  int64_t adders = 0, addersWithoutSharing = 0, levels = 0;
};

DistributedSums writeDistributedDense(HlsEmission &emission, fx::DenseOp op,
                                      const std::string &id,
                                      ArrayRef<int64_t> weights, int64_t rows) {
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  FixedType in = fx::elementTypeOf(op.getInput());
  FixedType acc = fx::elementTypeOf(op.getResult());
  std::vector<std::vector<ShiftedTerm>> digits(static_cast<size_t>(n));
  for (int64_t o = 0; o < n; ++o)
    for (int64_t i = 0; i < k; ++i)
      for (auto [shift, negative] : csdDigits(weights[o * k + i]))
        digits[size_t(o)].push_back({int(i), shift, negative});
  SharingLimits limits;
  limits.maxWidth = int(acc.getWidth());
  limits.ranges.assign(size_t(k), rawRange(int(in.getWidth()), in.isSigned()));
  DistributedSums result;
  result.addersWithoutSharing = addersOf(digits, 0);
  Sharing sharing = shareSubexpressions(std::move(digits), limits);
  result.adders = addersOf(sharing.outputs, sharing.shared.size());

  size_t widest = 0, terms = 0;
  for (const auto &output : sharing.outputs) {
    widest = std::max(widest, output.size());
    terms += output.size();
  }
  result.levels = deepestSharedSum(sharing, size_t(k)) +
                  adderLevels(int64_t(widest) + (op.getBiasAttr() ? 1 : 0));

  emission.parameters() << "// distributed arithmetic: " << result.adders
                        << " adders (" << result.addersWithoutSharing
                        << " without shared sums)\n"
                        << "struct " << id
                        << "_config : ariadne::hls::dense_da_config {\n"
                        << "  static const unsigned n_in = " << k << ";\n"
                        << "  static const unsigned n_out = " << n << ";\n"
                        << "  static const unsigned n_rows = " << rows << ";\n"
                        << "  static const unsigned n_shared = "
                        << sharing.shared.size() << ";\n"
                        << "  static const unsigned n_terms = " << terms
                        << ";\n"
                        << "  static const bool has_bias = "
                        << (op.getBiasAttr() ? "true" : "false") << ";\n};\n\n";
  // The tables: one entry more than used, so that none is empty.
  raw_ostream &w = emission.weights();
  w << "// " << emission.layerName(op)
    << ": shared sums {a, b, shift_a, shift_b, subtract}\n"
    << "const ariadne::hls::da_sum " << id << "_shared["
    << sharing.shared.size() + 1 << "] = {";
  for (const SharedSum &sum : sharing.shared)
    w << "{" << sum.a << "," << sum.b << "," << sum.shiftA << "," << sum.shiftB
      << "," << int(sum.subtract) << "},";
  w << "{0,0,0,0,0}};\n"
    << "// " << emission.layerName(op)
    << ": terms {output, source, shift, negative}\n"
    << "const ariadne::hls::da_term " << id << "_terms[" << terms + 1
    << "] = {";
  int column = 0;
  for (auto [o, output] : llvm::enumerate(sharing.outputs))
    for (const ShiftedTerm &t : output) {
      w << "{" << o << "," << t.source << "," << t.shift << ","
        << int(t.negative) << "},";
      if (++column % 8 == 0)
        w << "\n";
    }
  w << "{0,0,0,0}};\n";
  return result;
}

LogicalResult emitDense(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::DenseOp>(operation);
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  // The layer acts on the last axis: every row of k inputs (of the event's
  // rows, in C order) gives a row of n outputs with the same weights.
  int64_t rows = emission.eventSize(op.getInput()) / k;
  std::string id = emission.identifier(op);
  HlsLayerSettings settings = emission.settingsOf(op, "dense");
  FixedType in = fx::elementTypeOf(op.getInput());
  std::string shape = std::to_string(k) + " -> " + std::to_string(n);
  if (rows != 1)
    shape = std::to_string(rows) + " x " + shape;
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": fx.dense " << shape << "\n";
  std::string weightType =
      emission.typeName(id + "_weight_t", op.getWeightType());
  FixedType biasFixed =
      op.getBiasType() ? *op.getBiasType() : op.getWeightType();
  std::string biasType = emission.typeName(id + "_bias_t", biasFixed);
  std::string accType = declareResult(emission, op, id);
  SmallVector<int64_t> weights = fx::rawValuesOf(op.getWeight());
  raw_ostream &w = emission.weights();
  SmallVector<int64_t> bias = op.getBiasAttr()
                                  ? fx::rawValuesOf(op.getBiasAttr())
                                  : SmallVector<int64_t>{0};
  writeConstArray(w, biasType, id + "_b", bias, biasFixed);

  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.dense";
  e.detail = shape;
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n";
  if (settings.distributedArithmetic) {
    // The weights are in the adder graph: no ROM, no multiplier.
    DistributedSums sums =
        writeDistributedDense(emission, op, id, weights, rows);
    body << "  ariadne::hls::dense_da<" << operandType(emission, op.getInput())
         << ", " << biasType << ", " << accType << ", " << id << "_config>("
         << emission.arrayOf(op.getInput()) << ", " << id << "_out, " << id
         << "_shared, " << id << "_terms, " << id << "_b);\n";
    e.detail += ", distributed arithmetic";
    // A bias other than zero is one more adder per output, as in Verilog.
    int64_t biasAdders = op.getBiasAttr() ? llvm::count_if(bias, [](int64_t b) {
      return b != 0;
    }) : 0;
    e.adders = rows * (sums.adders + biasAdders);
    e.addersWithoutSharing = rows * (sums.addersWithoutSharing + biasAdders);
    e.latency = 1 + adderCycles(emission, sums.levels);
    emission.addEstimate(e);
    return success();
  }
  params << "struct " << id << "_config : ariadne::hls::dense_config {\n"
         << "  static const unsigned n_in = " << k << ";\n"
         << "  static const unsigned n_out = " << n << ";\n"
         << "  static const unsigned reuse_factor = " << settings.reuseFactor
         << ";\n"
         << "  static const bool resource = "
         << (settings.resource ? "true" : "false") << ";\n"
         << "  static const bool has_bias = "
         << (op.getBiasAttr() ? "true" : "false") << ";\n"
         << "  static const unsigned n_rows = " << rows << ";\n};\n\n";
  writeConstArray(w, weightType, id + "_w", weights, op.getWeightType());
  body << "  ariadne::hls::dense<" << operandType(emission, op.getInput())
       << ", " << weightType << ", " << biasType << ", " << accType << ", "
       << id << "_config>(" << emission.arrayOf(op.getInput()) << ", " << id
       << "_out, " << id << "_w, " << id << "_b);\n";
  int64_t kept = llvm::count_if(weights, needsMultiplier);
  e.reuseFactor = settings.resource ? settings.reuseFactor : 1;
  e.multipliers = llvm::divideCeil(rows * kept, e.reuseFactor);
  e.dsp = e.multipliers *
          dspPerProduct(in.getWidth(), op.getWeightType().getWidth());
  e.latency =
      1 + adderCycles(emission, adderLevels(k + (op.getBiasAttr() ? 1 : 0))) +
      (e.reuseFactor - 1);
  emission.addEstimate(e);
  return success();
}

/// A one-to-one op whose kernel takes (in, out) and template arguments
/// `<in_t, out_t, N>` or `<T, N>`.
LogicalResult emitElementwise(Operation *op, HlsEmission &emission,
                              StringRef kernel, bool sameType,
                              StringRef extraArgs = "") {
  std::string id = emission.identifier(op);
  emission.parameters() << "// " << emission.layerName(op) << ": "
                        << op->getName().getStringRef() << "\n";
  std::string outType = declareResult(emission, op, id);
  emission.parameters() << "\n";
  int64_t n = emission.eventSize(op->getResult(0));
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n  ariadne::hls::" << kernel
       << "<" << operandType(emission, op->getOperand(0)) << ", ";
  if (!sameType)
    body << outType << ", ";
  body << n << ">(" << emission.arrayOf(op->getOperand(0)) << ", " << id
       << "_out" << extraArgs << ");\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = op->getName().getStringRef().str();
  emission.addEstimate(e);
  return success();
}

/// The maximum over the last axis: comparators only.
LogicalResult emitReduceMax(Operation *op, HlsEmission &emission) {
  auto reduce = llvm::cast<nn::ReduceMaxOp>(op);
  int64_t length =
      llvm::cast<ShapedType>(reduce.getInput().getType()).getShape().back();
  int64_t rows = emission.eventSize(reduce.getOutput());
  std::string id = emission.identifier(op);
  emission.parameters() << "// " << emission.layerName(op) << ": "
                        << op->getName().getStringRef() << "\n";
  declareResult(emission, op, id);
  emission.parameters() << "\n";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::reduce_max<"
                  << operandType(emission, reduce.getInput()) << ", " << rows
                  << ", " << length << ">("
                  << emission.arrayOf(reduce.getInput()) << ", " << id
                  << "_out);\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.reduce_max";
  e.detail = std::to_string(rows * (length - 1)) + " comparators";
  e.latency = adderLevels(length);
  emission.addEstimate(e);
  return success();
}

LogicalResult emitCast(Operation *op, HlsEmission &emission) {
  return emitElementwise(op, emission, "cast", /*sameType=*/false);
}

LogicalResult emitRelu(Operation *op, HlsEmission &emission) {
  return emitElementwise(op, emission, "relu", /*sameType=*/true);
}

LogicalResult emitClamp(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::ClampOp>(operation);
  FixedType type = fx::elementTypeOf(op.getInput());
  std::string t = operandType(emission, op.getInput());
  auto low = constantOf(op, t, op.getLowAttr().getValue().getSExtValue(), type);
  auto high =
      constantOf(op, t, op.getHighAttr().getValue().getSExtValue(), type);
  if (failed(low) || failed(high))
    return failure();
  return emitElementwise(op, emission, "clamp", /*sameType=*/true,
                         ", " + *low + ", " + *high);
}

LogicalResult emitLeakyRelu(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::LeakyReluOp>(operation);
  std::string id = emission.identifier(op);
  std::string alphaType = emission.typeName(id + "_alpha_t", op.getAlphaType());
  auto alpha =
      constantOf(op, alphaType, op.getAlphaAttr().getValue().getSExtValue(),
                 op.getAlphaType());
  if (failed(alpha))
    return failure();
  std::string outType = declareResult(emission, op, id);
  int64_t n = emission.eventSize(op.getOutput());
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::leaky_relu<"
                  << operandType(emission, op.getInput()) << ", " << alphaType
                  << ", " << outType << ", " << n << ">("
                  << emission.arrayOf(op.getInput()) << ", " << id << "_out, "
                  << *alpha << ");\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.leaky_relu";
  e.multipliers = n;
  e.dsp = n * dspPerProduct(fx::elementTypeOf(op.getInput()).getWidth(),
                            op.getAlphaType().getWidth());
  e.latency = 1;
  emission.addEstimate(e);
  return success();
}

LogicalResult emitScale(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::ScaleOp>(operation);
  std::string id = emission.identifier(op);
  int64_t n = emission.eventSize(op.getOutput());
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t channels = shape.back();
  auto expand = [&](ElementsAttr attr) {
    SmallVector<int64_t> values = fx::rawValuesOf(attr);
    if (values.size() == 1)
      values.assign(channels, values.front());
    return values;
  };
  std::string scaleType = emission.typeName(id + "_scale_t", op.getScaleType());
  std::string offsetType;
  if (op.getOffsetAttr())
    offsetType = emission.typeName(id + "_offset_t", *op.getOffsetType());
  std::string outType = declareResult(emission, op, id);
  SmallVector<int64_t> scale = expand(op.getScale());
  writeConstArray(emission.weights(), scaleType, id + "_s", scale,
                  op.getScaleType());
  if (op.getOffsetAttr())
    writeConstArray(emission.weights(), offsetType, id + "_o",
                    expand(op.getOffsetAttr()), *op.getOffsetType());
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n  ariadne::hls::"
       << (op.getOffsetAttr() ? "scale<" : "scale_only<")
       << operandType(emission, op.getInput()) << ", " << scaleType << ", ";
  if (op.getOffsetAttr())
    body << offsetType << ", ";
  body << outType << ", " << n << ", " << channels << ">("
       << emission.arrayOf(op.getInput()) << ", " << id << "_out, " << id
       << "_s";
  if (op.getOffsetAttr())
    body << ", " << id << "_o";
  body << ");\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.scale";
  e.multipliers = n / channels * llvm::count_if(scale, needsMultiplier);
  e.dsp =
      e.multipliers * dspPerProduct(fx::elementTypeOf(op.getInput()).getWidth(),
                                    op.getScaleType().getWidth());
  e.latency = 1;
  emission.addEstimate(e);
  return success();
}

/// The index types of a table over `in` values with bins of 2^shift raw
/// values and `size` entries: index_t saturates at 2^B - 1 >= size - 1;
/// unit_t's one bit weighs 2^(F - shift), so that index_t * unit_t is the
/// bin number.
void writeIndexTypes(raw_ostream &os, StringRef prefix, FixedType in,
                     int64_t shift, int64_t size) {
  int64_t bits = std::max<int64_t>(
      1, int64_t(llvm::APInt(64, uint64_t(std::max<int64_t>(size - 1, 1)))
                     .getActiveBits()));
  int64_t frac = in.getFracWidth();
  os << "  typedef ARIADNE_UFIXED(" << bits << ", " << bits + shift - frac
     << ", TRN, SAT) " << prefix << "index_t;\n"
     << "  typedef ARIADNE_UFIXED(1, " << 1 + frac - shift << ", TRN, WRAP) "
     << prefix << "unit_t;\n";
}

LogicalResult emitTable(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::TableOp>(operation);
  std::string id = emission.identifier(op);
  FixedType in = fx::elementTypeOf(op.getInput());
  SmallVector<int64_t> table = fx::rawValuesOf(op.getTable());
  int64_t size = int64_t(table.size());
  int64_t n = emission.eventSize(op.getOutput());
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": fx.table"
         << (op.getFunction() ? " (" + op.getFunction()->str() + ")" : "")
         << ", " << size << " entries\n";
  std::string outType = declareResult(emission, op, id);
  std::string inType = operandType(emission, op.getInput());
  params << "struct " << id << "_config : ariadne::hls::table_config {\n"
         << "  static const unsigned n = " << n << ";\n"
         << "  static const unsigned table_size = " << size << ";\n";
  writeIndexTypes(params, "", in, op.getShiftAttr().getValue().getSExtValue(),
                  size);
  params << "};\n\n";
  auto low = constantOf(op, inType,
                        op.getInputLowAttr().getValue().getSExtValue(), in);
  if (failed(low))
    return failure();
  writeConstArray(emission.weights(), outType, id + "_table", table,
                  fx::elementTypeOf(op.getOutput()));
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::table<" << inType << ", " << outType
                  << ", " << id << "_config>("
                  << emission.arrayOf(op.getInput()) << ", " << id << "_out, "
                  << id << "_table, " << *low << ");\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.table";
  e.detail = (op.getFunction() ? op.getFunction()->str() + ", " : "") +
             std::to_string(size) + " entries";
  e.romBits = size * fx::elementTypeOf(op.getOutput()).getWidth();
  e.latency = 1;
  emission.addEstimate(e);
  return success();
}

LogicalResult emitSoftmax(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::SoftmaxOp>(operation);
  std::string id = emission.identifier(op);
  FixedType in = fx::elementTypeOf(op.getInput());
  FixedType expType = op.getExpType();
  auto shape = llvm::cast<RankedTensorType>(op.getInput().getType()).getShape();
  int64_t length = shape.back();
  int64_t n = emission.eventSize(op.getOutput());
  SmallVector<int64_t> expTable = fx::rawValuesOf(op.getExpTable());
  SmallVector<int64_t> invTable = fx::rawValuesOf(op.getInvTable());
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": fx.softmax over " << length
         << "\n";
  std::string expT = emission.typeName(id + "_exp_t", expType);
  std::string invT = emission.typeName(id + "_inv_t", op.getInvType());
  std::string outType = declareResult(emission, op, id);
  int64_t sumBits = int64_t(llvm::APInt(64, uint64_t(length)).getActiveBits());
  FixedType sumType =
      FixedType::get(op.getContext(), unsigned(expType.getWidth() + sumBits),
                     expType.getIntWidth() + sumBits, false, TRN, WRAP);
  params << "struct " << id << "_config : ariadne::hls::softmax_config {\n"
         << "  static const unsigned rows = " << n / length << ";\n"
         << "  static const unsigned length = " << length << ";\n"
         << "  static const unsigned exp_size = " << expTable.size() << ";\n"
         << "  static const unsigned inv_size = " << invTable.size() << ";\n"
         << "  typedef " << typeSpelling(sumType) << " sum_t;\n";
  writeIndexTypes(params, "diff_", in,
                  op.getExpShiftAttr().getValue().getSExtValue(),
                  int64_t(expTable.size()));
  writeIndexTypes(params, "sum_", sumType,
                  op.getInvShiftAttr().getValue().getSExtValue(),
                  int64_t(invTable.size()));
  // A lower edge beyond every sum gives the same bins as sum_t's maximum.
  int64_t sumMax = int64_t((uint64_t(1) << sumType.getWidth()) - 1);
  auto invLow = valueLiteral(
      op, std::min(op.getInvLowAttr().getValue().getSExtValue(), sumMax),
      sumType);
  if (failed(invLow))
    return failure();
  params << "  static sum_t inv_low() { return sum_t(" << *invLow
         << "); }\n};\n\n";
  writeConstArray(emission.weights(), expT, id + "_exp", expTable, expType);
  writeConstArray(emission.weights(), invT, id + "_inv", invTable,
                  op.getInvType());
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::softmax<"
                  << operandType(emission, op.getInput()) << ", " << expT
                  << ", " << invT << ", " << outType << ", " << id
                  << "_config>(" << emission.arrayOf(op.getInput()) << ", "
                  << id << "_out, " << id << "_exp, " << id << "_inv);\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.softmax";
  e.detail = std::to_string(expTable.size()) + " + " +
             std::to_string(invTable.size()) + " entries";
  e.romBits = int64_t(expTable.size()) * expType.getWidth() +
              int64_t(invTable.size()) * op.getInvType().getWidth();
  e.multipliers = n;
  e.dsp = n * dspPerProduct(expType.getWidth(), op.getInvType().getWidth());
  // Max tree, exp ROM, sum tree, reciprocal ROM, product.
  e.latency = 2 * adderCycles(emission, adderLevels(length)) + 3;
  emission.addEstimate(e);
  return success();
}

//===----------------------------------------------------------------------===//
// Arithmetic of two activations
//===----------------------------------------------------------------------===//

std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  os << "]";
  return text;
}

int64_t rankOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getRank();
}

/// The shape under which `operand` takes part in one event of the
/// element-wise op `op`, as the emulator sees it: an operand with the event
/// batch has its event shape, and its batch dimension must line up with the
/// result's (the same rank); one without it keeps its whole shape, except
/// that a leading dimension lining up with the batch must be 1 and goes.
FailureOr<SmallVector<int64_t>> elementwiseShape(Operation *op, Value operand) {
  bool batched = false, resultBatched = false;
  SmallVector<int64_t> shape = eventShapeOf(operand, batched);
  eventShapeOf(op->getResult(0), resultBatched);
  if (!resultBatched || rankOf(operand) < rankOf(op->getResult(0))) {
    if (batched)
      return op->emitOpError("an operand's event batch dimension does not "
                             "line up with the result's");
    return shape;
  }
  if (batched)
    return shape;
  if (shape.front() != 1)
    return op->emitOpError("an operand without the event batch has a "
                           "leading dimension of ")
           << shape.front() << " that lines up with it; it must be 1";
  shape.erase(shape.begin());
  return shape;
}

/// The static functions of a config that give, for the flat index `i`
/// (C order) over `shape`, the offset sum_d (i / step_d % size_d) *
/// strides[j][d] into each array: `names[j]` for `strides[j]`. For each
/// array, dimensions of size 1 are dropped and neighbours that it walks in
/// one stride (the outer's stride is the inner's times its size, 0 and 0
/// included) are merged first, so that a whole operand reads `return i;`
/// and a broadcast scalar `return 0;`.
void writeOffsetFunctions(raw_ostream &os, ArrayRef<int64_t> shape,
                          ArrayRef<SmallVector<int64_t>> strides,
                          ArrayRef<StringRef> names) {
  SmallVector<int64_t, 4> steps = nn::stridesOf(shape);
  int64_t total = product(shape);
  for (auto [name, own] : llvm::zip(names, strides)) {
    // (size, step of the result's index, stride in the array) per
    // dimension left after merging.
    struct Dim {
      int64_t size, step, stride;
    };
    SmallVector<Dim> dims;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 1)
        continue;
      if (!dims.empty() && dims.back().stride == own[d] * shape[d]) {
        dims.back() = {dims.back().size * shape[d], steps[d], own[d]};
        continue;
      }
      dims.push_back({shape[d], steps[d], own[d]});
    }
    SmallVector<std::string> terms;
    for (const Dim &dim : dims) {
      if (dim.stride == 0)
        continue;
      std::string index = "i";
      if (dim.step != 1)
        index += " / " + std::to_string(dim.step);
      // The outermost index needs no modulo: i < total.
      if (dim.step * dim.size != total)
        index += " % " + std::to_string(dim.size);
      if (dim.stride == 1)
        terms.push_back(index);
      else if (index == "i")
        terms.push_back("i * " + std::to_string(dim.stride));
      else
        terms.push_back("(" + index + ") * " + std::to_string(dim.stride));
    }
    os << "  static unsigned " << name << "(unsigned"
       << (terms.empty() ? "" : " i") << ") { return "
       << (terms.empty() ? std::string("0") : llvm::join(terms, " + "))
       << "; }\n";
  }
}

/// fx.add, fx.sub and fx.mul: the kernel of the same name over the
/// operands broadcast to the result. Their result types are ap_fixed's
/// exact types of the expression (the verifier's rule), so the kernel's
/// `a + b`, `a - b` or `a * b` is the result, bit for bit; only mul()
/// takes the resource strategy (its multipliers; adders stay unrolled).
LogicalResult emitArith(Operation *op, HlsEmission &emission,
                        StringRef kernel) {
  bool multiplies = kernel == "mul";
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  bool batched = false;
  SmallVector<int64_t> outShape = eventShapeOf(op->getResult(0), batched);
  auto lhsShape = elementwiseShape(op, lhs);
  auto rhsShape = elementwiseShape(op, rhs);
  if (failed(lhsShape) || failed(rhsShape))
    return failure();
  auto lhsStrides = broadcastStrides(*lhsShape, outShape);
  auto rhsStrides = broadcastStrides(*rhsShape, outShape);
  if (failed(lhsStrides) || failed(rhsStrides))
    return op->emitOpError("event operands ")
           << shapeText(*lhsShape) << " and " << shapeText(*rhsShape)
           << " do not broadcast to the event result " << shapeText(outShape);

  std::string id = emission.identifier(op);
  HlsLayerSettings settings =
      multiplies ? emission.settingsOf(op, kernel) : HlsLayerSettings{};
  int64_t n = product(outShape);
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": "
         << op->getName().getStringRef() << " " << shapeText(*lhsShape) << ", "
         << shapeText(*rhsShape) << " -> " << shapeText(outShape) << "\n";
  std::string outType = declareResult(emission, op, id);
  params << "struct " << id << "_config : ariadne::hls::binary_config {\n"
         << "  static const unsigned n = " << n << ";\n"
         << "  static const unsigned n_lhs = " << emission.eventSize(lhs)
         << ";\n"
         << "  static const unsigned n_rhs = " << emission.eventSize(rhs)
         << ";\n";
  if (multiplies)
    params << "  static const unsigned reuse_factor = " << settings.reuseFactor
           << ";\n"
           << "  static const bool resource = "
           << (settings.resource ? "true" : "false") << ";\n";
  writeOffsetFunctions(params, outShape, {*lhsStrides, *rhsStrides},
                       {"lhs_index", "rhs_index"});
  params << "};\n\n";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::" << kernel << "<"
                  << operandType(emission, lhs) << ", "
                  << operandType(emission, rhs) << ", " << outType << ", " << id
                  << "_config>(" << emission.arrayOf(lhs) << ", "
                  << emission.arrayOf(rhs) << ", " << id << "_out);\n";

  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = op->getName().getStringRef().str();
  if (multiplies) {
    // One product per element, on a multiplier of its own unless shared.
    e.detail = std::to_string(n) + " products";
    e.reuseFactor = settings.resource ? settings.reuseFactor : 1;
    e.multipliers = llvm::divideCeil(n, e.reuseFactor);
    e.dsp = e.multipliers * dspPerProduct(fx::elementTypeOf(lhs).getWidth(),
                                          fx::elementTypeOf(rhs).getWidth());
    e.latency = 1 + (e.reuseFactor - 1);
  } else {
    // One adder per element, a single level.
    e.detail = std::to_string(n) + " adders";
    e.latency = adderCycles(emission, 1);
  }
  emission.addEstimate(e);
  return success();
}

LogicalResult emitAdd(Operation *op, HlsEmission &emission) {
  return emitArith(op, emission, "add");
}

LogicalResult emitSub(Operation *op, HlsEmission &emission) {
  return emitArith(op, emission, "sub");
}

LogicalResult emitMul(Operation *op, HlsEmission &emission) {
  return emitArith(op, emission, "mul");
}

/// The per-event shape of a matmul operand, as the emulator sees it: with
/// the event batch, the batch must line up with a batch dimension of the
/// product (both operands' batch ranks, `lead` the larger) or be the rows
/// of a 2-D left operand, never contracted; without it, a leading
/// dimension lining up with the batch must be 1 and goes.
FailureOr<SmallVector<int64_t>> matmulShape(fx::MatMulOp op, Value operand,
                                            int64_t lead, bool isLhs) {
  bool batched = false, resultBatched = false;
  SmallVector<int64_t> shape = eventShapeOf(operand, batched);
  eventShapeOf(op.getOutput(), resultBatched);
  if (!resultBatched)
    return shape;
  int64_t rank = rankOf(operand);
  int64_t batchRank = std::max<int64_t>(rank, 2) - 2;
  if (batched) {
    if ((batchRank >= 1 && batchRank == lead) ||
        (isLhs && rank == 2 && lead == 0))
      return shape;
    return op.emitOpError("the event batch dimension of the ")
           << (isLhs ? "left" : "right") << " operand would be contracted "
           << "or moved";
  }
  if (batchRank >= 1 && batchRank == lead) {
    if (shape.front() != 1)
      return op.emitOpError("an operand without the event batch has a "
                            "leading dimension of ")
             << shape.front() << " that lines up with it; it must be 1";
    shape.erase(shape.begin());
  }
  return shape;
}

/// fx.matmul: matmul() over the batch of matrix products of one event. The
/// accumulator is the op's result type (TRN, WRAP, the products'
/// fractional bits): each product is cast into it, which only wraps, and
/// the sum wraps modulo 2^W as fx.matmul's does, in any order.
LogicalResult emitMatMul(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::MatMulOp>(operation);
  FixedType acc = fx::elementTypeOf(op.getOutput());
  // ariadne::fixed holds 64 bits: the sum of two accumulators one more.
  if (acc.getWidth() > 63)
    return op.emitOpError("accumulator ")
           << acc << " is " << acc.getWidth()
           << " bits wide; the hls target sums in at most 63 (its C "
              "simulation's types hold 64): narrow the operands, or name a "
              "narrower (wrapping) accumulator in the config";
  int64_t lead = std::max(std::max<int64_t>(rankOf(op.getLhs()), 2) - 2,
                          std::max<int64_t>(rankOf(op.getRhs()), 2) - 2);
  auto lhsShape = matmulShape(op, op.getLhs(), lead, /*isLhs=*/true);
  auto rhsShape = matmulShape(op, op.getRhs(), lead, /*isLhs=*/false);
  if (failed(lhsShape) || failed(rhsShape))
    return failure();
  bool batched = false;
  SmallVector<int64_t> outShape = eventShapeOf(op.getOutput(), batched);
  if (lhsShape->empty() || rhsShape->empty())
    return op.emitOpError("contracts over the event batch dimension");
  // A vector is a row on the left, a column on the right.
  auto shape = matMulShape(*lhsShape, *rhsShape);
  if (failed(shape) || shape->result != outShape)
    return op.emitOpError("one event's product ")
           << shapeText(*lhsShape) << " x " << shapeText(*rhsShape)
           << " does not give the event result " << shapeText(outShape);
  int64_t m = shape->m, k = shape->k, n = shape->n;
  ArrayRef<int64_t> batchShape = shape->batch;
  // The first element of each operand's matrix in each product: broadcast
  // batch strides (matMulShape checked that they broadcast), in matrices.
  SmallVector<int64_t> stridesA =
      *broadcastStrides(matMulBatchOf(*lhsShape), batchShape);
  SmallVector<int64_t> stridesB =
      *broadcastStrides(matMulBatchOf(*rhsShape), batchShape);
  for (int64_t &s : stridesA)
    s *= m * k;
  for (int64_t &s : stridesB)
    s *= k * n;
  int64_t matrices = product(batchShape);

  std::string id = emission.identifier(op);
  HlsLayerSettings settings = emission.settingsOf(op, "matmul");
  std::string detail = std::to_string(m) + "x" + std::to_string(k) + " * " +
                       std::to_string(k) + "x" + std::to_string(n);
  if (matrices != 1)
    detail = std::to_string(matrices) + " x " + detail;
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": fx.matmul "
         << shapeText(*lhsShape) << " x " << shapeText(*rhsShape) << " -> "
         << shapeText(outShape) << "\n";
  std::string accType = declareResult(emission, op, id);
  params << "struct " << id << "_config : ariadne::hls::matmul_config {\n"
         << "  static const unsigned batch = " << matrices << ";\n"
         << "  static const unsigned m = " << m << ";\n"
         << "  static const unsigned k = " << k << ";\n"
         << "  static const unsigned n = " << n << ";\n"
         << "  static const unsigned n_lhs = "
         << emission.eventSize(op.getLhs()) << ";\n"
         << "  static const unsigned n_rhs = "
         << emission.eventSize(op.getRhs()) << ";\n"
         << "  static const unsigned reuse_factor = " << settings.reuseFactor
         << ";\n"
         << "  static const bool resource = "
         << (settings.resource ? "true" : "false") << ";\n";
  writeOffsetFunctions(params, batchShape, {stridesA, stridesB},
                       {"lhs_offset", "rhs_offset"});
  params << "};\n\n";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::matmul<"
                  << operandType(emission, op.getLhs()) << ", "
                  << operandType(emission, op.getRhs()) << ", " << accType
                  << ", " << id << "_config>(" << emission.arrayOf(op.getLhs())
                  << ", " << emission.arrayOf(op.getRhs()) << ", " << id
                  << "_out);\n";

  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.matmul";
  e.detail = detail;
  // Every product has two variable operands: none is removed.
  e.reuseFactor = settings.resource ? settings.reuseFactor : 1;
  e.multipliers = llvm::divideCeil(matrices * m * n * k, e.reuseFactor);
  e.dsp =
      e.multipliers * dspPerProduct(fx::elementTypeOf(op.getLhs()).getWidth(),
                                    fx::elementTypeOf(op.getRhs()).getWidth());
  e.latency = 1 + adderCycles(emission, adderLevels(k)) + (e.reuseFactor - 1);
  emission.addEstimate(e);
  return success();
}

/// A reshape keeps C order: its result is its input's array.
LogicalResult emitReshape(Operation *op, HlsEmission &emission) {
  emission.bindArray(op->getResult(0), emission.arrayOf(op->getOperand(0)),
                     emission.typeOf(op->getOperand(0)));
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.reshape";
  e.detail = "wiring";
  emission.addEstimate(e);
  return success();
}

/// Transpose, slice, concat and window: element copies through an index
/// table (pure wiring in hardware).
LogicalResult emitGather(Operation *op, HlsEmission &emission) {
  SmallVector<ElementSource> sources = elementSources(op);
  std::string id = emission.identifier(op);
  emission.parameters() << "// " << emission.layerName(op) << ": "
                        << op->getName().getStringRef() << "\n";
  declareResult(emission, op, id);
  emission.parameters() << "\n";
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n";
  // A window's padding: 0, or the lowest value of the type (max pooling).
  std::string padding = "0";
  if (auto window = llvm::dyn_cast<nn::WindowOp>(op);
      window && window.getPadLowest()) {
    FixedType type = fx::elementTypeOf(window.getInput());
    FailureOr<std::string> lowest =
        constantOf(op, emission.typeOf(window.getInput()),
                   int64_t(ariadne::detail::minBits(int(type.getWidth()),
                                                    type.isSigned())),
                   type);
    if (failed(lowest))
      return failure();
    padding = *lowest;
  }
  for (auto [index, source] : llvm::enumerate(sources)) {
    body << "  " << id << "_out[" << index << "] = ";
    if (source.second == kPadding)
      body << padding << ";\n";
    else
      body << emission.arrayOf(op->getOperand(source.first)) << "["
           << source.second << "];\n";
  }
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = op->getName().getStringRef().str();
  e.detail = "wiring";
  emission.addEstimate(e);
  return success();
}

/// Gathers at run-time indices: a multiplexer per output element.
LogicalResult emitGatherElements(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<nn::GatherElementsOp>(operation);
  FailureOr<int64_t> axis =
      indexOpEventAxis(op, int64_t(op.getAxis()), "the HLS target");
  if (failed(axis))
    return failure();
  bool batched = false;
  SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
  SmallVector<int64_t> in = eventShapeOf(op.getInput(), batched);
  SmallVector<int64_t> index = eventShapeOf(op.getIndices(), batched);
  std::string id = emission.identifier(op);
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": nn.gather_elements "
         << shapeText(in) << " at " << shapeText(index) << " -> "
         << shapeText(out) << "\n";
  declareResult(emission, op, id);
  params << "struct " << id << "_config {\n"
         << "  static const unsigned n = " << product(out) << ";\n"
         << "  static const unsigned n_in = " << product(in) << ";\n"
         << "  static const unsigned n_index = " << product(index) << ";\n"
         << "  static const int axis_size = " << in[*axis] << ";\n"
         << "  static const unsigned axis_stride = " << nn::stridesOf(in)[*axis]
         << ";\n";
  writeOffsetFunctions(params, out,
                       {stridesWithin(in, *axis), stridesWithin(index, -1)},
                       {"base", "index_at"});
  params << "};\n\n";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::gather_elements<"
                  << operandType(emission, op.getInput()) << ", "
                  << operandType(emission, op.getIndices()) << ", " << id
                  << "_config>(" << emission.arrayOf(op.getInput()) << ", "
                  << emission.arrayOf(op.getIndices()) << ", " << id
                  << "_out);\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.gather_elements";
  e.detail = std::to_string(product(out)) + " multiplexers of " +
             std::to_string(in[*axis]) + " inputs";
  e.latency = adderLevels(in[*axis]);
  emission.addEstimate(e);
  return success();
}

/// Scatters at run-time indices: per output element, the updates that can
/// reach it selected by comparators and summed (reduction add) or the
/// last one taken.
LogicalResult emitScatterElements(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<nn::ScatterElementsOp>(operation);
  FailureOr<int64_t> axis =
      indexOpEventAxis(op, int64_t(op.getAxis()), "the HLS target");
  if (failed(axis))
    return failure();
  bool batched = false;
  SmallVector<int64_t> out = eventShapeOf(op.getOutput(), batched);
  SmallVector<int64_t> updates = eventShapeOf(op.getUpdates(), batched);
  SmallVector<int64_t> index = eventShapeOf(op.getIndices(), batched);
  std::string id = emission.identifier(op);
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": nn.scatter_elements "
         << shapeText(updates) << " into " << shapeText(out) << "\n";
  std::string type = declareResult(emission, op, id);
  SmallVector<int64_t> outBase = stridesWithin(out, *axis);
  SmallVector<int64_t> axisOnly(out.size(), 0);
  axisOnly[*axis] = 1;
  params << "struct " << id << "_config {\n"
         << "  static const unsigned n = " << product(out) << ";\n"
         << "  static const unsigned n_updates = " << product(updates) << ";\n"
         << "  static const unsigned n_index = " << product(index) << ";\n"
         << "  static const int axis_size = " << out[*axis] << ";\n"
         << "  static const bool add = " << (op.getAdd() ? "true" : "false")
         << ";\n"
         << "  static const bool has_start = "
         << (op.getInput() ? "true" : "false") << ";\n";
  writeOffsetFunctions(params, out, {outBase, axisOnly},
                       {"out_base", "axis_at"});
  // The updates' coordinates in the result's strides, the axis left out.
  writeOffsetFunctions(params, updates, {outBase, stridesWithin(index, -1)},
                       {"update_base", "index_at"});
  params << "};\n\n";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::scatter_elements<" << type << ", "
                  << operandType(emission, op.getIndices()) << ", " << id
                  << "_config>("
                  << (op.getInput() ? emission.arrayOf(op.getInput())
                                    : id + "_out")
                  << ", " << emission.arrayOf(op.getIndices()) << ", "
                  << emission.arrayOf(op.getUpdates()) << ", " << id
                  << "_out);\n";
  // Each update reaches the axis_size elements of its row; an index shared
  // by a row of updates is compared once per element.
  int64_t sources = product(updates);
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.scatter_elements";
  e.detail =
      std::to_string(product(index) * out[*axis]) + " comparators, " +
      (op.getAdd() ? std::to_string(sources * out[*axis]) + " adders"
                   : std::to_string(product(out)) + " priority multiplexers");
  e.latency = adderLevels(updates[*axis] + 1);
  emission.addEstimate(e);
  return success();
}

/// Comparisons: one comparator per element, against the other operand
/// (one type) or a raw threshold of the operand's type.
LogicalResult emitCompare(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<nn::CompareOp>(operation);
  if (failed(indexOpEventAxis(op, 0, "the HLS target")))
    return failure();
  bool batched = false;
  SmallVector<int64_t> shape = eventShapeOf(op.getOutput(), batched);
  std::string id = emission.identifier(op);
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": nn.compare "
         << nn::stringifyPredicate(op.getPredicate()) << " "
         << shapeText(shape) << "\n";
  std::string outType = declareResult(emission, op, id);
  std::optional<bool> outcome = constantOutcome(op);
  params << "struct " << id << "_config {\n"
         << "  static const unsigned n = " << product(shape) << ";\n"
         << "  static const int predicate = "
         << int(op.getPredicate()) << ";\n";
  if (!op.getRhs())
    params << "  static const long long threshold = "
           << (outcome ? 0 : int64_t(op.getValue().convertToDouble()))
           << ";\n"
           << "  static const int outcome = " << (outcome ? int(*outcome) : -1)
           << ";\n";
  params << "};\n\n";
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n  ariadne::hls::"
       << (op.getRhs() ? "compare" : "compare_constant") << "<"
       << operandType(emission, op.getLhs()) << ", " << outType << ", " << id
       << "_config>(" << emission.arrayOf(op.getLhs()) << ", ";
  if (op.getRhs())
    body << emission.arrayOf(op.getRhs()) << ", ";
  body << id << "_out);\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.compare";
  e.detail = std::to_string(outcome ? 0 : product(shape)) + " comparators";
  emission.addEstimate(e);
  return success();
}

/// Selects: one two-input multiplexer per element.
LogicalResult emitSelect(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<nn::SelectOp>(operation);
  FailureOr<SelectLayout> layout = selectLayout(op, "the HLS target");
  if (failed(layout))
    return failure();
  const SmallVector<int64_t> &out = layout->out, &cond = layout->cond;
  std::string id = emission.identifier(op);
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": nn.select by "
         << shapeText(cond) << " -> " << shapeText(out) << "\n";
  std::string type = declareResult(emission, op, id);
  params << "struct " << id << "_config {\n"
         << "  static const unsigned n = " << product(out) << ";\n"
         << "  static const unsigned n_cond = " << product(cond) << ";\n"
         << "  static const bool has_x = " << (op.getX() ? "true" : "false")
         << ";\n"
         << "  static const bool has_y = " << (op.getY() ? "true" : "false")
         << ";\n"
         << "  static const long long x_fill = "
         << int64_t(op.getXValue().convertToDouble()) << ";\n"
         << "  static const long long y_fill = "
         << int64_t(op.getYValue().convertToDouble()) << ";\n";
  writeOffsetFunctions(params, out, {layout->condStrides}, {"cond_at"});
  params << "};\n\n";
  // A missing branch reads nothing: the result array stands in for it.
  std::string self = id + "_out";
  emission.body() << "  // " << emission.layerName(op)
                  << "\n  ariadne::hls::select<"
                  << operandType(emission, op.getCondition()) << ", " << type
                  << ", " << id << "_config>("
                  << emission.arrayOf(op.getCondition()) << ", "
                  << (op.getX() ? emission.arrayOf(op.getX()) : self) << ", "
                  << (op.getY() ? emission.arrayOf(op.getY()) : self) << ", "
                  << self << ");\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "nn.select";
  e.detail = std::to_string(product(out)) + " multiplexers of 2 inputs";
  emission.addEstimate(e);
  return success();
}

/// fx.quantize and fx.dequantize are the top function's ports, which the
/// project writer declares from the hardware boundary: no code here.
LogicalResult emitPort(Operation *, HlsEmission &) { return success(); }

} // namespace

void populateHlsPatterns(HlsPatterns &patterns) {
  patterns.add<fx::QuantizeOp, fx::DequantizeOp>(emitPort);
  patterns.add<fx::DenseOp>(emitDense);
  patterns.add<fx::CastOp>(emitCast);
  patterns.add<fx::ReluOp>(emitRelu);
  patterns.add<fx::ClampOp>(emitClamp);
  patterns.add<fx::LeakyReluOp>(emitLeakyRelu);
  patterns.add<fx::ScaleOp>(emitScale);
  patterns.add<fx::TableOp>(emitTable);
  patterns.add<fx::SoftmaxOp>(emitSoftmax);
  patterns.add<fx::AddOp>(emitAdd);
  patterns.add<fx::SubOp>(emitSub);
  patterns.add<fx::MulOp>(emitMul);
  patterns.add<fx::MatMulOp>(emitMatMul);
  patterns.add<nn::ReshapeOp>(emitReshape);
  patterns.add<nn::ReduceMaxOp>(emitReduceMax);
  patterns.add<nn::TransposeOp, nn::SliceOp, nn::ConcatOp, nn::WindowOp>(
      emitGather);
  patterns.add<nn::GatherElementsOp>(emitGatherElements);
  patterns.add<nn::ScatterElementsOp>(emitScatterElements);
  patterns.add<nn::CompareOp>(emitCompare);
  patterns.add<nn::SelectOp>(emitSelect);
}

} // namespace hls
} // namespace ariadne
