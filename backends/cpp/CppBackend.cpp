//===- CppBackend.cpp - writes the standalone C++ package -----------------===//
//
// Runs the prepare step and the emission patterns, then fills the package
// skeletons of templates/cpp with the result and copies the runtime
// headers, all from the resources embedded in the compiler.
//
//===----------------------------------------------------------------------===//
#include "backends/cpp/CppBackend.h"

#include "backends/common/PackageFiles.h"
#include "backends/common/Template.h"
#include "backends/cpp/CppEmitter.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace ariadne::cpp;

namespace ariadne {

namespace {

/// "model.onnx: node 'fc1'" for the frontend's NameLoc(node, file).
/// The ONNX names of the function's arguments and results (the module
/// contract of DESIGN.md).
constexpr llvm::StringLiteral kTensorNameAttr = "nn.name";

/// A model input or output as one event sees it.
struct TensorInfo {
  std::string name;
  SmallVector<int64_t> shape;
  int64_t offset = 0, size = 1;
  /// The fixed-point type the value has inside the kernel (the quantized
  /// input, the output before dequantization), or "".
  std::string fixedType;
};

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

/// Text safe inside a C block comment.
std::string commentSafe(std::string text) {
  size_t pos;
  while ((pos = text.find("*/")) != std::string::npos)
    text.replace(pos, 2, "* /");
  for (char &c : text)
    if (c == '\n' || c == '\r')
      c = ' ';
  return text;
}

std::string shapeDecl(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "float (a scalar)";
  std::string text = "float";
  for (int64_t d : shape)
    text += "[" + std::to_string(d) + "]";
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
  return llvm::json::Object{{"name", tensor.name},
                            {"shape", std::move(shape)},
                            {"offset", tensor.offset},
                            {"size", tensor.size}};
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

std::string writeReport(CppEmission &emission, StringRef source,
                        const std::vector<TensorInfo> &inputs,
                        const std::vector<TensorInfo> &outputs,
                        int64_t arenaBytes) {
  llvm::json::Array layers;
  int64_t macs = 0, params = 0, weightBytes = 0, latency = 0;
  for (const LayerReport &layer : emission.layers()) {
    macs += layer.macs;
    params += layer.params;
    weightBytes += layer.weightBytes;
    latency += layer.latencyCycles;
    layers.push_back(llvm::json::Object{
        {"name", layer.name},
        {"op", layer.op},
        {"input_shapes", jsonShapes(layer.inputShapes)},
        {"output_shapes", jsonShapes(layer.outputShapes)},
        {"types", typesOf(layer)},
        {"macs", layer.macs},
        {"params", layer.params},
        {"resources", llvm::json::Object{{"weight_bytes", layer.weightBytes},
                                         {"buffer_bytes", layer.bufferBytes}}},
        {"latency", llvm::json::Object{{"vector_ops", layer.latencyCycles}}},
    });
  }
  llvm::json::Array inputArray, outputArray;
  for (const TensorInfo &tensor : inputs)
    inputArray.push_back(jsonTensor(tensor));
  for (const TensorInfo &tensor : outputs)
    outputArray.push_back(jsonTensor(tensor));
  llvm::json::Object report{
      {"kernel", emission.function().getSymName()},
      {"source", source},
      {"target", "cpp"},
      {"precision", precisionOf(emission.function())},
      {"batch", emission.batched() ? "dynamic" : "static"},
      {"inputs", std::move(inputArray)},
      {"outputs", std::move(outputArray)},
      {"layers", std::move(layers)},
      {"totals",
       llvm::json::Object{{"layers", int64_t(emission.layers().size())},
                          {"macs", macs},
                          {"params", params},
                          {"weight_bytes", weightBytes},
                          {"scratch_bytes_per_event", arenaBytes},
                          {"latency_vector_ops", latency}}},
      {"latency_model",
       "vector operations per event on a core retiring one 16-float vector "
       "operation per cycle: ceil(macs/16) for dense and matmul, plus per 16 "
       "results 1 for copies and arithmetic, 4 for division or square root, "
       "24 for exp, tanh or sigmoid"},
  };
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return text;
}

/// `text` as comment lines starting with `prefix`, wrapped at 80 columns.
std::string wrapComment(StringRef text, StringRef prefix) {
  std::string out, line = prefix.str();
  SmallVector<StringRef> words;
  text.split(words, ' ', -1, false);
  for (StringRef word : words) {
    if (line.size() > prefix.size() && line.size() + 1 + word.size() > 80) {
      out += line + "\n";
      line = prefix.str();
    }
    line += " " + word.str();
  }
  return out + line;
}

/// The scratch storage of one call: on the stack while small, else per
/// thread, so that large models neither overflow the stack nor allocate.
std::string scratchStorage(int64_t floatsPerEvent) {
  // simd::kBatchLanes is at most 32 (AVX-512).
  constexpr int64_t maxLanes = 32, stackLimitBytes = 64 * 1024;
  if (floatsPerEvent * maxLanes * 4 > stackLimitBytes)
    return "alignas(64) static thread_local ";
  return "alignas(64) ";
}

/// The raw-integer entry points of a fixed-point kernel, in NAME.h.
std::string rawDeclarations(StringRef name) {
  std::string n = name.str();
  return "\n/* The kernel computes in fixed point. " + n + "_raw and " + n +
         "_raw_batch run\n"
         " * events as " +
         n + " and " + n +
         "_batch do, but write each output's raw\n"
         " * integer (its value times 2^F, F the fractional bits of its type "
         "in the\n"
         " * table above): the integers the hardware holds, compared bit for "
         "bit\n"
         " * by `ariadnec validate`. */\n"
         "#define " +
         n +
         "_FIXED_POINT 1\n"
         "void " +
         n +
         "_raw(const float *in, int64_t *out);\n"
         "void " +
         n + "_raw_batch(const float *in, int64_t *out, size_t n);\n";
}

/// Their definitions, in NAME.cpp.
std::string rawEntries(StringRef name) {
  std::string n = name.str();
  return "\nextern \"C\" void " + n +
         "_raw(const float *in, int64_t *out) { run<1>(in, out); }\n"
         "\nextern \"C\" void " +
         n +
         "_raw_batch(const float *in, int64_t *out, size_t n) {\n"
         "  runBatch(in, out, n);\n}\n";
}

} // namespace

llvm::Error emitCppPackage(ModuleOp module, StringRef outDir) {
  // Diagnostics become the returned error: one line with the location.
  auto emitted = cpp::emitCppModule(module, "cpp");
  if (!emitted)
    return emitted.takeError();
  CppEmission &emission = **emitted;
  func::FuncOp fn = emission.function();
  std::string name = fn.getSymName().str();
  std::string source = cpp::sourceOf(module, fn);
  auto returnOp = llvm::cast<func::ReturnOp>(fn.getBody().front().back());
  std::vector<TensorInfo> inputs =
      describeTensors(emission, fn.getArguments(), true);
  std::vector<TensorInfo> outputs =
      describeTensors(emission, returnOp.getOperands(), false);
  int64_t inputSize = inputs.back().offset + inputs.back().size;
  int64_t outputSize = outputs.back().offset + outputs.back().size;
  int64_t arena = fn->getAttrOfType<IntegerAttr>(kArenaSizeAttr).getInt();

  std::string upper = llvm::StringRef(name).upper();
  std::string table, macros, list;
  auto describe = [&](const std::vector<TensorInfo> &tensors, bool isInput) {
    const char *array = isInput ? "in" : "out";
    const char *kind = isInput ? "input" : "output";
    const char *prefix = isInput ? "IN" : "OUT";
    for (auto [index, tensor] : llvm::enumerate(tensors)) {
      std::string range = std::string(array) + "[" +
                          std::to_string(tensor.offset) + ", " +
                          std::to_string(tensor.offset + tensor.size) + ")";
      table +=
          " *   " + range + "  " + kind + " " + std::to_string(index) + " '" +
          commentSafe(tensor.name) + "': " + shapeDecl(tensor.shape) +
          (tensor.fixedType.empty() ? "" : ", as " + tensor.fixedType) + "\n";
      list += "- `" + range + "`: " + kind + " " + std::to_string(index) +
              " `" + tensor.name + "`, `" + shapeDecl(tensor.shape) + "`" +
              (tensor.fixedType.empty()
                   ? ""
                   : " (computed as `" + tensor.fixedType + "`)") +
              "\n";
      std::string macro = name + "_" + prefix + std::to_string(index);
      macros += "#define " + macro + "_OFFSET " +
                std::to_string(tensor.offset) + "\n";
      macros +=
          "#define " + macro + "_SIZE " + std::to_string(tensor.size) + "\n";
      if (!tensor.shape.empty())
        macros += "#define " + macro + "_SHAPE " + intList(tensor.shape) + "\n";
    }
  };
  describe(inputs, true);
  describe(outputs, false);
  if (!table.empty() && table.back() == '\n')
    table.pop_back();
  if (!list.empty() && list.back() == '\n')
    list.pop_back();
  std::string eventDefinition =
      emission.batched()
          ? "one entry along the leading (batch) dimension of every input "
            "and output"
          : "the whole input and output tensors (the model has no batch "
            "dimension)";

  std::string summary = "\n## Layers\n\n| layer | op | event output | "
                        "MACs | parameters |\n|---|---|---|---|---|\n";
  for (const LayerReport &layer : emission.layers()) {
    std::string shapes;
    for (const auto &shape : layer.outputShapes)
      shapes += shapeDecl(shape);
    std::string layerName = layer.name;
    std::replace(layerName.begin(), layerName.end(), '|', '/');
    summary += "| `" + layerName + "` | `" + layer.op + "` | `" + shapes +
               "` | " + std::to_string(layer.macs) + " | " +
               std::to_string(layer.params) + " |\n";
  }

  std::string bodyText = emission.takeBody();
  std::string body;
  bool fixedPoint = emission.fixedPoint();
  if (arena > 0)
    body += "  " + scratchStorage(arena * (fixedPoint ? 2 : 1)) +
            (fixedPoint ? "std::uint64_t" : "float") + " arena[Lanes * " +
            std::to_string(arena) + "];\n";
  body += bodyText;
  std::string declarations = emission.takeDeclarations();

  while (!declarations.empty() && declarations.back() == '\n')
    declarations.pop_back();
  declarations += "\n";

  TemplateSlots common{{"NAME", name}, {"SOURCE", source}};
  TemplateSlots headerSlots = common;
  std::string eventComment = wrapComment(
      "One event is " + eventDefinition +
          ". `in` holds its inputs flattened in C order and concatenated in "
          "graph order, `out` its outputs likewise:",
      " *");
  headerSlots.insert(
      {{"BANNER",
        fileBanner(name + ".h", "the " + name + " kernel", BannerStyle::C)},
       {"GUARD", upper + "_H"},
       {"EVENT_COMMENT", eventComment},
       {"TENSOR_TABLE", table},
       {"TENSOR_MACROS", macros},
       {"INPUT_SIZE", std::to_string(inputSize)},
       {"OUTPUT_SIZE", std::to_string(outputSize)},
       {"RAW_DECLARATIONS", fixedPoint ? rawDeclarations(name) : ""}});
  TemplateSlots sourceSlots = common;
  sourceSlots.insert(
      {{"BANNER", fileBanner(name + ".cpp", "the " + name + " kernel")},
       {"DECLARATIONS", declarations},
       {"BODY", body},
       {"TILE_STORAGE", scratchStorage(2 * (inputSize + outputSize))},
       {"RAW_ENTRIES", fixedPoint ? rawEntries(name) : ""}});
  TemplateSlots readmeSlots = common;
  readmeSlots.insert({{"EVENT_DEFINITION", eventDefinition},
                      {"TENSOR_LIST", list},
                      {"INPUT_SIZE", std::to_string(inputSize)},
                      {"OUTPUT_SIZE", std::to_string(outputSize)},
                      {"LAYER_SUMMARY", summary}});
  TemplateSlots nameOnly{{"NAME", name}};
  TemplateSlots benchSlots{
      {"NAME", name},
      {"BANNER",
       fileBanner("tb.cpp", "test bench of the " + name + " kernel")}};

  const TemplatedFile files[] = {
      {name + ".h", "templates/cpp/kernel.h", &headerSlots},
      {name + ".cpp", "templates/cpp/kernel.cpp", &sourceSlots},
      {"CMakeLists.txt", "templates/cpp/CMakeLists.txt", &nameOnly},
      {"tb.cpp", "templates/cpp/tb.cpp", &benchSlots},
      {"README.md", "templates/cpp/README.md", &readmeSlots},
  };
  if (llvm::Error err = writeTemplatedFiles(outDir, files))
    return err;
  if (llvm::Error err = copyRuntimeHeaders(outDir, "ariadne"))
    return err;
  return writePackageFile(outDir, "report.json",
                          writeReport(emission, source, inputs, outputs,
                                      (fixedPoint ? 8 : 4) * arena));
}

} // namespace ariadne
