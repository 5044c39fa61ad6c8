//===- Options.cpp - ariadnec command line --------------------------------===//
#include "tools/ariadnec/Options.h"

#include <functional>
#include <map>

using namespace ariadne;

std::string ariadne::driverUsage(const std::vector<TargetChoice> &targets) {
  std::string names, synth, list;
  for (const TargetChoice &t : targets) {
    names += (names.empty() ? "" : "|") + t.name;
    for (const std::string &tool : t.synthTools)
      synth += (synth.empty() ? "" : "|") + tool;
    list += "  " + t.name +
            std::string(t.name.size() < 9 ? 9 - t.name.size() : 1, ' ') +
            t.summary + "\n";
  }
  return "usage:\n"
         "  ariadnec compile MODEL [--target " +
         names +
         "] [-o DIR]\n"
         "                         [--name NAME] [PRECISION] "
         "[--emit=mlir|mlir-opt|TARGET]\n"
         "                         [--input EVENTS.csv]" +
         (synth.empty() ? "" : " [--synth " + synth + "]") +
         "\n"
         "  ariadnec emulate MODEL --input EVENTS.csv [-o OUT.csv] "
         "[PRECISION]\n"
         "                         [--report-overflow] [--compare float]\n"
         "  ariadnec validate MODEL [--target " +
         names +
         "] --input EVENTS.csv [-o DIR]\n"
         "                          [PRECISION] [--report-overflow] [--keep]\n"
         "  ariadnec train CONFIG.toml [--config NAME] [-o DIR] [...]\n"
         "                         (LibTorch training; `ariadnec train "
         "--help`)\n"
         R"(
PRECISION options:
  --precision P       float (default), auto, 'fixed<W,I[,Q[,O]]>' or
                      'ufixed<W,I[,Q[,O]]>': the type of every tensor
  --config FILE       TOML file refining it per layer type, layer and tensor
                      role, with the targets' sections (README.md,
                      "Quantization config")
  --calibration FILE  events (CSV) whose ranges set the integer bits of auto;
                      required by --precision auto
  --max-width N       the widest type auto may choose (2 to 64)

  --dynamic-batch     treat the leading dimension of every model input and
                      output as the event batch, whatever size the ONNX file
                      pins it to (exports with a fixed batch, Keras's 1)
  --report-overflow   count, per tensor, the values that saturated or wrapped
  --compare float     also run the float model and report the differences
  --keep              validate: keep the build directory
  --synth TOOL        compile: run a synthesis tool on the package (the
                      verilog target: yosys, Xilinx UltraScale+ cells)
  --emit=STAGE        print the IR after import (mlir) or after the passes
                      (mlir-opt), or a target's main source (--emit=cpp)

Targets:
)" + list +
         R"(
MODEL is an ONNX file (.onnx), ONNX in protobuf text format (.onnxtxt) or
nn-dialect MLIR (.mlir). Without -o, compile writes to ./NAME_TARGET and
emulate prints to standard output.
)";
}

namespace {

/// Whether `text` has the shape of a fixed-point type: `fixed<...>` or
/// `ufixed<...>`, blanks allowed. Its parameters are checked where the type
/// is built.
bool looksLikeFixedType(std::string text) {
  auto isBlank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && isBlank(text.back()))
    text.pop_back();
  size_t at = 0;
  while (at < text.size() && isBlank(text[at]))
    ++at;
  for (const char *prefix : {"ufixed", "fixed"}) {
    std::string name(prefix);
    if (text.compare(at, name.size(), name) != 0)
      continue;
    at += name.size();
    while (at < text.size() && isBlank(text[at]))
      ++at;
    return at + 2 < text.size() && text[at] == '<' && text.back() == '>';
  }
  return false;
}

/// `text` as a decimal integer, or false when it is not one.
bool parseInteger(const std::string &text, int &value) {
  if (text.empty() || text.size() > 9)
    return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

} // namespace

bool ariadne::parseDriverOptions(const std::vector<std::string> &args,
                                 DriverOptions &options, std::string &error,
                                 const std::vector<TargetChoice> &targets) {
  if (args.empty()) {
    error = "no command given";
    return false;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    options.command = Command::Help;
    return true;
  }
  static const std::map<std::string, Command> commands = {
      {"compile", Command::Compile},
      {"emulate", Command::Emulate},
      {"validate", Command::Validate}};
  auto cmd = commands.find(args[0]);
  if (cmd == commands.end()) {
    error =
        "unknown command '" + args[0] + "' (compile, emulate, validate, train)";
    return false;
  }
  options.command = cmd->second;

  // Options taking a value, accepted as `--opt VALUE` or `--opt=VALUE`.
  std::string maxWidth;
  options.target.clear(); // set below: --target, --emit=TARGET or cpp
  std::map<std::string, std::string *> valued = {
      {"--target", &options.target},
      {"-o", &options.output},
      {"--output", &options.output},
      {"--emit", &options.emit},
      {"--input", &options.input},
      {"--precision", &options.precision},
      {"--name", &options.name},
      {"--config", &options.config},
      {"--calibration", &options.calibration},
      {"--max-width", &maxWidth},
      {"--compare", &options.compare},
      {"--synth", &options.synth}};
  // Options without a value.
  std::map<std::string, bool *> flags = {
      {"--keep", &options.keep},
      {"--dynamic-batch", &options.dynamicBatch},
      {"--report-overflow", &options.reportOverflow}};
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (auto flag = flags.find(arg); flag != flags.end()) {
      *flag->second = true;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      std::string key = arg, value;
      bool inlineValue = false;
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        key = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inlineValue = true;
      }
      auto it = valued.find(key);
      if (it == valued.end()) {
        error = flags.count(key) ? "option '" + key + "' takes no value"
                                 : "unknown option '" + key + "'";
        return false;
      }
      if (!inlineValue) {
        if (i + 1 >= args.size()) {
          error = "option '" + key + "' needs a value";
          return false;
        }
        value = args[++i];
      }
      if (value.empty()) {
        error = "option '" + key + "' needs a value";
        return false;
      }
      *it->second = value;
      continue;
    }
    if (!options.model.empty()) {
      error =
          "more than one model given ('" + options.model + "', '" + arg + "')";
      return false;
    }
    options.model = arg;
  }

  if (options.model.empty()) {
    error = "no model file given";
    return false;
  }
  auto findTarget = [&](const std::string &name) -> const TargetChoice * {
    for (const TargetChoice &t : targets)
      if (t.name == name)
        return &t;
    return nullptr;
  };
  std::string names;
  for (const TargetChoice &t : targets)
    names += (names.empty() ? "" : ", ") + t.name;
  if (!options.emit.empty() && options.emit != "mlir" &&
      options.emit != "mlir-opt" && !findTarget(options.emit)) {
    error = "unknown --emit stage '" + options.emit + "' (mlir, mlir-opt, " +
            names + ")";
    return false;
  }
  if (!options.emit.empty() && options.command != Command::Compile) {
    error = "--emit is an option of compile";
    return false;
  }
  if (findTarget(options.emit)) {
    if (!options.target.empty() && options.target != options.emit) {
      error = "--emit=" + options.emit + " prints the " + options.emit +
              " target's source; it does not go with --target " +
              options.target;
      return false;
    }
    options.target = options.emit;
  }
  if (options.target.empty())
    options.target = "cpp";
  const TargetChoice *target = findTarget(options.target);
  if (!target) {
    error =
        "unknown target '" + options.target + "' (available: " + names + ")";
    return false;
  }
  if (!options.synth.empty()) {
    // The target that offers the tool, if any.
    std::string tools, owner;
    for (const TargetChoice &t : targets)
      for (const std::string &tool : t.synthTools) {
        tools += (tools.empty() ? "" : ", ") + tool;
        if (tool == options.synth && owner.empty())
          owner = t.name;
      }
    if (owner.empty()) {
      error = "unknown --synth tool '" + options.synth +
              "' (available: " + tools + ")";
      return false;
    }
    bool offered = false;
    for (const std::string &tool : target->synthTools)
      offered |= tool == options.synth;
    if (options.command != Command::Compile || !offered) {
      error = "--synth is an option of compile --target " + owner;
      return false;
    }
  }
  if (options.precision != "float" && options.precision != "auto" &&
      !looksLikeFixedType(options.precision)) {
    error = "unsupported precision '" + options.precision +
            "' (float, auto, 'fixed<W,I[,Q[,O]]>' or 'ufixed<W,I[,Q[,O]]>')";
    return false;
  }
  if (options.precision == "auto" && options.calibration.empty()) {
    error = "--precision auto needs --calibration EVENTS.csv: the events "
            "whose ranges set the integer bits";
    return false;
  }
  if (!maxWidth.empty()) {
    if (!parseInteger(maxWidth, options.maxWidth) || options.maxWidth < 2 ||
        options.maxWidth > 64) {
      error =
          "--max-width must be an integer from 2 to 64, got '" + maxWidth + "'";
      return false;
    }
  }
  if (!options.compare.empty() && options.compare != "float") {
    error = "unknown --compare reference '" + options.compare +
            "' (available: float)";
    return false;
  }
  if (!options.compare.empty() && options.command != Command::Emulate) {
    error = "--compare is an option of emulate";
    return false;
  }
  if (options.reportOverflow && options.command == Command::Compile) {
    error = "--report-overflow is an option of emulate and validate";
    return false;
  }
  if ((options.command == Command::Emulate ||
       options.command == Command::Validate) &&
      options.input.empty()) {
    error = "--input EVENTS.csv is required";
    return false;
  }
  return true;
}
