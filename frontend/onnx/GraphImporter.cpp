//===- GraphImporter.cpp - walk an ONNX graph into the nn dialect ---------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/defs/schema.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::frontend;

std::string frontend::escapeControl(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += llvm::hexdigit(byte >> 4, /*LowerCase=*/true);
      out += llvm::hexdigit(byte & 15, /*LowerCase=*/true);
    }
  }
  return out;
}

/// Errors are single lines even when names in the model hold control
/// characters.
static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 escapeControl(message.str()));
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext &mlirContext,
                             const onnx::ModelProto &modelProto,
                             llvm::StringRef source, std::string name)
    : context(mlirContext), model(modelProto), sourceName(source.str()),
      functionName(std::move(name)), builder(&mlirContext),
      fileLoc(FileLineColLoc::get(&mlirContext, source, 0, 0)) {}

llvm::Error GraphImporter::error(const llvm::Twine &reason) const {
  return makeError(sourceName + ": " + reason);
}

llvm::Expected<Value> GraphImporter::materialize(FloatConstant &constant,
                                                 const NodeImporter *user) {
  if (constant.materialized)
    return constant.materialized;
  if (constant.batchFill) {
    std::string reason = constant.origin +
                         " has a shape that depends on the dynamic batch "
                         "size; only a recurrent layer's initial state may";
    return user ? user->error(reason) : error(reason);
  }
  for (size_t i = 0; i < constant.data.size(); ++i) {
    float v = constant.data[i];
    if (std::isfinite(v))
      continue;
    std::string reason = constant.origin + " contains " +
                         (std::isnan(v) ? "NaN" : "Inf") + " (element " +
                         std::to_string(i) + ")";
    return user ? user->error(reason) : error(reason);
  }
  auto type = RankedTensorType::get(constant.shape, builder.getF32Type());
  auto attr =
      DenseElementsAttr::get(type, llvm::ArrayRef<float>(constant.data));
  Location loc = user ? user->loc() : fileLoc;
  constant.materialized = builder.create<nn::ConstantOp>(loc, attr).getResult();
  return constant.materialized;
}

llvm::Error GraphImporter::registerInitializers() {
  for (const onnx::TensorProto &init : model.graph().initializer()) {
    std::string origin = "initializer '" + init.name() + "'";
    ImportedValue v;
    int32_t dtype = init.data_type();
    if (dtype == onnx::TensorProto_DataType_FLOAT) {
      auto constant = decodeFloatTensor(init, origin);
      if (!constant)
        return error(origin + " " + llvm::toString(constant.takeError()));
      v.kind = ImportedValue::Kind::FloatConst;
      v.constant = std::move(*constant);
    } else if (isIntegerDataType(dtype)) {
      auto ints = decodeIntTensor(init);
      if (!ints)
        return error(origin + " " + llvm::toString(ints.takeError()));
      v.kind = ImportedValue::Kind::Int;
      v.ints = std::move(*ints);
    } else {
      v.kind = ImportedValue::Kind::Unsupported;
      v.reason = origin + " has dtype " + dataTypeName(dtype) +
                 "; only float32 is supported";
    }
    values[init.name()] = std::move(v);
  }
  return llvm::Error::success();
}

static const char *valueCaseName(const onnx::TypeProto &type) {
  switch (type.value_case()) {
  case onnx::TypeProto::kSequenceType:
    return "a sequence";
  case onnx::TypeProto::kMapType:
    return "a map";
  case onnx::TypeProto::kOptionalType:
    return "an optional";
  case onnx::TypeProto::kSparseTensorType:
    return "a sparse tensor";
  default:
    return "untyped";
  }
}

llvm::Expected<SmallVector<Type>> GraphImporter::registerInputs() {
  SmallVector<Type> types;
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    // Old exporters list initializers among the inputs: they are weights.
    if (values.count(input.name()))
      continue;
    std::string what = "graph input '" + input.name() + "'";
    const onnx::TypeProto &type = input.type();
    if (type.value_case() != onnx::TypeProto::kTensorType)
      return error(what + " is " + valueCaseName(type) +
                   "; only float32 tensors are supported");
    const onnx::TypeProto_Tensor &tensorType = type.tensor_type();
    // int32 and int64 inputs are indices (of gathers and scatters): the IR
    // carries their integers as f32 (exact to 2^24, and a larger one lies
    // outside every axis either way) and marks them nn.index.
    // bool inputs (masks) are index tensors of 0 and 1, conditions.
    bool isCondition =
        tensorType.elem_type() == onnx::TensorProto_DataType_BOOL;
    bool isIndex = tensorType.elem_type() == onnx::TensorProto_DataType_INT64 ||
                   tensorType.elem_type() == onnx::TensorProto_DataType_INT32 ||
                   isCondition;
    if (isCondition)
      conditionInputs.insert(input.name());
    if (isIndex)
      indexInputs.insert(input.name());
    else if (tensorType.elem_type() != onnx::TensorProto_DataType_FLOAT) {
      ImportedValue v;
      v.kind = ImportedValue::Kind::Unsupported;
      v.reason = what + " has dtype " + dataTypeName(tensorType.elem_type()) +
                 "; only float32 inputs, int32/int64 indices and bool masks "
                 "are supported";
      v.isRuntime = true;
      values[input.name()] = std::move(v);
      unsupportedInputs.push_back(input.name());
      continue;
    }
    if (!tensorType.has_shape())
      return error(what + " has no shape; its rank must be known");
    SmallVector<int64_t> shape;
    int64_t batchAxis = -1;
    for (int d = 0; d < tensorType.shape().dim_size(); ++d) {
      const auto &dim = tensorType.shape().dim(d);
      // precheckModel refused negative sizes and sizes past 32 bits.
      if (dim.has_dim_value()) {
        shape.push_back(dim.dim_value());
        continue;
      }
      // One dynamic dimension, the batch: leading, or elsewhere in a
      // time-major sequence ([T, batch, F], what recurrent layers read).
      if (batchAxis < 0) {
        batchAxis = d;
        shape.push_back(ShapedType::kDynamic);
        continue;
      }
      std::string label =
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : "";
      return error(what + " has a second dynamic dimension " +
                   std::to_string(d) + label +
                   "; only one (the batch) may be dynamic");
    }
    if (batchAxis > 0) {
      shape = storedShape(shape, batchAxis);
      inputBatchAxes[input.name()] = batchAxis;
    }
    // Sizes are computed in int64 everywhere downstream: bound one event so
    // that no product of dimensions can overflow.
    int64_t eventElements = 1;
    for (int64_t d : shape)
      if (!ShapedType::isDynamic(d) &&
          (eventElements *= d) > std::numeric_limits<int32_t>::max())
        return error(what + " holds more than 2^31 values per event, which "
                            "is too large");
    types.push_back(RankedTensorType::get(shape, builder.getF32Type()));
  }
  return types;
}

llvm::Error GraphImporter::checkInferredType(NodeImporter &node,
                                             llvm::StringRef name,
                                             RankedTensorType type,
                                             bool isIndex) const {
  auto it = inferredTypes.find(name);
  if (it == inferredTypes.end() ||
      it->second->value_case() != onnx::TypeProto::kTensorType)
    return llvm::Error::success();
  const onnx::TypeProto_Tensor &inferred = it->second->tensor_type();
  int32_t dtype = inferred.elem_type();
  bool expected = isIndex ? isIntegerDataType(dtype)
                          : dtype == onnx::TensorProto_DataType_FLOAT;
  if (dtype != onnx::TensorProto_DataType_UNDEFINED && !expected)
    return node.error("output '" + name + "' has dtype " + dataTypeName(dtype) +
                      (isIndex ? "; an op on indices gives integers"
                               : "; only float32 is supported"));
  if (!inferred.has_shape())
    return llvm::Error::success();
  const onnx::TensorShapeProto &shape = inferred.shape();
  bool agree = shape.dim_size() == type.getRank();
  for (int d = 0; agree && d < shape.dim_size(); ++d)
    if (shape.dim(d).has_dim_value() && !type.isDynamicDim(d) &&
        shape.dim(d).dim_value() != type.getDimSize(d))
      agree = false;
  if (agree)
    return llvm::Error::success();
  SmallVector<int64_t> dims;
  for (const auto &dim : shape.dim())
    dims.push_back(dim.has_dim_value() ? dim.dim_value()
                                       : ShapedType::kDynamic);
  return node.error("output '" + name + "' has shape " +
                    formatShape(type.getShape()) +
                    " but ONNX shape inference gives " + formatShape(dims));
}

llvm::Error GraphImporter::verifyNewOps(NodeImporter &node, Operation *before) {
  Block *block = builder.getInsertionBlock();
  auto begin = before ? std::next(Block::iterator(before)) : block->begin();
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  for (Operation &op : llvm::make_range(begin, block->end()))
    if (failed(mlir::verify(&op, /*verifyRecursively=*/false)))
      return node.error(message.empty() ? "the imported op is invalid"
                                        : message);
  return llvm::Error::success();
}

llvm::Error GraphImporter::importNode(const onnx::NodeProto &node) {
  const OpImporter &importer = getOpImporters().find(node.op_type())->second;
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset), "");
  Location loc =
      NameLoc::get(StringAttr::get(&context, displayName(node)), fileLoc);
  NodeImporter ni(*this, node, schema ? schema->since_version() : 0, loc);
  if (!schema)
    return ni.error("no ONNX schema for opset " + std::to_string(opset));
  if (ni.version() < importer.minVersion)
    return ni.error(node.op_type() + "-" + std::to_string(ni.version()) +
                    " (opset " + std::to_string(opset) +
                    ") is not supported; the importer needs opset " +
                    std::to_string(importer.minVersion) + " or newer");

  static const llvm::StringSet<> mergedReaders = {
      "Reshape",   "Transpose", "Shape",  "Squeeze",
      "Unsqueeze", "Identity",  "Dropout"};
  ni.readsMergedViews = mergedReaders.contains(node.op_type());
  return runPerEvent(ni, importer.import);
}

namespace {

/// How an op keeps one event's values apart when its inputs are views.
enum class PerEventKind { None, Elementwise, MatMul, Gemm, LastAxis };

PerEventKind perEventKind(llvm::StringRef op) {
  static const llvm::StringSet<> elementwise = {
      "Add",         "Sub",     "Mul",      "Div",       "Relu",
      "LeakyRelu",   "Tanh",    "Abs",      "Sigmoid",   "Softsign",
      "Softplus",    "Erf",     "HardSigmoid", "Elu",    "Selu",
      "HardSwish",   "PRelu",   "Clip",     "Where",     "Equal",
      "Greater",     "Less",    "GreaterOrEqual", "LessOrEqual", "Not",
      "And",         "Or",      "Xor",      "Cast",      "Neg"};
  if (elementwise.contains(op))
    return PerEventKind::Elementwise;
  if (op == "MatMul")
    return PerEventKind::MatMul;
  if (op == "Gemm")
    return PerEventKind::Gemm;
  if (op == "Softmax")
    return PerEventKind::LastAxis;
  return PerEventKind::None;
}

} // namespace

llvm::Error GraphImporter::runPerEvent(NodeImporter &ni,
                                       const OpImportFn &import) {
  const onnx::NodeProto &node = ni.node();
  // The view of the batched inputs, and the ONNX shapes of all inputs.
  std::optional<BatchView> view;
  llvm::SmallVector<std::string> viewNames;
  llvm::SmallVector<std::optional<llvm::SmallVector<int64_t>>> shapes;
  // Fills of the batch size (ConstantOfShape of a Shape): one value, the
  // same in every event however the batch is merged.
  llvm::SmallVector<bool> fills;
  bool anyView = false;
  for (int i = 0; i < node.input_size(); ++i) {
    shapes.emplace_back();
    fills.push_back(false);
    auto it = values.find(node.input(i));
    if (node.input(i).empty() || it == values.end())
      continue;
    const ImportedValue &v = it->second;
    fills.back() =
        v.kind == ImportedValue::Kind::FloatConst && v.constant->batchFill;
    if (v.kind == ImportedValue::Kind::FloatConst && !v.constant->batchFill)
      shapes.back() = v.constant->shape;
    if (v.kind != ImportedValue::Kind::Tensor)
      continue;
    auto stored = llvm::cast<RankedTensorType>(v.tensor.getType()).getShape();
    shapes.back() = onnxShape(stored, v.batchAxis, v.batchFactor);
    if (stored.empty() || !ShapedType::isDynamic(stored.front()))
      continue;
    BatchView here{v.batchAxis, v.batchFactor, v.batchOuter};
    anyView |= v.isView();
    if (view && !(*view == here))
      return ni.error("inputs '" + viewNames.front() + "' and '" +
                      node.input(i) +
                      "' hold the dynamic batch dimension at different "
                      "places");
    view = here;
    viewNames.push_back(node.input(i));
  }
  if (!anyView)
    return runImporter(ni, import);
  // Other ops read views themselves (the data-movement and recurrent
  // importers) or refuse them (NodeImporter::tensor).
  PerEventKind kind = perEventKind(node.op_type());
  if (kind == PerEventKind::None)
    return runImporter(ni, import);

  // The checks: the op must act on the ONNX axes after the batch alone.
  int64_t axis = view->axis;
  auto batched = [&](int i) {
    return llvm::is_contained(viewNames, node.input(i));
  };
  auto fail = [&](const llvm::Twine &why) {
    return ni.error("the dynamic batch dimension of '" + viewNames.front() +
                    "' sits at axis " + std::to_string(axis) + ": " + why);
  };
  llvm::SmallVector<int64_t> first;
  for (int i = 0; i < node.input_size(); ++i)
    if (batched(i)) {
      first = *shapes[i];
      break;
    }
  int64_t rank = int64_t(first.size());
  // A broadcast operand (a constant) must be 1 along the batch's axis and
  // every axis before it, so that it broadcasts over one event alike.
  auto checkBroadcast = [&](int i) -> llvm::Error {
    if (!shapes[i])
      return fail("input '" + node.input(i) + "' has no known shape");
    const auto &s = *shapes[i];
    if (int64_t(s.size()) > rank)
      return fail("input '" + node.input(i) + "' has a higher rank");
    for (auto [t, d] : llvm::enumerate(s))
      if (rank - int64_t(s.size()) + int64_t(t) <= axis && d != 1)
        return fail("input '" + node.input(i) + "' " + formatShape(s) +
                    " would broadcast across events");
    return llvm::Error::success();
  };
  switch (kind) {
  case PerEventKind::Elementwise:
    for (int i = 0; i < node.input_size(); ++i) {
      if (node.input(i).empty() || fills[size_t(i)])
        continue;
      if (batched(i)) {
        // Batched inputs broadcast against each other only after the
        // batch's axis.
        const auto &s = *shapes[i];
        if (s.size() != first.size() ||
            llvm::ArrayRef<int64_t>(s).take_front(axis + 1) !=
                llvm::ArrayRef<int64_t>(first).take_front(axis + 1))
          return fail("inputs of shapes " + formatShape(first) + " and " +
                      formatShape(s) + " would broadcast across events");
      } else if (auto err = checkBroadcast(i)) {
        return err;
      }
    }
    break;
  case PerEventKind::MatMul: {
    bool both = batched(0) && batched(1);
    if (axis >= rank - (both || batched(1) ? 2 : 1))
      return fail("MatMul would contract or transpose it");
    if (both && llvm::ArrayRef<int64_t>(*shapes[0]).drop_back(2) !=
                    llvm::ArrayRef<int64_t>(*shapes[1]).drop_back(2))
      return fail("the operands' leading dimensions differ");
    int other = batched(0) ? 1 : 0;
    if (!both && (!shapes[other] || shapes[other]->size() > 2))
      return fail("the other operand must be a matrix");
    break;
  }
  case PerEventKind::Gemm:
    if (!batched(0) || batched(1) || axis != 0 || ni.intAttr("transA", 0))
      return fail("Gemm would contract or transpose it");
    if (node.input_size() > 2 && !node.input(2).empty())
      if (auto err = checkBroadcast(2))
        return err;
    break;
  case PerEventKind::LastAxis: {
    int64_t written = ni.intAttr("axis", ni.version() >= 13 ? -1 : 1);
    int64_t given = written < 0 ? written + rank : written;
    if (!batched(0) || given != rank - 1 || axis >= rank - 1)
      return fail(node.op_type() + " over axis " + std::to_string(written) +
                  " would not stay within one event");
    break;
  }
  case PerEventKind::None:
    break;
  }

  // The op reads the stored, batch-leading tensors; its batch-leading
  // results take the view back (NodeImporter::setTensor).
  llvm::StringMap<ImportedValue> saved;
  for (const std::string &name : viewNames) {
    ImportedValue &v = values[name];
    saved.try_emplace(name, v);
    v.batchAxis = 0;
    v.batchFactor = 1;
    v.batchOuter = 1;
  }
  ni.perEventView = view;
  llvm::Error err = runImporter(ni, import);
  for (auto &entry : saved)
    values[entry.getKey()] = entry.getValue();
  return err;
}

llvm::Error GraphImporter::importFused(const FusedNode &fused) {
  Location loc =
      NameLoc::get(StringAttr::get(&context, displayName(fused.node)), fileLoc);
  NodeImporter ni(*this, fused.node, fused.version, loc);
  return runImporter(ni, fused.import);
}

llvm::Error GraphImporter::runImporter(NodeImporter &ni,
                                       const OpImportFn &import) {
  Block *block = builder.getInsertionBlock();
  Operation *before = block->empty() ? nullptr : &block->back();
  if (auto err = import(ni))
    return err;
  const onnx::NodeProto &node = ni.node();
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    if (!name.empty() && usedNames.contains(name) && !values.count(name))
      return ni.error("output " + std::to_string(i) + " ('" + name +
                      "') is not supported");
  }
  return verifyNewOps(ni, before);
}

llvm::Expected<OwningOpRef<ModuleOp>> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::OperatorSetIdProto &import : model.opset_import())
    if (import.domain().empty() || import.domain() == "ai.onnx")
      opset = import.version();
  if (opset <= 0)
    return error("the model imports no default ONNX opset");
  if (opset > kMaxOpset)
    return error("opset " + std::to_string(opset) +
                 " is newer than the newest supported (" +
                 std::to_string(kMaxOpset) + ")");

  for (const onnx::ValueInfoProto &info : graph.input())
    inferredTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.value_info())
    inferredTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &info : graph.output())
    inferredTypes[info.name()] = &info.type();
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &in : node.input())
      if (!in.empty())
        usedNames.insert(in);
  for (const onnx::ValueInfoProto &out : graph.output())
    usedNames.insert(out.name());

  if (auto err = registerInitializers())
    return err;
  auto argTypes = registerInputs();
  if (!argTypes)
    return argTypes.takeError();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      fileLoc, functionName, builder.getFunctionType(*argTypes, {}));
  Block *entry = func.addEntryBlock();
  unsigned argIndex = 0;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    auto it = values.find(input.name());
    if (it != values.end())
      continue;
    ImportedValue v;
    v.kind = ImportedValue::Kind::Tensor;
    v.tensor = entry->getArgument(argIndex);
    if (auto axis = inputBatchAxes.find(input.name());
        axis != inputBatchAxes.end())
      v.batchAxis = axis->second;
    func.setArgAttr(argIndex, kNameAttr, builder.getStringAttr(input.name()));
    if (indexInputs.contains(input.name())) {
      v.isIndex = true;
      v.isCondition = conditionInputs.contains(input.name());
      func.setArgAttr(argIndex, nn::kIndexAttr, builder.getUnitAttr());
    }
    values[input.name()] = std::move(v);
    ++argIndex;
  }
  builder.setInsertionPointToEnd(entry);

  // Chains that import as one layer: their members are skipped, and the
  // fused node imported where the last of them stands.
  std::vector<FusedNode> fusions = findFusions(graph);
  std::vector<const FusedNode *> fusedAt(size_t(graph.node_size()), nullptr);
  std::vector<bool> skipped(size_t(graph.node_size()), false);
  for (const FusedNode &fused : fusions) {
    for (int64_t m : fused.members)
      skipped[size_t(m)] = true;
    fusedAt[size_t(fused.last)] = &fused;
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    if (fusedAt[size_t(i)]) {
      if (auto err = importFused(*fusedAt[size_t(i)]))
        return err;
    } else if (!skipped[size_t(i)]) {
      if (auto err = importNode(graph.node(i)))
        return err;
    }
  }

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    std::string what = "graph output '" + out.name() + "'";
    auto it = values.find(out.name());
    if (it == values.end())
      return error(what + " is not produced by any node");
    ImportedValue &v = it->second;
    switch (v.kind) {
    case ImportedValue::Kind::Tensor:
      results.push_back(v.tensor);
      break;
    case ImportedValue::Kind::FloatConst: {
      auto value = materialize(*v.constant, nullptr);
      if (!value)
        return value.takeError();
      results.push_back(*value);
      break;
    }
    case ImportedValue::Kind::Int:
      return error(what + " has dtype " + dataTypeName(v.ints.dtype) +
                   " (computed at compile time); only float32 outputs are "
                   "supported");
    case ImportedValue::Kind::Unsupported:
      return error(v.reason);
    }
  }
  if (!unsupportedInputs.empty())
    return error(values[unsupportedInputs.front()].reason);

  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setType(builder.getFunctionType(*argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(unsigned(i), kNameAttr,
                       builder.getStringAttr(out.name()));
  builder.create<func::ReturnOp>(fileLoc, results);

  std::string message;
  {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    if (failed(mlir::verify(*module)))
      return error("the imported module is invalid: " + message);
  }
  return module;
}

/// The values an initializer's data holds, or -1 where it does not say
/// (external data, types with no fixed width).
static int64_t storedValues(const onnx::TensorProto &t) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return -1;
  int64_t bytes = 0;
  switch (t.data_type()) {
  case onnx::TensorProto_DataType_DOUBLE:
  case onnx::TensorProto_DataType_INT64:
  case onnx::TensorProto_DataType_UINT64:
    bytes = 8;
    break;
  case onnx::TensorProto_DataType_FLOAT:
  case onnx::TensorProto_DataType_INT32:
  case onnx::TensorProto_DataType_UINT32:
    bytes = 4;
    break;
  case onnx::TensorProto_DataType_INT16:
  case onnx::TensorProto_DataType_UINT16:
  case onnx::TensorProto_DataType_FLOAT16:
  case onnx::TensorProto_DataType_BFLOAT16:
    bytes = 2;
    break;
  case onnx::TensorProto_DataType_INT8:
  case onnx::TensorProto_DataType_UINT8:
  case onnx::TensorProto_DataType_BOOL:
    bytes = 1;
    break;
  default:
    return -1;
  }
  if (t.has_raw_data())
    return int64_t(t.raw_data().size()) / bytes;
  switch (t.data_type()) {
  case onnx::TensorProto_DataType_FLOAT:
    return t.float_data_size();
  case onnx::TensorProto_DataType_DOUBLE:
    return t.double_data_size();
  case onnx::TensorProto_DataType_INT64:
    return t.int64_data_size();
  case onnx::TensorProto_DataType_UINT64:
  case onnx::TensorProto_DataType_UINT32:
    return t.uint64_data_size();
  default:
    return t.int32_data_size();
  }
}

llvm::Error frontend::precheckModel(const onnx::ModelProto &model,
                                    llvm::StringRef sourceName) {
  const onnx::GraphProto &graph = model.graph();
  auto fail = [&](const std::string &reason) {
    return makeError(sourceName + ": " + reason);
  };
  // ONNX shape inference computes with a negative size, or one past 32
  // bits (and crashes on some ops): refused before it runs.
  constexpr int64_t kMaxDimension = std::numeric_limits<int32_t>::max();
  auto checkSize = [&](const std::string &what, size_t d,
                       int64_t size) -> llvm::Error {
    if (size < 0)
      return fail(what + " has dimension " + std::to_string(d) +
                  " of negative size " + std::to_string(size));
    if (size > kMaxDimension)
      return fail(what + " has dimension " + std::to_string(d) + " of size " +
                  std::to_string(size) +
                  ", beyond the largest supported (2^31 - 1)");
    return llvm::Error::success();
  };
  auto checkSizes = [&](const onnx::ValueInfoProto &value,
                        const std::string &what) -> llvm::Error {
    if (!value.type().has_tensor_type())
      return llvm::Error::success();
    for (const auto &[d, dim] :
         llvm::enumerate(value.type().tensor_type().shape().dim()))
      if (dim.has_dim_value())
        if (auto err = checkSize(what, d, dim.dim_value()))
          return err;
    return llvm::Error::success();
  };
  for (const onnx::ValueInfoProto &info : graph.value_info())
    if (auto err = checkSizes(info, "value '" + info.name() + "'"))
      return err;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const onnx::TensorProto &init : graph.initializer()) {
    initializers[init.name()] = &init;
    for (const auto &[d, size] : llvm::enumerate(init.dims()))
      if (auto err = checkSize("initializer '" + init.name() + "'", d, size))
        return err;
    // ONNX shape inference trusts the dimensions; they must match the data.
    int64_t needed = 1;
    for (int64_t size : init.dims())
      if (__builtin_mul_overflow(needed, size, &needed))
        return fail("initializer '" + init.name() + "' is too large");
    int64_t stored = storedValues(init);
    if (stored >= 0 && stored != needed)
      return fail("initializer '" + init.name() + "' holds " +
                  std::to_string(stored) + " values where its shape " +
                  formatShape(SmallVector<int64_t>(init.dims().begin(),
                                                   init.dims().end())) +
                  " needs " + std::to_string(needed));
  }
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue;
    std::string what = "graph input '" + input.name() + "'";
    if (input.type().value_case() != onnx::TypeProto::kTensorType)
      return fail(what + " is " + valueCaseName(input.type()) +
                  "; only float32 tensors are supported");
    if (!input.type().tensor_type().has_shape())
      return fail(what + " has no shape; its rank must be known");
    // ONNX shape inference of some ops (LayerNormalization) dereferences
    // the element type: an undefined one is refused before it runs.
    if (input.type().tensor_type().elem_type() == onnx::TensorProto::UNDEFINED)
      return fail(what + " has no element type; only float32 tensors are "
                         "supported");
    if (auto err = checkSizes(input, what))
      return err;
  }
  // The members of a chain imported as one layer need no importer.
  std::vector<bool> fusedMember(size_t(graph.node_size()), false);
  for (const FusedNode &fused : findFusions(graph))
    for (int64_t m : fused.members)
      fusedMember[size_t(m)] = true;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (fusedMember[size_t(i)])
      continue;
    const onnx::NodeProto &node = graph.node(i);
    std::string prefix = nodePrefix(node);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      return fail(prefix + "unsupported op '" + node.domain() + "." +
                  node.op_type() +
                  "' (only the default ONNX domain is supported)");
    if (!getOpImporters().count(node.op_type()))
      return fail(prefix + "unsupported op '" + node.op_type() + "'");
    // ONNX shape inference of Gemm reads two dimensions of each matrix
    // (and crashes on an initializer of another rank).
    if (node.op_type() == "Gemm")
      for (int k = 0; k < std::min(node.input_size(), 3); ++k) {
        auto it = initializers.find(node.input(k));
        if (it == initializers.end())
          continue;
        int rank = it->second->dims_size();
        if (k < 2 ? rank != 2 : rank > 2)
          return fail(prefix + "Gemm's input " + std::to_string(k) +
                      " (initializer '" + node.input(k) + "') has rank " +
                      std::to_string(rank) +
                      "; A and B must be matrices and "
                      "C of rank 2 at most");
      }
    // ONNX shape inference of Conv and pooling divides by the strides
    // (SIGFPE on a stride of 0): refused here, in the importer's words.
    for (const onnx::AttributeProto &a : node.attribute())
      if (a.name() == "strides" &&
          llvm::any_of(a.ints(), [](int64_t s) { return s < 1; }))
        return fail(prefix + "strides must be positive, got " +
                    formatShape(SmallVector<int64_t>(a.ints().begin(),
                                                     a.ints().end())));
  }
  for (const onnx::ValueInfoProto &output : graph.output()) {
    std::string what = "graph output '" + output.name() + "'";
    if (output.type().value_case() != onnx::TypeProto::kTensorType)
      return fail(what + " is " + valueCaseName(output.type()) +
                  "; only float32 tensors are supported");
    if (output.type().tensor_type().elem_type() == onnx::TensorProto::UNDEFINED)
      return fail(what + " has no element type; only float32 tensors are "
                         "supported");
    if (!output.type().tensor_type().has_shape())
      return fail(what + " declares no shape; ONNX requires the rank of "
                         "graph outputs");
    if (auto err = checkSizes(output, what))
      return err;
  }
  return llvm::Error::success();
}
