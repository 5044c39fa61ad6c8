//===- Train.cpp - the `ariadnec train` command ---------------------------===//
#include "tools/ariadnec/Train.h"

#include "frontend/torch/Run.h"

#include <cstdio>
#include <cstdlib>

using namespace ariadne;

const char *ariadne::trainUsage() {
  return R"(usage:
  ariadnec train CONFIG.toml [--config NAME] [-o DIR] [--data EVENTS.csv]
                 [--resume] [--stop-after N] [--progress|--no-progress]
                 [--all-ranks] [--quiet]

Trains one model per expert of configuration NAME of CONFIG.toml (required
when the file defines several) and writes DIR/NAME/expert_N.onnx (DIR
defaults to ./runs) with the resolved configuration, fitted transforms,
metrics, checkpoints and TensorBoard files.

  --config NAME     the configuration to train
  -o DIR            the folder that receives the run folder NAME
  --data FILE       train on FILE instead of the configuration's events
  --resume          continue an interrupted run from its checkpoints
  --stop-after N    stop every expert after N epochs (resume later)
  --progress        always draw the progress bar (default: on a terminal)
  --no-progress     never draw it
  --all-ranks       data-parallel runs: every rank R > 0 also writes its
                    models to DIR/NAME/rank_R/
  --quiet           print nothing but errors

Data-parallel training starts one process per rank with RANK, WORLD_SIZE,
MASTER_ADDR and MASTER_PORT set (or under Slurm's srun).
)";
}

namespace {

int usageError(const std::string &message) {
  std::fprintf(stderr, "ariadnec: error: %s\n", message.c_str());
  return 2;
}

} // namespace

int ariadne::runTrainCommand(const std::vector<std::string> &args) {
  train::RunOptions options;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&](const std::string &flag, std::string &out) {
      if (arg.rfind(flag + "=", 0) == 0) {
        out = arg.substr(flag.size() + 1);
        return true;
      }
      if (i + 1 >= args.size())
        return false;
      out = args[++i];
      return true;
    };
    auto is = [&](const std::string &flag) {
      return arg == flag || arg.rfind(flag + "=", 0) == 0;
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(trainUsage(), stdout);
      return 0;
    }
    if (is("--config")) {
      if (!value("--config", options.configName))
        return usageError("--config needs a configuration name");
    } else if (arg == "-o" || is("--output")) {
      if (!value(arg == "-o" ? "-o" : "--output", options.outputDir))
        return usageError(arg + " needs a folder");
    } else if (is("--data")) {
      if (!value("--data", options.dataOverride))
        return usageError("--data needs an events file");
    } else if (is("--stop-after")) {
      std::string count;
      if (!value("--stop-after", count))
        return usageError("--stop-after needs a number of epochs");
      char *end = nullptr;
      long epochs = std::strtol(count.c_str(), &end, 10);
      if (count.empty() || *end != '\0' || epochs < 1 || epochs > 1000000)
        return usageError("--stop-after needs a positive number of epochs, "
                          "got '" +
                          count + "'");
      options.stopAfterEpochs = static_cast<int>(epochs);
    } else if (arg == "--resume") {
      options.resume = true;
    } else if (arg == "--progress") {
      options.progress = 1;
    } else if (arg == "--no-progress") {
      options.progress = 0;
    } else if (arg == "--all-ranks") {
      options.allRanksWrite = true;
    } else if (arg == "--quiet") {
      options.quiet = true;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usageError("unknown option '" + arg +
                        "' of train (see "
                        "ariadnec train --help)");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1)
    return usageError(positional.empty()
                          ? "train needs a configuration file (CONFIG.toml)"
                          : "train takes one configuration file, got " +
                                std::to_string(positional.size()));
  if (options.outputDir.empty())
    return usageError("-o needs a folder");
  options.configPath = positional.front();
  std::string error;
  if (!train::runTraining(options, error)) {
    std::fprintf(stderr, "ariadnec: error: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
