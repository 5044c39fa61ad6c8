//===- Trainer.h - LibTorch training of one expert --------------*- C++ -*-===//
//
// Trains the model of one expert (a multilayer perceptron with or without a
// convolutional front, a sequence model, a transformer over hits or a graph
// network) with LibTorch on the CPU.
// Training is bitwise reproducible: one intra-op thread, initial weights
// from the configured seed, and batches shuffled by a generator that
// depends on the seed and epoch alone. Every epoch is checkpointed so that
// an interrupted run resumes to the same result.
//
// This header does not include LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_FRONTEND_TORCH_TRAINER_H
#define ARIADNE_FRONTEND_TORCH_TRAINER_H

#include "frontend/torch/Config.h"
#include "frontend/torch/Model.h"

#include <cstdio>
#include <string>
#include <vector>

namespace ariadne::train {

class Collective;

/// The events of one expert, already transformed, as row-major floats.
struct ExpertData {
  int inputs = 0, outputs = 0;
  /// The shape each event's inputs take (channels first), or empty.
  std::vector<int> inputShape;
  std::vector<float> trainX, trainY, valX, valY;
  std::size_t trainRows() const { return trainX.size() / inputs; }
  std::size_t valRows() const { return valX.size() / inputs; }
};

/// Where and how a run writes.
struct TrainerOptions {
  /// The run folder (it exists); checkpoints go to checkpoints/expert_N.pt,
  /// TensorBoard files to tensorboard/expert_N/.
  std::string runDir;
  /// Continue from the checkpoint where there is one.
  bool resume = false;
  /// Stop after this many epochs of this invocation (0: no limit), leaving
  /// a checkpoint to resume from.
  int stopAfterEpochs = 0;
  /// Draw a progress bar on standard error.
  bool progress = false;
  /// Per-epoch metrics (expert, epoch, losses, ...) are appended here.
  std::FILE *metrics = nullptr;
  /// Whether each line of `metrics` ends with a classifier's efficiency
  /// and purity (empty for another loss).
  bool classifierMetrics = false;
  /// Whether this process writes files (rank 0 of a group).
  bool writer = true;
  /// The group of a data-parallel run, or null.
  Collective *collective = nullptr;
};

/// The result of training one expert.
struct ExpertResult {
  /// The model to export (the best validation epoch).
  MlpModel model;
  /// The model's outputs on the validation inputs, computed by LibTorch.
  std::vector<float> valPredictions;
  int epochs = 0;
  double bestLoss = 0.0;
  /// False when stopped early by stopAfterEpochs (to be resumed).
  bool finished = true;
};

/// Trains expert `expert`. Returns false with a message on failure.
bool trainExpert(int expert, const Hyperparameters &hyper,
                 const ExpertData &data, const TrainerOptions &options,
                 ExpertResult &result, std::string &error);

} // namespace ariadne::train

#endif // ARIADNE_FRONTEND_TORCH_TRAINER_H
