//===- OnnxImporter.cpp - ONNX to the nn dialect --------------------------===//
//
// Reading, validation and shape inference with libonnx; the graph walk
// itself is in GraphImporter.cpp and the op importers in OpImporters.cpp.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/OnnxImporter.h"
#include "frontend/onnx/GraphImporter.h"
#include "passes/NN/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <climits>
#include <cstring>
#include <exception>
#include <optional>
#include <set>

using namespace ariadne;

static llvm::Error sourceError(llvm::StringRef source,
                               const llvm::Twine &reason) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      frontend::escapeControl((source + ": " + reason).str()));
}

/// Squeezes a multi-line library message (ONNX's checker appends context
/// lines) into one line.
static std::string oneLine(llvm::StringRef text) {
  std::string out;
  bool pendingBreak = false;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      pendingBreak = !out.empty();
      continue;
    }
    if (pendingBreak) {
      while (!out.empty() && out.back() == ' ')
        out.pop_back();
      out += "; ";
      pendingBreak = false;
      if (c == ' ')
        continue;
    }
    if (c == ' ' && !out.empty() && (out.back() == ' '))
      continue;
    out += c;
  }
  return llvm::StringRef(out).trim().str();
}

/// The kernel name derived from a file name: a C identifier.
static std::string identifierFromPath(llvm::StringRef path) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (name.empty())
    return "model";
  if (llvm::isDigit(name.front()))
    name.insert(name.begin(), '_');
  return name;
}

static bool isIdentifier(llvm::StringRef name) {
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

namespace {
/// Keeps the first error of the protobuf text parser.
class TextErrorCollector : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string &message) override {
    if (!hasError) {
      hasError = true;
      text = "line " + std::to_string(line + 1) + ", column " +
             std::to_string(column + 1) + ": " + message;
    }
  }
  bool hasError = false;
  std::string text;
};
} // namespace

static llvm::Error parseModel(llvm::StringRef bytes, llvm::StringRef source,
                              bool isText, onnx::ModelProto &model) {
  if (bytes.empty())
    return sourceError(source, "not an ONNX model: the file is empty");
  if (bytes.size() > size_t(INT_MAX))
    return sourceError(source, "the model is larger than 2 GiB");
  if (isText) {
    google::protobuf::TextFormat::Parser parser;
    TextErrorCollector errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(bytes), &model))
      return sourceError(source,
                         "invalid ONNX text format at " + oneLine(errors.text));
  } else if (!model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    return sourceError(source, "not an ONNX model: the bytes are not a "
                               "valid ModelProto (truncated or corrupt)");
  }
  if (!model.has_graph())
    return sourceError(source, "not an ONNX model: it has no graph");
  return llvm::Error::success();
}

/// --dynamic-batch: makes the leading dimension of the graph's inputs and
/// outputs symbolic, drops the intermediate shapes the exporter recorded,
/// and turns the pinned batch size at the head of Reshape shape constants
/// into 0 (copy the input's dimension).
static llvm::Error makeBatchDynamic(onnx::ModelProto &model,
                                    llvm::StringRef source) {
  onnx::GraphProto &graph = *model.mutable_graph();
  std::set<std::string> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers.insert(t.name());
  std::optional<int64_t> pinned;
  auto makeDynamic = [&](onnx::ValueInfoProto &value) -> llvm::Error {
    if (!value.type().has_tensor_type() ||
        !value.type().tensor_type().has_shape() ||
        value.type().tensor_type().shape().dim_size() == 0)
      return sourceError(source, "--dynamic-batch: '" + value.name() +
                                     "' has no leading dimension to make "
                                     "the batch");
    onnx::TensorShapeProto_Dimension &dim = *value.mutable_type()
                                                 ->mutable_tensor_type()
                                                 ->mutable_shape()
                                                 ->mutable_dim(0);
    if (dim.has_dim_value()) {
      if (pinned && *pinned != dim.dim_value())
        return sourceError(source, "--dynamic-batch: '" + value.name() +
                                       "' has a leading dimension of " +
                                       std::to_string(dim.dim_value()) +
                                       ", another input or output " +
                                       std::to_string(*pinned));
      pinned = dim.dim_value();
    }
    dim.set_dim_param("batch");
    return llvm::Error::success();
  };
  for (onnx::ValueInfoProto &input : *graph.mutable_input())
    if (!initializers.count(input.name()))
      if (auto err = makeDynamic(input))
        return err;
  for (onnx::ValueInfoProto &output : *graph.mutable_output())
    if (auto err = makeDynamic(output))
      return err;
  graph.clear_value_info();
  if (!pinned)
    return llvm::Error::success();
  // Shape constants of Reshape that start with the pinned batch.
  std::set<std::string> shapeNames;
  for (const onnx::NodeProto &node : graph.node())
    if (node.op_type() == "Reshape" && node.input_size() > 1)
      shapeNames.insert(node.input(1));
  auto rewrite = [&](onnx::TensorProto &t) {
    if (t.data_type() != onnx::TensorProto_DataType_INT64 || t.dims_size() != 1)
      return;
    if (t.int64_data_size() > 0) {
      if (t.int64_data(0) == *pinned)
        t.set_int64_data(0, 0);
    } else if (t.raw_data().size() >= sizeof(int64_t)) {
      int64_t first;
      std::memcpy(&first, t.raw_data().data(), sizeof first);
      if (first == *pinned) {
        std::string raw = t.raw_data();
        std::memset(raw.data(), 0, sizeof(int64_t));
        t.set_raw_data(raw);
      }
    }
  };
  for (onnx::TensorProto &t : *graph.mutable_initializer())
    if (shapeNames.count(t.name()))
      rewrite(t);
  for (onnx::NodeProto &node : *graph.mutable_node())
    if (node.op_type() == "Constant" && node.output_size() == 1 &&
        shapeNames.count(node.output(0)))
      for (onnx::AttributeProto &a : *node.mutable_attribute())
        if (a.name() == "value" && a.has_t())
          rewrite(*a.mutable_t());
  return llvm::Error::success();
}

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
ariadne::importOnnxBuffer(mlir::MLIRContext &context, llvm::StringRef bytes,
                          llvm::StringRef sourceName, bool isText,
                          const OnnxImportOptions &options) {
  std::string functionName = options.functionName;
  if (functionName.empty())
    functionName = identifierFromPath(sourceName);
  else if (!isIdentifier(functionName))
    return sourceError(sourceName, "the function name '" + functionName +
                                       "' is not a C identifier");

  onnx::ModelProto model;
  if (auto err = parseModel(bytes, sourceName, isText, model))
    return err;
  if (auto err = frontend::precheckModel(model, sourceName))
    return err;
  if (options.dynamicBatch)
    if (auto err = makeBatchDynamic(model, sourceName))
      return err;
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    return sourceError(sourceName, "invalid ONNX model: " + oneLine(e.what()));
  }
  try {
    // Node-level inference errors are left to the importer, which reports
    // them with the node; only inconsistencies between declared and
    // inferred types throw here.
    onnx::ShapeInferenceOptions inference(/*check_type_val=*/false,
                                          /*strict_mode_val=*/0,
                                          /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &e) {
    return sourceError(sourceName,
                       "ONNX shape inference failed: " + oneLine(e.what()));
  }

  context.loadDialect<nn::NNDialect, mlir::func::FuncDialect>();
  frontend::GraphImporter importer(context, model, sourceName, functionName);
  return importer.run();
}

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
ariadne::importOnnxFile(mlir::MLIRContext &context, llvm::StringRef path,
                        const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return sourceError(path,
                       "cannot read the file: " + buffer.getError().message());
  bool isText = path.ends_with(".onnxtxt");
  return importOnnxBuffer(context, (*buffer)->getBuffer(), path, isText,
                          options);
}
