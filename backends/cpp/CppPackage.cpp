//===- CppPackage.cpp - what the cpp and cuda packages describe -----------===//
//
// The event layout and report.json of a package, from the emission.
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppPackage.h"
#include "backends/common/TableReport.h"

#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace ariadne {
namespace cpp {

namespace {

/// The ONNX names of the function's arguments and results (the module
/// contract of DESIGN.md).
constexpr llvm::StringLiteral kTensorNameAttr = "nn.name";

std::vector<TensorInfo> describeTensors(CppEmission &emission,
                                        ValueRange values, bool inputs) {
  func::FuncOp fn = emission.function();
  std::vector<TensorInfo> tensors;
  int64_t offset = 0;
  for (auto [index, value] : llvm::enumerate(values)) {
    TensorInfo info;
    auto name =
        inputs ? fn.getArgAttrOfType<StringAttr>(index, kTensorNameAttr)
               : fn.getResultAttrOfType<StringAttr>(index, kTensorNameAttr);
    info.name = name ? name.str()
                     : (inputs ? "input" : "output") + std::to_string(index);
    info.shape = emission.eventShape(value);
    info.offset = offset;
    info.size = emission.eventSize(value);
    offset += info.size;
    // The quantize op that reads an input, the dequantize that writes an
    // output.
    if (inputs) {
      for (Operation *user : value.getUsers())
        if (auto q = llvm::dyn_cast<fx::QuantizeOp>(user))
          info.fixedType = fx::formatPrecision(
              llvm::cast<fx::FixedType>(q.getType().getElementType()));
    } else if (auto dq = value.getDefiningOp<fx::DequantizeOp>()) {
      info.fixedType = fx::formatPrecision(
          llvm::cast<fx::FixedType>(dq.getInput().getType().getElementType()));
    }
    tensors.push_back(info);
  }
  return tensors;
}

/// Text safe inside a C block comment and on one comment line.
std::string commentSafe(std::string text) {
  size_t pos;
  while ((pos = text.find("*/")) != std::string::npos)
    text.replace(pos, 2, "* /");
  for (char &c : text)
    if (c == '\n' || c == '\r')
      c = ' ';
  return text;
}

llvm::json::Array jsonShapes(const std::vector<std::vector<int64_t>> &shapes) {
  llvm::json::Array array;
  for (const auto &shape : shapes) {
    llvm::json::Array dims;
    for (int64_t d : shape)
      dims.push_back(d);
    array.push_back(std::move(dims));
  }
  return array;
}

llvm::json::Object jsonTensor(const TensorInfo &tensor) {
  llvm::json::Array shape;
  for (int64_t d : tensor.shape)
    shape.push_back(d);
  llvm::json::Object object{{"name", tensor.name},
                            {"shape", std::move(shape)},
                            {"offset", tensor.offset},
                            {"size", tensor.size}};
  if (!tensor.fixedType.empty())
    object["type"] = tensor.fixedType;
  return object;
}

/// The precision the model was compiled at, as the driver records it.
std::string precisionOf(func::FuncOp fn) {
  if (auto text = fn->getAttrOfType<StringAttr>(kPrecisionNoteAttr))
    return text.str();
  return fn->hasAttr(kFixedPointAttr) ? "fixed" : "float";
}

llvm::json::Object typesOf(const LayerReport &layer) {
  if (layer.types.empty())
    return llvm::json::Object{{"input", "float"},
                              {"weight", "float"},
                              {"accumulator", "float"},
                              {"output", "float"}};
  llvm::json::Object types;
  for (const auto &[role, type] : layer.types)
    types[role] = type;
  return types;
}

} // namespace

std::string shapeDecl(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "float (a scalar)";
  std::string text = "float";
  for (int64_t d : shape)
    text += "[" + std::to_string(d) + "]";
  return text;
}

EventLayout describeEventLayout(CppEmission &emission,
                                StringRef commentPrefix) {
  func::FuncOp fn = emission.function();
  auto returnOp = llvm::cast<func::ReturnOp>(fn.getBody().front().back());
  EventLayout layout;
  layout.inputs = describeTensors(emission, fn.getArguments(), true);
  layout.outputs = describeTensors(emission, returnOp.getOperands(), false);
  layout.inputSize = layout.inputs.back().offset + layout.inputs.back().size;
  layout.outputSize = layout.outputs.back().offset + layout.outputs.back().size;
  layout.definition =
      emission.batched()
          ? "one entry along the leading (batch) dimension of every input "
            "and output"
          : "the whole input and output tensors (the model has no batch "
            "dimension)";

  std::string name = fn.getSymName().str();
  auto describe = [&](const std::vector<TensorInfo> &tensors, bool isInput) {
    const char *array = isInput ? "in" : "out";
    const char *kind = isInput ? "input" : "output";
    const char *prefix = isInput ? "IN" : "OUT";
    for (auto [index, tensor] : llvm::enumerate(tensors)) {
      std::string range = std::string(array) + "[" +
                          std::to_string(tensor.offset) + ", " +
                          std::to_string(tensor.offset + tensor.size) + ")";
      layout.table +=
          commentPrefix.str() + "   " + range + "  " + kind + " " +
          std::to_string(index) + " '" + commentSafe(tensor.name) +
          "': " + shapeDecl(tensor.shape) +
          (tensor.fixedType.empty() ? "" : ", as " + tensor.fixedType) + "\n";
      layout.list += "- `" + range + "`: " + kind + " " +
                     std::to_string(index) + " `" + tensor.name + "`, `" +
                     shapeDecl(tensor.shape) + "`" +
                     (tensor.fixedType.empty()
                          ? ""
                          : " (computed as `" + tensor.fixedType + "`)") +
                     "\n";
      std::string macro = name + "_" + prefix + std::to_string(index);
      layout.macros += "#define " + macro + "_OFFSET " +
                       std::to_string(tensor.offset) + "\n";
      layout.macros +=
          "#define " + macro + "_SIZE " + std::to_string(tensor.size) + "\n";
      if (!tensor.shape.empty())
        layout.macros +=
            "#define " + macro + "_SHAPE " + intList(tensor.shape) + "\n";
    }
  };
  describe(layout.inputs, true);
  describe(layout.outputs, false);
  if (!layout.table.empty())
    layout.table.pop_back();
  if (!layout.list.empty())
    layout.list.pop_back();
  return layout;
}

std::string packageReport(CppEmission &emission, StringRef source,
                          StringRef target, const EventLayout &layout,
                          int64_t scratchBytes,
                          llvm::json::Object targetFields) {
  // The vector-operation latency model is the CPU's.
  bool cpu = target == "cpp";
  llvm::json::Array layers;
  int64_t macs = 0, params = 0, weightBytes = 0, latency = 0;
  for (const LayerReport &layer : emission.layers()) {
    macs += layer.macs;
    params += layer.params;
    weightBytes += layer.weightBytes;
    latency += layer.latencyCycles;
    llvm::json::Object entry{
        {"name", layer.name},
        {"op", layer.op},
        {"input_shapes", jsonShapes(layer.inputShapes)},
        {"output_shapes", jsonShapes(layer.outputShapes)},
        {"types", typesOf(layer)},
        {"macs", layer.macs},
        {"params", layer.params},
        {"resources", llvm::json::Object{{"weight_bytes", layer.weightBytes},
                                         {"buffer_bytes", layer.bufferBytes}}},
    };
    if (cpu)
      entry["latency"] =
          llvm::json::Object{{"vector_ops", layer.latencyCycles}};
    layers.push_back(std::move(entry));
  }
  llvm::json::Array inputArray, outputArray;
  for (const TensorInfo &tensor : layout.inputs)
    inputArray.push_back(jsonTensor(tensor));
  for (const TensorInfo &tensor : layout.outputs)
    outputArray.push_back(jsonTensor(tensor));
  llvm::json::Object totals{{"layers", int64_t(emission.layers().size())},
                            {"macs", macs},
                            {"params", params},
                            {"weight_bytes", weightBytes},
                            {"scratch_bytes_per_event", scratchBytes}};
  llvm::json::Object report{
      {"kernel", emission.function().getSymName()},
      {"source", source},
      {"target", target},
      {"precision", precisionOf(emission.function())},
      {"batch", emission.batched() ? "dynamic" : "static"},
      {"inputs", std::move(inputArray)},
      {"outputs", std::move(outputArray)},
      {"layers", std::move(layers)},
      {"tables", tablesJson(emission.function())},
  };
  if (cpu) {
    totals["latency_vector_ops"] = latency;
    report["latency_model"] =
        "vector operations per event on a core retiring one 16-float vector "
        "operation per cycle: ceil(macs/16) for dense and matmul, plus per 16 "
        "results 1 for copies and arithmetic, 4 for division or square root, "
        "24 for exp, tanh or sigmoid";
  }
  report["totals"] = std::move(totals);
  for (auto &field : targetFields)
    report[field.first] = std::move(field.second);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return text;
}

} // namespace cpp
} // namespace ariadne
