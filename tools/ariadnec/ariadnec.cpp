//===- ariadnec.cpp - the ariadnec driver ---------------------------------===//
//
// compile, emulate and validate, as DESIGN.md draws the user's lines. Every
// error is one line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//
#include "backends/common/KernelName.h"
#include "backends/common/Process.h"
#include "backends/cpp/CppBackend.h"
#include "backends/cuda/CudaBackend.h"
#include "backends/hls/HlsBackend.h"
#include "backends/verilog/VerilogBackend.h"
#include "emulator/Emulator.h"
#include "emulator/EventCsv.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/FX/FXDialect.h"
#include "passes/FX/FXOps.h"
#include "passes/FX/Precision.h"
#include "passes/NN/NNDialect.h"
#include "passes/Quant/Passes.h"
#include "passes/Quant/QuantConfig.h"
#include "passes/Transforms/Passes.h"
#include "tools/ariadnec/Options.h"
#include "tools/ariadnec/StagedDirectory.h"
#include "tools/ariadnec/Train.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

using namespace ariadne;
using llvm::Error;
using llvm::Expected;

namespace {

Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 message.str().c_str());
}

/// Reads nn-dialect MLIR text, collecting diagnostics into the error.
Expected<mlir::OwningOpRef<mlir::ModuleOp>>
parseMlirFile(mlir::MLIRContext &context, const std::string &path) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (!diagnostics.empty())
      os << "; ";
    os << d.getLocation() << ": " << d.str();
    return mlir::success();
  });
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(path, &context);
  if (!module) {
    if (diagnostics.empty())
      diagnostics = "cannot read the file";
    return makeError(path + ": " + diagnostics);
  }
  return module;
}

mlir::func::FuncOp theFunction(mlir::ModuleOp module) {
  auto funcs = module.getOps<mlir::func::FuncOp>();
  return funcs.empty() ? nullptr : *funcs.begin();
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadModel(mlir::MLIRContext &context, const DriverOptions &options) {
  llvm::StringRef ext = llvm::sys::path::extension(options.model);
  if (ext == ".mlir") {
    auto module = parseMlirFile(context, options.model);
    if (!module)
      return module.takeError();
    mlir::func::FuncOp fn = theFunction(**module);
    if (!fn)
      return makeError(options.model + ": no func.func in the module");
    if (!options.name.empty())
      fn.setSymName(options.name);
    return module;
  }
  OnnxImportOptions importOptions;
  importOptions.functionName = options.name;
  if (ext == ".onnxtxt") {
    auto buffer = llvm::MemoryBuffer::getFile(options.model);
    if (!buffer)
      return makeError(options.model + ": " + buffer.getError().message());
    return importOnnxBuffer(context, (*buffer)->getBuffer(), options.model,
                            /*isText=*/true, importOptions);
  }
  return importOnnxFile(context, options.model, importOptions);
}

/// Runs the float optimization pipeline; a failure names the model.
Error optimize(mlir::ModuleOp module, const std::string &model) {
  mlir::PassManager pm(module.getContext());
  buildOptimizationPipeline(pm);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(
      module.getContext(), [&](mlir::Diagnostic &d) {
        os << d.getLocation() << ": " << d.str();
        return mlir::success();
      });
  if (mlir::failed(pm.run(module)))
    return makeError(model + ": optimization failed: " + diagnostics);
  return Error::success();
}

Expected<EventTable> readEvents(const std::string &path, size_t width);
Expected<EventTable> readValidationEvents(const std::string &path,
                                          size_t width);

/// Whether the options ask for a fixed-point model.
/// The precision the model is compiled at, as printed and recorded:
/// --precision, or "config FILE" when a config alone sets it.
std::string precisionLabel(const DriverOptions &options) {
  if (options.precision == "float" && !options.config.empty())
    return "config " + options.config;
  return options.precision;
}

bool wantsFixedPoint(const DriverOptions &options) {
  return options.precision != "float" || !options.config.empty();
}

/// The files a command reads, which its outputs must never replace.
std::vector<std::string> inputsOf(const DriverOptions &options) {
  std::vector<std::string> inputs;
  for (const std::string *path : {&options.model, &options.input,
                                  &options.calibration, &options.config})
    if (!path->empty())
      inputs.push_back(*path);
  return inputs;
}

/// Runs the float model over the calibration events and records each
/// value's range as `fx.range` on its op (or input), for auto precision.
Error annotateRanges(mlir::ModuleOp module, const DriverOptions &options) {
  mlir::func::FuncOp fn = theFunction(module);
  auto emulator = Emulator::create(fn);
  if (!emulator)
    return emulator.takeError();
  auto events = readEvents(options.calibration, (*emulator)->eventInputSize());
  if (!events)
    return events.takeError();
  if (events->rows() == 0)
    return makeError(options.calibration + ": no calibration events");
  // A NaN or infinity has no range: say where it is rather than lacking a
  // range later.
  size_t width = (*emulator)->eventInputSize();
  for (size_t i = 0; i < events->values.size(); ++i)
    if (!std::isfinite(events->values[i]))
      return makeError(options.calibration + ": event " +
                       llvm::Twine(i / width + 1) + ", value " +
                       llvm::Twine(i % width + 1) +
                       " is not a finite number; calibration events must be "
                       "finite");
  (*emulator)->recordRanges(true);
  std::vector<float> in(events->values.begin(), events->values.end());
  std::vector<float> out(events->rows() * (*emulator)->eventOutputSize());
  (*emulator)->run(in.data(), out.data(), events->rows());
  ValueRanges ranges = (*emulator)->ranges();
  mlir::Builder builder(module.getContext());
  auto rangeAttr = [&](mlir::Value v) -> mlir::Attribute {
    auto it = ranges.find(v);
    if (it == ranges.end())
      return {};
    return builder.getDenseF64ArrayAttr({it->second.first, it->second.second});
  };
  for (mlir::BlockArgument arg : fn.getArguments())
    if (mlir::Attribute attr = rangeAttr(arg))
      fn.setArgAttr(arg.getArgNumber(), quant::kRangeAttr, attr);
  fn.walk([&](mlir::Operation *op) {
    if (op->getNumResults() == 1)
      if (mlir::Attribute attr = rangeAttr(op->getResult(0)))
        op->setAttr(quant::kRangeAttr, attr);
  });
  return Error::success();
}

/// Assigns the fixed-point types and lowers the model into the fx dialect.
Error quantize(mlir::ModuleOp module, const DriverOptions &options) {
  if (!options.calibration.empty())
    if (Error err = annotateRanges(module, options))
      return err;
  quant::QuantizeOptions quantOptions;
  // With a config and no --precision, the config's model precision rules.
  quantOptions.precision =
      options.precision == "float" ? "" : options.precision;
  quantOptions.configPath = options.config;
  quantOptions.maxWidth = options.maxWidth;
  mlir::PassManager pm(module.getContext());
  quant::buildQuantizationPipeline(pm, quantOptions);
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(
      module.getContext(), [&](mlir::Diagnostic &d) {
        if (diagnostics.empty())
          os << d.getLocation() << ": " << d.str();
        return mlir::success();
      });
  if (mlir::failed(pm.run(module)))
    return makeError(options.model + ": quantization failed: " + diagnostics);
  theFunction(module)->setAttr(
      "ariadne.precision",
      mlir::StringAttr::get(module.getContext(), precisionLabel(options)));
  return Error::success();
}

/// The precision spelling of a value's element type.
std::string typeOf(mlir::Value v) {
  auto type = llvm::cast<mlir::RankedTensorType>(v.getType()).getElementType();
  if (auto fixed = llvm::dyn_cast<fx::FixedType>(type))
    return fx::formatPrecision(fixed);
  return "float";
}

/// One line per fixed-point op: what it computes and in which types, so
/// that the types auto chose can be read off after compile.
void printTypes(mlir::ModuleOp module, llvm::raw_ostream &os) {
  os << "ariadnec: fixed-point types\n";
  theFunction(module).walk([&](mlir::Operation *op) {
    if (!llvm::isa<fx::FXDialect>(op->getDialect()))
      return;
    std::string name;
    if (auto loc =
            mlir::LocationAttr(op->getLoc()).findInstanceOf<mlir::NameLoc>())
      name = loc.getName().str();
    std::string detail = typeOf(op->getResult(0));
    if (auto dense = llvm::dyn_cast<fx::DenseOp>(op)) {
      detail = "weight " + fx::formatPrecision(dense.getWeightType());
      if (auto bias = dense.getBiasType())
        detail += ", bias " + fx::formatPrecision(*bias);
      detail += ", accumulator " + typeOf(dense.getOutput());
    } else if (auto table = llvm::dyn_cast<fx::TableOp>(op)) {
      detail = std::to_string(table.getTable().getNumElements()) +
               " entries of " + typeOf(table.getOutput());
      if (auto function = table.getFunction())
        detail = function->str() + ", " + detail;
    } else if (llvm::isa<fx::DequantizeOp>(op)) {
      detail = "from " + typeOf(op->getOperand(0));
    }
    os << llvm::formatv("  {0,-24} {1,-16} {2}\n", name,
                        op->getName().getStringRef(), detail);
  });
}

std::string defaultOutput(mlir::ModuleOp module, const DriverOptions &o) {
  return (theFunction(module).getSymName() + "_" + o.target).str();
}

/// The package of --target cpp or cuda.
Error emitPackage(mlir::ModuleOp module, const std::string &target,
                  llvm::StringRef dir) {
  if (target == "cuda")
    return emitCudaPackage(module, dir);
  return emitCppPackage(module, dir);
}

Error writePackage(mlir::ModuleOp module, const std::string &dir,
                   const DriverOptions &options) {
  auto staged = StagedDirectory::create(dir, inputsOf(options));
  if (!staged)
    return staged.takeError();
  if (Error err = emitPackage(module, options.target, staged->path()))
    return err;
  return staged->commit();
}

/// The emulator's raw output integers for every row of `events`.
Expected<std::vector<int64_t>> emulateRaw(Emulator &emulator,
                                          const EventTable &events) {
  std::vector<float> in(events.values.begin(), events.values.end());
  std::vector<int64_t> out(events.rows() * emulator.eventOutputSize());
  if (Error err = emulator.runRaw(in.data(), out.data(), events.rows()))
    return err;
  return out;
}

/// The HLS options from the command line and the config's [hls] section
/// and per-layer strategy and reuse factor.
Expected<HlsOptions> hlsOptions(mlir::ModuleOp module,
                                const DriverOptions &options) {
  HlsOptions hls;
  hls.precision = precisionLabel(options);
  if (options.config.empty())
    return hls;
  auto config = quant::parseQuantConfig(options.config, module.getContext());
  if (!config)
    return config.takeError();
  if (config->hls.part)
    hls.part = *config->hls.part;
  if (config->hls.clockPeriod)
    hls.clockPeriod = *config->hls.clockPeriod;
  auto shared = std::make_shared<quant::QuantConfig>(std::move(*config));
  hls.layerSettings = [shared](llvm::ArrayRef<std::string> names,
                               llvm::StringRef type) {
    quant::LayerSettings s = shared->resolveAll(names, type);
    HlsLayerSettings settings;
    settings.resource = s.strategy.value_or("latency") == "resource";
    // The latency strategy unrolls everything: a reuse factor only applies
    // to the resource strategy.
    settings.reuseFactor = settings.resource ? s.reuseFactor.value_or(1) : 1;
    return settings;
  };
  return hls;
}

/// Emits the HLS project into `dir`; with `events`, its test bench data
/// holds them and `expected`, the emulator's raw outputs for them.
Error emitHls(mlir::ModuleOp module, const std::string &dir,
              const DriverOptions &options, const EventTable *events,
              const std::vector<int64_t> *expected, HlsEstimate &estimate) {
  auto hls = hlsOptions(module, options);
  if (!hls)
    return hls.takeError();
  std::vector<float> inputs;
  if (events) {
    inputs.assign(events->values.begin(), events->values.end());
    hls->inputs = &inputs;
    hls->expectedRaw = expected;
    hls->events = events->rows();
  }
  return emitHlsProject(module, dir, *hls, &estimate);
}

/// Writes the HLS project into `dir` (staged); with events, its test bench
/// data holds them and the emulator's raw outputs.
Error writeHlsProject(mlir::ModuleOp module, const std::string &dir,
                      const DriverOptions &options, const EventTable *events,
                      HlsEstimate &estimate) {
  std::vector<int64_t> expected;
  if (events) {
    auto emulator = Emulator::create(theFunction(module));
    if (!emulator)
      return emulator.takeError();
    auto raw = emulateRaw(**emulator, *events);
    if (!raw)
      return raw.takeError();
    expected = std::move(*raw);
  }
  auto staged = StagedDirectory::create(dir, inputsOf(options));
  if (!staged)
    return staged.takeError();
  if (Error err =
          emitHls(module, staged->path(), options, events, &expected, estimate))
    return err;
  return staged->commit();
}

/// The number of values per event of the model's inputs.
Expected<size_t> eventInputWidth(mlir::ModuleOp module) {
  auto emulator = Emulator::create(theFunction(module));
  if (!emulator)
    return emulator.takeError();
  return size_t((*emulator)->eventInputSize());
}

/// compile --input: the events for a project's test bench data, if given.
Expected<std::optional<EventTable>> inputEvents(mlir::ModuleOp module,
                                                const DriverOptions &options) {
  if (options.input.empty())
    return std::nullopt;
  auto width = eventInputWidth(module);
  if (!width)
    return width.takeError();
  auto table = readEvents(options.input, *width);
  if (!table)
    return table.takeError();
  return std::optional<EventTable>(std::move(*table));
}

Error runCompileHls(mlir::ModuleOp module, const DriverOptions &options) {
  auto events = inputEvents(module, options);
  if (!events)
    return events.takeError();
  std::string out =
      options.output.empty() ? defaultOutput(module, options) : options.output;
  HlsEstimate estimate;
  if (Error err = writeHlsProject(module, out, options,
                                  *events ? &**events : nullptr, estimate))
    return err;
  printTypes(module, llvm::errs());
  llvm::errs() << "ariadnec: HLS estimate\n" << formatHlsEstimate(estimate);
  llvm::errs() << "ariadnec: wrote " << out << " (target hls, precision "
               << precisionLabel(options) << ")\n";
  return Error::success();
}

Error runCompileVerilog(mlir::ModuleOp module, const DriverOptions &options);

Error runCompile(mlir::ModuleOp module, const DriverOptions &options) {
  if (options.target == "hls" && options.emit.empty())
    return runCompileHls(module, options);
  if (options.target == "verilog" && options.emit.empty())
    return runCompileVerilog(module, options);
  if (options.emit == "mlir-opt") {
    module.print(llvm::outs());
    llvm::outs() << "\n";
    return Error::success();
  }
  if (options.emit == "cpp") {
    // Print the kernel source: emit the package into a scratch directory.
    auto scratch = ScratchDirectory::create("ariadnec-emit", /*keep=*/false);
    if (!scratch)
      return scratch.takeError();
    if (Error err = emitCppPackage(module, scratch->path()))
      return err;
    std::string name = theFunction(module).getSymName().str();
    auto source =
        llvm::MemoryBuffer::getFile(scratch->path() + "/" + name + ".cpp");
    if (!source)
      return makeError("emitted package has no " + name + ".cpp");
    llvm::outs() << (*source)->getBuffer();
    return Error::success();
  }
  std::string out =
      options.output.empty() ? defaultOutput(module, options) : options.output;
  if (Error err = writePackage(module, out, options))
    return err;
  if (wantsFixedPoint(options))
    printTypes(module, llvm::errs());
  llvm::errs() << "ariadnec: wrote " << out << " (target " << options.target
               << ", precision " << precisionLabel(options) << ")\n";
  return Error::success();
}

Expected<EventTable> readEvents(const std::string &path, size_t width) {
  EventTable table;
  std::string error;
  if (!readEventCsv(path, width, table, error))
    return makeError(error);
  return table;
}

/// validate's --input: at least one event to compare.
Expected<EventTable> readValidationEvents(const std::string &path,
                                          size_t width) {
  auto table = readEvents(path, width);
  if (table && table->rows() == 0)
    return makeError(path + ": no events (the file has no data rows); "
                            "validate needs at least one");
  return table;
}

/// Runs the emulator over every row of `events`.
std::vector<float> emulateEvents(Emulator &emulator, const EventTable &events) {
  std::vector<float> in(events.values.begin(), events.values.end());
  std::vector<float> out(events.rows() * emulator.eventOutputSize());
  emulator.run(in.data(), out.data(), events.rows());
  return out;
}

/// The table of --report-overflow.
void printOverflow(const Emulator &emulator, llvm::raw_ostream &os) {
  std::vector<OverflowCount> counts = emulator.overflowReport();
  os << llvm::formatv("{0,-24} {1,-16} {2,-30} {3,12} {4,12} {5,12}\n", "layer",
                      "op", "type", "values", "saturated", "wrapped");
  uint64_t saturated = 0, wrapped = 0;
  for (const OverflowCount &c : counts) {
    os << llvm::format("%-24s %-16s %-30s %12" PRIu64 " %12" PRIu64
                       " %12" PRIu64 "\n",
                       c.layer.c_str(), c.op.c_str(), c.type.c_str(), c.values,
                       c.saturated, c.wrapped);
    saturated += c.saturated;
    wrapped += c.wrapped;
  }
  os << "overflow: " << saturated << " values saturated, " << wrapped
     << " wrapped\n";
}

/// The table of --compare float: per output, the error of the fixed-point
/// values against the float model and, for outputs of several values, the
/// share of events whose largest value moved to another index.
void printComparison(const Emulator &emulator, const std::vector<float> &fixed,
                     const std::vector<float> &reference, size_t rows,
                     llvm::raw_ostream &os) {
  size_t width = emulator.eventOutputSize();
  os << llvm::formatv("{0,-24} {1,14} {2,14} {3,16}\n", "output", "max |error|",
                      "mean |error|", "argmax changed");
  size_t offset = 0;
  for (const TensorSpec &output : emulator.outputs()) {
    size_t size = size_t(output.eventSize);
    double worst = 0, sum = 0;
    size_t changed = 0;
    for (size_t e = 0; e < rows; ++e) {
      const float *f = fixed.data() + e * width + offset;
      const float *r = reference.data() + e * width + offset;
      for (size_t i = 0; i < size; ++i) {
        double d = std::fabs(double(f[i]) - double(r[i]));
        worst = std::max(worst, d);
        sum += d;
      }
      changed += std::max_element(f, f + size) - f !=
                 std::max_element(r, r + size) - r;
    }
    std::string share =
        size > 1 && rows
            ? llvm::formatv("{0:P2}", double(changed) / double(rows)).str()
            : std::string("-");
    os << llvm::format("%-24s %14.6g %14.6g %16s\n", output.name.c_str(), worst,
                       rows ? sum / double(rows * size) : 0.0, share.c_str());
    offset += size;
  }
}

Error runEmulate(mlir::ModuleOp module, mlir::ModuleOp floatModule,
                 const DriverOptions &options) {
  auto emulator = Emulator::create(theFunction(module));
  if (!emulator)
    return emulator.takeError();
  auto events = readEvents(options.input, (*emulator)->eventInputSize());
  if (!events)
    return events.takeError();
  std::vector<float> out = emulateEvents(**emulator, *events);
  if (options.reportOverflow)
    printOverflow(**emulator, llvm::errs());
  if (floatModule) {
    auto reference = Emulator::create(theFunction(floatModule));
    if (!reference)
      return reference.takeError();
    printComparison(**emulator, out, emulateEvents(**reference, *events),
                    events->rows(), llvm::errs());
  }
  size_t width = (*emulator)->eventOutputSize();
  std::string error;
  if (options.output.empty()) {
    if (!writeEventCsv("/dev/stdout", out.data(), events->rows(), width, error))
      return makeError(error);
    return Error::success();
  }
  // Written under a temporary name and renamed (or written through a device
  // or FIFO), so that a failed write leaves no truncated file behind.
  auto staged = StagedFile::create(options.output, inputsOf(options));
  if (!staged)
    return staged.takeError();
  if (!writeEventCsv(staged->path(), out.data(), events->rows(), width, error))
    return makeError(error);
  return staged->commit();
}

/// Runs `program args...` in its own process group, its output going to
/// `log`; fails naming the step.
Error runStep(const std::string &step, llvm::ArrayRef<std::string> argv,
              const std::string &log) {
  ProcessResult result = runProcess({argv.begin(), argv.end()}, log);
  if (!result.started)
    return makeError(step + ": " + result.error);
  if (!result.ok())
    return makeError(step + " failed (" + result.describe() + "); see " + log);
  return Error::success();
}

/// Configures and builds the CMake project in `source` into `build` (a
/// Release build, two jobs), logging to `log`; errors name `what`.
Error buildWithCMake(const std::string &source, const std::string &build,
                     const std::string &log, const std::string &what,
                     llvm::ArrayRef<std::string> configureFlags = {}) {
  std::vector<std::string> configure = {
      "cmake", "-S", source, "-B", build, "-DCMAKE_BUILD_TYPE=Release"};
  configure.insert(configure.end(), configureFlags.begin(),
                   configureFlags.end());
  if (Error err = runStep("configuring " + what, configure, log))
    return err;
  return runStep("building " + what, {"cmake", "--build", build, "-j", "2"},
                 log);
}

/// Compares the package's outputs with the emulator's. The float path is
/// not bit-exact across backends (summation order, the runtime's vectorized
/// tanh/exp): values agree within a few float ulps of the output scale.
Error compareOutputs(const std::vector<float> &expected,
                     const EventTable &actual, size_t width) {
  if (actual.rows() * width != expected.size())
    return makeError("validate: the kernel wrote " +
                     llvm::Twine(actual.rows()) + " rows, expected " +
                     llvm::Twine(expected.size() / width));
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    double e = expected[i], a = actual.values[i];
    double diff = std::fabs(a - e);
    bool bothNan = std::isnan(a) && std::isnan(e);
    if (!bothNan && !(diff <= 1e-5 + 1e-5 * std::fabs(e))) {
      char line[256];
      std::snprintf(line, sizeof(line),
                    "validate: mismatch at event %zu, output index %zu: "
                    "emulator %.9g, kernel %.9g",
                    i / width, i % width, e, a);
      return makeError(line);
    }
    if (!bothNan)
      worst = std::max(worst, diff);
  }
  llvm::outs() << "validate: " << actual.rows() << " events x " << width
               << " outputs agree with the emulator (max |diff| "
               << llvm::format("%.3g", worst) << ")\n";
  return Error::success();
}

/// The CUDA compiler the cuda target's CMake build is given: "" when nvcc
/// is on PATH (CMake finds it), /usr/local/cuda/bin/nvcc where only that
/// exists; an error without either.
Expected<std::string> cudaCompiler() {
  if (llvm::sys::findProgramByName("nvcc"))
    return std::string();
  const std::string standard = "/usr/local/cuda/bin/nvcc";
  if (llvm::sys::fs::can_execute(standard))
    return standard;
  return makeError("cuda target: nvcc not found (neither on PATH nor at " +
                   standard + "); install the CUDA toolkit to validate");
}

/// What the cuda package's tb said about where it ran (its "tb: ran ..."
/// line in the build log).
std::string cudaBenchDevice(const std::string &log) {
  auto buffer = llvm::MemoryBuffer::getFile(log);
  if (buffer) {
    llvm::SmallVector<llvm::StringRef> lines;
    (*buffer)->getBuffer().split(lines, '\n');
    for (llvm::StringRef line : lines)
      if (line.starts_with("tb: ran "))
        return "the kernel " + line.drop_front(4).trim().str();
  }
  return "tb did not say where it ran";
}

/// Reads tb --raw's CSV: `width` integers per row.
Expected<std::vector<int64_t>> readRawCsv(const std::string &path,
                                          size_t width) {
  std::ifstream file(path);
  if (!file)
    return makeError(path + ": cannot open");
  std::vector<int64_t> values;
  std::string line;
  for (size_t lineNumber = 1; std::getline(file, line); ++lineNumber) {
    const char *p = line.c_str();
    size_t count = 0;
    while (*p) {
      char *end = nullptr;
      errno = 0;
      long long v = std::strtoll(p, &end, 10);
      if (end == p || errno == ERANGE)
        return makeError(path + ":" + llvm::Twine(lineNumber) +
                         ": not an integer");
      values.push_back(v);
      ++count;
      p = *end == ',' ? end + 1 : end;
      if (*end != ',' && *end != '\0' && *end != '\r')
        return makeError(path + ":" + llvm::Twine(lineNumber) +
                         ": unexpected character");
      if (*end == '\r')
        break;
    }
    if (count != width)
      return makeError(path + ":" + llvm::Twine(lineNumber) + ": " +
                       llvm::Twine(count) + " values, expected " +
                       llvm::Twine(width));
  }
  return values;
}

/// Compares the kernel's raw output integers with the emulator's, exactly.
Error compareRawOutputs(mlir::MLIRContext *context, const Emulator &emulator,
                        const std::vector<int64_t> &expected,
                        const std::vector<int64_t> &actual, size_t width,
                        llvm::StringRef what = "kernel") {
  if (actual.size() != expected.size())
    return makeError("validate: the kernel wrote " +
                     llvm::Twine(actual.size() / width) + " rows, expected " +
                     llvm::Twine(expected.size() / width));
  for (size_t i = 0; i < expected.size(); ++i)
    if (expected[i] != actual[i])
      return makeError(llvm::formatv(
          "validate: mismatch at event {0}, output index {1}: emulator "
          "{2}, {3} {4} (raw integers)",
          i / width, i % width, expected[i], what, actual[i]));
  std::string types;
  for (const auto &spec : emulator.outputSpecs())
    if (spec)
      types += (types.empty() ? "" : ", ") +
               fx::formatPrecision(fx::FixedType::get(context, *spec));
  llvm::outs() << "validate: " << expected.size() / width << " events x "
               << width << " outputs agree bit for bit with the emulator ("
               << types << ")\n";
  return Error::success();
}

/// validate --target hls: the project's C simulation, built with the
/// system's C++ compiler against the runtime's ap_fixed stand-in, run on
/// the events; its raw outputs must equal the emulator's.
/// What validate compares a fixed-point-only target (hls, verilog) with:
/// the emulator's raw outputs on the --input events.
struct RawReference {
  std::unique_ptr<Emulator> emulator;
  EventTable events;
  std::vector<int64_t> expected;
};

Expected<RawReference> rawReference(mlir::ModuleOp module,
                                    const DriverOptions &options) {
  auto emulator = Emulator::create(theFunction(module));
  if (!emulator)
    return emulator.takeError();
  if (!(*emulator)->isQuantized())
    return makeError(options.target +
                     " target: the model is not quantized; give "
                     "--precision 'fixed<W,I>', auto or a --config");
  auto events =
      readValidationEvents(options.input, (*emulator)->eventInputSize());
  if (!events)
    return events.takeError();
  auto expected = emulateRaw(**emulator, *events);
  if (!expected)
    return expected.takeError();
  if (options.reportOverflow)
    printOverflow(**emulator, llvm::errs());
  return RawReference{std::move(*emulator), std::move(*events),
                      std::move(*expected)};
}

Error runValidateHls(mlir::ModuleOp module, const DriverOptions &options) {
  auto reference = rawReference(module, options);
  if (!reference)
    return reference.takeError();
  Emulator &emulator = *reference->emulator;
  const EventTable &events = reference->events;
  const std::vector<int64_t> &expected = reference->expected;
  size_t outWidth = emulator.eventOutputSize();

  auto scratch = ScratchDirectory::create("ariadnec-validate", options.keep);
  if (!scratch)
    return scratch.takeError();
  const std::string &work = scratch->path();
  std::string project =
      options.output.empty() ? work + "/project" : options.output;
  auto staged = StagedDirectory::create(project, inputsOf(options));
  if (!staged)
    return staged.takeError();
  HlsEstimate estimate;
  if (Error err = emitHls(module, staged->path(), options, &events, &expected,
                          estimate))
    return err;

  std::string build = work + "/build", log = work + "/build.log";
  std::string rawCsv = work + "/csim_raw.csv";
  if (Error err =
          buildWithCMake(staged->path(), build, log, "the C simulation")) {
    scratch->keep();
    return err;
  }
  // The test bench reads tb_data/ relative to the project directory.
  Error simulated = runStep(
      "running the C simulation",
      {"cmake", "-E", "chdir", staged->path(), build + "/csim", rawCsv}, log);
  auto actual = readRawCsv(rawCsv, outWidth);
  if (!actual) {
    scratch->keep();
    return simulated ? std::move(simulated) : actual.takeError();
  }
  llvm::consumeError(std::move(simulated));
  if (Error err = compareRawOutputs(module.getContext(), emulator, expected,
                                    *actual, outWidth, "C simulation"))
    return err;
  if (options.keep)
    llvm::errs() << "ariadnec: build tree kept in " << work << "\n";
  return staged->commit();
}

/// The Verilog options from the command line and the config's [verilog]
/// section and per-layer pipeline and multiplier settings.
Expected<VerilogOptions> verilogOptions(mlir::ModuleOp module,
                                        const DriverOptions &options) {
  VerilogOptions verilog;
  verilog.precision = precisionLabel(options);
  if (options.config.empty())
    return verilog;
  auto config = quant::parseQuantConfig(options.config, module.getContext());
  if (!config)
    return config.takeError();
  auto shared = std::make_shared<quant::QuantConfig>(std::move(*config));
  verilog.layerSettings = [shared](llvm::ArrayRef<std::string> names,
                                   llvm::StringRef type) {
    quant::LayerSettings s = shared->resolveAll(names, type);
    VerilogLayerSettings settings;
    settings.pipelineLevels = s.pipelineLevels.value_or(0);
    settings.multiplier = s.multiplier.value_or("dsp") == "shift_add"
                              ? VerilogMultiplier::ShiftAdd
                              : VerilogMultiplier::Dsp;
    return settings;
  };
  return verilog;
}

/// Writes the Verilog package into `dir` (a staging directory); with
/// `events`, its harness data holds their raw input integers.
Error emitVerilog(mlir::ModuleOp module, const std::string &dir,
                  const DriverOptions &options, const EventTable *events,
                  VerilogReport &report) {
  auto verilog = verilogOptions(module, options);
  if (!verilog)
    return verilog.takeError();
  std::vector<float> inputs;
  if (events) {
    inputs.assign(events->values.begin(), events->values.end());
    verilog->inputs = &inputs;
    verilog->events = events->rows();
  }
  return emitVerilogPackage(module, dir, *verilog, &report);
}

/// Runs the package's Yosys script (synth_xilinx) in `dir`, its log in
/// `work`, adds the resources to its report.json and returns them.
Expected<YosysResources> synthesizeWithYosys(const std::string &dir,
                                             const std::string &work) {
  if (!llvm::sys::findProgramByName("yosys"))
    return makeError("--synth yosys: 'yosys' not found on PATH; install "
                     "Yosys (0.23 or later) to count resources");
  std::string log = work + "/yosys.log";
  auto start = std::chrono::steady_clock::now();
  if (Error err = runStep(
          "synthesis with yosys",
          {"cmake", "-E", "chdir", dir, "yosys", "-s", "synth_yosys.ys"}, log))
    return err;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  auto buffer = llvm::MemoryBuffer::getFile(log);
  if (!buffer)
    return makeError(log + ": " + buffer.getError().message());
  auto resources = parseYosysStat((*buffer)->getBuffer());
  if (!resources)
    return makeError("--synth yosys: " + llvm::toString(resources.takeError()) +
                     "; see " + log);
  resources->seconds = seconds;
  if (Error err = addYosysToReport(dir, *resources, kYosysFamily))
    return err;
  return *resources;
}

Error runCompileVerilog(mlir::ModuleOp module, const DriverOptions &options) {
  auto events = inputEvents(module, options);
  if (!events)
    return events.takeError();
  std::string out =
      options.output.empty() ? defaultOutput(module, options) : options.output;
  auto staged = StagedDirectory::create(out, inputsOf(options));
  if (!staged)
    return staged.takeError();
  VerilogReport report;
  if (Error err = emitVerilog(module, staged->path(), options,
                              *events ? &**events : nullptr, report))
    return err;
  std::optional<YosysResources> resources;
  if (options.synth == "yosys") {
    auto scratch = ScratchDirectory::create("ariadnec-yosys", options.keep);
    if (!scratch)
      return scratch.takeError();
    auto synthesized = synthesizeWithYosys(staged->path(), scratch->path());
    if (!synthesized) {
      scratch->keep();
      return synthesized.takeError();
    }
    resources = *synthesized;
  }
  if (Error err = staged->commit())
    return err;
  printTypes(module, llvm::errs());
  llvm::errs() << "ariadnec: RTL pipeline\n" << formatVerilogReport(report);
  if (resources) {
    // The HLS estimate of the same module, for comparison.
    HlsEstimate estimate;
    auto scratch = ScratchDirectory::create("ariadnec-hls-estimate", false);
    if (scratch) {
      HlsOptions hls;
      hls.precision = precisionLabel(options);
      if (Error err = emitHlsProject(module, scratch->path(), hls, &estimate))
        llvm::consumeError(std::move(err));
    } else {
      llvm::consumeError(scratch.takeError());
    }
    llvm::errs() << "ariadnec: yosys synth_xilinx -family " << kYosysFamily
                 << " (" << llvm::format("%.1f", resources->seconds) << " s)\n"
                 << formatYosysResources(*resources)
                 << "ariadnec: HLS estimate of the same model: " << estimate.dsp
                 << " DSP, " << estimate.romBits << " ROM bits, latency "
                 << estimate.latency << " cycles\n";
  }
  llvm::errs() << "ariadnec: wrote " << out << " (target verilog, precision "
               << precisionLabel(options) << ")\n";
  return Error::success();
}

/// validate --target verilog: the RTL built with Verilator and streamed one
/// event per clock; its raw outputs must equal the emulator's, and the
/// measured latency the pipeline's.
Error runValidateVerilog(mlir::ModuleOp module, const DriverOptions &options) {
  auto reference = rawReference(module, options);
  if (!reference)
    return reference.takeError();
  if (!llvm::sys::findProgramByName("verilator"))
    return makeError("validate --target verilog: 'verilator' not found on "
                     "PATH; install Verilator (5.0 or later)");
  Emulator &emulator = *reference->emulator;
  const EventTable &events = reference->events;
  const std::vector<int64_t> &expected = reference->expected;
  size_t outWidth = emulator.eventOutputSize();

  auto scratch = ScratchDirectory::create("ariadnec-validate", options.keep);
  if (!scratch)
    return scratch.takeError();
  const std::string &work = scratch->path();
  std::string package = options.output.empty() ? work + "/rtl" : options.output;
  auto staged = StagedDirectory::create(package, inputsOf(options));
  if (!staged)
    return staged.takeError();
  VerilogReport report;
  if (Error err = emitVerilog(module, staged->path(), options, &events, report))
    return err;
  const std::string &dir = staged->path();
  std::string name = report.top, log = work + "/verilator.log";
  std::string simulation = work + "/obj_dir/" + name + "_sim";
  std::string rawCsv = work + "/rtl_raw.csv", latencyFile = work + "/latency";
  auto start = std::chrono::steady_clock::now();
  Error err = runStep("building the Verilator model",
                      {"verilator", "--cc", "--exe", "--build", "-j", "2",
                       "-Wno-WIDTH", "--top-module", name, "-Mdir",
                       work + "/obj_dir", dir + "/rtl/" + name + ".v",
                       dir + "/verilator/" + name + "_harness.cpp", "-o",
                       name + "_sim"},
                      log);
  double buildSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!err)
    err = runStep(
        "running the Verilator simulation",
        {simulation, dir + "/tb_data/input_raw.csv", rawCsv, latencyFile}, log);
  if (err) {
    scratch->keep();
    return err;
  }
  auto actual = readRawCsv(rawCsv, outWidth);
  if (!actual) {
    scratch->keep();
    return actual.takeError();
  }
  if (Error err = compareRawOutputs(module.getContext(), emulator, expected,
                                    *actual, outWidth, "RTL simulation"))
    return err;
  auto latencyText = llvm::MemoryBuffer::getFile(latencyFile);
  int64_t latency = -1;
  if (!latencyText ||
      (*latencyText)->getBuffer().trim().getAsInteger(10, latency))
    return makeError("validate: the Verilator harness wrote no latency; see " +
                     log);
  if (latency != report.latency)
    return makeError("validate: measured latency " + llvm::Twine(latency) +
                     " cycles, the pipeline has " +
                     llvm::Twine(report.latency));
  llvm::outs() << "validate: latency " << latency
               << " cycles, one event per clock (Verilator build "
               << llvm::format("%.1f", buildSeconds) << " s)\n";
  if (options.keep)
    llvm::errs() << "ariadnec: build tree kept in " << work << "\n";
  return staged->commit();
}

Error runValidate(mlir::ModuleOp module, const DriverOptions &options) {
  if (options.target == "hls")
    return runValidateHls(module, options);
  if (options.target == "verilog")
    return runValidateVerilog(module, options);
  auto emulator = Emulator::create(theFunction(module));
  if (!emulator)
    return emulator.takeError();
  size_t outWidth = (*emulator)->eventOutputSize();
  auto events =
      readValidationEvents(options.input, (*emulator)->eventInputSize());
  if (!events)
    return events.takeError();
  bool fixedPoint = (*emulator)->isQuantized();
  std::vector<float> expected;
  std::vector<int64_t> expectedRaw;
  if (fixedPoint) {
    std::vector<float> in(events->values.begin(), events->values.end());
    expectedRaw.resize(events->rows() * outWidth);
    if (Error err =
            (*emulator)->runRaw(in.data(), expectedRaw.data(), events->rows()))
      return err;
    if (options.reportOverflow)
      printOverflow(**emulator, llvm::errs());
  } else {
    expected = emulateEvents(**emulator, *events);
  }

  // The package is staged and reaches -o only once it built and agreed; the
  // build tree and its log live in a scratch directory, kept when a step
  // failed (or with --keep) so that the log can be read.
  auto scratch = ScratchDirectory::create("ariadnec-validate", options.keep);
  if (!scratch)
    return scratch.takeError();
  const std::string &work = scratch->path();
  std::string pkgPath = options.output.empty() ? work + "/pkg" : options.output;
  auto staged = StagedDirectory::create(pkgPath, inputsOf(options));
  if (!staged)
    return staged.takeError();
  if (Error err = emitPackage(module, options.target, staged->path()))
    return err;

  std::string build = work + "/build", log = work + "/build.log";
  std::string outCsv = work + "/kernel_out.csv";
  std::vector<std::string> configureFlags;
  if (options.target == "cuda") {
    auto nvcc = cudaCompiler();
    if (!nvcc)
      return nvcc.takeError();
    if (!nvcc->empty())
      configureFlags.push_back("-DCMAKE_CUDA_COMPILER=" + *nvcc);
  }
  Error err =
      buildWithCMake(staged->path(), build, log, "the package", configureFlags);
  if (!err) {
    std::vector<std::string> tb = {build + "/tb", options.input, outCsv};
    if (fixedPoint)
      tb.push_back("--raw");
    err = runStep("running tb", tb, log);
  }
  if (err) {
    scratch->keep();
    return err;
  }
  if (options.target == "cuda")
    llvm::outs() << "validate: " << cudaBenchDevice(log) << "\n";
  if (fixedPoint) {
    auto actual = readRawCsv(outCsv, outWidth);
    if (!actual)
      return actual.takeError();
    if (Error err = compareRawOutputs(module.getContext(), **emulator,
                                      expectedRaw, *actual, outWidth))
      return err;
  } else {
    auto actual = readEvents(outCsv, outWidth);
    if (!actual)
      return actual.takeError();
    if (Error err = compareOutputs(expected, *actual, outWidth))
      return err;
  }
  if (options.keep)
    llvm::errs() << "ariadnec: build tree kept in " << work << "\n";
  return staged->commit();
}

} // namespace

int main(int argc, char **argv) {
  // First: SIGINT, SIGTERM and SIGHUP stop the child
  // processes and remove the partial outputs.
  CleanupOnSignal::install();
  std::vector<std::string> args(argv + 1, argv + argc);
  // Training has its own command line (and no MLIR).
  if (!args.empty() && args[0] == "train")
    return runTrainCommand({args.begin() + 1, args.end()});
  DriverOptions options;
  std::string error;
  if (!parseDriverOptions(args, options, error)) {
    llvm::errs() << "ariadnec: error: " << error << "\n" << driverUsage();
    return 2;
  }
  if (options.command == Command::Help) {
    llvm::outs() << driverUsage();
    return 0;
  }

  mlir::MLIRContext context;
  context.loadDialect<nn::NNDialect, fx::FXDialect, mlir::func::FuncDialect>();
  auto module = loadModel(context, options);
  Error err = module.takeError();
  if (!err && options.emit == "mlir") {
    (*module)->print(llvm::outs());
    llvm::outs() << "\n";
    return 0;
  }
  // A package's kernel is named after the model: refuse a name that would
  // break the package before doing any work.
  bool writesPackage =
      options.command == Command::Validate ||
      (options.command == Command::Compile &&
       (options.emit.empty() || options.emit == "cpp"));
  if (!err && writesPackage) {
    std::string problem =
        kernelNameProblem(theFunction(**module).getSymName().str());
    if (!problem.empty())
      err = makeError(options.model + ": " + problem +
                      "; choose another with --name");
  }
  if (!err)
    err = optimize(**module, options.model);
  // The float model stays beside the quantized one for --compare float.
  mlir::OwningOpRef<mlir::ModuleOp> floatModule;
  if (!err && wantsFixedPoint(options)) {
    if (!options.compare.empty())
      floatModule = (**module).clone();
    err = quantize(**module, options);
  }
  if (!err) {
    switch (options.command) {
    case Command::Compile:
      err = runCompile(**module, options);
      break;
    case Command::Emulate:
      err = runEmulate(**module, floatModule ? *floatModule : nullptr, options);
      break;
    case Command::Validate:
      err = runValidate(**module, options);
      break;
    case Command::Help:
      break;
    }
  }
  if (err) {
    std::string message = llvm::toString(std::move(err));
    // A target's complaint about the model names the model file.
    for (const char *target : {"cpp", "cuda", "hls", "verilog"})
      if (llvm::StringRef(message).starts_with(std::string(target) +
                                               " target:"))
        message = options.model + ": " + message;
    llvm::errs() << "ariadnec: error: " << message << "\n";
    return 1;
  }
  return 0;
}
