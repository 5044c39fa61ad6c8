//===- VerilogBackend.h - the Verilog RTL target ----------------*- C++ -*-===//
//
// Writes synthesizable Verilog-2005 for a quantized (fx dialect) function:
// one fully parallel top module that takes one event per clock (II = 1),
// with a port per input and output element carrying the raw integers of
// their fixed-point types; dense layers as constant multiplications (on
// DSPs, or shift-and-add in canonical signed digit form) and pipelined
// adder trees; tables as ROMs; casts with the exact rounding and overflow
// logic of the fx dialect. Beside it: the Verilator harness, a Yosys
// script and report.json.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_VERILOG_VERILOGBACKEND_H
#define ARIADNE_BACKENDS_VERILOG_VERILOGBACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ariadne {

/// The Xilinx family the package's Yosys script (synth_yosys.ys) maps
/// onto: UltraScale+ (DSP48E2, CARRY8).
constexpr const char *kYosysFamily = "xcup";

/// How the constant multiplications of a layer are built.
enum class VerilogMultiplier {
  /// `x * C`: synthesis maps it onto DSP slices.
  Dsp,
  /// A sum of shifted inputs, one per nonzero digit of the canonical
  /// signed digit form of C, folded into the layer's adder tree.
  ShiftAdd,
};

/// The most products one layer may compute per event unless the config's
/// `max_products` says otherwise: at one event per clock every product is
/// a multiplier of its own.
constexpr int64_t kVerilogMaxProducts = 4096;

/// How one layer is built.
struct VerilogLayerSettings {
  /// 0: one register stage at the layer's output (the default); N > 0:
  /// besides, a register stage after every N adder levels.
  int64_t pipelineLevels = 0;
  VerilogMultiplier multiplier = VerilogMultiplier::Dsp;
  /// The most products per event: a dense layer's nonzero weights times
  /// its rows, a matmul's m * k * n times its batch, a mul's elements.
  int64_t maxProducts = kVerilogMaxProducts;
};

struct VerilogOptions {
  /// The precision the model was compiled at, for the README and report.
  std::string precision;
  /// The settings of the layer with these ONNX node names and this type
  /// ("dense", "softmax", ...); the defaults when not set.
  std::function<VerilogLayerSettings(llvm::ArrayRef<std::string> names,
                                     llvm::StringRef type)>
      layerSettings;
  /// Harness data (tb_data/input_raw.csv): `events` rows of input floats,
  /// written as the raw integers of the input ports; none when 0.
  const std::vector<float> *inputs = nullptr;
  size_t events = 0;
};

/// What one layer became.
struct VerilogLayerReport {
  std::string name, op, detail;
  std::string type;        // the result's fixed-point type
  int64_t stages = 0;      // register stages (cycles)
  int64_t multipliers = 0; // `*` of a constant (neither 0 nor +-2^k)
  int64_t adders = 0;      // two-input adders and subtractors
  int64_t addersUnshared = 0; // the same without shared subexpressions
  int64_t sharedSums = 0;     // shift_add sums shared between outputs
  int64_t romBits = 0;     // table entries x width, per ROM copy
  int64_t roms = 0;        // ROM copies (one per element looked up)
  std::string multiplier;  // "dsp", "shift_add" or ""
};

struct VerilogReport {
  std::string top;
  std::vector<VerilogLayerReport> layers;
  int64_t latency = 0; // cycles from valid_in to valid_out
  int64_t multipliers = 0, adders = 0, addersUnshared = 0, romBits = 0;
};

/// Writes the package into `outDir` (which exists and is empty):
/// rtl/NAME.v, verilator/NAME_harness.cpp, synth_yosys.ys, README.md,
/// report.json and, with events, tb_data/input_raw.csv. Errors name the op
/// (file, line, node) and the reason.
llvm::Error emitVerilogPackage(mlir::ModuleOp module, llvm::StringRef outDir,
                               const VerilogOptions &options,
                               VerilogReport *report = nullptr);

/// The report as the table `compile` prints.
std::string formatVerilogReport(const VerilogReport &report);

/// The cells Yosys `synth_xilinx` mapped a design onto, from its `stat`.
struct YosysResources {
  int64_t luts = 0;      // LUT1 .. LUT6
  int64_t flipFlops = 0; // FDRE, FDSE, FDCE, FDPE
  int64_t dsps = 0;      // DSP48E1 / DSP48E2
  int64_t carries = 0;   // CARRY4 / CARRY8
  int64_t brams = 0;     // RAMB18 / RAMB36 (18 Kb units: a RAMB36 counts 2)
  int64_t lutRams = 0;   // RAM32X1D, RAM64X1D, ...
  double seconds = 0;    // wall time of the yosys run
};

/// Parses the last `stat` of a Yosys log. Fails when the log has none.
llvm::Expected<YosysResources> parseYosysStat(llvm::StringRef log);

/// Adds a "yosys" object with `resources` (and `family`) to the package's
/// report.json in `dir`.
llvm::Error addYosysToReport(llvm::StringRef dir,
                             const YosysResources &resources,
                             llvm::StringRef family);

/// The resources as the table `compile --synth yosys` prints.
std::string formatYosysResources(const YosysResources &resources);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_VERILOG_VERILOGBACKEND_H
