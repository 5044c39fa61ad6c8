//===- HlsTarget.cpp - the hls target -------------------------------------===//
#include "backends/common/Build.h"
#include "backends/common/Target.h"
#include "backends/hls/HlsBackend.h"
#include "passes/Quant/QuantConfig.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace ariadne;

namespace ariadne {

using quant::ConfigValue;
using quant::TargetKeyResult;

/// A key whose value is one of the strings `choices`.
quant::TargetKey choiceKey(llvm::StringRef key, bool perLayer,
                           std::vector<std::string> choices) {
  return {key.str(), perLayer,
          [key = key.str(), choices = std::move(choices)](
              const ConfigValue &v, llvm::StringRef where) {
            if (!v.text)
              return TargetKeyResult::fail(
                  llvm::formatv("{0}: {1} must be a string, got {2}", where,
                                key, v.kind),
                  /*atValue=*/false);
            if (!llvm::is_contained(choices, *v.text)) {
              std::string list;
              for (size_t i = 0; i < choices.size(); ++i)
                list += (i == 0                    ? "'"
                         : i + 1 == choices.size() ? "' or '"
                                                   : "', '") +
                        choices[i];
              return TargetKeyResult::fail(
                  llvm::formatv("{0}: {1} must be {2}', got '{3}'", where, key,
                                list, *v.text));
            }
            return TargetKeyResult::ok(*v.text);
          }};
}

/// [hls]: the FPGA part and clock of the project, its io ("parallel":
/// arrays; "stream": feature maps as streams of pixels), its time loop
/// ("unrolled": every recurrent step its own logic; "sequential": the
/// repeated steps as a loop over one cell), and the per-layer
/// strategy ("latency": every multiplier its own, II = 1; "resource": each
/// multiplier used reuse_factor times; "distributed_arithmetic": dense
/// layers as shifts and adds with shared sums, no multiplier) and reuse
/// factor.
quant::TargetSection hlsConfigSection() {
  constexpr int64_t kMinReuseFactor = 1, kMaxReuseFactor = 4096;
  constexpr double kMaxClockPeriod = 1000.0;
  quant::TargetSection section{"hls", {}};
  section.keys.push_back(
      {"part", false, [](const ConfigValue &v, llvm::StringRef where) {
         if (!v.text)
           return TargetKeyResult::fail(
               llvm::formatv("{0}: part must be a string, got {1}", where,
                             v.kind),
               /*atValue=*/false);
         llvm::StringRef part = llvm::StringRef(*v.text).trim();
         if (part.empty())
           return TargetKeyResult::fail(
               llvm::formatv("{0}: part must not be empty", where));
         if (!llvm::all_of(part, [](char c) {
               return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.';
             }))
           return TargetKeyResult::fail(
               llvm::formatv("{0}: part '{1}' may hold only letters, "
                             "digits, '-', '_' and '.'",
                             where, part));
         return TargetKeyResult::ok(part.str());
       }});
  section.keys.push_back(
      {"clock_period", false, [=](const ConfigValue &v, llvm::StringRef where) {
         if (!v.number)
           return TargetKeyResult::fail(
               llvm::formatv("{0}: clock_period must be a number (ns), got "
                             "{1}",
                             where, v.kind),
               /*atValue=*/false);
         if (!(*v.number > 0.0 && *v.number <= kMaxClockPeriod))
           return TargetKeyResult::fail(llvm::formatv(
               "{0}: clock_period must be greater than 0 and at most {1} "
               "(ns), got {2}",
               where, quant::formatConfigNumber(kMaxClockPeriod),
               quant::formatConfigNumber(*v.number)));
         return TargetKeyResult::ok(*v.number);
       }});
  section.keys.push_back(choiceKey("io", false, {"parallel", "stream"}));
  section.keys.push_back(
      choiceKey("time_loop", false, {"unrolled", "sequential"}));
  section.keys.push_back(choiceKey(
      "strategy", true, {"latency", "resource", "distributed_arithmetic"}));
  section.keys.push_back(
      {"reuse_factor", true, [=](const ConfigValue &v, llvm::StringRef where) {
         if (!v.integer)
           return TargetKeyResult::fail(
               llvm::formatv("{0}: reuse_factor must be an integer, got {1}",
                             where, v.kind),
               /*atValue=*/false);
         if (*v.integer < kMinReuseFactor || *v.integer > kMaxReuseFactor)
           return TargetKeyResult::fail(llvm::formatv(
               "{0}: reuse_factor must be {1} to {2}, got {3}", where,
               kMinReuseFactor, kMaxReuseFactor, *v.integer));
         return TargetKeyResult::ok(*v.integer);
       }});
  return section;
}

/// The HLS options of `job`: its precision, and the config's [hls]
/// section and per-layer strategy and reuse factor.
llvm::Expected<HlsOptions> hlsOptionsOf(const TargetJob &job) {
  HlsOptions hls;
  hls.precision = job.precision;
  if (job.config.empty())
    return hls;
  auto config = quant::parseQuantConfig(job.config, job.module.getContext());
  if (!config)
    return config.takeError();
  if (auto part = config->sectionValue("hls", "part"))
    hls.part = std::get<std::string>(*part);
  if (auto period = config->sectionValue("hls", "clock_period"))
    hls.clockPeriod = std::get<double>(*period);
  if (auto io = config->sectionValue("hls", "io"))
    hls.stream = std::get<std::string>(*io) == "stream";
  if (auto loop = config->sectionValue("hls", "time_loop"))
    hls.sequentialSteps = std::get<std::string>(*loop) == "sequential";
  auto shared = std::make_shared<quant::QuantConfig>(std::move(*config));
  hls.layerSettings = [shared](llvm::ArrayRef<std::string> names,
                               llvm::StringRef type) {
    quant::LayerSettings s = shared->resolveAll(names, type);
    HlsLayerSettings settings;
    std::string strategy = s.targetText("strategy").value_or("latency");
    settings.resource = strategy == "resource";
    settings.distributedArithmetic = strategy == "distributed_arithmetic";
    // The latency strategy unrolls everything: a reuse factor only applies
    // to the resource strategy.
    settings.reuseFactor =
        settings.resource ? s.targetInteger("reuse_factor").value_or(1) : 1;
    return settings;
  };
  return hls;
}

} // namespace ariadne

namespace {

class HlsTarget : public Target {
public:
  llvm::StringRef name() const override { return "hls"; }
  llvm::StringRef summary() const override {
    return "Vitis HLS project, fixed point (compile --input writes its test "
           "bench data; validate runs the C simulation)";
  }
  bool needsFixedPoint() const override { return true; }
  bool takesTestBenchData() const override { return true; }
  std::string mainSource(llvm::StringRef kernel) const override {
    return ("firmware/" + kernel + ".cpp").str();
  }

  llvm::Error emit(const TargetJob &job, llvm::StringRef dir,
                   llvm::raw_ostream &summary) const override {
    auto hls = hlsOptionsOf(job);
    if (!hls)
      return hls.takeError();
    if (job.events) {
      hls->inputs = job.inputs;
      hls->expectedRaw = job.expectedRaw;
      hls->events = job.events;
    }
    HlsEstimate estimate;
    if (llvm::Error err = emitHlsProject(job.module, dir, *hls, &estimate))
      return err;
    summary << "ariadnec: HLS estimate\n" << formatHlsEstimate(estimate);
    return llvm::Error::success();
  }

  /// The project's C simulation, built with the system's C++ compiler
  /// against the runtime's ap_fixed stand-in, run on the test bench data.
  llvm::Expected<TargetRun> run(const TargetJob &job, llvm::StringRef dir,
                                llvm::StringRef work) const override {
    std::string build = (work + "/build").str();
    std::string log = (work + "/build.log").str();
    std::string rawCsv = (work + "/csim_raw.csv").str();
    if (llvm::Error err =
            buildWithCMake(dir.str(), build, log, "the C simulation"))
      return err;
    // The test bench reads tb_data/ relative to the project directory. It
    // fails on a mismatch; its outputs, when written, name the first one.
    llvm::Error simulated = runStep("running the C simulation",
                                    {build + "/csim", rawCsv}, log, dir.str());
    auto raw = readRawCsv(rawCsv, job.outputWidth);
    if (!raw) {
      if (simulated) {
        llvm::consumeError(raw.takeError());
        return simulated;
      }
      return raw.takeError();
    }
    llvm::consumeError(std::move(simulated));
    TargetRun result;
    result.raw = std::move(*raw);
    result.what = "C simulation";
    return result;
  }
};

} // namespace

namespace ariadne {
void registerHlsTarget() {
  quant::registerTargetSection(hlsConfigSection());
  TargetRegistry::add(std::make_unique<HlsTarget>());
}
} // namespace ariadne
