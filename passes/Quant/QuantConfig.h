//===- QuantConfig.h - per-layer quantization config file -------*- C++ -*-===//
//
// The TOML file given with `--config` that refines `--precision` per layer
// and per tensor role:
//
//   [model]                      # defaults for every layer
//   precision = "fixed<16,6>"    # a type, "auto" or "float"
//   max_width = 16               # width budget of "auto" (2 to 64)
//   [model.table]                # lookup tables of nonlinear functions
//   size = 1024                  # entries (2 to 2^20)
//   range = [-8.0, 8.0]          # input range the table covers (low < high)
//   entry = "fixed<18,8>"        # entry type
//   [type.dense]                 # every layer of one type
//   weight = "fixed<8,1>"
//   bias = "fixed<12,4>"
//   [type.softmax.exp_table]     # softmax's exponential and reciprocal
//   size = 256                   # tables: the keys of `table`
//   [layer."fc1"]                # one layer: ONNX node name or input name
//   result = "fixed<18,8,RND,SAT>"
//   accumulator = "fixed<32,12>"
//   [layer."fc1".table]
//   size = 512
//   [hls]                        # the HLS target (Vitis HLS project)
//   part = "xcvu13p-flga2577-2-e"  # FPGA part
//   clock_period = 5.0           # ns (> 0, at most 1000)
//   strategy = "latency"         # default: "latency" or "resource"
//   reuse_factor = 1             # default: uses of each multiplier (1 to 4096)
//   [verilog]                    # the Verilog target (RTL)
//   pipeline = "layer"           # default: "layer" or N (registers every N
//                                # adder levels besides); per section too
//   multiplier = "dsp"           # default: "dsp" or "shift_add"; per section
//
// Keys of a section: precision, weight, bias, accumulator, result, and the
// sub-tables table, exp_table, inv_table (keys size, range, entry);
// max_width only in [model]; exp_table and inv_table only in [model],
// [type.softmax] and [layer."..."]. Layer types: the names layerTypeNames()
// lists; `input` stands for the model's inputs (their `result` is the type
// they are quantized to). Types are spelled as for `--precision`
// (fx::parsePrecision); "auto" and "float" are allowed for `precision` only.
// An accumulator is TRN and WRAP: a saturating one would make sums depend
// on the order of addition (DESIGN.md, "Fixed-point semantics").
//
// The HLS keys strategy ("latency": every multiplier its own, II=1;
// "resource": each multiplier reused reuse_factor times) and reuse_factor
// are keys of every section. Their model-wide defaults are given in [hls]
// or in [model], not in both, and are stored in QuantConfig::model. [hls]
// takes part (letters, digits, '-', '_', '.') and clock_period besides.
//
// Settings resolve field by field: [model] (and [hls]) < [type.T] <
// [layer."N"], and `precision` is the type of every role the resolved
// settings leave unset.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_QUANT_QUANTCONFIG_H
#define ARIADNE_PASSES_QUANT_QUANTCONFIG_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace ariadne::quant {

/// The tensors of a layer that carry their own type.
enum class Role { Weight, Bias, Accumulator, Result, Table };

/// The key that names `role` in the file: "weight", "bias", "accumulator",
/// "result" or "table".
llvm::StringRef roleName(Role role);

/// The layer types a [type.T] section may name.
llvm::ArrayRef<llvm::StringRef> layerTypeNames();

/// One lookup table's settings; unset fields are inherited.
struct TableSettings {
  std::optional<int64_t> size;
  std::optional<std::pair<double, double>> range;
  /// The entry type, in the spelling of fx::formatPrecision.
  std::optional<std::string> entry;
};

/// The settings of one section; unset fields are inherited.
struct LayerSettings {
  /// "auto", "float" or a type in the spelling of fx::formatPrecision.
  std::optional<std::string> precision;
  /// Types of Weight, Bias, Accumulator and Result, in the spelling of
  /// fx::formatPrecision. The table's entry type is `table.entry`.
  std::map<Role, std::string> roles;
  /// `table`, and softmax's `exp_table` and `inv_table`.
  TableSettings table, expTable, invTable;
  /// The HLS strategy: "latency" or "resource".
  std::optional<std::string> strategy;
  /// The HLS reuse factor: how many times each multiplier is used, 1 to
  /// 4096.
  std::optional<int64_t> reuseFactor;
  /// The Verilog target's register stages: 0 for one at each layer's
  /// output ("layer"), N for one more after every N adder levels.
  std::optional<int64_t> pipelineLevels;
  /// The Verilog target's constant multipliers: "dsp" or "shift_add".
  std::optional<std::string> multiplier;

  /// The type given to `role`: `table.entry` for Role::Table, else the
  /// entry of `roles`; not `precision`, which the caller falls back to.
  std::optional<std::string> roleType(Role role) const;
};

/// The [hls] settings that concern the whole project, not its layers.
struct HlsSettings {
  /// The FPGA part, e.g. "xcvu13p-flga2577-2-e"; non-empty.
  std::optional<std::string> part;
  /// The clock period in ns, greater than 0 and at most 1000.
  std::optional<double> clockPeriod;
};

/// A parsed and validated configuration file.
struct QuantConfig {
  /// The file it was read from, as given.
  std::string path;
  /// [model], with the strategy and reuse_factor of [hls].
  LayerSettings model;
  /// [model] max_width.
  std::optional<int> maxWidth;
  /// [hls] part and clock_period.
  HlsSettings hls;
  /// [type.T] by layer type, [layer."N"] by layer name.
  std::map<std::string, LayerSettings> byType, byName;
  /// Where each [layer."N"] is defined, as `FILE:LINE:COL`.
  std::map<std::string, std::string> nameLocations;

  /// Field-by-field merge: model < byType[type] < byName[name].
  LayerSettings resolve(llvm::StringRef name, llvm::StringRef type) const;
  /// As above for a layer known by several names (a dense layer fused with
  /// its activation): their entries apply in order, the last winning.
  LayerSettings resolveAll(llvm::ArrayRef<std::string> names,
                           llvm::StringRef type) const;

  /// The names of every [layer."N"] section; those that name no layer of
  /// the model are the caller's errors.
  std::set<std::string> layerNames() const;

  /// `FILE:LINE:COL` of [layer."N"] for `name`, or the file's path when
  /// the name has no section.
  std::string locationOf(llvm::StringRef name) const;
};

/// Reads and validates the file at `path`. Errors are one line each,
/// `FILE:LINE:COL: reason`, all of them in one llvm::Error. `context`
/// parses the types (fx::parsePrecision loads the fx dialect into it).
llvm::Expected<QuantConfig> parseQuantConfig(llvm::StringRef path,
                                             mlir::MLIRContext *context);

/// As parseQuantConfig, on `text` said to come from `path`.
llvm::Expected<QuantConfig> parseQuantConfigText(llvm::StringRef text,
                                                 llvm::StringRef path,
                                                 mlir::MLIRContext *context);

} // namespace ariadne::quant

#endif // ARIADNE_PASSES_QUANT_QUANTCONFIG_H
