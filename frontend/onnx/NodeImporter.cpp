//===- NodeImporter.cpp - one ONNX node into the nn dialect --------------===//
//
// What an op importer sees of its node: its inputs as run-time tensors or
// compile-time values, its attributes, located errors, and the results it
// sets.
//
//===----------------------------------------------------------------------===//
#include "frontend/onnx/GraphImporter.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

#include "onnx/defs/schema.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace ariadne;
using namespace ariadne::frontend;

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

/// The name errors use for a node: its own, or its first output's when the
/// exporter left it unnamed (ONNX's conformance models do).
std::string frontend::displayName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  for (const std::string &out : node.output())
    if (!out.empty())
      return out;
  return "";
}

std::string frontend::nodePrefix(const onnx::NodeProto &node) {
  std::string op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    op = node.domain() + "." + op;
  return "node '" + displayName(node) + "' (" + op + "): ";
}

NodeImporter::NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
                           int64_t version, Location loc)
    : graphImporter(graph), nodeProto(node), opVersion(version), location(loc) {
}

OpBuilder &NodeImporter::builder() { return graphImporter.builder; }

bool NodeImporter::hasInput(size_t i) const {
  return i < numInputs() && !nodeProto.input(int(i)).empty();
}

llvm::StringRef NodeImporter::inputName(size_t i) const {
  return i < numInputs() ? llvm::StringRef(nodeProto.input(int(i)))
                         : llvm::StringRef();
}

llvm::Error NodeImporter::error(const llvm::Twine &reason) const {
  return graphImporter.error(nodePrefix(nodeProto) + reason);
}

/// The ops that take index tensors as data: they only move values, so
/// their tensor results are index tensors too (Shape reads the shape only).
static bool movesIndices(llvm::StringRef opType) {
  return llvm::is_contained({"Reshape", "Flatten", "Squeeze", "Unsqueeze",
                             "Transpose", "Concat", "Slice", "Gather", "Expand",
                             "Identity", "Cast", "Split", "Shape", "Tile",
                             "Where", "Equal", "Greater", "Less",
                             "GreaterOrEqual", "LessOrEqual", "Not", "And",
                             "Or", "Xor"},
                            opType);
}

llvm::Expected<const ImportedValue *> NodeImporter::lookup(size_t i) {
  if (!hasInput(i))
    return error("input " + std::to_string(i) + " is missing");
  auto it = graphImporter.values.find(nodeProto.input(int(i)));
  if (it == graphImporter.values.end())
    return error("input '" + nodeProto.input(int(i)) +
                 "' is not a graph input, an initializer or the output of an "
                 "earlier node");
  if (it->second.isIndex) {
    if (!movesIndices(nodeProto.op_type()))
      return error("input '" + nodeProto.input(int(i)) +
                   "' holds integers known only at run time (indices); " +
                   nodeProto.op_type() +
                   " cannot read them (only data movement, gathers, "
                   "scatters, comparisons and selects can)");
    readIndex = true;
    readCondition = readCondition && it->second.isCondition;
  }
  return &it->second;
}

llvm::Expected<Value> NodeImporter::indexTensor(size_t i,
                                                llvm::StringRef role) {
  if (!hasInput(i))
    return error("the " + role + " input is missing");
  auto it = graphImporter.values.find(nodeProto.input(int(i)));
  if (it == graphImporter.values.end() || !it->second.isIndex) {
    bool known = it != graphImporter.values.end() &&
                 it->second.kind == ImportedValue::Kind::Int;
    return error("the " + role + " '" + inputName(i) + "' must be " +
                 (known ? "computed at run time (a model input); indices "
                          "known at compile time are not supported here"
                        : "an integer tensor (a model input of int32 or "
                          "int64 and data movement of it)"));
  }
  const ImportedValue &v = it->second;
  if (v.isView())
    return error("the " + role + " '" + inputName(i) +
                 "' does not have its dynamic batch dimension leading");
  return v.tensor;
}

bool NodeImporter::isIntInput(size_t i) const {
  if (!hasInput(i))
    return false;
  auto it = graphImporter.values.find(nodeProto.input(int(i)));
  return it != graphImporter.values.end() &&
         it->second.kind == ImportedValue::Kind::Int;
}

bool NodeImporter::isIndexInput(size_t i) const {
  if (!hasInput(i))
    return false;
  auto it = graphImporter.values.find(nodeProto.input(int(i)));
  return it != graphImporter.values.end() && it->second.isIndex;
}

llvm::Expected<Value> NodeImporter::tensor(size_t i) {
  auto value = lookup(i);
  if (!value)
    return value.takeError();
  const ImportedValue &v = **value;
  switch (v.kind) {
  case ImportedValue::Kind::Tensor:
    if (v.batchFactor != 1)
      return mergedViewError(i, v);
    if (v.batchAxis != 0)
      return error("input '" + inputName(i) +
                   "' has its dynamic batch dimension at axis " +
                   std::to_string(v.batchAxis) +
                   " (a time-major sequence); this op needs it leading: "
                   "transpose it to the front first");
    return v.tensor;
  case ImportedValue::Kind::FloatConst:
    return graphImporter.materialize(*v.constant, this);
  case ImportedValue::Kind::Int:
    return error("input '" + inputName(i) + "' has dtype " +
                 dataTypeName(v.ints.dtype) +
                 "; only float32 data is supported");
  case ImportedValue::Kind::Unsupported:
    return error(v.reason);
  }
  llvm_unreachable("unknown value kind");
}

llvm::Expected<IntTensor> NodeImporter::ints(size_t i, llvm::StringRef role) {
  if (isIndexInput(i))
    return error("the " + role + " '" + inputName(i) +
                 "' must be a constant known at compile time; it is a graph "
                 "input (or computed from one)");
  auto value = lookup(i);
  if (!value)
    return value.takeError();
  const ImportedValue &v = **value;
  std::string what = role.str() + " '" + inputName(i).str() + "'";
  switch (v.kind) {
  case ImportedValue::Kind::Int:
    return v.ints;
  case ImportedValue::Kind::Tensor:
  case ImportedValue::Kind::FloatConst:
    return error("the " + what +
                 " must be an integer tensor known at compile time, not a "
                 "float32 tensor");
  case ImportedValue::Kind::Unsupported:
    if (v.isRuntime)
      return error("the " + what +
                   " must be a constant known at compile time; it is a graph "
                   "input");
    return error(v.reason);
  }
  llvm_unreachable("unknown value kind");
}

llvm::Expected<std::shared_ptr<FloatConstant>>
NodeImporter::floatConstant(size_t i) {
  auto value = lookup(i);
  if (!value)
    return value.takeError();
  const ImportedValue &v = **value;
  switch (v.kind) {
  case ImportedValue::Kind::FloatConst:
    if (v.constant->batchFill)
      return error("input '" + inputName(i) +
                   "' is a constant whose shape depends on the dynamic "
                   "batch size; only a recurrent layer's initial state may "
                   "be one");
    return v.constant;
  case ImportedValue::Kind::Tensor:
    return nullptr;
  case ImportedValue::Kind::Int:
    return error("input '" + inputName(i) + "' has dtype " +
                 dataTypeName(v.ints.dtype) +
                 "; only float32 data is supported");
  case ImportedValue::Kind::Unsupported:
    return error(v.reason);
  }
  llvm_unreachable("unknown value kind");
}

llvm::Expected<Value> NodeImporter::materialize(FloatConstant &constant) {
  return graphImporter.materialize(constant, this);
}

llvm::Error NodeImporter::mergedViewError(size_t i,
                                          const ImportedValue &v) const {
  return error("input '" + inputName(i) + "' (" +
               formatShape(onnxShape(
                   llvm::cast<RankedTensorType>(v.tensor.getType()).getShape(),
                   v.batchAxis, v.batchFactor)) +
               ") merges the dynamic batch dimension with " +
               std::to_string(v.batchFactor) + " other elements at axis " +
               std::to_string(v.batchAxis) +
               "; this op cannot read it (reshapes, transposes and per-event "
               "element-wise ops, MatMul, Gemm and Softmax over the last axis "
               "can)");
}

llvm::Expected<ImportedValue> NodeImporter::value(size_t i) {
  auto value = lookup(i);
  if (!value)
    return value.takeError();
  if ((*value)->kind == ImportedValue::Kind::Tensor &&
      (*value)->batchFactor != 1 && !readsMergedViews)
    return mergedViewError(i, **value);
  return **value;
}

const onnx::AttributeProto *NodeImporter::attr(llvm::StringRef name) const {
  for (const onnx::AttributeProto &a : nodeProto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeImporter::intAttr(llvm::StringRef name,
                              int64_t defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a && a->type() == onnx::AttributeProto_AttributeType_INT
             ? a->i()
             : defaultValue;
}

float NodeImporter::floatAttr(llvm::StringRef name, float defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a && a->type() == onnx::AttributeProto_AttributeType_FLOAT
             ? a->f()
             : defaultValue;
}

std::optional<SmallVector<int64_t>>
NodeImporter::intsAttr(llvm::StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a || a->type() != onnx::AttributeProto_AttributeType_INTS)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

bool NodeImporter::outputUsed(size_t i) const {
  return i < numOutputs() && !nodeProto.output(int(i)).empty() &&
         graphImporter.usedNames.contains(nodeProto.output(int(i)));
}

llvm::Error NodeImporter::setTensor(size_t i, Value value, int64_t batchAxis) {
  BatchView view;
  view.axis = batchAxis;
  return setTensor(i, value, view);
}

llvm::Error NodeImporter::setTensor(size_t i, Value value, BatchView view) {
  auto type = llvm::cast<RankedTensorType>(value.getType());
  if (perEventView && view == BatchView() && type.getRank() > 0 &&
      type.isDynamicDim(0)) {
    // A per-event op's batch-leading result is a view like its inputs.
    view = *perEventView;
    if (view.factor != 1 && (type.getRank() <= view.axis + 1 ||
                             type.getDimSize(view.axis + 1) != view.factor))
      return error("the per-event result " + formatShape(type.getShape()) +
                   " lost the dimension merged with the dynamic batch");
    if (view.factor == 1 && type.getRank() <= view.axis)
      return error("the per-event result " + formatShape(type.getShape()) +
                   " lost the dimensions before the dynamic batch");
  }
  int64_t batchAxis = view.axis;
  for (int64_t d = 1; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      return error("result dimension " + std::to_string(d) +
                   " is dynamic; only the leading (batch) dimension may be");
  assert((batchAxis == 0 ||
          (type.getRank() > batchAxis && type.isDynamicDim(0))) &&
         "only a batched tensor is a view");
  assert((view.factor == 1 ||
          (type.getRank() > batchAxis + 1 && type.isDynamicDim(0) &&
           view.factor % view.outer == 0)) &&
         "only a batched tensor merges the batch");
  if (i >= numOutputs() || nodeProto.output(int(i)).empty())
    return llvm::Error::success();
  const std::string &name = nodeProto.output(int(i));
  if (auto err = graphImporter.checkInferredType(
          *this, name,
          RankedTensorType::get(
              onnxShape(type.getShape(), batchAxis, view.factor),
              type.getElementType()),
          readIndex))
    return err;
  ImportedValue v;
  v.isIndex = readIndex;
  v.isCondition = readIndex && readCondition;
  v.kind = ImportedValue::Kind::Tensor;
  v.tensor = value;
  v.batchAxis = batchAxis;
  v.batchFactor = view.factor;
  v.batchOuter = view.outer;
  graphImporter.values[name] = std::move(v);
  return llvm::Error::success();
}

void NodeImporter::setInts(size_t i, IntTensor value) {
  if (i >= numOutputs() || nodeProto.output(int(i)).empty())
    return;
  ImportedValue v;
  v.kind = ImportedValue::Kind::Int;
  v.ints = std::move(value);
  graphImporter.values[nodeProto.output(int(i))] = std::move(v);
}

void NodeImporter::setFloatConstant(size_t i,
                                    std::shared_ptr<FloatConstant> value) {
  if (i >= numOutputs() || nodeProto.output(int(i)).empty())
    return;
  ImportedValue v;
  v.kind = ImportedValue::Kind::FloatConst;
  v.constant = std::move(value);
  graphImporter.values[nodeProto.output(int(i))] = std::move(v);
}

llvm::Error NodeImporter::setValue(size_t i, ImportedValue value) {
  switch (value.kind) {
  case ImportedValue::Kind::Tensor:
    return setTensor(
        i, value.tensor,
        BatchView{value.batchAxis, value.batchFactor, value.batchOuter});
  case ImportedValue::Kind::FloatConst:
    setFloatConstant(i, value.constant);
    return llvm::Error::success();
  case ImportedValue::Kind::Int:
    setInts(i, std::move(value.ints));
    return llvm::Error::success();
  case ImportedValue::Kind::Unsupported:
    if (i < numOutputs() && !nodeProto.output(int(i)).empty())
      graphImporter.values[nodeProto.output(int(i))] = std::move(value);
    return llvm::Error::success();
  }
  llvm_unreachable("unknown value kind");
}

RankedTensorType NodeImporter::tensorType(llvm::ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, builder().getF32Type());
}

Value NodeImporter::scalar(float value) {
  auto type = tensorType({});
  return builder()
      .create<nn::ConstantOp>(location, DenseElementsAttr::get(type, value))
      .getResult();
}
