//===- HlsEmitter.h - internals of the HLS backend --------------*- C++ -*-===//
//
// The state the emission patterns share, and the patterns' registry: one
// pattern per op writes the layer's types and configuration
// (parameters.h), its constants (weights.h) and its kernel call (the top
// function's body). The patterns never modify the IR.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_HLS_HLSEMITTER_H
#define ARIADNE_BACKENDS_HLS_HLSEMITTER_H

#include "backends/cpp/CppEmitter.h"
#include "backends/hls/HlsBackend.h"
#include "passes/FX/FXTypes.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <string>

namespace ariadne {
namespace hls {

class HlsEmission {
public:
  HlsEmission(mlir::func::FuncOp fn, const HlsOptions &options);

  mlir::func::FuncOp function() const { return fn; }
  const HlsOptions &options() const { return opts; }

  llvm::raw_ostream &parameters() { return paramsOS; }
  llvm::raw_ostream &weights() { return weightsOS; }
  llvm::raw_ostream &body() { return bodyOS; }

  /// A C identifier for `op`, unique in the project: its ONNX node name
  /// (else its op name), sanitized.
  std::string identifier(mlir::Operation *op);
  /// A fresh identifier from `base`.
  std::string unique(llvm::StringRef base);
  /// The ONNX node names of `op`, for reports and config lookups.
  std::string layerName(mlir::Operation *op) const;

  /// The array that holds `value` in the top function, and the C type of
  /// its elements.
  std::string arrayOf(mlir::Value value) const {
    return arrays.lookup(value).first;
  }
  std::string typeOf(mlir::Value value) const {
    return arrays.lookup(value).second;
  }
  void bindArray(mlir::Value value, std::string name, std::string type) {
    arrays[value] = {std::move(name), std::move(type)};
  }
  /// Declares a fully partitioned local array for `value` of the C type
  /// `type`, named `name`.
  void declareArray(mlir::Value value, const std::string &name,
                    const std::string &type);

  /// Writes `typedef <type> name;` into parameters.h; returns name.
  std::string typeName(const std::string &name, fx::FixedType type);

  /// Elements of `value` in one event.
  int64_t eventSize(mlir::Value value) const;

  /// The build settings of `op`, a layer of config type `type`.
  HlsLayerSettings settingsOf(mlir::Operation *op, llvm::StringRef type) const;

  void addEstimate(HlsLayerEstimate estimate) {
    estimates.push_back(std::move(estimate));
  }
  const std::vector<HlsLayerEstimate> &layerEstimates() const {
    return estimates;
  }

  std::vector<HlsLayerEstimate> &layerEstimates() { return estimates; }

  std::string takeParameters() { return take(paramsText); }
  std::string takeWeights() { return take(weightsText); }
  /// The body written so far; the body starts empty again.
  std::string takeBody() { return take(bodyText); }

private:
  static std::string take(std::string &text) {
    std::string taken;
    taken.swap(text);
    return taken;
  }

  mlir::func::FuncOp fn;
  const HlsOptions &opts;
  std::string paramsText, weightsText, bodyText;
  llvm::raw_string_ostream paramsOS, weightsOS, bodyOS;
  llvm::DenseMap<mlir::Value, std::pair<std::string, std::string>> arrays;
  IdentifierTable identifiers;
  std::vector<HlsLayerEstimate> estimates;
};

/// A port of the top function: an array of its fixed-point type
/// (io_parallel), or a stream of `words` words of `wordSize` values per
/// event (io_stream) whose value (word w, element i) is element
/// w * wordStride + i * elementStride of the flat model input or output.
struct Port {
  std::string name, type;
  fx::FixedType fixed;
  int64_t size = 0;
  std::string modelName;
  mlir::Value value;
  int64_t words = 1, wordSize = 0, wordStride = 0, elementStride = 1;
  /// How its words stream, for the README ("one word per event").
  std::string streamForm;
};

/// The io_stream design (HlsStream.cpp): the stage and tail functions, the
/// top function's body, and what the estimate adds to the layers'.
struct StreamDesign {
  std::string functions, body;
  /// Cycles the longest stream takes per event (words x the initiation
  /// interval of its stage), and the design's initiation interval.
  int64_t streamCycles = 0, interval = 1;
  /// Whether the tail runs a time loop (not pipelined).
  bool sequential = false;
};

/// Plans and writes the io_stream design of the emission's function: sets
/// the ports' words, fills `design`, adds the layers' estimates.
mlir::LogicalResult emitStreamDesign(HlsEmission &emission,
                                     std::vector<Port> &inputs,
                                     std::vector<Port> &outputs,
                                     StreamDesign &design);

/// The emission patterns, by op class: each writes the code of one op kind
/// (passes/Support/OpHandlers.h).
using HlsPatterns =
    OpHandlers<mlir::LogicalResult(mlir::Operation *, HlsEmission &)>;

/// The patterns of every op the HLS target supports.
void populateHlsPatterns(HlsPatterns &patterns);

/// The recurrent layers whose steps run as a loop over one cell
/// (HlsTimeLoop.cpp, `[hls] time_loop = "sequential"`).
class TimeLoops {
public:
  /// Finds the loops of `fn`; none unless `sequential`.
  TimeLoops(mlir::func::FuncOp fn, bool sequential);
  ~TimeLoops();
  bool empty() const;
  /// Writes `op` with its pattern, or, at the first op of a loop's first
  /// looped step, the loop; nothing for the other ops of the loop.
  mlir::LogicalResult emit(mlir::Operation *op, HlsEmission &emission,
                           const HlsPatterns &patterns) const;

private:
  class Impl;
  std::unique_ptr<Impl> impl;
};

/// `ARIADNE_FIXED(16, 6, RND, SAT)`: the spelling of hls_types.h.
std::string typeSpelling(fx::FixedType type);

/// The exact decimal value of the raw integer `raw` of `type`, a literal
/// that ap_fixed and ariadne::fixed both read back exactly; fails for raw
/// integers beyond 2^53 (a double would round them).
mlir::FailureOr<std::string> valueLiteral(mlir::Operation *op, int64_t raw,
                                          fx::FixedType type);

/// The estimate model's constants (README and report.json state them).
/// An adder of up to 48 bits on a carry chain, and a DSP48E2 multiplier.
constexpr double kAdderDelayNs = 1.0;
/// Products whose narrower operand has at most this many bits are built in
/// LUTs; wider ones on DSP48E2 slices (27 x 18 bits each).
constexpr int kLutMultiplierBits = 4;

} // namespace hls
} // namespace ariadne

#endif // ARIADNE_BACKENDS_HLS_HLSEMITTER_H
