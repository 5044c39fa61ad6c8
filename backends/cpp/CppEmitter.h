//===- CppEmitter.h - internals of the C++ backend --------------*- C++ -*-===//
//
// The C++ backend works in two phases, as CIRCT's emitters do:
//
//  1. prepareCppFunction may change the IR: it checks what the target
//     supports, names every layer and plans the buffers, recording its
//     decisions as `cpp.*` attributes.
//  2. The emission patterns, one per op, read the IR and the plan and write
//     the configuration structs and calls of NAME.cpp. They never modify
//     the IR.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_CPP_CPPEMITTER_H
#define ARIADNE_BACKENDS_CPP_CPPEMITTER_H

#include "backends/common/Naming.h"
#include "passes/FX/FXTypes.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace ariadne {
namespace cpp {

//===----------------------------------------------------------------------===//
// Prepare
//===----------------------------------------------------------------------===//

/// Attribute names of the plan.
constexpr llvm::StringLiteral kLayerNameAttr = "cpp.name";
constexpr llvm::StringLiteral kStorageAttr = "cpp.storage";
constexpr llvm::StringLiteral kArenaSizeAttr = "cpp.arena_size";
constexpr llvm::StringLiteral kBatchedAttr = "cpp.batched";
/// On the function: the --precision it was compiled at, for report.json.
constexpr llvm::StringLiteral kPrecisionNoteAttr = "ariadne.precision";
/// On the function when its layers compute in fixed point (fx ops): the
/// arena then holds raw integers (std::uint64_t) instead of floats.
constexpr llvm::StringLiteral kFixedPointAttr = "cpp.fixed_point";
/// On an nn.window whose fields the layer after it reads in place
/// (runtime/ariadne/conv.h: conv for a dense layer over the fields, merged
/// by a reshape; pool_max for a reduce_max): the window writes nothing, and
/// its buffer is the padded copy of the input that those kernels read, if
/// any. On an nn.transpose that such windows read in place: the transpose
/// writes nothing and aliases its input.
constexpr llvm::StringLiteral kInPlaceAttr = "cpp.in_place";
/// On an fx.cast that alone reads an fx.dense's result, and on an fx.relu
/// that alone reads such a cast's (or the dense's) result: the dense
/// layer's kernel computes it (fx::DenseConfig::OutT, relu). On an
/// fx.table that alone reads what a dense layer writes and that an
/// fx.dense alone reads: the two layers compute it (fx::DenseConfig::Table,
/// InTable). The op writes nothing and aliases its input.
constexpr llvm::StringLiteral kFusedAttr = "cpp.fused";
/// On an fx.quantize that alone feeds an fx.dense on 16-bit products
/// (denseTakesInt16): it writes its values as int16_t in pairs of features,
/// the layout the layer multiplies (fx::QuantizeConfig::pairedFeatures,
/// fx::DenseConfig::inPairs).
constexpr llvm::StringLiteral kPairsAttr = "cpp.pairs";

/// Whether an fx.dense's weights are laid out for the runtime's 16-bit dot
/// products on a CPU: inputs and weights fit int16_t, the accumulator 32
/// bits (fx::detail::denseFitsInt16).
bool denseTakesInt16(mlir::Operation *dense);

/// Where a value lives during one call of run<Lanes>; offsets count
/// elements of one event (the lane layout multiplies them by Lanes).
enum class StorageKind {
  Input,    // in + offset: a function argument
  Output,   // out + offset: written directly into a model output
  Arena,    // arena + offset: an intermediate result
  Alias,    // the storage of the op's first operand (a reshape, a fused op)
  Constant, // a static array, broadcast into arena + offset for Lanes > 1
};

/// Checks `module` against what the target supports and records the plan
/// on its function, which it returns. Errors are emitted as diagnostics.
/// With `readWindowsInPlace` (the cpp target), float convolutions and max
/// pooling read their windows in place (kInPlaceAttr); with `fuseTables`
/// (the cpp target), a table between two dense layers passes from one to
/// the other as its indices (fx::DenseConfig::Table), and a quantize that
/// feeds a 16-bit dense layer writes pairs (kPairsAttr).
mlir::FailureOr<mlir::func::FuncOp>
prepareCppModule(mlir::ModuleOp module, bool readWindowsInPlace = false,
                 bool fuseTables = false);

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

/// What report.json says about one layer.
struct LayerReport {
  std::string name;
  std::string op;
  std::vector<std::vector<int64_t>> inputShapes, outputShapes;
  int64_t macs = 0;
  int64_t params = 0;
  int64_t weightBytes = 0;
  int64_t bufferBytes = 0;
  int64_t latencyCycles = 0;
  /// Role ("input", "weight", "accumulator", "output", ...) to type, for
  /// fixed-point layers; empty means every role is float.
  std::vector<std::pair<std::string, std::string>> types;
};

/// The state the emission patterns share: the plan, the text being
/// written and the report.
class CppEmission {
public:
  /// `hostVectors`: the package runs on a CPU, where lane layouts for its
  /// vector kernels pay (the cpp target; not cuda).
  CppEmission(mlir::func::FuncOp function, bool hostVectors);

  mlir::func::FuncOp function() const { return fn; }
  bool hostVectors() const { return forHostVectors; }
  bool batched() const { return isBatched; }
  bool fixedPoint() const { return fn->hasAttr(kFixedPointAttr); }
  /// The C++ element type of `value`'s buffer: float or std::uint64_t.
  std::string elementType(mlir::Value value) const;

  /// Namespace-scope text of NAME.cpp: weights, constants, configs.
  llvm::raw_ostream &declarations() { return declOS; }
  /// The body of run<Lanes>.
  llvm::raw_ostream &body() { return bodyOS; }

  /// The C++ expression of a pointer to `value` in the lane layout.
  std::string pointer(mlir::Value value) const;
  /// The shape of `value` in one event (the batch dimension removed).
  llvm::SmallVector<int64_t> eventShape(mlir::Value value) const;
  /// Whether `value` carries the batch dimension.
  bool hasBatchDim(mlir::Value value) const;
  int64_t eventSize(mlir::Value value) const;

  /// The C identifier of `op` (prepare's cpp.name) and its report name.
  std::string identifier(mlir::Operation *op) const;
  std::string layerName(mlir::Operation *op) const;

  /// Records a layer for report.json; shapes are filled in from the op.
  void addLayer(mlir::Operation *op, LayerReport report);
  const std::vector<LayerReport> &layers() const { return layerReports; }

  std::string takeDeclarations() { return std::move(declText); }
  std::string takeBody() { return std::move(bodyText); }

private:
  mlir::func::FuncOp fn;
  bool isBatched, forHostVectors;
  std::string declText, bodyText;
  llvm::raw_string_ostream declOS, bodyOS;
  std::vector<LayerReport> layerReports;
};

/// One emission pattern: writes the code of one op kind.
class CppOpEmitter {
public:
  virtual ~CppOpEmitter() = default;
  virtual llvm::StringRef opName() const = 0;
  virtual mlir::LogicalResult emit(mlir::Operation *op,
                                   CppEmission &emission) const = 0;
};

/// The typed base of a pattern for op class OpT.
template <typename OpT> class CppOpPattern : public CppOpEmitter {
public:
  using Op = OpT;
  llvm::StringRef opName() const final { return OpT::getOperationName(); }
  mlir::LogicalResult emit(mlir::Operation *op,
                           CppEmission &emission) const final {
    return emitOp(llvm::cast<OpT>(op), emission);
  }
  virtual mlir::LogicalResult emitOp(OpT op, CppEmission &emission) const = 0;
};

/// The patterns, by op class (passes/Support/OpHandlers.h): a pattern
/// object per op kind, `set.add<DensePattern>()`.
class CppEmitterSet {
public:
  using Handlers =
      OpHandlers<mlir::LogicalResult(mlir::Operation *, CppEmission &)>;
  template <typename Pattern, typename... Args> void add(Args &&...args) {
    auto pattern = std::make_shared<const Pattern>(std::forward<Args>(args)...);
    handlers.add<typename Pattern::Op>(
        [pattern](mlir::Operation *op, CppEmission &emission) {
          return pattern->emit(op, emission);
        });
  }
  const Handlers::Handler *lookup(mlir::Operation *op) const {
    return handlers.lookup(op);
  }
  std::vector<std::string> opNames() const { return handlers.opNames(); }

private:
  Handlers handlers;
};

/// Registers the pattern of every op the C++ target supports.
void populateCppEmitters(CppEmitterSet &set);
/// The patterns of the fx dialect (CppFixedEmitters.cpp).
void populateCppFixedEmitters(CppEmitterSet &set);

/// Runs the patterns over the prepared function. An op without a pattern
/// is an error naming it.
mlir::LogicalResult emitFunction(const CppEmitterSet &set,
                                 CppEmission &emission);

//===----------------------------------------------------------------------===//
// Helpers shared by the patterns and the package writer
//===----------------------------------------------------------------------===//

/// How every static array of the declarations (weights, biases, tables)
/// begins, at the start of its line: other targets put a storage qualifier
/// in front of it (the CUDA target's __constant__ or __device__).
constexpr llvm::StringLiteral kStaticArrayPrefix = "alignas(64) const ";

/// A float literal that reads back to exactly `value` ("0.1f", "-2.0f").
std::string floatLiteral(float value);

/// "{1, 2, 3}".
std::string intList(llvm::ArrayRef<int64_t> values);

/// An i64 literal (INT64_MIN has no literal of its own).
std::string intLiteral(int64_t value);

/// A one-line comment naming the layer: `INDENT// NAME: OP[, DETAIL]`.
void writeLayerComment(llvm::raw_ostream &os, CppEmission &emission,
                       mlir::Operation *op, llvm::StringRef indent,
                       llvm::StringRef detail = "");

/// A static array of `count` values of C type `type`, `perLine` literals
/// per line and a new line at each row of `rowLength` values; the extent is
/// written `rows * rowLength` when `factorRows` and there are several rows.
void writeStaticArray(llvm::raw_ostream &os, llvm::StringRef type,
                      llvm::StringRef name, size_t count, int64_t rowLength,
                      int64_t perLine, bool factorRows,
                      llvm::function_ref<std::string(size_t)> literal);

/// Writes `struct NAME : ariadne::BASE { ... };` member by member (BASE
/// may name a nested namespace, "fx::DenseConfig").
class ConfigWriter {
public:
  ConfigWriter(llvm::raw_ostream &os, llvm::StringRef name,
               llvm::StringRef base);
  ~ConfigWriter();

  ConfigWriter &integer(llvm::StringRef name, int64_t value);
  ConfigWriter &real(llvm::StringRef name, float value);
  ConfigWriter &array(llvm::StringRef name, llvm::ArrayRef<int64_t> values);
  /// A raw fixed-point value (std::int64_t).
  ConfigWriter &raw(llvm::StringRef name, int64_t value);
  /// `using NAME = ariadne::fixed<...>;`
  ConfigWriter &type(llvm::StringRef name, fx::FixedType type);
  /// `static constexpr const TYPE *NAME = ARRAY;`
  ConfigWriter &pointer(llvm::StringRef name, llvm::StringRef type,
                        llvm::StringRef array);
  ConfigWriter &line(const llvm::Twine &text);

private:
  llvm::raw_ostream &os;
};

/// How the operands of a binary element-wise op broadcast to one event of
/// its result, as the runtime's BinaryConfig and fx::ArithConfig take it
/// (a scalar event as rank 1, shape {1}).
struct BinaryLayout {
  llvm::SmallVector<int64_t> shape, lhsStrides, rhsStrides;
  /// The event shapes, for comments.
  llvm::SmallVector<int64_t> lhsShape, rhsShape, outShape;

  std::string describe() const;
  /// rank, shape, lhsStrides, rhsStrides.
  void write(ConfigWriter &config) const;
};
mlir::FailureOr<BinaryLayout> binaryLayout(mlir::Operation *op,
                                           CppEmission &emission);

/// A matrix product per event: [m, k] x [k, n] over broadcast batch
/// dimensions, as the runtime's MatMulConfig and fx::MatMulConfig take it.
struct MatMulLayout {
  int64_t m = 1, k = 1, n = 1;
  llvm::SmallVector<int64_t> batchShape, lhsBatch, rhsBatch;
  llvm::SmallVector<int64_t> lhsShape, rhsShape, outShape;

  std::string describe() const;
  /// Multiplications per event.
  int64_t products() const;
  /// m, k, n, batchRank, batchShape, lhsBatchStrides, rhsBatchStrides.
  void write(ConfigWriter &config) const;
};
mlir::FailureOr<MatMulLayout> matMulLayout(mlir::Operation *op,
                                           CppEmission &emission);

// Names, locations and first-error capture live in backends/common (every
// target uses them).
using ariadne::describeLocation;
using ariadne::FirstErrorCapture;
using ariadne::IdentifierTable;
using ariadne::locationFile;
using ariadne::locationName;
using ariadne::product;
using ariadne::sanitizeIdentifier;

/// Prepares the module and runs the C++ patterns over it (the emission the
/// cpp and cuda package writers share); errors name the op and `target`.
llvm::Expected<std::unique_ptr<CppEmission>>
emitCppModule(mlir::ModuleOp module, llvm::StringRef target);

/// The model file the module was read from, for generated headers.
std::string sourceOf(mlir::ModuleOp module, mlir::func::FuncOp fn);

} // namespace cpp
} // namespace ariadne

#endif // ARIADNE_BACKENDS_CPP_CPPEMITTER_H
