//===- VerilogTarget.cpp - the verilog target -----------------------------===//
#include "backends/common/Build.h"
#include "backends/common/Process.h"
#include "backends/common/Target.h"
#include "backends/hls/HlsBackend.h"
#include "backends/verilog/VerilogBackend.h"
#include "passes/Quant/QuantConfig.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <chrono>

using namespace ariadne;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(std::errc::invalid_argument,
                                 message.str().c_str());
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

using quant::ConfigValue;
using quant::TargetKeyResult;

/// [verilog]: the per-layer register stages (`pipeline`: "layer", one
/// stage at each layer's output, or N, one more after every N adder
/// levels), constant multipliers ("dsp" or "shift_add") and the most
/// products a layer may compute per event (`max_products`).
quant::TargetSection verilogConfigSection() {
  constexpr int64_t kMaxPipelineLevels = 64;
  constexpr int64_t kMaxProductsLimit = int64_t(1) << 24;
  auto got = [](const ConfigValue &v) {
    return v.text ? "'" + *v.text + "'" : v.kind;
  };
  quant::TargetSection section{"verilog", {}};
  section.keys.push_back(
      {"pipeline", true, [=](const ConfigValue &v, llvm::StringRef where) {
         std::string message = llvm::formatv(
             "{0}: pipeline must be \"layer\" or a number of adder levels "
             "from 1 to {1}, got {2}",
             where, kMaxPipelineLevels,
             v.integer ? std::to_string(*v.integer) : got(v));
         if (v.integer)
           return *v.integer < 1 || *v.integer > kMaxPipelineLevels
                      ? TargetKeyResult::fail(message)
                      : TargetKeyResult::ok(*v.integer);
         if (v.text && *v.text == "layer")
           return TargetKeyResult::ok(int64_t(0));
         return TargetKeyResult::fail(message);
       }});
  section.keys.push_back(
      {"multiplier", true, [=](const ConfigValue &v, llvm::StringRef where) {
         if (!v.text || (*v.text != "dsp" && *v.text != "shift_add"))
           return TargetKeyResult::fail(
               llvm::formatv("{0}: multiplier must be \"dsp\" or "
                             "\"shift_add\", got {1}",
                             where, got(v)));
         return TargetKeyResult::ok(*v.text);
       }});
  section.keys.push_back(
      {"max_products", true, [=](const ConfigValue &v, llvm::StringRef where) {
         if (!v.integer || *v.integer < 1 || *v.integer > kMaxProductsLimit)
           return TargetKeyResult::fail(llvm::formatv(
               "{0}: max_products must be a number of products from 1 to "
               "{1}, got {2}",
               where, kMaxProductsLimit,
               v.integer ? std::to_string(*v.integer) : got(v)));
         return TargetKeyResult::ok(*v.integer);
       }});
  return section;
}

/// The Verilog options of `job`: its precision, and the config's per-layer
/// pipeline and multiplier settings.
llvm::Expected<VerilogOptions> verilogOptionsOf(const TargetJob &job) {
  VerilogOptions verilog;
  verilog.precision = job.precision;
  if (job.config.empty())
    return verilog;
  auto config = quant::parseQuantConfig(job.config, job.module.getContext());
  if (!config)
    return config.takeError();
  auto shared = std::make_shared<quant::QuantConfig>(std::move(*config));
  verilog.layerSettings = [shared](llvm::ArrayRef<std::string> names,
                                   llvm::StringRef type) {
    quant::LayerSettings s = shared->resolveAll(names, type);
    VerilogLayerSettings settings;
    settings.pipelineLevels = s.targetInteger("pipeline").value_or(0);
    settings.multiplier =
        s.targetText("multiplier").value_or("dsp") == "shift_add"
            ? VerilogMultiplier::ShiftAdd
            : VerilogMultiplier::Dsp;
    settings.maxProducts =
        s.targetInteger("max_products").value_or(kVerilogMaxProducts);
    return settings;
  };
  return verilog;
}

/// The top module's name and the pipeline's latency from the package's
/// report.json.
llvm::Error readPipeline(llvm::StringRef dir, std::string &top,
                         int64_t &latency) {
  std::string path = (dir + "/report.json").str();
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return makeError(path + ": " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *totals = root ? root->getObject("totals") : nullptr;
  std::optional<llvm::StringRef> name =
      root ? root->getString("kernel") : std::nullopt;
  std::optional<int64_t> cycles =
      totals ? totals->getInteger("latency_cycles") : std::nullopt;
  if (!name || !cycles)
    return makeError(path + ": no name or latency");
  top = name->str();
  latency = *cycles;
  return llvm::Error::success();
}

class VerilogTarget : public Target {
public:
  llvm::StringRef name() const override { return "verilog"; }
  llvm::StringRef summary() const override {
    return "pipelined RTL, fixed point (validate runs it in Verilator; "
           "--synth yosys counts its cells)";
  }
  bool needsFixedPoint() const override { return true; }
  std::vector<std::string> synthTools() const override { return {"yosys"}; }
  bool takesTestBenchData() const override { return true; }
  llvm::Error checkRunTools() const override {
    if (findProgram("verilator").empty())
      return makeError("validate --target verilog: 'verilator' not found on "
                       "PATH; install Verilator (5.0 or later)");
    return llvm::Error::success();
  }
  std::string mainSource(llvm::StringRef kernel) const override {
    return ("rtl/" + kernel + ".v").str();
  }

  llvm::Error emit(const TargetJob &job, llvm::StringRef dir,
                   llvm::raw_ostream &summary) const override {
    auto verilog = verilogOptionsOf(job);
    if (!verilog)
      return verilog.takeError();
    if (job.events) {
      verilog->inputs = job.inputs;
      verilog->events = job.events;
    }
    VerilogReport report;
    if (llvm::Error err =
            emitVerilogPackage(job.module, dir, *verilog, &report))
      return err;
    summary << "ariadnec: RTL pipeline\n" << formatVerilogReport(report);
    return llvm::Error::success();
  }

  /// Runs the package's Yosys script (synth_xilinx) in `dir`, adds the
  /// resources to its report.json and prints them beside the HLS estimate
  /// of the same model.
  llvm::Error synthesize(const TargetJob &job, llvm::StringRef dir,
                         llvm::StringRef work,
                         llvm::raw_ostream &summary) const override {
    if (findProgram("yosys").empty())
      return makeError("--synth yosys: 'yosys' not found on PATH; install "
                       "Yosys (0.23 or later) to count resources");
    std::string log = (work + "/yosys.log").str();
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err =
            runStep("synthesis with yosys", {"yosys", "-s", "synth_yosys.ys"},
                    log, dir.str()))
      return err;
    double seconds = secondsSince(start);
    auto buffer = llvm::MemoryBuffer::getFile(log);
    if (!buffer)
      return makeError(log + ": " + buffer.getError().message());
    auto resources = parseYosysStat((*buffer)->getBuffer());
    if (!resources)
      return makeError("--synth yosys: " +
                       llvm::toString(resources.takeError()) + "; see " + log);
    resources->seconds = seconds;
    if (llvm::Error err = addYosysToReport(dir, *resources, kYosysFamily))
      return err;
    // The HLS estimate of the same module, for comparison.
    HlsEstimate estimate;
    HlsOptions hls;
    hls.precision = job.precision;
    std::string hlsDir = (work + "/hls-estimate").str();
    if (llvm::Error err = emitHlsProject(job.module, hlsDir, hls, &estimate))
      llvm::consumeError(std::move(err));
    summary << "ariadnec: yosys synth_xilinx -family " << kYosysFamily << " ("
            << llvm::format("%.1f", resources->seconds) << " s)\n"
            << formatYosysResources(*resources)
            << "ariadnec: HLS estimate of the same model: " << estimate.dsp
            << " DSP, " << estimate.romBits << " ROM bits, latency "
            << estimate.latency << " cycles\n";
    return llvm::Error::success();
  }

  /// The RTL built with Verilator and streamed one event per clock; the
  /// measured latency must be the pipeline's.
  llvm::Expected<TargetRun> run(const TargetJob &job, llvm::StringRef dir,
                                llvm::StringRef work) const override {
    if (llvm::Error err = checkRunTools())
      return err;
    std::string name;
    int64_t pipeline = 0;
    if (llvm::Error err = readPipeline(dir, name, pipeline))
      return err;
    std::string w = work.str(), d = dir.str();
    std::string log = w + "/verilator.log";
    std::string simulation = w + "/obj_dir/" + name + "_sim";
    std::string rawCsv = w + "/rtl_raw.csv", latencyFile = w + "/latency";
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error err = runStep(
            "building the Verilator model",
            {"verilator", "--cc", "--exe", "--build", "-j", "2",
             "--hierarchical", "-Wno-WIDTH", "--top-module", name, "-Mdir",
             w + "/obj_dir", d + "/rtl/" + name + ".v",
             d + "/verilator/" + name + "_harness.cpp", "-o", name + "_sim"},
            log))
      return err;
    double buildSeconds = secondsSince(start);
    if (llvm::Error err = runStep(
            "running the Verilator simulation",
            {simulation, d + "/tb_data/input_raw.csv", rawCsv, latencyFile},
            log))
      return err;
    auto raw = readRawCsv(rawCsv, job.outputWidth);
    if (!raw)
      return raw.takeError();
    auto latencyText = llvm::MemoryBuffer::getFile(latencyFile);
    int64_t latency = -1;
    if (!latencyText ||
        (*latencyText)->getBuffer().trim().getAsInteger(10, latency))
      return makeError("validate: the Verilator harness wrote no latency; "
                       "see " +
                       log);
    TargetRun result;
    result.raw = std::move(*raw);
    result.what = "RTL simulation";
    if (latency != pipeline)
      result.failure = "validate: measured latency " + std::to_string(latency) +
                       " cycles, the pipeline has " + std::to_string(pipeline);
    result.after.push_back("validate: latency " + std::to_string(latency) +
                           " cycles, one event per clock (Verilator build " +
                           llvm::formatv("{0:F1}", buildSeconds).str() + " s)");
    return result;
  }
};

} // namespace

namespace ariadne {
void registerVerilogTarget() {
  quant::registerTargetSection(verilogConfigSection());
  TargetRegistry::add(std::make_unique<VerilogTarget>());
}
} // namespace ariadne
