//===- HlsBackend.h - the Vitis HLS target ----------------------*- C++ -*-===//
//
// Writes a Vitis HLS project for a quantized (fx dialect) function: the top
// function and its layer configurations over the runtime's HLS kernels, the
// weights and tables as ROMs, a C simulation test bench with the
// emulator's expected integers, build_prj.tcl, and resource and latency
// estimates from a documented model of the emitted structure.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_HLS_HLSBACKEND_H
#define ARIADNE_BACKENDS_HLS_HLSBACKEND_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ariadne {

/// How one layer is built.
struct HlsLayerSettings {
  /// false: latency strategy (every multiplication its own multiplier, the
  /// design pipelined at II = 1); true: resource strategy.
  bool resource = false;
  /// Times each multiplier is used per event (resource strategy).
  int64_t reuseFactor = 1;
  /// Dense layers as distributed arithmetic: the canonical signed digits
  /// of the constant weights as shifts and adds, pairs that recur across
  /// outputs shared (backends/common/SharedSums.h), no multipliers; other
  /// layers as the latency strategy.
  bool distributedArithmetic = false;
};

struct HlsOptions {
  std::string part = "xcvu13p-flga2577-2-e";
  double clockPeriod = 5.0; // ns
  /// The precision the model was compiled at, for the README.
  std::string precision;
  /// io_stream: ports and feature maps as streams ([hls] io = "stream");
  /// else io_parallel, ports and layers as fully partitioned arrays.
  bool stream = false;
  /// Recurrent layers' repeated steps as a loop over one cell ([hls]
  /// time_loop = "sequential"); else every step unrolled.
  bool sequentialSteps = false;
  /// The settings of the layer with these ONNX node names and this type
  /// ("dense", "softmax", ...); all latency strategy when not set.
  std::function<HlsLayerSettings(llvm::ArrayRef<std::string> names,
                                 llvm::StringRef type)>
      layerSettings;
  /// Test bench data (tb_data/): `events` rows of input floats and of the
  /// emulator's raw output integers; none when `events` is 0.
  const std::vector<float> *inputs = nullptr;
  const std::vector<int64_t> *expectedRaw = nullptr;
  size_t events = 0;
};

/// The estimate of one layer.
struct HlsLayerEstimate {
  std::string name, op, detail;
  int64_t multipliers = 0; // multipliers: constant factors other than 0 and
                           // 2^k, and every product of two activations
  int64_t dsp = 0;         // DSP48E2 slices
  int64_t romBits = 0;     // weights of tables held in ROM
  int64_t latency = 0;     // cycles
  int64_t reuseFactor = 1;
  int64_t adders = 0;               // distributed arithmetic: two-input adders
  int64_t addersWithoutSharing = 0; // the same without shared sums
};

struct HlsEstimate {
  std::vector<HlsLayerEstimate> layers;
  int64_t dsp = 0, romBits = 0, latency = 0, interval = 1;
  /// Whether a time loop keeps the design from taking an event per
  /// interval of its most reused multiplier: one event per latency.
  bool sequential = false;
  double clockPeriod = 5.0;
};

/// Writes the project into `outDir` (which exists and is empty). Errors
/// name the op (file, line, node) and the reason.
llvm::Error emitHlsProject(mlir::ModuleOp module, llvm::StringRef outDir,
                           const HlsOptions &options,
                           HlsEstimate *estimate = nullptr);

/// The estimate as the table `compile` prints.
std::string formatHlsEstimate(const HlsEstimate &estimate);

} // namespace ariadne

#endif // ARIADNE_BACKENDS_HLS_HLSBACKEND_H
