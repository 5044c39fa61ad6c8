//===- Options.cpp - ariadnec command line --------------------------------===//
#include "tools/ariadnec/Options.h"

#include <functional>
#include <map>

using namespace ariadne;

const char *ariadne::driverUsage() {
  return R"(usage:
  ariadnec compile MODEL [--target cpp] [-o DIR] [--name NAME]
                         [--precision float] [--emit=mlir|mlir-opt|cpp]
  ariadnec emulate MODEL --input EVENTS.csv [-o OUT.csv] [--precision float]
  ariadnec validate MODEL [--target cpp] --input EVENTS.csv [-o DIR]
                          [--precision float] [--keep]

MODEL is an ONNX file (.onnx), ONNX in protobuf text format (.onnxtxt) or
nn-dialect MLIR (.mlir). Without -o, compile writes to ./NAME_TARGET and
emulate prints to standard output.
)";
}

bool ariadne::parseDriverOptions(const std::vector<std::string> &args,
                                 DriverOptions &options, std::string &error) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help" ||
      args[0] == "help") {
    options.command = Command::Help;
    return true;
  }
  static const std::map<std::string, Command> commands = {
      {"compile", Command::Compile},
      {"emulate", Command::Emulate},
      {"validate", Command::Validate}};
  auto cmd = commands.find(args[0]);
  if (cmd == commands.end()) {
    error = "unknown command '" + args[0] + "' (compile, emulate, validate)";
    return false;
  }
  options.command = cmd->second;

  // Options taking a value, accepted as `--opt VALUE` or `--opt=VALUE`.
  std::map<std::string, std::string *> valued = {
      {"--target", &options.target},   {"-o", &options.output},
      {"--output", &options.output},   {"--emit", &options.emit},
      {"--input", &options.input},     {"--precision", &options.precision},
      {"--name", &options.name}};
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--keep") {
      options.keep = true;
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
        error = "unknown option '" + key + "'";
        return false;
      }
      if (!inlineValue) {
        if (i + 1 >= args.size()) {
          error = "option '" + key + "' needs a value";
          return false;
        }
        value = args[++i];
      }
      *it->second = value;
      continue;
    }
    if (!options.model.empty()) {
      error = "more than one model given ('" + options.model + "', '" + arg +
              "')";
      return false;
    }
    options.model = arg;
  }

  if (options.model.empty()) {
    error = "no model file given";
    return false;
  }
  if (options.target != "cpp") {
    error = "unknown target '" + options.target + "' (available: cpp)";
    return false;
  }
  if (options.precision != "float") {
    error = "unsupported precision '" + options.precision +
            "' (available: float)";
    return false;
  }
  if (!options.emit.empty() && options.emit != "mlir" &&
      options.emit != "mlir-opt" && options.emit != "cpp") {
    error = "unknown --emit stage '" + options.emit +
            "' (mlir, mlir-opt, cpp)";
    return false;
  }
  if (!options.emit.empty() && options.command != Command::Compile) {
    error = "--emit is an option of compile";
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
