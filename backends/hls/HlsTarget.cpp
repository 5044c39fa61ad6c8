//===- HlsTarget.cpp - the hls target -------------------------------------===//
#include "backends/common/Build.h"
#include "backends/common/Target.h"
#include "backends/hls/HlsBackend.h"
#include "passes/Quant/QuantConfig.h"

using namespace ariadne;

namespace ariadne {

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
      if (simulated)
        return simulated;
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
void registerHlsTarget() { TargetRegistry::add(std::make_unique<HlsTarget>()); }
} // namespace ariadne
