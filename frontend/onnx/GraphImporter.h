//===- GraphImporter.h - state shared by the ONNX op importers --*- C++ -*-===//
//
// The importer walks an ONNX graph node by node. Each ONNX value becomes one
// of: a float32 tensor in the function (an mlir::Value), a float32 tensor
// known at compile time that is materialized as `nn.constant` on first use, a
// compile-time integer tensor (shape arithmetic, axes, Reshape targets), or a
// graph input whose type the kernel cannot take. Integer tensors never reach
// the IR: the Shape/Gather/Concat chains exporters emit around static shapes
// are folded here, with the event batch size carried as a symbol.
//
// Op importers see a NodeImporter: typed access to the node's inputs and
// attributes, result registration and located errors.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_ONNX_GRAPHIMPORTER_H
#define ARIADNE_FRONTEND_ONNX_GRAPHIMPORTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ariadne::frontend {

/// One element of a compile-time integer tensor: a known value, or a
/// multiple of the size of the event batch (only known when the kernel
/// runs): `value` times the batch size, as a Shape of a tensor whose batch
/// dimension a reshape merged with others reads it.
struct SymInt {
  int64_t value = 0;
  bool isBatch = false;

  static SymInt known(int64_t v) { return {v, false}; }
  static SymInt batch(int64_t times = 1) { return {times, true}; }
  bool operator==(const SymInt &other) const {
    return isBatch == other.isBatch && value == other.value;
  }
};

/// An integer tensor known at compile time.
struct IntTensor {
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<SymInt> values;
  /// onnx::TensorProto_DataType of the tensor.
  int32_t dtype = 7; // INT64

  static IntTensor vector(llvm::ArrayRef<SymInt> values, int32_t dtype = 7);
  int64_t rank() const { return int64_t(shape.size()); }
};

/// A float32 tensor known at compile time (an initializer or a Constant
/// node), kept as data so that importers can read it as a parameter; it
/// becomes an `nn.constant` only when used as a tensor.
struct FloatConstant {
  llvm::SmallVector<int64_t> shape;
  std::vector<float> data;
  /// What the user calls it, for errors: "initializer 'w'".
  std::string origin;
  mlir::Value materialized;
  /// A fill whose shape holds the batch size (ConstantOfShape of a Shape of
  /// a batched tensor, as exporters build the zero initial state of a
  /// recurrent layer): `shape` has one dynamic dimension and `data` the one
  /// value repeated. It moves and slices like data but is never an
  /// `nn.constant`; a recurrent layer reads it as its initial state.
  bool batchFill = false;
};

/// What an ONNX value name stands for during import.
struct ImportedValue {
  enum class Kind { Tensor, FloatConst, Int, Unsupported };
  Kind kind = Kind::Unsupported;
  mlir::Value tensor;
  std::shared_ptr<FloatConstant> constant;
  IntTensor ints;
  /// For Unsupported: why the value cannot be used as data, and whether it
  /// is only known at run time (a graph input).
  std::string reason;
  bool isRuntime = false;
  /// For Tensor: the ONNX axis of the dynamic batch dimension. The IR keeps
  /// it leading (`tensor` is [batch, the other dimensions in ONNX order]);
  /// a value whose ONNX shape has it elsewhere (time-major sequences:
  /// recurrent layers read and write [T, batch, F]) is a view that only the
  /// data-movement importers and the recurrent layers read. One event's
  /// values are in the same order either way.
  int64_t batchAxis = 0;
  /// For Tensor: the ONNX dimension at batchAxis is batchFactor times the
  /// batch (a reshape merged the batch with neighbouring dimensions, as
  /// nn.MultiheadAttention's export merges it with the heads), and the batch
  /// sits inside it after batchOuter of the merged elements: the dimension
  /// is [batchOuter, batch, batchFactor / batchOuter] flattened. Such a
  /// merged view stores [batch, the ONNX shape with batchFactor at
  /// batchAxis]; only reshapes, transposes, Shape and the per-event ops
  /// (GraphImporter::importNode) read it.
  int64_t batchFactor = 1;
  int64_t batchOuter = 1;
  /// For Tensor: an index tensor, integers known only at run time (an
  /// int32/int64 graph input and what data movement makes of it). The IR
  /// holds it as f32 and marks the graph input `nn.index`; only the
  /// data-movement importers, gathers and scatters read it.
  bool isIndex = false;
  /// For an index tensor: a condition, holding only 0 and 1 (a bool graph
  /// input, a comparison, a logical op, and data movement of them). A Cast
  /// to float32 reads it as a mask of 1.0 and 0.0.
  bool isCondition = false;

  bool isView() const { return batchAxis != 0 || batchFactor != 1; }
};

/// Where the batch sits in the ONNX shape of a stored tensor: the fields of
/// ImportedValue that say so.
struct BatchView {
  int64_t axis = 0;
  int64_t factor = 1;
  int64_t outer = 1;

  bool operator==(const BatchView &other) const {
    return axis == other.axis && factor == other.factor && outer == other.outer;
  }
};

/// The ONNX shape of a stored shape whose leading (batch) dimension sits at
/// ONNX axis `batchAxis` (merged with `batchFactor` elements there), and
/// back.
llvm::SmallVector<int64_t> onnxShape(llvm::ArrayRef<int64_t> stored,
                                     int64_t batchAxis,
                                     int64_t batchFactor = 1);
llvm::SmallVector<int64_t> storedShape(llvm::ArrayRef<int64_t> onnx,
                                       int64_t batchAxis,
                                       int64_t batchFactor = 1);
/// The stored axis of ONNX axis `axis`.
inline int64_t storedAxis(int64_t axis, int64_t batchAxis) {
  return axis == batchAxis ? 0 : axis < batchAxis ? axis + 1 : axis;
}

class GraphImporter;

/// The view of one node that op importers work with.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               int64_t version, mlir::Location loc);

  const onnx::NodeProto &node() const { return nodeProto; }
  /// The version of the op's schema the model uses (its since_version).
  int64_t version() const { return opVersion; }
  mlir::OpBuilder &builder();
  mlir::Location loc() const { return location; }
  /// Locates the ops created from now on at `loc` (a recurrent layer marks
  /// each step's ops); returns the previous location.
  mlir::Location relocate(mlir::Location loc) {
    std::swap(loc, location);
    return loc;
  }

  size_t numInputs() const { return size_t(nodeProto.input_size()); }
  /// Whether optional input `i` is given.
  bool hasInput(size_t i) const;
  llvm::StringRef inputName(size_t i) const;
  /// Whether input `i` is an integer tensor known at compile time.
  bool isIntInput(size_t i) const;
  /// Whether input `i` is an index tensor (ImportedValue::isIndex).
  bool isIndexInput(size_t i) const;

  /// Input `i` as a float32 tensor value; compile-time constants become
  /// `nn.constant` ops here. A view whose batch dimension is not leading is
  /// an error naming the input.
  llvm::Expected<mlir::Value> tensor(size_t i);
  /// Input `i` as an index tensor (ImportedValue::isIndex) with its
  /// batch leading; `role` names it in errors.
  llvm::Expected<mlir::Value> indexTensor(size_t i, llvm::StringRef role);
  /// Input `i` as a compile-time integer tensor; `role` names the parameter
  /// in errors (the shape of a Reshape, the starts of a Slice).
  llvm::Expected<IntTensor> ints(size_t i, llvm::StringRef role);
  /// Input `i` as compile-time float data, or nullptr when it is only known
  /// at run time.
  llvm::Expected<std::shared_ptr<FloatConstant>> floatConstant(size_t i);
  /// `constant` as an `nn.constant`, created on first use; NaN or Inf in it
  /// is an error naming its origin and this node.
  llvm::Expected<mlir::Value> materialize(FloatConstant &constant);
  /// The import-time value of input `i`, unchanged (Identity, Dropout).
  llvm::Expected<ImportedValue> value(size_t i);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;

  size_t numOutputs() const { return size_t(nodeProto.output_size()); }
  /// Whether output `i` is read by a later node or is a graph output.
  bool outputUsed(size_t i) const;
  /// Registers output `i`; `batchAxis` as in ImportedValue.
  llvm::Error setTensor(size_t i, mlir::Value value, int64_t batchAxis = 0);
  /// Registers output `i`, stored as `view` says.
  llvm::Error setTensor(size_t i, mlir::Value value, BatchView view);
  /// While a per-event op reads views (GraphImporter::importNode), the view
  /// its batch-leading results take; the op's inputs read as their stored,
  /// batch-leading tensors meanwhile.
  std::optional<BatchView> perEventView;
  /// Whether this op reads merged views (ImportedValue::batchFactor) itself.
  bool readsMergedViews = false;
  /// Makes the tensor results registered from now on index tensors (or
  /// not), and conditions (or not), whatever the inputs read: a comparison
  /// gives a condition, a Cast of one to float32 a float mask.
  void setResultKind(bool index, bool condition) {
    readIndex = index;
    readCondition = condition;
  }
  void setInts(size_t i, IntTensor value);
  void setFloatConstant(size_t i, std::shared_ptr<FloatConstant> value);
  llvm::Error setValue(size_t i, ImportedValue value);

  /// A located error: "FILE: node 'NAME' (OP): reason".
  llvm::Error error(const llvm::Twine &reason) const;

  mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape);
  /// A rank-0 float32 `nn.constant`.
  mlir::Value scalar(float value);

  template <typename OpT, typename... Args>
  mlir::Value create(llvm::ArrayRef<int64_t> shape, Args &&...args) {
    return builder()
        .create<OpT>(location, tensorType(shape), std::forward<Args>(args)...)
        .getResult();
  }

private:
  /// Input `i`'s import-time value. An index tensor is only given to the
  /// ops that move values (the others get an error naming it); reading one
  /// makes this node's tensor results index tensors too.
  llvm::Expected<const ImportedValue *> lookup(size_t i);
  /// The error for a merged view (ImportedValue::batchFactor) as input `i`
  /// of an op that cannot read one.
  llvm::Error mergedViewError(size_t i, const ImportedValue &v) const;

  bool readIndex = false;
  /// Whether every index tensor read so far is a condition.
  bool readCondition = true;
  GraphImporter &graphImporter;
  const onnx::NodeProto &nodeProto;
  int64_t opVersion;
  mlir::Location location;
};

/// The importer of one op type; it reads the node's inputs and registers its
/// outputs.
using OpImportFn = std::function<llvm::Error(NodeImporter &)>;

struct OpImporter {
  /// The oldest schema version (since_version) with the semantics the
  /// importer implements.
  int64_t minVersion;
  OpImportFn import;
};

/// A chain of nodes imported as one layer (ImportFusions.cpp): the node
/// that stands for it, imported in place of the chain's last member.
struct FusedNode {
  /// Indices of the chain's nodes in the graph, and the last of them.
  std::vector<int64_t> members;
  int64_t last = 0;
  /// The chain as one node (its op type's schema version `version`), named
  /// after the last member and writing its output.
  onnx::NodeProto node;
  int64_t version = 0;
  OpImportFn import;
};

/// The chains of `graph` that import as one layer: GELU written with Erf or
/// Tanh, and layer normalization written with ReduceMean, Sub, Pow, Sqrt
/// and Div.
std::vector<FusedNode> findFusions(const onnx::GraphProto &graph);

/// The import table from ONNX op_type (default domain) to its importer.
const llvm::StringMap<OpImporter> &getOpImporters();

/// The newest default-domain opset the importer knows.
inline constexpr int64_t kMaxOpset = 17;

/// Reads and validates a whole graph into a module.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &mlirContext,
                const onnx::ModelProto &modelProto, llvm::StringRef source,
                std::string name);

  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> run();

  llvm::Error error(const llvm::Twine &reason) const;

private:
  friend class NodeImporter;

  llvm::Error registerInitializers();
  llvm::Expected<llvm::SmallVector<mlir::Type>> registerInputs();
  llvm::Error importNode(const onnx::NodeProto &node);
  llvm::Error importFused(const FusedNode &fused);
  /// Runs `import` on the node and checks its outputs and new ops.
  llvm::Error runImporter(NodeImporter &node, const OpImportFn &import);
  /// runImporter for an op that acts on each event alone, whose inputs may
  /// be views (ImportedValue::isView): checked to keep events apart, then
  /// imported on the stored tensors, its results taking the inputs' view.
  llvm::Error runPerEvent(NodeImporter &node, const OpImportFn &import);
  llvm::Error verifyNewOps(NodeImporter &node, mlir::Operation *before);
  /// Whether ONNX shape inference agrees with the result `type` of `name`
  /// (an integer dtype for an index tensor, else float32).
  llvm::Error checkInferredType(NodeImporter &node, llvm::StringRef name,
                                mlir::RankedTensorType type,
                                bool isIndex) const;
  llvm::Expected<mlir::Value> materialize(FloatConstant &constant,
                                          const NodeImporter *user);

  mlir::MLIRContext &context;
  const onnx::ModelProto &model;
  /// Graph inputs whose batch dimension is not leading, by name.
  llvm::StringMap<int64_t> inputBatchAxes;
  /// The graph inputs that are index tensors (int32, int64).
  llvm::StringSet<> indexInputs, conditionInputs;
  std::string sourceName;
  std::string functionName;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  int64_t opset = 0;

  llvm::StringMap<ImportedValue> values;
  /// Types after ONNX shape inference, by value name.
  llvm::StringMap<const onnx::TypeProto *> inferredTypes;
  /// Names read by a node or listed as graph outputs.
  llvm::StringSet<> usedNames;
  /// Graph inputs that cannot become function arguments, in graph order.
  llvm::SmallVector<std::string> unsupportedInputs;
};

//===----------------------------------------------------------------------===//
// Helpers shared by the importers
//===----------------------------------------------------------------------===//

/// The lower-case ONNX name of a TensorProto data type ("float64").
std::string dataTypeName(int32_t dtype);

/// Checks the graph's inputs, outputs and ops for what the importer cannot
/// take, so that these are reported by name before the ONNX checker or shape
/// inference reject them in their own words.
llvm::Error precheckModel(const onnx::ModelProto &model,
                          llvm::StringRef sourceName);

/// Decodes the elements of an integer tensor (any integer or bool type).
llvm::Expected<IntTensor> decodeIntTensor(const onnx::TensorProto &tensor);

/// Decodes the elements of a float32 tensor.
llvm::Expected<std::shared_ptr<FloatConstant>>
decodeFloatTensor(const onnx::TensorProto &tensor, std::string origin);

/// Whether `dtype` is an integer (or bool) TensorProto data type.
bool isIntegerDataType(int32_t dtype);

/// `text` with control characters escaped, so that an error naming a
/// value or node stays on one line.
std::string escapeControl(llvm::StringRef text);

/// The name errors use for a node: its own, or its first output's when the
/// exporter left it unnamed.
std::string displayName(const onnx::NodeProto &node);

/// "node 'NAME' (OP): ", how an error about a node begins.
std::string nodePrefix(const onnx::NodeProto &node);

/// Shapes formatted for messages: "[?, 4]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace ariadne::frontend

#endif // ARIADNE_FRONTEND_ONNX_GRAPHIMPORTER_H
