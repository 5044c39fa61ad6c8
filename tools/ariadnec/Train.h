//===- Train.h - the `ariadnec train` command -------------------*- C++ -*-===//
//
// Trains the models of a training configuration with LibTorch and writes
// one ONNX file per expert. This header does not include LibTorch.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_TOOLS_ARIADNEC_TRAIN_H
#define ARIADNE_TOOLS_ARIADNEC_TRAIN_H

#include <string>
#include <vector>

namespace ariadne {

/// The usage text of `ariadnec train`.
const char *trainUsage();

/// Runs `ariadnec train` with the arguments after `train`. Returns the exit
/// code: 0 on success, 2 for a bad command line, 1 when training fails;
/// errors are printed as one line `ariadnec: error: ...` on standard error.
int runTrainCommand(const std::vector<std::string> &args);

} // namespace ariadne

#endif // ARIADNE_TOOLS_ARIADNEC_TRAIN_H
