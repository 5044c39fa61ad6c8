//===- CppEmitters.cpp - one emission pattern per op ----------------------===//
//
// Each pattern writes the configuration struct of one layer into the
// declarations of NAME.cpp and its call into run<Lanes>; the loops are in
// the runtime headers. Shapes and axes are those of one event (the batch
// dimension removed), which is what the kernels see.
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppEmitter.h"

#include "passes/NN/NNOps.h"
#include "passes/Support/Broadcast.h"
#include "passes/Support/Window.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace ariadne {
namespace cpp {

namespace {

/// Weights and biases are padded to this many outputs (the widest vector
/// of the runtime, simd::kPadding).
constexpr int64_t kWeightPadding = 16;

/// Vector operations per 16 results, for the latency estimate of the
/// README's model.
constexpr int64_t kCostSimple = 1;
constexpr int64_t kCostDivide = 4;
constexpr int64_t kCostTranscendental = 24;

int64_t vectorsOf(int64_t elements) { return (elements + 15) / 16; }

/// The window whose fields `value` holds, directly or merged per field by
/// a reshape, when the layer reading them reads that window in place
/// (prepare's kInPlaceAttr; runtime/ariadne/conv.h); else null.
nn::WindowOp inPlaceWindow(Value value) {
  if (auto reshape = value.getDefiningOp<nn::ReshapeOp>())
    value = reshape.getInput();
  auto w = value.getDefiningOp<nn::WindowOp>();
  return w && w->hasAttr(kInPlaceAttr) ? w : nn::WindowOp();
}

/// Whether `op` is a transpose that the windows after it read in place.
bool isInPlaceTranspose(Operation *op) {
  return llvm::isa<nn::TransposeOp>(op) && op->hasAttr(kInPlaceAttr);
}

/// The scratch buffer of a window read in place: its own buffer, which
/// holds the padded copy of the input, or null when it reaches no padding.
std::string windowScratch(nn::WindowOp op, CppEmission &emission) {
  return windowPadded(windowGeometry(op)) ? emission.pointer(op.getOutput())
                                          : "nullptr";
}

//===----------------------------------------------------------------------===//
// Text helpers
//===----------------------------------------------------------------------===//

/// A static float array, 8 literals per line, rows of `rowLength`.
void writeFloatArray(raw_ostream &os, StringRef name, ArrayRef<float> values,
                     int64_t rowLength) {
  writeStaticArray(os, "float", name, values.size(), rowLength, 8,
                   /*factorRows=*/true,
                   [&](size_t i) { return floatLiteral(values[i]); });
}

//===----------------------------------------------------------------------===//
// Shared conversions
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<float>> floatValues(Operation *op, Attribute attr,
                                          StringRef what) {
  if (auto dense = llvm::dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return op->emitOpError()
             << what << " has element type " << dense.getElementType()
             << "; the cpp target needs f32";
    return SmallVector<float>(dense.getValues<float>());
  }
  if (auto resource = llvm::dyn_cast<DenseF32ResourceElementsAttr>(attr))
    if (auto values = resource.tryGetAsArrayRef())
      return SmallVector<float>(*values);
  return op->emitOpError() << what << " is not a dense f32 constant";
}

using nn::stridesOf;

struct ActivationInfo {
  const char *enumerator;
  bool usesAlpha, usesBeta;
  int64_t cost;
};

ActivationInfo activationInfo(nn::ActivationKind kind) {
  switch (kind) {
  case nn::ActivationKind::none:
    return {"None", false, false, 0};
  case nn::ActivationKind::relu:
    return {"Relu", false, false, kCostSimple};
  case nn::ActivationKind::leaky_relu:
    return {"LeakyRelu", true, false, kCostSimple};
  case nn::ActivationKind::tanh:
    return {"Tanh", false, false, kCostTranscendental};
  case nn::ActivationKind::sigmoid:
    return {"Sigmoid", false, false, kCostTranscendental};
  case nn::ActivationKind::softsign:
    return {"Softsign", false, false, kCostDivide};
  case nn::ActivationKind::hard_sigmoid:
    return {"HardSigmoid", true, true, kCostSimple};
  case nn::ActivationKind::clip:
    return {"Clip", true, true, kCostSimple};
  case nn::ActivationKind::abs:
    return {"Abs", false, false, kCostSimple};
  case nn::ActivationKind::elu:
    return {"Elu", true, false, kCostTranscendental};
  case nn::ActivationKind::selu:
    return {"Selu", true, true, kCostTranscendental};
  case nn::ActivationKind::softplus:
    return {"Softplus", false, false, kCostTranscendental};
  case nn::ActivationKind::erf:
    return {"Erf", false, false, kCostTranscendental};
  case nn::ActivationKind::gelu:
    return {"Gelu", false, false, kCostTranscendental};
  case nn::ActivationKind::gelu_tanh:
    return {"GeluTanh", false, false, kCostTranscendental};
  case nn::ActivationKind::rsqrt:
    return {"Rsqrt", true, true, kCostDivide};
  case nn::ActivationKind::reciprocal:
    return {"Reciprocal", false, false, kCostDivide};
  }
  llvm_unreachable("unknown activation kind");
}

void writeActivation(ConfigWriter &config, nn::ActivationKind kind, float alpha,
                     float beta) {
  ActivationInfo info = activationInfo(kind);
  config.line(Twine("static constexpr ariadne::Activation activation = "
                    "ariadne::Activation::") +
              info.enumerator + ";");
  if (info.usesAlpha)
    config.real("alpha", alpha);
  if (info.usesBeta)
    config.real("beta", beta);
}

std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  os << "]";
  return text;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

struct ConstantPattern : CppOpPattern<nn::ConstantOp> {
  LogicalResult emitOp(nn::ConstantOp op, CppEmission &emission) const final {
    auto values = floatValues(op, op.getValue(), "value");
    if (failed(values))
      return failure();
    int64_t size = int64_t(values->size());
    LayerReport report;
    report.params = size;
    if (op->use_empty()) {
      // Nothing reads it: no array (it would only draw unused warnings).
      emission.addLayer(op, report);
      return success();
    }
    report.weightBytes = 4 * size;
    emission.addLayer(op, report);
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      shapeText(emission.eventShape(op)));
    writeFloatArray(decls, id + "Data", *values, size);
    decls << "\n";
    // Every lane needs its own copy when Lanes > 1 (the kernels read
    // operands in the lane layout); one event uses the array in place.
    auto storage = llvm::cast<DictionaryAttr>(
        op->getAttrOfType<ArrayAttr>(kStorageAttr)[0]);
    int64_t offset = llvm::cast<IntegerAttr>(storage.get("offset")).getInt();
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  const float *" << id << " = ariadne::broadcastLanes<" << size
         << ", Lanes>(" << id << "Data, arena"
         << (offset ? " + " + std::to_string(offset) + " * Lanes" : "")
         << ");\n";
    return success();
  }
};

struct DensePattern : CppOpPattern<nn::DenseOp> {
  LogicalResult emitOp(nn::DenseOp op, CppEmission &emission) const final {
    int64_t outFeatures = op.getOutFeatures(), inFeatures = op.getInFeatures();
    SmallVector<int64_t> inShape = emission.eventShape(op.getInput());
    if (inShape.empty() || inShape.back() != inFeatures)
      return op.emitOpError("contracts over the batch dimension, which the "
                            "cpp target does not support");
    int64_t rows = product(inShape) / inFeatures;
    auto weights = floatValues(op, op.getWeight(), "weight");
    if (failed(weights))
      return failure();
    std::optional<SmallVector<float>> bias;
    if (auto biasAttr = op.getBiasAttr()) {
      auto values = floatValues(op, biasAttr, "bias");
      if (failed(values))
        return failure();
      bias = *values;
    }
    // Over the fields of a window read in place: a convolution (conv.h),
    // whose kernels take the input-major layout.
    nn::WindowOp window = inPlaceWindow(op.getInput());
    // The weight layout of dense.h with the cheaper one-event kernel,
    // counting vector loads and operations at 16 floats per vector: the
    // input-major kernel reads a weight vector and broadcasts an input per
    // k and output vector; the output-major one reads each weight once and
    // pays a reduction across lanes per output.
    auto vectors = [](int64_t n) {
      return (n + kWeightPadding - 1) / kWeightPadding;
    };
    bool outputMajor = !window && outFeatures * vectors(inFeatures) +
                                          vectors(inFeatures) +
                                          6 * outFeatures <
                                      2 * inFeatures * vectors(outFeatures);
    // Rows padded with zeros so that the kernels read whole vectors.
    int64_t rowCount = outputMajor ? outFeatures : inFeatures;
    int64_t stride =
        kWeightPadding * vectors(outputMajor ? inFeatures : outFeatures);
    SmallVector<float> layout(rowCount * stride, 0.0f);
    for (int64_t n = 0; n < outFeatures; ++n)
      for (int64_t k = 0; k < inFeatures; ++k)
        layout[outputMajor ? n * stride + k : k * stride + n] =
            (*weights)[n * inFeatures + k];
    int64_t biasSize = kWeightPadding * vectors(outFeatures);

    std::string id = emission.identifier(op);
    ActivationInfo act = activationInfo(op.getActivation());
    std::string detail =
        std::to_string(inFeatures) + " -> " + std::to_string(outFeatures);
    if (op.getActivation() != nn::ActivationKind::none)
      detail += std::string(", ") +
                std::string(nn::stringifyActivationKind(op.getActivation()));
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "", detail);
    writeFloatArray(decls, id + "Weights", layout, stride);
    if (bias) {
      SmallVector<float> padded(biasSize, 0.0f);
      llvm::copy(*bias, padded.begin());
      writeFloatArray(decls, id + "Bias", padded, biasSize);
    }
    decls << "\n";
    {
      ConfigWriter config(decls, id + "Config", "DenseConfig");
      if (rows != 1)
        config.integer("rows", rows);
      config.integer("inFeatures", inFeatures)
          .integer("outFeatures", outFeatures);
      if (outputMajor)
        config.line("static constexpr bool outputMajor = true;");
      config.integer("weightStride", stride)
          .line("static constexpr const float *weights = " + id + "Weights;");
      if (bias)
        config.line("static constexpr const float *bias = " + id + "Bias;");
      writeActivation(config, op.getActivation(),
                      op.getAlpha().convertToFloat(),
                      op.getBeta().convertToFloat());
    }
    raw_ostream &body = emission.body();
    if (window) {
      writeLayerComment(body, emission, op, "  ",
                        "over the fields of " + emission.layerName(window));
      body << "  ariadne::conv<" << emission.identifier(window) << "Config, "
           << id << "Config, Lanes>(" << emission.pointer(window.getInput())
           << ", " << windowScratch(window, emission) << ", "
           << emission.pointer(op.getOutput()) << ");\n";
    } else {
      writeLayerComment(body, emission, op, "  ");
      body << "  ariadne::dense<" << id << "Config, Lanes>("
           << emission.pointer(op.getInput()) << ", "
           << emission.pointer(op.getOutput()) << ");\n";
    }

    LayerReport report;
    report.macs = rows * inFeatures * outFeatures;
    report.params = inFeatures * outFeatures + (bias ? outFeatures : 0);
    report.weightBytes = 4 * (rowCount * stride + (bias ? biasSize : 0));
    report.bufferBytes = 4 * rows * outFeatures;
    report.latencyCycles =
        vectorsOf(report.macs) + act.cost * vectorsOf(rows * outFeatures);
    emission.addLayer(op, report);
    return success();
  }
};

struct MatMulPattern : CppOpPattern<nn::MatMulOp> {
  LogicalResult emitOp(nn::MatMulOp op, CppEmission &emission) const final {
    FailureOr<MatMulLayout> layout = matMulLayout(op, emission);
    if (failed(layout))
      return failure();
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "", layout->describe());
    {
      ConfigWriter config(decls, id + "Config", "MatMulConfig");
      layout->write(config);
    }
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::matmul<" << id << "Config, Lanes>("
         << emission.pointer(op.getLhs()) << ", "
         << emission.pointer(op.getRhs()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    report.macs = layout->products();
    report.bufferBytes = 4 * product(layout->outShape);
    report.latencyCycles = vectorsOf(report.macs);
    emission.addLayer(op, report);
    return success();
  }
};

struct ActivationPattern : CppOpPattern<nn::ActivationOp> {
  LogicalResult emitOp(nn::ActivationOp op, CppEmission &emission) const final {
    int64_t size = emission.eventSize(op.getOutput());
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      nn::stringifyActivationKind(op.getActivation()));
    {
      ConfigWriter config(decls, id + "Config", "ActivationConfig");
      config.integer("size", size);
      writeActivation(config, op.getActivation(),
                      op.getAlpha().convertToFloat(),
                      op.getBeta().convertToFloat());
    }
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::activation<" << id << "Config, Lanes>("
         << emission.pointer(op.getInput()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    report.bufferBytes = 4 * size;
    report.latencyCycles =
        std::max<int64_t>(1, activationInfo(op.getActivation()).cost) *
        vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

struct SoftmaxPattern : CppOpPattern<nn::SoftmaxOp> {
  LogicalResult emitOp(nn::SoftmaxOp op, CppEmission &emission) const final {
    SmallVector<int64_t> shape = emission.eventShape(op.getInput());
    int64_t axis = op.getAxis() - (emission.hasBatchDim(op.getInput()) ? 1 : 0);
    ArrayRef<int64_t> dims(shape);
    int64_t outer = product(dims.take_front(axis));
    int64_t inner = product(dims.drop_front(axis + 1));
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      "event axis " + std::to_string(axis));
    ConfigWriter(decls, id + "Config", "SoftmaxConfig")
        .integer("outer", outer)
        .integer("axisSize", shape[axis])
        .integer("inner", inner);
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::softmax<" << id << "Config, Lanes>("
         << emission.pointer(op.getInput()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(shape);
    report.bufferBytes = 4 * size;
    report.latencyCycles =
        (kCostTranscendental + kCostDivide + 3 * kCostSimple) * vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

struct BatchNormPattern : CppOpPattern<nn::BatchNormOp> {
  LogicalResult emitOp(nn::BatchNormOp op, CppEmission &emission) const final {
    SmallVector<int64_t> shape = emission.eventShape(op.getInput());
    int64_t axis = emission.hasBatchDim(op.getInput()) ? 0 : 1;
    ArrayRef<int64_t> dims(shape);
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      "event axis " + std::to_string(axis));
    ConfigWriter(decls, id + "Config", "BatchNormConfig")
        .integer("outer", product(dims.take_front(axis)))
        .integer("channels", shape[axis])
        .integer("inner", product(dims.drop_front(axis + 1)))
        .real("epsilon", op.getEpsilon().convertToFloat());
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::batchNorm<" << id << "Config, Lanes>("
         << emission.pointer(op.getInput()) << ", "
         << emission.pointer(op.getScale()) << ", "
         << emission.pointer(op.getBias()) << ", "
         << emission.pointer(op.getMean()) << ", "
         << emission.pointer(op.getVariance()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(shape);
    report.bufferBytes = 4 * size;
    report.latencyCycles = (kCostDivide + 3 * kCostSimple) * vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

/// The six element-wise binary ops share one pattern.
template <typename OpT> struct BinaryPattern : CppOpPattern<OpT> {
  explicit BinaryPattern(const char *enumerator) : enumerator(enumerator) {}

  LogicalResult emitOp(OpT op, CppEmission &emission) const final {
    FailureOr<BinaryLayout> layout = binaryLayout(op, emission);
    if (failed(layout))
      return failure();
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "", layout->describe());
    {
      ConfigWriter config(decls, id + "Config", "BinaryConfig");
      config.line(std::string("static constexpr ariadne::BinaryOp op = "
                              "ariadne::BinaryOp::") +
                  enumerator + ";");
      layout->write(config);
    }
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::binary<" << id << "Config, Lanes>("
         << emission.pointer(op.getLhs()) << ", "
         << emission.pointer(op.getRhs()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(layout->outShape);
    report.bufferBytes = 4 * size;
    report.latencyCycles =
        (std::is_same<OpT, nn::DivOp>::value ? kCostDivide : kCostSimple) *
        vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }

  const char *enumerator;
};

struct ReshapePattern : CppOpPattern<nn::ReshapeOp> {
  LogicalResult emitOp(nn::ReshapeOp op, CppEmission &emission) const final {
    auto storage = llvm::cast<DictionaryAttr>(
        op->getAttrOfType<ArrayAttr>(kStorageAttr)[0]);
    bool alias =
        llvm::cast<StringAttr>(storage.get("kind")).getValue() == "alias";
    int64_t size = emission.eventSize(op.getOutput());
    std::string id = emission.identifier(op);
    raw_ostream &body = emission.body();
    LayerReport report;
    if (alias) {
      // C order is kept, so the result is the input's buffer.
      writeLayerComment(body, emission, op, "  ", "aliases its input");
    } else {
      raw_ostream &decls = emission.declarations();
      writeLayerComment(decls, emission, op, "");
      ConfigWriter(decls, id + "Config", "ReshapeConfig").integer("size", size);
      writeLayerComment(body, emission, op, "  ");
      body << "  ariadne::reshape<" << id << "Config, Lanes>("
           << emission.pointer(op.getInput()) << ", "
           << emission.pointer(op.getOutput()) << ");\n";
      report.bufferBytes = 4 * size;
      report.latencyCycles = vectorsOf(size);
    }
    emission.addLayer(op, report);
    return success();
  }
};

/// Writes a gather (gather.h) configuration and call.
void emitGather(CppEmission &emission, Operation *op, StringRef base,
                StringRef kernel, SmallVector<int64_t> shape,
                SmallVector<int64_t> strides, int64_t offset, Value input,
                Value output) {
  if (shape.empty()) {
    shape = {1};
    strides = {1};
  }
  std::string id = emission.identifier(op);
  raw_ostream &decls = emission.declarations();
  writeLayerComment(decls, emission, op, "");
  {
    ConfigWriter config(decls, id + "Config", base);
    config.integer("rank", shape.size())
        .array("shape", shape)
        .array("strides", strides);
    if (offset != 0)
      config.integer("offset", offset);
  }
  raw_ostream &body = emission.body();
  writeLayerComment(body, emission, op, "  ");
  body << "  ariadne::" << kernel << "<" << id << "Config, Lanes>("
       << emission.pointer(input) << ", " << emission.pointer(output) << ");\n";
  LayerReport report;
  int64_t size = product(shape);
  report.bufferBytes = 4 * size;
  report.latencyCycles = vectorsOf(size);
  emission.addLayer(op, report);
}

struct TransposePattern : CppOpPattern<nn::TransposeOp> {
  LogicalResult emitOp(nn::TransposeOp op, CppEmission &emission) const final {
    if (isInPlaceTranspose(op)) {
      // The windows after it read its input through their strides.
      writeLayerComment(emission.body(), emission, op, "  ",
                        "read in place by the windows after it");
      emission.addLayer(op, LayerReport());
      return success();
    }
    SmallVector<int64_t> inShape = emission.eventShape(op.getInput());
    SmallVector<int64_t> perm(op.getPerm());
    if (emission.hasBatchDim(op.getInput())) {
      // The verifier keeps the batch first.
      perm.erase(perm.begin());
      for (int64_t &p : perm)
        --p;
    }
    auto inStrides = stridesOf(inShape);
    SmallVector<int64_t> strides;
    for (int64_t p : perm)
      strides.push_back(inStrides[p]);
    emitGather(emission, op, "TransposeConfig", "transpose",
               emission.eventShape(op.getOutput()), strides, 0, op.getInput(),
               op.getOutput());
    return success();
  }
};

/// The padding value of window `op`: 0, or the lowest value of the element
/// type (the smallest raw value of a fixed-point type, -inf for floats).
std::string windowPad(nn::WindowOp op, CppEmission &emission) {
  if (!op.getPadLowest())
    return emission.elementType(op.getInput()) + "(0)";
  Type element =
      llvm::cast<ShapedType>(op.getInput().getType()).getElementType();
  if (auto fixed = llvm::dyn_cast<fx::FixedType>(element))
    return "std::uint64_t(" +
           intLiteral(int64_t(ariadne::detail::minBits(int(fixed.getWidth()),
                                                       fixed.isSigned()))) +
           ")";
  return "-__builtin_huge_valf()";
}

/// Where element (c, i...) of a window's [C, in...] input lies, channel
/// first: C order, or through the transpose before it when the window
/// reads that in place.
SmallVector<int64_t> windowInputStrides(nn::WindowOp op,
                                        CppEmission &emission) {
  Value input = op.getInput();
  auto transpose = input.getDefiningOp<nn::TransposeOp>();
  if (!transpose || !isInPlaceTranspose(transpose))
    return stridesOf(emission.eventShape(input));
  SmallVector<int64_t> perm(transpose.getPerm());
  if (emission.hasBatchDim(transpose.getInput())) {
    perm.erase(perm.begin());
    for (int64_t &p : perm)
      --p;
  }
  auto sourceStrides = stridesOf(emission.eventShape(transpose.getInput()));
  SmallVector<int64_t> strides;
  for (int64_t p : perm)
    strides.push_back(sourceStrides[p]);
  return strides;
}

/// The receptive fields of a convolution or pooling layer (window.h), or
/// the geometry of a window that the layer after it reads in place
/// (conv.h), with the strides of its input.
struct WindowPattern : CppOpPattern<nn::WindowOp> {
  LogicalResult emitOp(nn::WindowOp op, CppEmission &emission) const final {
    WindowGeometry g = windowGeometry(op);
    auto ints = [&](const int *values) {
      return SmallVector<int64_t>(values, values + g.rank);
    };
    bool inPlace = op->hasAttr(kInPlaceAttr);
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "", inPlace ? "read in place" : "");
    {
      ConfigWriter config(decls, id + "Config",
                          inPlace ? "WindowReadConfig" : "WindowConfig");
      config.integer("rank", g.rank)
          .integer("channels", g.channels)
          .array("in", ints(g.in))
          .array("kernel", ints(g.kernel))
          .array("stride", ints(g.stride))
          .array("dilation", ints(g.dilation))
          .array("padBegin", ints(g.padBegin))
          .array("out", ints(g.out));
      if (inPlace) {
        SmallVector<int64_t> strides = windowInputStrides(op, emission);
        config.integer("channelStride", strides.front())
            .array("inStride", ArrayRef<int64_t>(strides).drop_front());
      }
    }
    raw_ostream &body = emission.body();
    LayerReport report;
    if (inPlace) {
      // Its reader (conv or pool_max) reads the input through it; the
      // buffer holds the padded copy of the input, if any.
      writeLayerComment(body, emission, op, "  ",
                        "read in place by the layer after it");
      report.bufferBytes =
          4 * (windowPadded(g) ? int64_t(windowPaddedSize(g)) : 0);
      report.latencyCycles = vectorsOf(report.bufferBytes / 4);
      emission.addLayer(op, report);
      return success();
    }
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::window<" << id << "Config, Lanes>("
         << emission.pointer(op.getInput()) << ", "
         << emission.pointer(op.getOutput()) << ", " << windowPad(op, emission)
         << ");\n";
    int64_t size = emission.eventSize(op.getOutput());
    report.bufferBytes = 4 * size;
    report.latencyCycles = vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

/// The maximum over the last axis (reduce.h).
struct ReduceMaxPattern : CppOpPattern<nn::ReduceMaxOp> {
  LogicalResult emitOp(nn::ReduceMaxOp op, CppEmission &emission) const final {
    int64_t length = emission.eventShape(op.getInput()).back();
    int64_t rows = emission.eventSize(op.getOutput());
    bool isSigned = true;
    Type element =
        llvm::cast<ShapedType>(op.getInput().getType()).getElementType();
    if (auto fixed = llvm::dyn_cast<fx::FixedType>(element))
      isSigned = fixed.isSigned();
    std::string id = emission.identifier(op);
    raw_ostream &body = emission.body();
    nn::WindowOp window = inPlaceWindow(op.getInput());
    if (!window) {
      raw_ostream &decls = emission.declarations();
      writeLayerComment(decls, emission, op, "");
      ConfigWriter config(decls, id + "Config", "ReduceConfig");
      config.integer("rows", rows).integer("length", length);
      if (!isSigned)
        config.line("static constexpr bool isSigned = false;");
    }
    if (window) {
      // Max pooling: the fields read in place (conv.h).
      writeLayerComment(body, emission, op, "  ",
                        "over the fields of " + emission.layerName(window));
      body << "  ariadne::pool_max<" << emission.identifier(window)
           << "Config, Lanes>(" << emission.pointer(window.getInput()) << ", "
           << windowScratch(window, emission) << ", "
           << emission.pointer(op.getOutput()) << ", "
           << windowPad(window, emission) << ");\n";
    } else {
      writeLayerComment(body, emission, op, "  ");
      body << "  ariadne::reduce_max<" << id << "Config, Lanes>("
           << emission.pointer(op.getInput()) << ", "
           << emission.pointer(op.getOutput()) << ");\n";
    }
    LayerReport report;
    report.bufferBytes = 4 * rows;
    report.latencyCycles = vectorsOf(rows * length);
    emission.addLayer(op, report);
    return success();
  }
};

struct SlicePattern : CppOpPattern<nn::SliceOp> {
  LogicalResult emitOp(nn::SliceOp op, CppEmission &emission) const final {
    SmallVector<int64_t> inShape = emission.eventShape(op.getInput());
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (emission.hasBatchDim(op.getInput())) {
      // The verifier lets the batch dimension pass whole.
      starts = starts.drop_front();
      steps = steps.drop_front();
    }
    auto inStrides = stridesOf(inShape);
    SmallVector<int64_t> strides;
    int64_t offset = 0;
    for (size_t d = 0; d < inShape.size(); ++d) {
      offset += starts[d] * inStrides[d];
      strides.push_back(steps[d] * inStrides[d]);
    }
    emitGather(emission, op, "SliceConfig", "slice",
               emission.eventShape(op.getOutput()), strides, offset,
               op.getInput(), op.getOutput());
    return success();
  }
};

struct ConcatPattern : CppOpPattern<nn::ConcatOp> {
  LogicalResult emitOp(nn::ConcatOp op, CppEmission &emission) const final {
    SmallVector<int64_t> outShape = emission.eventShape(op.getOutput());
    int64_t axis =
        op.getAxis() - (emission.hasBatchDim(op.getOutput()) ? 1 : 0);
    SmallVector<int64_t> chunks;
    for (Value input : op.getInputs()) {
      if (emission.hasBatchDim(input) != emission.hasBatchDim(op.getOutput()))
        return op.emitOpError("concatenates a tensor without the batch "
                              "dimension to batched tensors");
      chunks.push_back(product(
          ArrayRef<int64_t>(emission.eventShape(input)).drop_front(axis)));
    }
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      "event axis " + std::to_string(axis));
    ConfigWriter(decls, id + "Config", "ConcatConfig")
        .integer("inputs", chunks.size())
        .integer("outer", product(ArrayRef<int64_t>(outShape).take_front(axis)))
        .array("chunks", chunks);
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  const " << emission.elementType(op.getOutput()) << " *const "
         << id << "Inputs[] = {";
    llvm::interleaveComma(op.getInputs(), body, [&](Value input) {
      body << emission.pointer(input);
    });
    body << "};\n";
    body << "  ariadne::concat<" << id << "Config, Lanes>(" << id << "Inputs, "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(outShape);
    report.bufferBytes = 4 * size;
    report.latencyCycles = vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

/// The outputs that no layer wrote in place are copied into `out`.
struct ReturnPattern : CppOpPattern<func::ReturnOp> {
  LogicalResult emitOp(func::ReturnOp op, CppEmission &emission) const final {
    int64_t offset = 0;
    raw_ostream &body = emission.body();
    for (auto [index, result] : llvm::enumerate(op.getOperands())) {
      int64_t size = emission.eventSize(result);
      std::string target =
          offset ? "out + " + std::to_string(offset) + " * Lanes" : "out";
      if (emission.pointer(result) != target) {
        body << "  // output " << index << "\n";
        body << "  ariadne::copy<" << size << ", Lanes>("
             << emission.pointer(result) << ", " << target << ");\n";
      }
      offset += size;
    }
    return success();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Operand layouts of binary ops and matrix products
//===----------------------------------------------------------------------===//

/// The event shape of a broadcast operand: without the batch dimension when
/// it has one, or when it has the result's rank and so a leading dimension
/// of 1 that broadcasts against the batch.
static FailureOr<SmallVector<int64_t>>
broadcastOperandShape(CppEmission &emission, Operation *op, Value operand,
                      Value result, bool alignsBatch) {
  auto type = llvm::cast<RankedTensorType>(operand.getType());
  if (emission.hasBatchDim(operand) || !emission.hasBatchDim(result) ||
      !alignsBatch ||
      type.getRank() !=
          llvm::cast<RankedTensorType>(result.getType()).getRank())
    return emission.eventShape(operand);
  if (type.getDimSize(0) != 1)
    return op->emitOpError()
           << "operand " << type << " broadcasts its leading dimension of "
           << type.getDimSize(0) << " against the event batch";
  return SmallVector<int64_t>(type.getShape().drop_front());
}

FailureOr<BinaryLayout> binaryLayout(Operation *op, CppEmission &emission) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value out = op->getResult(0);
  BinaryLayout layout;
  layout.outShape = emission.eventShape(out);
  auto lhsShape = broadcastOperandShape(emission, op, lhs, out, true);
  auto rhsShape = broadcastOperandShape(emission, op, rhs, out, true);
  if (failed(lhsShape) || failed(rhsShape))
    return failure();
  layout.lhsShape = *lhsShape;
  layout.rhsShape = *rhsShape;
  auto lhsStrides = broadcastStrides(*lhsShape, layout.outShape);
  auto rhsStrides = broadcastStrides(*rhsShape, layout.outShape);
  if (failed(lhsStrides) || failed(rhsStrides))
    return op->emitOpError("event operands ")
           << shapeText(*lhsShape) << " and " << shapeText(*rhsShape)
           << " do not broadcast to the event result "
           << shapeText(layout.outShape);
  layout.shape = layout.outShape;
  layout.lhsStrides = *lhsStrides;
  layout.rhsStrides = *rhsStrides;
  if (layout.shape.empty()) {
    layout.shape = {1};
    layout.lhsStrides = {0};
    layout.rhsStrides = {0};
  }
  return layout;
}

std::string BinaryLayout::describe() const {
  return shapeText(lhsShape) + ", " + shapeText(rhsShape) + " -> " +
         shapeText(outShape);
}

void BinaryLayout::write(ConfigWriter &config) const {
  config.integer("rank", shape.size())
      .array("shape", shape)
      .array("lhsStrides", lhsStrides)
      .array("rhsStrides", rhsStrides);
}

FailureOr<MatMulLayout> matMulLayout(Operation *op, CppEmission &emission) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value result = op->getResult(0);
  auto operandShape = [&](Value v) {
    // Only operands with batch dimensions (rank >= 3) align their
    // leading dimension with the event batch.
    bool alignsBatch = llvm::cast<RankedTensorType>(v.getType()).getRank() >= 3;
    return broadcastOperandShape(emission, op, v, result, alignsBatch);
  };
  auto lhsShape = operandShape(lhs);
  auto rhsShape = operandShape(rhs);
  if (failed(lhsShape) || failed(rhsShape))
    return failure();
  if (lhsShape->empty() || rhsShape->empty())
    return op->emitOpError("contracts over the batch dimension, which the "
                           "cpp target does not support");
  MatMulLayout layout;
  layout.lhsShape = *lhsShape;
  layout.rhsShape = *rhsShape;
  layout.outShape = emission.eventShape(result);
  auto shape = matMulShape(*lhsShape, *rhsShape);
  if (failed(shape) || shape->result != layout.outShape)
    return op->emitOpError("one event's product ")
           << shapeText(*lhsShape) << " x " << shapeText(*rhsShape)
           << " does not give the event result " << shapeText(layout.outShape)
           << "; this batching is not supported by the cpp target";
  int64_t m = shape->m, k = shape->k, n = shape->n;
  layout.m = m;
  layout.k = k;
  layout.n = n;
  layout.batchShape = shape->batch;
  // The batch dimensions broadcast: matMulShape checked them.
  SmallVector<int64_t> lhsStrides =
      *broadcastStrides(matMulBatchOf(*lhsShape), shape->batch);
  SmallVector<int64_t> rhsStrides =
      *broadcastStrides(matMulBatchOf(*rhsShape), shape->batch);
  for (int64_t s : lhsStrides)
    layout.lhsBatch.push_back(s * m * k);
  for (int64_t s : rhsStrides)
    layout.rhsBatch.push_back(s * k * n);
  if (layout.batchShape.empty()) {
    layout.batchShape = {1};
    layout.lhsBatch = {0};
    layout.rhsBatch = {0};
  }
  return layout;
}

std::string MatMulLayout::describe() const {
  return shapeText(lhsShape) + " x " + shapeText(rhsShape);
}

int64_t MatMulLayout::products() const {
  return product(batchShape) * m * k * n;
}

void MatMulLayout::write(ConfigWriter &config) const {
  config.integer("m", m).integer("k", k).integer("n", n);
  config.integer("batchRank", batchShape.size())
      .array("batchShape", batchShape)
      .array("lhsBatchStrides", lhsBatch)
      .array("rhsBatchStrides", rhsBatch);
}

/// The axis `axis` of an index op within one event, or an error when an
/// operand is per event and the result is not, or the other way round.
static FailureOr<int64_t> indexEventAxis(Operation *op, int64_t axis,
                                         CppEmission &emission) {
  bool batched = emission.hasBatchDim(op->getResult(0));
  for (Value v : op->getOperands())
    if (emission.hasBatchDim(v) != batched)
      return op->emitOpError("mixes tensors with and without the batch "
                             "dimension, which the C++ kernels do not");
  return axis - (batched ? 1 : 0);
}

/// Gathers at run-time indices (gather.h's gather_elements).
struct GatherElementsPattern : CppOpPattern<nn::GatherElementsOp> {
  LogicalResult emitOp(nn::GatherElementsOp op,
                       CppEmission &emission) const final {
    FailureOr<int64_t> eventAxis =
        indexEventAxis(op, int64_t(op.getAxis()), emission);
    if (failed(eventAxis))
      return failure();
    int64_t axis = *eventAxis;
    SmallVector<int64_t> out = emission.eventShape(op.getOutput());
    SmallVector<int64_t> in = emission.eventShape(op.getInput());
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      "event axis " + std::to_string(axis));
    ConfigWriter(decls, id + "Config", "GatherElementsConfig")
        .integer("rank", out.size())
        .array("shape", out)
        .array("strides", stridesWithin(in, axis))
        .array("indexStrides",
               stridesWithin(emission.eventShape(op.getIndices()), -1))
        .integer("axisSize", in[axis])
        .integer("axisStride", stridesOf(in)[axis]);
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::gather_elements<" << id << "Config, Lanes>("
         << emission.pointer(op.getInput()) << ", "
         << emission.pointer(op.getIndices()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(out);
    report.bufferBytes = 4 * size;
    report.latencyCycles = vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

/// Scatters at run-time indices (gather.h's scatter_elements).
struct ScatterElementsPattern : CppOpPattern<nn::ScatterElementsOp> {
  LogicalResult emitOp(nn::ScatterElementsOp op,
                       CppEmission &emission) const final {
    FailureOr<int64_t> eventAxis =
        indexEventAxis(op, int64_t(op.getAxis()), emission);
    if (failed(eventAxis))
      return failure();
    int64_t axis = *eventAxis;
    SmallVector<int64_t> out = emission.eventShape(op.getOutput());
    SmallVector<int64_t> updates = emission.eventShape(op.getUpdates());
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      "event axis " + std::to_string(axis));
    {
      ConfigWriter config(decls, id + "Config", "ScatterElementsConfig");
      config.integer("size", product(out))
          .integer("rank", updates.size())
          .array("shape", updates)
          .array("strides", stridesWithin(out, axis))
          .array("indexStrides",
                 stridesWithin(emission.eventShape(op.getIndices()), -1))
          .integer("axisSize", out[axis])
          .integer("axisStride", stridesOf(out)[axis]);
      if (op.getAdd())
        config.line("static constexpr bool add = true;");
    }
    std::string element = emission.elementType(op.getOutput());
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::scatter_elements<" << id << "Config, Lanes>("
         << (op.getInput() ? emission.pointer(op.getInput())
                           : "static_cast<const " + element + " *>(nullptr)")
         << ", " << emission.pointer(op.getIndices()) << ", "
         << emission.pointer(op.getUpdates()) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(out);
    report.bufferBytes = 4 * size;
    report.latencyCycles = vectorsOf(size + product(updates));
    emission.addLayer(op, report);
    return success();
  }
};

/// The C++ enumerator of a predicate (select.h's Predicate).
static std::string predicateName(nn::Predicate p) {
  return "ariadne::Predicate::" + nn::stringifyPredicate(p).str();
}

/// Comparisons (select.h's compare).
struct ComparePattern : CppOpPattern<nn::CompareOp> {
  LogicalResult emitOp(nn::CompareOp op, CppEmission &emission) const final {
    if (failed(indexEventAxis(op, 0, emission)))
      return failure();
    std::string id = emission.identifier(op);
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "");
    auto fixed = llvm::dyn_cast<fx::FixedType>(
        llvm::cast<RankedTensorType>(op.getLhs().getType()).getElementType());
    int64_t size = emission.eventSize(op.getOutput());
    {
      ConfigWriter config(decls, id + "Config", "CompareConfig");
      config.integer("size", size)
          .line("static constexpr ariadne::Predicate predicate = " +
                predicateName(op.getPredicate()) + ";");
      if (!op.getRhs()) {
        config.line("static constexpr bool hasRhs = false;");
        double value = op.getValue().convertToDouble();
        if (fixed)
          config.line("static constexpr long long threshold = " +
                      intLiteral(int64_t(value)) + ";");
        else
          config.real("value", float(value));
      }
      if (fixed && !fixed.isSigned())
        config.line("static constexpr bool isSigned = false;");
    }
    std::string element = emission.elementType(op.getLhs());
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::compare<" << id << "Config, Lanes>("
         << emission.pointer(op.getLhs()) << ", "
         << (op.getRhs() ? emission.pointer(op.getRhs())
                         : "static_cast<const " + element + " *>(nullptr)")
         << ", " << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    report.bufferBytes = 4 * size;
    report.latencyCycles = kCostSimple * vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

/// Selects by a condition (select.h's select).
struct SelectPattern : CppOpPattern<nn::SelectOp> {
  LogicalResult emitOp(nn::SelectOp op, CppEmission &emission) const final {
    if (failed(indexEventAxis(op, 0, emission)))
      return failure();
    SmallVector<int64_t> out = emission.eventShape(op.getOutput());
    SmallVector<int64_t> cond = emission.eventShape(op.getCondition());
    auto strides = broadcastStrides(cond, out);
    if (failed(strides))
      return op->emitOpError("the condition ")
             << shapeText(cond) << " does not broadcast to the event result "
             << shapeText(out);
    SmallVector<int64_t> shape = out, condStrides = *strides;
    if (shape.empty()) {
      shape = {1};
      condStrides = {0};
    }
    std::string id = emission.identifier(op);
    std::string element = emission.elementType(op.getOutput());
    bool fixed = llvm::isa<fx::FixedType>(
        llvm::cast<RankedTensorType>(op.getOutput().getType())
            .getElementType());
    raw_ostream &decls = emission.declarations();
    writeLayerComment(decls, emission, op, "",
                      shapeText(cond) + " -> " + shapeText(out));
    {
      ConfigWriter config(decls, id + "Config", "SelectConfig");
      config.integer("rank", shape.size())
          .array("shape", shape)
          .array("condStrides", condStrides);
      auto fill = [&](StringRef has, StringRef name, double value) {
        config.line("static constexpr bool " + has + " = false;");
        if (fixed)
          config.line("static constexpr std::uint64_t " + name +
                      " = static_cast<std::uint64_t>(" +
                      intLiteral(int64_t(value)) + ");");
        else
          config.real(name, float(value));
      };
      if (!op.getX())
        fill("hasX", "xFill", op.getXValue().convertToDouble());
      if (!op.getY())
        fill("hasY", "yFill", op.getYValue().convertToDouble());
    }
    std::string none = "static_cast<const " + element + " *>(nullptr)";
    raw_ostream &body = emission.body();
    writeLayerComment(body, emission, op, "  ");
    body << "  ariadne::select<" << id << "Config, Lanes>("
         << emission.pointer(op.getCondition()) << ", "
         << (op.getX() ? emission.pointer(op.getX()) : none) << ", "
         << (op.getY() ? emission.pointer(op.getY()) : none) << ", "
         << emission.pointer(op.getOutput()) << ");\n";
    LayerReport report;
    int64_t size = product(out);
    report.bufferBytes = 4 * size;
    report.latencyCycles = kCostSimple * vectorsOf(size);
    emission.addLayer(op, report);
    return success();
  }
};

void populateCppEmitters(CppEmitterSet &set) {
  set.add<ConstantPattern>();
  set.add<DensePattern>();
  set.add<MatMulPattern>();
  set.add<ActivationPattern>();
  set.add<SoftmaxPattern>();
  set.add<BatchNormPattern>();
  set.add<BinaryPattern<nn::AddOp>>("Add");
  set.add<BinaryPattern<nn::SubOp>>("Sub");
  set.add<BinaryPattern<nn::MulOp>>("Mul");
  set.add<BinaryPattern<nn::DivOp>>("Div");
  set.add<BinaryPattern<nn::MaxOp>>("Max");
  set.add<BinaryPattern<nn::MinOp>>("Min");
  set.add<ComparePattern>();
  set.add<SelectPattern>();
  set.add<ReshapePattern>();
  set.add<TransposePattern>();
  set.add<SlicePattern>();
  set.add<WindowPattern>();
  set.add<ReduceMaxPattern>();
  set.add<ConcatPattern>();
  set.add<GatherElementsPattern>();
  set.add<ScatterElementsPattern>();
  set.add<ReturnPattern>();
  populateCppFixedEmitters(set);
}

} // namespace cpp
} // namespace ariadne
