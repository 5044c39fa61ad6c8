//===- ariadnec.cpp - the ariadnec driver ---------------------------------===//
//
// compile, emulate and validate, as DESIGN.md draws the user's lines. Every
// error is one line on stderr and a non-zero exit.
//
//===----------------------------------------------------------------------===//
#include "backends/common/KernelName.h"
#include "backends/common/Process.h"
#include "backends/common/TableReport.h"
#include "backends/common/Target.h"
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
  importOptions.dynamicBatch = options.dynamicBatch;
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
  for (const std::string *path :
       {&options.model, &options.input, &options.calibration, &options.config})
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
    } else if (llvm::isa<fx::TableOp>(op)) {
      detail = tablesOf(op).front().describe();
    } else if (llvm::isa<fx::SoftmaxOp>(op)) {
      // Its exp and reciprocal tables.
      for (const TableInfo &table : tablesOf(op))
        detail += "; " + table.describe();
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

/// The emulator's raw output integers for every row of `events`.
Expected<std::vector<int64_t>> emulateRaw(Emulator &emulator,
                                          const EventTable &events) {
  std::vector<float> in(events.values.begin(), events.values.end());
  std::vector<int64_t> out(events.rows() * emulator.eventOutputSize());
  if (Error err = emulator.runRaw(in.data(), out.data(), events.rows()))
    return err;
  return out;
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
  uint64_t outOfRange = 0;
  for (const OverflowCount &c : counts)
    if (c.outOfRange) {
      os << "indices: " << c.outOfRange << " outside their axis in " << c.layer
         << " (" << c.op << ")\n";
      outOfRange += c.outOfRange;
    }
  if (outOfRange)
    os << "indices: " << outOfRange
       << " outside their axis (gathers read 0, scatters dropped them)\n";
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

/// Compares the package's outputs with the emulator's. The float path is
/// not bit-exact across backends (summation order, the runtime's vectorized
/// tanh/exp): values agree within a few float ulps of the output scale.
Error compareOutputs(const std::vector<float> &expected,
                     const std::vector<float> &actual, size_t width) {
  if (actual.size() != expected.size())
    return makeError("validate: the kernel wrote " +
                     llvm::Twine(actual.size() / width) + " rows, expected " +
                     llvm::Twine(expected.size() / width));
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    double e = expected[i], a = actual[i];
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
  llvm::outs() << "validate: " << actual.size() / width << " events x " << width
               << " outputs agree with the emulator (max |diff| "
               << llvm::format("%.3g", worst) << ")\n";
  return Error::success();
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

/// The choices --target offers, from the registry.
std::vector<TargetChoice> targetChoices() {
  std::vector<TargetChoice> choices;
  for (const Target *t : TargetRegistry::all())
    choices.push_back({t->name().str(), t->summary().str(), t->synthTools()});
  return choices;
}

/// The job a target gets: the module, the names and, with `events`, the
/// events and the emulator's raw outputs for them.
struct Job {
  TargetJob job;
  std::vector<float> inputs;
  std::vector<int64_t> expectedRaw;
};

/// The emulator of the module, which `target` can take: a quantized module
/// for a fixed-point-only target.
Expected<std::unique_ptr<Emulator>> emulatorFor(mlir::ModuleOp module,
                                                const Target &target) {
  auto emulator = Emulator::create(theFunction(module));
  if (emulator && target.needsFixedPoint() && !(*emulator)->isQuantized())
    return makeError(target.name() +
                     " target: the model is not quantized; give "
                     "--precision 'fixed<W,I>', auto or a --config");
  return emulator;
}

/// The job for `emulator`'s module; with `events`, the emulator's raw
/// outputs for them (a quantized module) are computed here, once.
Expected<std::unique_ptr<Job>> makeJob(mlir::ModuleOp module,
                                       const DriverOptions &options,
                                       Emulator &emulator,
                                       const EventTable *events) {
  auto job = std::make_unique<Job>();
  TargetJob &j = job->job;
  j.module = module;
  j.model = options.model;
  j.precision = precisionLabel(options);
  j.config = options.config;
  j.quantized = emulator.isQuantized();
  j.inputWidth = emulator.eventInputSize();
  j.outputWidth = emulator.eventOutputSize();
  if (events) {
    job->inputs.assign(events->values.begin(), events->values.end());
    j.inputs = &job->inputs;
    j.events = events->rows();
    if (j.quantized) {
      auto raw = emulateRaw(emulator, *events);
      if (!raw)
        return raw.takeError();
      job->expectedRaw = std::move(*raw);
      j.expectedRaw = &job->expectedRaw;
    }
  }
  return job;
}

/// compile --emit=TARGET: the target's main source on standard output.
Error printMainSource(const Target &target, const TargetJob &job) {
  auto scratch = ScratchDirectory::create("ariadnec-emit", /*keep=*/false);
  if (!scratch)
    return scratch.takeError();
  std::string ignored;
  llvm::raw_string_ostream summary(ignored);
  if (Error err = target.emit(job, scratch->path(), summary))
    return err;
  std::string file = target.mainSource(theFunction(job.module).getSymName());
  auto source = llvm::MemoryBuffer::getFile(scratch->path() + "/" + file);
  if (!source)
    return makeError("the emitted package has no " + file);
  llvm::outs() << (*source)->getBuffer();
  return Error::success();
}

Error runCompile(mlir::ModuleOp module, const DriverOptions &options) {
  if (options.emit == "mlir-opt") {
    module.print(llvm::outs());
    llvm::outs() << "\n";
    return Error::success();
  }
  const Target &target = *TargetRegistry::lookup(options.target);
  auto emulator = emulatorFor(module, target);
  if (!emulator)
    return emulator.takeError();
  // compile --input: the events for the package's test bench data (other
  // targets have none).
  std::optional<EventTable> events;
  if (!options.input.empty() && target.takesTestBenchData()) {
    auto table = readEvents(options.input, (*emulator)->eventInputSize());
    if (!table)
      return table.takeError();
    events = std::move(*table);
  }
  auto job = makeJob(module, options, **emulator, events ? &*events : nullptr);
  if (!job)
    return job.takeError();
  if (options.emit == options.target)
    return printMainSource(target, (*job)->job);

  std::string out =
      options.output.empty() ? defaultOutput(module, options) : options.output;
  auto staged = StagedDirectory::create(out, inputsOf(options));
  if (!staged)
    return staged.takeError();
  std::string summary;
  llvm::raw_string_ostream summaryOS(summary);
  if (Error err = target.emit((*job)->job, staged->path(), summaryOS))
    return err;
  if (!options.synth.empty()) {
    auto scratch = ScratchDirectory::create("ariadnec-synth", options.keep);
    if (!scratch)
      return scratch.takeError();
    if (Error err = target.synthesize((*job)->job, staged->path(),
                                      scratch->path(), summaryOS)) {
      scratch->keep();
      return err;
    }
  }
  if (Error err = staged->commit())
    return err;
  if ((*job)->job.quantized)
    printTypes(module, llvm::errs());
  llvm::errs() << summary << "ariadnec: wrote " << out << " (target "
               << options.target << ", precision " << precisionLabel(options)
               << ")\n";
  return Error::success();
}

/// validate: the target's package, built and run on the events, against
/// the emulator: raw integers exactly for a quantized model, floats within
/// float rounding otherwise. The package reaches -o only once it built and
/// agreed; the build tree and its log live in a scratch directory, kept
/// when a step failed (or with --keep) so that the log can be read.
Error runValidate(mlir::ModuleOp module, const DriverOptions &options) {
  const Target &target = *TargetRegistry::lookup(options.target);
  auto emulator = emulatorFor(module, target);
  if (!emulator)
    return emulator.takeError();
  if (Error err = target.checkRunTools())
    return err;
  auto events =
      readValidationEvents(options.input, (*emulator)->eventInputSize());
  if (!events)
    return events.takeError();
  auto job = makeJob(module, options, **emulator, &*events);
  if (!job)
    return job.takeError();
  const TargetJob &j = (*job)->job;
  std::vector<float> expected;
  if (!j.quantized)
    expected = emulateEvents(**emulator, *events);
  else if (options.reportOverflow)
    // The counts of the run that produced the expected integers.
    printOverflow(**emulator, llvm::errs());

  auto scratch = ScratchDirectory::create("ariadnec-validate", options.keep);
  if (!scratch)
    return scratch.takeError();
  const std::string &work = scratch->path();
  std::string package =
      options.output.empty() ? work + "/package" : options.output;
  auto staged = StagedDirectory::create(package, inputsOf(options));
  if (!staged)
    return staged.takeError();
  std::string ignored;
  llvm::raw_string_ostream summary(ignored);
  if (Error err = target.emit(j, staged->path(), summary))
    return err;
  auto run = target.run(j, staged->path(), work);
  if (!run) {
    scratch->keep();
    return run.takeError();
  }
  for (const std::string &line : run->before)
    llvm::outs() << line << "\n";
  size_t width = j.outputWidth;
  if (j.quantized) {
    if (Error err =
            compareRawOutputs(module.getContext(), **emulator, *j.expectedRaw,
                              run->raw, width, run->what))
      return err;
  } else if (Error err = compareOutputs(expected, run->values, width)) {
    return err;
  }
  if (!run->failure.empty())
    return makeError(run->failure);
  for (const std::string &line : run->after)
    llvm::outs() << line << "\n";
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
  registerAllTargets();
  DriverOptions options;
  std::string error;
  std::vector<TargetChoice> targets = targetChoices();
  if (!parseDriverOptions(args, options, error, targets)) {
    llvm::errs() << "ariadnec: error: " << error << "\n"
                 << driverUsage(targets);
    return 2;
  }
  if (options.command == Command::Help) {
    llvm::outs() << driverUsage(targets);
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
  bool writesPackage = options.command == Command::Validate ||
                       (options.command == Command::Compile &&
                        options.emit != "mlir" && options.emit != "mlir-opt");
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
  // A model already in fixed point (fx-dialect MLIR) given a config alone:
  // only the config's target sections apply.
  bool alreadyQuantized =
      !err && options.precision == "float" &&
      llvm::any_of(theFunction(**module).getBody().front(),
                   [](mlir::Operation &op) {
                     return llvm::isa<fx::FXDialect>(op.getDialect());
                   });
  if (!err && wantsFixedPoint(options) && !alreadyQuantized) {
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
    for (const TargetChoice &target : targets)
      if (llvm::StringRef(message).starts_with(target.name + " target:"))
        message = options.model + ": " + message;
    llvm::errs() << "ariadnec: error: " << message << "\n";
    return 1;
  }
  return 0;
}
