//===- Run.h - one training run from a configuration ------------*- C++ -*-===//
//
// Loads a configuration, reads and prepares the events, trains one model per
// expert and writes the run folder OUTPUT/NAME:
//
//   config.toml            the resolved configuration
//   transforms.toml        the fitted transforms
//   metrics.csv            per-epoch losses of every expert
//   expert_N.onnx          the trained model of expert N
//   expert_N_inputs.csv    its validation inputs, transformed (emulate input)
//   expert_N_outputs.csv   LibTorch's outputs on them
//   expert_N_predictions.csv  true and predicted targets in physical units
//   checkpoints/, tensorboard/
//
// This header and its implementation do not depend on LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_RUN_H
#define ARIADNE_FRONTEND_TORCH_RUN_H

#include <string>

namespace ariadne::train {

/// What `ariadnec train` was asked to do.
struct RunOptions {
  std::string configPath;
  /// The configuration; may be empty when the file defines only one.
  std::string configName;
  /// The parent of the run folder.
  std::string outputDir = "runs";
  /// Replaces the configuration's events file.
  std::string dataOverride;
  /// Continue an interrupted run in its existing folder.
  bool resume = false;
  /// Stop each expert after this many epochs (0: no limit).
  int stopAfterEpochs = 0;
  /// 1: always draw the progress bar, 0: never, -1: when stderr is a TTY.
  int progress = -1;
  /// Every rank of a data-parallel run writes its models to rank_R/.
  bool allRanksWrite = false;
  /// Print nothing on standard output.
  bool quiet = false;
};

/// Runs the training. Returns false with a one-line message on failure,
/// leaving no new run folder behind.
bool runTraining(const RunOptions &options, std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_RUN_H
