//===- VerilogEmitter.h - internals of the Verilog backend ------*- C++ -*-===//
//
// The state the emission patterns share and the patterns' registry. A
// tensor of one event is a list of element signals; every signal is a
// signed Verilog wire or register holding the raw integer exactly (an
// unsigned type of W bits is held in W + 1 bits), with the pipeline stage
// (the clock cycle after valid_in) at which it is valid. Patterns write
// wires, registers and ROM modules, and never modify the IR.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_VERILOG_VERILOGEMITTER_H
#define ARIADNE_BACKENDS_VERILOG_VERILOGEMITTER_H

#include "backends/cpp/CppEmitter.h"
#include "backends/verilog/VerilogBackend.h"
#include "passes/FX/FXTypes.h"
#include "passes/Support/OpHandlers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ariadne {
namespace verilog {

using Int128 = __int128;

/// One scalar of an event in the RTL.
struct Signal {
  /// A wire or register name, or a constant's literal.
  std::string name;
  /// Bits of the signed representation.
  int width = 1;
  /// The cycle at which it holds the current event's value; constants are
  /// valid at every stage.
  int64_t stage = 0;
  bool constant = false;
  /// The least and greatest value it can hold.
  Int128 low = 0, high = 0;
};

/// Bits of the narrowest two's complement integer holding [low, high].
int signedBits(Int128 low, Int128 high);
/// A signed Verilog literal of `value` (`9'sd128`, `-9'sd128`).
std::string literal(Int128 value);
/// The raw range of `type`.
std::pair<Int128, Int128> rangeOf(fx::FixedType type);
/// Bits of the signed representation of `type`.
int internalWidth(fx::FixedType type);

class VerilogEmission {
public:
  VerilogEmission(mlir::func::FuncOp fn, const VerilogOptions &options);

  mlir::func::FuncOp function() const { return fn; }

  /// Declarations and continuous assignments of the top module.
  llvm::raw_ostream &body() { return bodyOS; }
  /// Modules besides the top (the ROMs).
  llvm::raw_ostream &modules() { return modulesOS; }

  /// A fresh Verilog identifier from `base`.
  std::string unique(llvm::StringRef base);
  /// An identifier for `op`: its ONNX node name, else its op name.
  std::string identifier(mlir::Operation *op);
  /// The ONNX node names of `op`, for reports.
  std::string layerName(mlir::Operation *op) const;
  /// The build settings of `op`, a layer of config type `type`.
  VerilogLayerSettings settingsOf(mlir::Operation *op,
                                  llvm::StringRef type) const;

  /// The element signals of `value` (C order).
  const std::vector<Signal> &signalsOf(mlir::Value value) const;
  void bind(mlir::Value value, std::vector<Signal> signals);

  /// `wire signed [width-1:0] NAME = expr;` valid at `stage`.
  Signal wire(llvm::StringRef base, int width, const std::string &expr,
              int64_t stage, Int128 low, Int128 high);
  /// A register loaded with `expr` (valid at `stage`): valid at stage + 1.
  Signal reg(llvm::StringRef base, int width, const std::string &expr,
             int64_t stage, Int128 low, Int128 high);
  /// `signal` delayed to `stage` (>= its own) by a chain of registers,
  /// shared between the users of the same delay.
  Signal at(const Signal &signal, int64_t stage);
  /// A constant signal.
  static Signal constant(Int128 value);

  /// The latest stage among `signals`.
  static int64_t latestStage(llvm::ArrayRef<Signal> signals);

  void addLayer(VerilogLayerReport layer) {
    layers.push_back(std::move(layer));
  }
  /// Sets the result type of the layer added last.
  void setLastLayerType(std::string type) {
    if (!layers.empty())
      layers.back().type = std::move(type);
  }
  const std::vector<VerilogLayerReport> &layerReports() const { return layers; }

  std::string takeBody();
  std::string takeModules() { return std::move(modulesText); }

private:
  mlir::func::FuncOp fn;
  const VerilogOptions &opts;
  std::string bodyText, modulesText, registerText;
  llvm::raw_string_ostream bodyOS, modulesOS, registerOS;
  llvm::DenseMap<mlir::Value, std::vector<Signal>> values;
  std::map<std::string, std::vector<std::string>> delays;
  IdentifierTable identifiers;
  std::vector<VerilogLayerReport> layers;
};

/// The emission patterns, by op class: each writes the logic of one op
/// kind (passes/Support/OpHandlers.h).
using VerilogPatterns =
    OpHandlers<mlir::LogicalResult(mlir::Operation *, VerilogEmission &)>;

/// The patterns of every op the Verilog target supports.
void populateVerilogPatterns(VerilogPatterns &patterns);

} // namespace verilog
} // namespace ariadne

#endif // ARIADNE_BACKENDS_VERILOG_VERILOGEMITTER_H
