//===- CppFixedEmitters.cpp - emission patterns of the fx dialect ---------===//
//
// One pattern per fx op: a configuration struct deriving from the runtime's
// (ariadne/fixed_kernels.h), with the types spelled as ariadne::fixed and
// the integers of weights and tables as static arrays, and the call of the
// kernel in run<Lanes>. Fixed-point tensors live in the arena as raw
// std::uint64_t values.
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppEmitter.h"

#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APInt.h"

using namespace mlir;
using ariadne::fx::FixedType;

namespace ariadne {
namespace cpp {

namespace {

/// The narrowest C integer type holding every value.
StringRef integerTypeFor(ArrayRef<int64_t> values) {
  int64_t lo = 0, hi = 0;
  for (int64_t v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo >= INT8_MIN && hi <= INT8_MAX)
    return "std::int8_t";
  if (lo >= INT16_MIN && hi <= INT16_MAX)
    return "std::int16_t";
  if (lo >= INT32_MIN && hi <= INT32_MAX)
    return "std::int32_t";
  return "std::int64_t";
}

/// Whether every raw value of `type` is an int16_t.
bool fitsInt16(FixedType type) {
  return type.getWidth() <= (type.isSigned() ? 16u : 15u);
}

/// The size in bytes of an integer type integerTypeFor names.
int64_t integerBytes(StringRef type) {
  return type == "std::int8_t"    ? 1
         : type == "std::int16_t" ? 2
         : type == "std::int32_t" ? 4
                                  : 8;
}

/// A static array of raw integers, 12 per line, rows of `rowLength`.
void writeIntArray(raw_ostream &os, StringRef type, StringRef name,
                   ArrayRef<int64_t> values, int64_t rowLength) {
  writeStaticArray(os, type, name, values.size(), rowLength, 12,
                   /*factorRows=*/false,
                   [&](size_t i) { return intLiteral(values[i]); });
}

/// The call of kernel `kernel` on the op's first operand and its result.
void writeCall(CppEmission &emission, Operation *op, StringRef kernel) {
  raw_ostream &body = emission.body();
  writeLayerComment(body, emission, op, "  ");
  body << "  ariadne::fx::" << kernel << "<" << emission.identifier(op)
       << "Config, Lanes>(" << emission.pointer(op->getOperand(0)) << ", "
       << emission.pointer(op->getResult(0)) << ");\n";
}

std::string typeDetail(Value in, Value out) {
  std::string text;
  llvm::raw_string_ostream os(text);
  Type a = llvm::cast<RankedTensorType>(in.getType()).getElementType();
  Type b = llvm::cast<RankedTensorType>(out.getType()).getElementType();
  os << a << " -> " << b;
  return text;
}

/// The precision spelling of a value's element type ("float" for f32).
std::string spelling(Value v) {
  Type element = llvm::cast<RankedTensorType>(v.getType()).getElementType();
  if (auto fixed = llvm::dyn_cast<FixedType>(element))
    return fx::formatPrecision(fixed);
  return "float";
}

/// The input and output types of a layer for report.json.
void addTypes(LayerReport &report, Operation *op) {
  report.types.push_back({"input", spelling(op->getOperand(0))});
  report.types.push_back({"output", spelling(op->getResult(0))});
}

/// The op that alone reads `value` and is fused into the dense layer that
/// computes it (kFusedAttr), or null.
Operation *fusedReader(Value value) {
  if (!value.hasOneUse())
    return nullptr;
  Operation *reader = *value.user_begin();
  return reader->hasAttr(kFusedAttr) ? reader : nullptr;
}

/// The body of a cast or ReLU that its dense layer computes: a comment, and
/// a layer with no buffer of its own in report.json.
void writeFused(CppEmission &emission, Operation *op) {
  writeLayerComment(emission.body(), emission, op, "  ",
                    "computed by the dense layer before it");
  LayerReport report;
  addTypes(report, op);
  emission.addLayer(op, report);
}

/// Report of an element-wise layer.
void addElementwise(CppEmission &emission, Operation *op) {
  LayerReport report;
  addTypes(report, op);
  report.bufferBytes = 8 * emission.eventSize(op->getResult(0));
  report.latencyCycles = (emission.eventSize(op->getResult(0)) + 7) / 8;
  emission.addLayer(op, report);
}

struct QuantizePattern : CppOpPattern<fx::QuantizeOp> {
  LogicalResult emitOp(fx::QuantizeOp op, CppEmission &emission) const final {
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    {
      ConfigWriter config(decls, id + "Config", "fx::QuantizeConfig");
      config.integer("size", emission.eventSize(op.getOutput()))
          .type("OutT", fx::elementTypeOf(op.getOutput()));
      // For the 16-bit dense layer that alone reads it.
      if (op->hasAttr(kPairsAttr))
        config.integer("pairedFeatures",
                       emission.eventShape(op.getOutput()).back());
    }
    writeCall(emission, op, "quantize");
    addElementwise(emission, op);
    return success();
  }
};

struct DequantizePattern : CppOpPattern<fx::DequantizeOp> {
  LogicalResult emitOp(fx::DequantizeOp op, CppEmission &emission) const final {
    // The kernel writes floats or raw integers, whichever `out` is; it
    // must therefore write into `out` itself.
    if (!StringRef(emission.pointer(op.getOutput())).starts_with("out"))
      return op.emitOpError("the cpp target needs each dequantized value to "
                            "be a distinct model output");
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    ConfigWriter(decls, id + "Config", "fx::OutputConfig")
        .integer("size", emission.eventSize(op.getOutput()))
        .type("InT", fx::elementTypeOf(op.getInput()));
    writeCall(emission, op, "output");
    addElementwise(emission, op);
    return success();
  }
};

struct CastPattern : CppOpPattern<fx::CastOp> {
  LogicalResult emitOp(fx::CastOp op, CppEmission &emission) const final {
    if (op->hasAttr(kFusedAttr)) {
      writeFused(emission, op);
      return success();
    }
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    ConfigWriter(decls, id + "Config", "fx::CastConfig")
        .integer("size", emission.eventSize(op.getOutput()))
        .type("InT", fx::elementTypeOf(op.getInput()))
        .type("OutT", fx::elementTypeOf(op.getOutput()));
    writeCall(emission, op, "cast");
    addElementwise(emission, op);
    return success();
  }
};

struct ReluPattern : CppOpPattern<fx::ReluOp> {
  LogicalResult emitOp(fx::ReluOp op, CppEmission &emission) const final {
    if (op->hasAttr(kFusedAttr)) {
      writeFused(emission, op);
      return success();
    }
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "");
    ConfigWriter(decls, id + "Config", "fx::ReluConfig")
        .integer("size", emission.eventSize(op.getOutput()))
        .type("InT", fx::elementTypeOf(op.getInput()));
    writeCall(emission, op, "relu");
    addElementwise(emission, op);
    return success();
  }
};

struct ClampPattern : CppOpPattern<fx::ClampOp> {
  LogicalResult emitOp(fx::ClampOp op, CppEmission &emission) const final {
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "");
    ConfigWriter(decls, id + "Config", "fx::ClampConfig")
        .integer("size", emission.eventSize(op.getOutput()))
        .type("InT", fx::elementTypeOf(op.getInput()))
        .raw("low", op.getLowAttr().getValue().getSExtValue())
        .raw("high", op.getHighAttr().getValue().getSExtValue());
    writeCall(emission, op, "clamp");
    addElementwise(emission, op);
    return success();
  }
};

struct LeakyReluPattern : CppOpPattern<fx::LeakyReluOp> {
  LogicalResult emitOp(fx::LeakyReluOp op, CppEmission &emission) const final {
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    ConfigWriter(decls, id + "Config", "fx::LeakyReluConfig")
        .integer("size", emission.eventSize(op.getOutput()))
        .type("InT", fx::elementTypeOf(op.getInput()))
        .type("AlphaT", op.getAlphaType())
        .type("OutT", fx::elementTypeOf(op.getOutput()))
        .raw("alpha", op.getAlphaAttr().getValue().getSExtValue());
    writeCall(emission, op, "leakyRelu");
    addElementwise(emission, op);
    return success();
  }
};

struct ScalePattern : CppOpPattern<fx::ScaleOp> {
  LogicalResult emitOp(fx::ScaleOp op, CppEmission &emission) const final {
    std::string id = emission.identifier(op);
    int64_t channels = emission.eventShape(op.getInput()).back();
    auto expand = [&](ElementsAttr attr) {
      SmallVector<int64_t> values = fx::rawValuesOf(attr);
      if (values.size() == 1)
        values.assign(channels, values.front());
      return values;
    };
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    writeIntArray(decls, "std::int64_t", id + "Scale", expand(op.getScale()),
                  channels);
    if (op.getOffsetAttr())
      writeIntArray(decls, "std::int64_t", id + "Offset",
                    expand(op.getOffsetAttr()), channels);
    {
      ConfigWriter config(decls, id + "Config", "fx::ScaleConfig");
      config.integer("size", emission.eventSize(op.getOutput()))
          .integer("channels", channels)
          .type("InT", fx::elementTypeOf(op.getInput()))
          .type("ScaleT", op.getScaleType())
          .type("OutT", fx::elementTypeOf(op.getOutput()))
          .pointer("scale", "std::int64_t", id + "Scale");
      if (op.getOffsetAttr())
        config.type("OffsetT", *op.getOffsetType())
            .pointer("offset", "std::int64_t", id + "Offset");
    }
    writeCall(emission, op, "scale");
    addElementwise(emission, op);
    return success();
  }
};

/// The table's entries and config (fx::TableConfig), into the
/// declarations; returns the config's name.
std::string writeTableConfig(fx::TableOp op, CppEmission &emission) {
  SmallVector<int64_t> table = fx::rawValuesOf(op.getTable());
  std::string id = emission.identifier(op);
  raw_ostream &decls = emission.declarations();
  std::string detail = typeDetail(op.getInput(), op.getOutput());
  if (auto function = op.getFunction())
    detail = function->str() + ", " + detail;
  writeLayerComment(decls, emission, op, "", detail);
  // The narrowest integer type: 8 bytes per entry would crowd CUDA's
  // 64 KiB of constant memory, which the weights share.
  StringRef entryRaw = integerTypeFor(table);
  writeIntArray(decls, entryRaw, id + "Table", table, 12);
  ConfigWriter(decls, id + "Config", "fx::TableConfig")
      .integer("size", emission.eventSize(op.getOutput()))
      .type("InT", fx::elementTypeOf(op.getInput()))
      .type("OutT", fx::elementTypeOf(op.getOutput()))
      .integer("tableSize", int64_t(table.size()))
      .raw("inputLow", op.getInputLowAttr().getValue().getSExtValue())
      .integer("shift", op.getShiftAttr().getValue().getSExtValue())
      .pointer("table", entryRaw, id + "Table");
  return id + "Config";
}

struct DenseFxPattern : CppOpPattern<fx::DenseOp> {
  LogicalResult emitOp(fx::DenseOp op, CppEmission &emission) const final {
    int64_t n = op.getOutFeatures(), k = op.getInFeatures();
    SmallVector<int64_t> inShape = emission.eventShape(op.getInput());
    if (inShape.empty() || inShape.back() != k)
      return op.emitOpError("contracts over the batch dimension, which the "
                            "cpp target does not support");
    int64_t rows = product(inShape) / k;
    SmallVector<int64_t> weights = fx::rawValuesOf(op.getWeight());
    StringRef weightRaw = integerTypeFor(weights);
    FixedType in = fx::elementTypeOf(op.getInput());
    FixedType acc = fx::elementTypeOf(op.getOutput());
    // On a CPU, a layer whose products fit 16 bits and whose accumulator
    // fits 32 stores its weights as int16_t in rows of even length, the
    // layout of the runtime's 16-bit dot products
    // (fx::detail::denseFitsInt16).
    int64_t stride = k;
    if (emission.hostVectors() && denseTakesInt16(op)) {
      weightRaw = "std::int16_t";
      stride = k + k % 2;
      if (stride != k) {
        SmallVector<int64_t> padded;
        padded.reserve(size_t(n * stride));
        for (int64_t row = 0; row < n; ++row) {
          padded.append(weights.begin() + row * k,
                        weights.begin() + (row + 1) * k);
          padded.push_back(0);
        }
        weights = std::move(padded);
      }
    }
    // The cast, ReLU and table it takes in; the table's config comes first.
    fx::CastOp fusedCast;
    bool fusedRelu = false;
    std::string tableConfig;
    Operation *next = fusedReader(op.getOutput());
    if ((fusedCast = llvm::dyn_cast_or_null<fx::CastOp>(next)))
      next = fusedReader(fusedCast.getOutput());
    if (llvm::isa_and_nonnull<fx::ReluOp>(next)) {
      fusedRelu = true;
      next = fusedReader(next->getResult(0));
    }
    if (auto table = llvm::dyn_cast_or_null<fx::TableOp>(next))
      tableConfig = writeTableConfig(table, emission);
    std::string inTableConfig;
    if (auto table = op.getInput().getDefiningOp<fx::TableOp>();
        table && table->hasAttr(kFusedAttr))
      inTableConfig = emission.identifier(table) + "Config";
    auto quantize = op.getInput().getDefiningOp<fx::QuantizeOp>();
    bool inPairs = quantize && quantize->hasAttr(kPairsAttr);
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      std::to_string(k) + " -> " + std::to_string(n) + ", " +
                          typeDetail(op.getInput(), op.getOutput()));
    writeIntArray(decls, weightRaw, id + "Weights", weights, stride);
    std::optional<SmallVector<int64_t>> bias;
    if (auto biasAttr = op.getBiasAttr()) {
      // Shifted onto the accumulator's grid once, here.
      int64_t shift = acc.getFracWidth() - op.getBiasType()->getFracWidth();
      bias.emplace();
      for (int64_t b : fx::rawValuesOf(biasAttr))
        bias->push_back(
            static_cast<int64_t>(static_cast<uint64_t>(b) << shift));
      writeIntArray(decls, "std::int64_t", id + "Bias", *bias, n);
    }
    {
      ConfigWriter config(decls, id + "Config", "fx::DenseConfig");
      if (rows != 1)
        config.integer("rows", rows);
      config.integer("inFeatures", k)
          .integer("outFeatures", n)
          .type("InT", in)
          .type("WeightT", op.getWeightType())
          .type("AccT", acc);
      decls << "  using WeightRaw = " << weightRaw << ";\n";
      config.pointer("weights", "WeightRaw", id + "Weights");
      if (stride != k)
        config.integer("weightStride", stride);
      if (bias)
        config.pointer("bias", "std::int64_t", id + "Bias");
      if (fusedCast)
        config.type("OutT", fx::elementTypeOf(fusedCast.getOutput()));
      if (fusedRelu)
        config.line("static constexpr bool relu = true;");
      if (!tableConfig.empty())
        config.line("using Table = " + tableConfig + ";");
      if (!inTableConfig.empty())
        config.line("using InTable = " + inTableConfig + ";");
      if (inPairs)
        config.line("static constexpr bool inPairs = true;");
    }
    writeCall(emission, op, "dense");
    LayerReport report;
    addTypes(report, op);
    report.types.push_back({"weight", fx::formatPrecision(op.getWeightType())});
    if (auto biasType = op.getBiasType())
      report.types.push_back({"bias", fx::formatPrecision(*biasType)});
    report.types.push_back({"accumulator", spelling(op.getOutput())});
    report.macs = rows * n * k;
    report.params = n * k + (bias ? n : 0);
    report.weightBytes =
        int64_t(weights.size()) * integerBytes(weightRaw) + (bias ? 8 * n : 0);
    report.bufferBytes = 8 * rows * n;
    report.latencyCycles = (report.macs + 7) / 8;
    emission.addLayer(op, report);
    return success();
  }
};

struct TablePattern : CppOpPattern<fx::TableOp> {
  LogicalResult emitOp(fx::TableOp op, CppEmission &emission) const final {
    SmallVector<int64_t> table = fx::rawValuesOf(op.getTable());
    LayerReport report;
    addTypes(report, op);
    report.params = int64_t(table.size());
    report.weightBytes = integerBytes(integerTypeFor(table)) * report.params;
    if (op->hasAttr(kFusedAttr)) {
      // Its config was written with the dense layer before it.
      writeLayerComment(emission.body(), emission, op, "  ",
                        "computed by the dense layers around it");
    } else {
      writeTableConfig(op, emission);
      writeCall(emission, op, "table");
      report.bufferBytes = 8 * emission.eventSize(op.getOutput());
      report.latencyCycles = emission.eventSize(op.getOutput());
    }
    emission.addLayer(op, report);
    return success();
  }
};

struct SoftmaxFxPattern : CppOpPattern<fx::SoftmaxOp> {
  LogicalResult emitOp(fx::SoftmaxOp op, CppEmission &emission) const final {
    SmallVector<int64_t> shape = emission.eventShape(op.getInput());
    if (shape.empty())
      return op.emitOpError("needs a last axis within the event");
    int64_t length = shape.back();
    SmallVector<int64_t> expTable = fx::rawValuesOf(op.getExpTable());
    SmallVector<int64_t> invTable = fx::rawValuesOf(op.getInvTable());
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      typeDetail(op.getInput(), op.getOutput()));
    writeIntArray(decls, "std::int64_t", id + "Exp", expTable, 12);
    writeIntArray(decls, "std::int64_t", id + "Inv", invTable, 12);
    ConfigWriter(decls, id + "Config", "fx::SoftmaxConfig")
        .integer("rows", product(shape) / length)
        .integer("length", length)
        .type("InT", fx::elementTypeOf(op.getInput()))
        .type("ExpT", op.getExpType())
        .type("InvT", op.getInvType())
        .type("OutT", fx::elementTypeOf(op.getOutput()))
        .pointer("expTable", "std::int64_t", id + "Exp")
        .integer("expSize", int64_t(expTable.size()))
        .integer("expShift", op.getExpShiftAttr().getValue().getSExtValue())
        .pointer("invTable", "std::int64_t", id + "Inv")
        .integer("invSize", int64_t(invTable.size()))
        .raw("invLow", op.getInvLowAttr().getValue().getSExtValue())
        .integer("invShift", op.getInvShiftAttr().getValue().getSExtValue());
    writeCall(emission, op, "softmax");
    LayerReport report;
    addTypes(report, op);
    report.types.push_back({"exp_table", fx::formatPrecision(op.getExpType())});
    report.types.push_back({"inv_table", fx::formatPrecision(op.getInvType())});
    report.params = int64_t(expTable.size() + invTable.size());
    report.weightBytes = 8 * report.params;
    report.bufferBytes = 8 * product(shape);
    report.latencyCycles = 4 * product(shape);
    emission.addLayer(op, report);
    return success();
  }
};

/// fx.add, fx.sub and fx.mul share one pattern.
template <typename OpT> struct ArithFxPattern : CppOpPattern<OpT> {
  explicit ArithFxPattern(const char *kind) : kind(kind) {}

  LogicalResult emitOp(OpT op, CppEmission &emission) const final {
    FailureOr<BinaryLayout> layout = binaryLayout(op, emission);
    if (failed(layout))
      return failure();
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      layout->describe() + ", " +
                          typeDetail(op.getLhs(), op.getOutput()));
    {
      ConfigWriter config(decls, id + "Config", "fx::ArithConfig");
      config.line(Twine("static constexpr ariadne::ArithKind kind = "
                        "ariadne::ArithKind::") +
                  kind + ";");
      config.type("LhsT", fx::elementTypeOf(op.getLhs()))
          .type("RhsT", fx::elementTypeOf(op.getRhs()));
      layout->write(config);
    }
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::fx::arith<" << id << "Config, Lanes>("
         << emission.pointer(op.getLhs()) << ", "
         << emission.pointer(op.getRhs()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    report.types.push_back({"lhs", spelling(op.getLhs())});
    report.types.push_back({"rhs", spelling(op.getRhs())});
    report.types.push_back({"output", spelling(op.getOutput())});
    int64_t size = emission.eventSize(op.getOutput());
    if (std::is_same_v<OpT, fx::MulOp>)
      report.macs = size;
    report.bufferBytes = 8 * size;
    report.latencyCycles = (size + 7) / 8;
    emission.addLayer(op, report);
    return success();
  }

  const char *kind;
};

struct MatMulFxPattern : CppOpPattern<fx::MatMulOp> {
  LogicalResult emitOp(fx::MatMulOp op, CppEmission &emission) const final {
    FailureOr<MatMulLayout> layout = matMulLayout(op, emission);
    if (failed(layout))
      return failure();
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      layout->describe() + ", " +
                          typeDetail(op.getLhs(), op.getOutput()));
    {
      ConfigWriter config(decls, id + "Config", "fx::MatMulConfig");
      layout->write(config);
      config.type("LhsT", fx::elementTypeOf(op.getLhs()))
          .type("RhsT", fx::elementTypeOf(op.getRhs()))
          .type("AccT", fx::elementTypeOf(op.getOutput()));
    }
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::fx::matmul<" << id << "Config, Lanes>("
         << emission.pointer(op.getLhs()) << ", "
         << emission.pointer(op.getRhs()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    report.types.push_back({"lhs", spelling(op.getLhs())});
    report.types.push_back({"rhs", spelling(op.getRhs())});
    report.types.push_back({"accumulator", spelling(op.getOutput())});
    report.macs = layout->products();
    report.bufferBytes = 8 * product(layout->outShape);
    report.latencyCycles = (report.macs + 7) / 8;
    emission.addLayer(op, report);
    return success();
  }
};

} // namespace

bool denseTakesInt16(Operation *op) {
  auto dense = llvm::cast<fx::DenseOp>(op);
  return fitsInt16(fx::elementTypeOf(dense.getInput())) &&
         fitsInt16(dense.getWeightType()) &&
         fx::elementTypeOf(dense.getOutput()).getWidth() <= 32;
}

void populateCppFixedEmitters(CppEmitterSet &set) {
  set.add<QuantizePattern>();
  set.add<DequantizePattern>();
  set.add<CastPattern>();
  set.add<ReluPattern>();
  set.add<ClampPattern>();
  set.add<LeakyReluPattern>();
  set.add<ScalePattern>();
  set.add<DenseFxPattern>();
  set.add<TablePattern>();
  set.add<SoftmaxFxPattern>();
  set.add<ArithFxPattern<fx::AddOp>>("Add");
  set.add<ArithFxPattern<fx::SubOp>>("Sub");
  set.add<ArithFxPattern<fx::MulOp>>("Mul");
  set.add<MatMulFxPattern>();
}

} // namespace cpp
} // namespace ariadne
