//===- Options.h - ariadnec command line -------------------------*- C++
//-*-===//
//
// The command line of DESIGN.md, parsed without MLIR so that errors in it
// are cheap to report and test.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TOOLS_ARIADNEC_OPTIONS_H
#define ARIADNE_TOOLS_ARIADNEC_OPTIONS_H

#include <string>
#include <vector>

namespace ariadne {

enum class Command { Compile, Emulate, Validate, Help };

/// What the command line knows of a target (from the target registry).
struct TargetChoice {
  std::string name;
  /// One line for the help text.
  std::string summary;
  /// The tools --synth may name with this target.
  std::vector<std::string> synthTools;
};

struct DriverOptions {
  Command command = Command::Help;
  std::string model;               // positional: .onnx, .onnxtxt or .mlir
  std::string target = "cpp";      // cpp unless --target or --emit=TARGET
  std::string output;              // -o
  std::string emit;                // --emit=mlir|mlir-opt|TARGET
  std::string input;               // --input events.csv
  std::string precision = "float"; // float, auto, fixed<...>, ufixed<...>
  std::string name;                // --name: kernel name
  bool keep = false;               // validate: keep the build directory
  /// --config: the quantization config file (TOML) refining --precision.
  std::string config;
  /// --calibration: the events (CSV) whose ranges set auto's integer bits.
  std::string calibration;
  /// --max-width: the widest type auto may choose; 0 when not given.
  int maxWidth = 0;
  /// --dynamic-batch: the leading dimension of every model input and
  /// output is the event batch, whatever size the file gives it.
  bool dynamicBatch = false;
  /// --report-overflow (emulate, validate): count saturated and wrapped
  /// values per tensor.
  bool reportOverflow = false;
  /// --compare (emulate): the reference run beside it; only "float".
  std::string compare;
  /// --synth (compile --target verilog): the synthesis to run on the RTL;
  /// only "yosys".
  std::string synth;
};

/// Parses argv against the registered `targets`; on error returns false
/// with a one-line message.
bool parseDriverOptions(const std::vector<std::string> &args,
                        DriverOptions &options, std::string &error,
                        const std::vector<TargetChoice> &targets);

std::string driverUsage(const std::vector<TargetChoice> &targets);

} // namespace ariadne

#endif // ARIADNE_TOOLS_ARIADNEC_OPTIONS_H
