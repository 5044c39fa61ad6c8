//===- Target.h - what every ariadnec target implements ---------*- C++ -*-===//
//
// A target turns the optimized (and, for the hardware targets, quantized)
// module into a package, and builds and runs that package on events so
// that `validate` can compare it with the emulator. Each backend implements
// one Target and registers it (registerAllTargets, backends/Targets.cpp);
// the driver knows targets only through the registry: `--target` choices,
// `--emit=<target>`, `--synth` tools and the help text come from it, and
// compile and validate are one generic path for all of them.
//
// A target reads its own section of the --config file ([hls], [verilog])
// and runs its own tools (cmake, nvcc, Verilator, Yosys) through
// backends/common/Build.h, whose child processes are ended and whose
// scratch is removed when ariadnec is interrupted.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BACKENDS_COMMON_TARGET_H
#define ARIADNE_BACKENDS_COMMON_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ariadne {

/// What the driver hands a target.
struct TargetJob {
  /// (mutable: MLIR's op handles have no const methods)
  mutable mlir::ModuleOp module;
  /// The model file, for messages.
  std::string model;
  /// The precision the model was compiled at, as printed and recorded.
  std::string precision;
  /// --config: the TOML file whose section the target reads ("" if none).
  std::string config;
  /// Events (compile --input, validate --input): `events` rows of input
  /// floats; none when `events` is 0.
  const std::vector<float> *inputs = nullptr;
  size_t events = 0;
  /// The emulator's raw output integers for them, for a quantized model.
  const std::vector<int64_t> *expectedRaw = nullptr;
  /// Values per event of the model's inputs and outputs.
  size_t inputWidth = 0, outputWidth = 0;
  /// Whether the module is quantized (fx dialect).
  bool quantized = false;
};

/// What building and running a package on the job's events gave.
struct TargetRun {
  /// Raw output integers (quantized models) or output values (float), one
  /// row of `outputWidth` per event.
  std::vector<int64_t> raw;
  std::vector<float> values;
  /// What ran, in messages: "kernel", "C simulation", "RTL simulation".
  std::string what = "kernel";
  /// Lines printed before and after the comparison with the emulator.
  std::vector<std::string> before, after;
  /// A failure the target found besides the outputs (the Verilog pipeline's
  /// measured latency), reported after they agreed.
  std::string failure;
};

class Target {
public:
  virtual ~Target() = default;
  /// The --target name.
  virtual llvm::StringRef name() const = 0;
  /// One line for the help text.
  virtual llvm::StringRef summary() const = 0;
  /// Whether the target needs a quantized (fixed-point) model.
  virtual bool needsFixedPoint() const { return false; }
  /// The tools --synth may name for this target.
  virtual std::vector<std::string> synthTools() const { return {}; }
  /// Whether compile --input writes the events into the package (test
  /// bench data); other targets ignore --input at compile.
  virtual bool takesTestBenchData() const { return false; }
  /// Checks, before any work, that the tools `run` needs are there.
  virtual llvm::Error checkRunTools() const { return llvm::Error::success(); }
  /// The package file `--emit=<name>` prints, relative to the package.
  virtual std::string mainSource(llvm::StringRef kernel) const = 0;
  /// Writes the package into the empty directory `dir`; what compile
  /// prints about it (estimates, pipeline) goes to `summary`.
  virtual llvm::Error emit(const TargetJob &job, llvm::StringRef dir,
                           llvm::raw_ostream &summary) const = 0;
  /// compile --synth: runs the tool on the package in `dir` (it may add to
  /// it), with its logs in the scratch directory `work`.
  virtual llvm::Error synthesize(const TargetJob &job, llvm::StringRef dir,
                                 llvm::StringRef work,
                                 llvm::raw_ostream &summary) const;
  /// Builds the package in `dir` (its build tree and logs in the scratch
  /// directory `work`) and runs it on the job's events.
  virtual llvm::Expected<TargetRun> run(const TargetJob &job,
                                        llvm::StringRef dir,
                                        llvm::StringRef work) const = 0;
};

/// The targets, by name, in registration order.
class TargetRegistry {
public:
  static void add(std::unique_ptr<Target> target);
  static const Target *lookup(llvm::StringRef name);
  static std::vector<const Target *> all();
};

/// Registers every backend's target (backends/Targets.cpp); idempotent.
void registerAllTargets();

} // namespace ariadne

#endif // ARIADNE_BACKENDS_COMMON_TARGET_H
