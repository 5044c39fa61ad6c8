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
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APInt.h"
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
       {"ariadne", "std", "main", "in", "out", "i", "e", "unit", "inv_low"})
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

/// `static const T name[N] = {...};` of exact values.
LogicalResult writeConstArray(Operation *op, raw_ostream &os,
                              const std::string &type, const std::string &name,
                              ArrayRef<int64_t> raw, FixedType fixed) {
  os << "static const " << type << " " << name << "[" << raw.size() << "] = {";
  for (size_t i = 0; i < raw.size(); ++i) {
    FailureOr<std::string> literal = valueLiteral(op, raw[i], fixed);
    if (failed(literal))
      return failure();
    os << (i % 8 == 0 ? "\n    " : " ") << *literal << ",";
  }
  os << "\n};\n\n";
  return success();
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

LogicalResult emitDense(Operation *operation, HlsEmission &emission) {
  auto op = llvm::cast<fx::DenseOp>(operation);
  int64_t n = op.getOutFeatures(), k = op.getInFeatures();
  if (emission.eventSize(op.getInput()) != k)
    return op.emitOpError("has several rows per event; the hls target "
                          "supports dense layers on vectors");
  std::string id = emission.identifier(op);
  HlsLayerSettings settings = emission.settingsOf(op, "dense");
  FixedType in = fx::elementTypeOf(op.getInput());
  raw_ostream &params = emission.parameters();
  params << "// " << emission.layerName(op) << ": fx.dense " << k << " -> " << n
         << "\n";
  std::string weightType =
      emission.typeName(id + "_weight_t", op.getWeightType());
  FixedType biasFixed =
      op.getBiasType() ? *op.getBiasType() : op.getWeightType();
  std::string biasType = emission.typeName(id + "_bias_t", biasFixed);
  std::string accType = declareResult(emission, op, id);
  params << "struct " << id << "_config : ariadne::hls::dense_config {\n"
         << "  static const unsigned n_in = " << k << ";\n"
         << "  static const unsigned n_out = " << n << ";\n"
         << "  static const unsigned reuse_factor = " << settings.reuseFactor
         << ";\n"
         << "  static const bool resource = "
         << (settings.resource ? "true" : "false") << ";\n"
         << "  static const bool has_bias = "
         << (op.getBiasAttr() ? "true" : "false") << ";\n};\n\n";

  SmallVector<int64_t> weights = fx::rawValuesOf(op.getWeight());
  raw_ostream &w = emission.weights();
  if (failed(writeConstArray(op, w, weightType, id + "_w", weights,
                             op.getWeightType())))
    return failure();
  SmallVector<int64_t> bias = op.getBiasAttr()
                                  ? fx::rawValuesOf(op.getBiasAttr())
                                  : SmallVector<int64_t>{0};
  if (failed(writeConstArray(op, w, biasType, id + "_b", bias, biasFixed)))
    return failure();

  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n"
       << "  ariadne::hls::dense<" << operandType(emission, op.getInput())
       << ", " << weightType << ", " << biasType << ", " << accType << ", "
       << id << "_config>(" << emission.arrayOf(op.getInput()) << ", " << id
       << "_out, " << id << "_w, " << id << "_b);\n";

  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = "fx.dense";
  e.detail = std::to_string(k) + " -> " + std::to_string(n);
  int64_t kept = llvm::count_if(weights, needsMultiplier);
  e.reuseFactor = settings.resource ? settings.reuseFactor : 1;
  e.multipliers = llvm::divideCeil(kept, e.reuseFactor);
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
  if (failed(writeConstArray(op, emission.weights(), scaleType, id + "_s",
                             scale, op.getScaleType())))
    return failure();
  if (op.getOffsetAttr() &&
      failed(writeConstArray(op, emission.weights(), offsetType, id + "_o",
                             expand(op.getOffsetAttr()), *op.getOffsetType())))
    return failure();
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
  if (failed(low) ||
      failed(writeConstArray(op, emission.weights(), outType, id + "_table",
                             table, fx::elementTypeOf(op.getOutput()))))
    return failure();
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
  if (failed(writeConstArray(op, emission.weights(), expT, id + "_exp",
                             expTable, expType)) ||
      failed(writeConstArray(op, emission.weights(), invT, id + "_inv",
                             invTable, op.getInvType())))
    return failure();
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

/// Transpose, slice and concat: element copies through an index table
/// (pure wiring in hardware).
LogicalResult emitGather(Operation *op, HlsEmission &emission) {
  SmallVector<ElementSource> sources = elementSources(op);
  std::string id = emission.identifier(op);
  emission.parameters() << "// " << emission.layerName(op) << ": "
                        << op->getName().getStringRef() << "\n";
  declareResult(emission, op, id);
  emission.parameters() << "\n";
  raw_ostream &body = emission.body();
  body << "  // " << emission.layerName(op) << "\n";
  for (auto [index, source] : llvm::enumerate(sources))
    body << "  " << id << "_out[" << index
         << "] = " << emission.arrayOf(op->getOperand(source.first)) << "["
         << source.second << "];\n";
  HlsLayerEstimate e;
  e.name = emission.layerName(op);
  e.op = op->getName().getStringRef().str();
  e.detail = "wiring";
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
  patterns.add<nn::ReshapeOp>(emitReshape);
  patterns.add<nn::TransposeOp, nn::SliceOp, nn::ConcatOp>(emitGather);
}

} // namespace hls
} // namespace ariadne
