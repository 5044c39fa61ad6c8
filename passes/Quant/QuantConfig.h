//===- QuantConfig.h - per-layer quantization config file -------*- C++ -*-===//
//
// The TOML file given with `--config` that refines `--precision` per layer
// and per tensor role:
//
//   [model]                      # defaults for every layer
//   precision = "fixed<16,6>"    # a type, "auto" or "float"
//   max_width = 16               # width budget of "auto" (2 to 64)
//   [model.table]                # lookup tables of nonlinear functions
//   size = 1024                  # entries (2 to 2^20; default: autoBins)
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
//   [hls]                        # a target's own section, registered by
//   part = "xcvu13p-flga2577-2-e"  # the target (backends/hls/HlsTarget.cpp)
//
// Keys of a section: precision, weight, bias, accumulator, result, state
// and cell (a recurrent layer's hidden state and LSTM cell), and the
// sub-tables table, exp_table, inv_table (keys size, range, entry);
// max_width only in [model]; exp_table and inv_table only in [model],
// [type.softmax] and [layer."..."]. Layer types: the names layerTypeNames()
// lists; `input` stands for the model's inputs (their `result` is the type
// they are quantized to). Types are spelled as for `--precision`
// (fx::parsePrecision); "auto" and "float" are allowed for `precision` only.
// An accumulator is TRN and WRAP: a saturating one would make sums depend
// on the order of addition (DESIGN.md, "Fixed-point semantics").
//
// Targets own their sections and keys: a target registers a TargetSection
// (its name and keys, each with the reader that validates its value), and
// this file knows no target. A per-layer target key (the HLS strategy, the
// Verilog pipeline) is also a key of every [model], [type.T] and
// [layer."N"] section; its model-wide default is given in the target's
// section or in [model], not in both, and is stored in QuantConfig::model.
//
// Settings resolve field by field: [model] (and the targets' sections) <
// [type.T] < [layer."N"], and `precision` is the type of every role the
// resolved settings leave unset.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_PASSES_QUANT_QUANTCONFIG_H
#define ARIADNE_PASSES_QUANT_QUANTCONFIG_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ariadne::quant {

/// The tensors of a layer that carry their own type.
/// State and Cell type the results that carry a recurrent layer's hidden
/// state and LSTM cell from step to step (ops tagged `nn.state`).
enum class Role { Weight, Bias, Accumulator, Result, Table, State, Cell };

/// The key that names `role` in the file: "weight", "bias", "accumulator",
/// "result", "table", "state" or "cell".
llvm::StringRef roleName(Role role);

/// The layer types a [type.T] section may name.
llvm::ArrayRef<llvm::StringRef> layerTypeNames();

/// A value of a target's key: an integer, a number or a text.
using TargetValue = std::variant<int64_t, double, std::string>;

/// A TOML value as a target's key reader sees it.
struct ConfigValue {
  std::optional<int64_t> integer;  // an integer
  std::optional<double> number;    // an integer or a float
  std::optional<std::string> text; // a string
  /// "an integer", "a string", ...: the kind, for messages.
  std::string kind;
};

/// What a key reader says: the value, or the error (a message after
/// `FILE:LINE:COL: `) located at the value or at the key.
struct TargetKeyResult {
  std::optional<TargetValue> value;
  std::string error;
  bool atValue = true;
  static TargetKeyResult ok(TargetValue v) { return {std::move(v), "", true}; }
  static TargetKeyResult fail(std::string message, bool atValue = true) {
    return {std::nullopt, std::move(message), atValue};
  }
};

/// A key of a target's section.
struct TargetKey {
  std::string name;
  /// Also a key of [model], [type.T] and [layer."N"], resolved per layer.
  bool perLayer = false;
  /// Checks a value; `section` ("[hls]", "[type.dense]") starts messages.
  std::function<TargetKeyResult(const ConfigValue &value,
                                llvm::StringRef section)>
      read;
};

/// A target's section of the file ("hls" for [hls]) and its keys: its own
/// keys first, then the per-layer ones.
struct TargetSection {
  std::string name;
  std::vector<TargetKey> keys;
};

/// Makes a target's section and keys known to the reader; a target calls it
/// when it registers (registerAllTargets). Registering a name again is a
/// no-op.
void registerTargetSection(TargetSection section);

/// `value` in the shortest form that reads back the same (1000, not
/// 1e+03), for messages about numbers in the file.
std::string formatConfigNumber(double value);

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
  /// The per-layer keys of the targets, by key name, as their readers
  /// returned them.
  std::map<std::string, TargetValue> target;

  /// The type given to `role`: `table.entry` for Role::Table, else the
  /// entry of `roles`; not `precision`, which the caller falls back to.
  std::optional<std::string> roleType(Role role) const;

  /// A per-layer target key's value, if set and of that kind.
  std::optional<int64_t> targetInteger(llvm::StringRef key) const;
  std::optional<std::string> targetText(llvm::StringRef key) const;
};

/// A parsed and validated configuration file.
struct QuantConfig {
  /// The file it was read from, as given.
  std::string path;
  /// [model], with the per-layer keys the targets' sections set.
  LayerSettings model;
  /// [model] max_width.
  std::optional<int> maxWidth;
  /// The targets' own keys (not per layer), by section and key: [hls] part.
  std::map<std::string, std::map<std::string, TargetValue>> sections;
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

  /// A target's own key, if set: `sectionValue("hls", "part")`.
  std::optional<TargetValue> sectionValue(llvm::StringRef section,
                                          llvm::StringRef key) const;
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
