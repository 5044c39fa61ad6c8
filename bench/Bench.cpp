//===- Bench.cpp - generated C++ kernels against LibTorch -----------------===//
//
// For each model: checks that the ariadnec kernel and LibTorch agree on the
// same weights, then times both, interleaved so that drift on a shared
// machine hits both alike, and prints them side by side with their ratios.
//
//===----------------------------------------------------------------------===//
#include "bench/ConvModel.h"
#include "bench/GraphModel.h"
#include "bench/LayerChain.h"
#include "bench/Machine.h"
#include "bench/RecurrentModel.h"
#include "bench/TorchBaseline.h"
#include "bench/TransformerModel.h"

#include "BenchKernels.inc"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ariadne::bench;

namespace {

using EventFn = void (*)(const float *, float *);
using BatchFn = void (*)(const float *, float *, size_t);

struct Kernel {
  const char *name;
  const char *onnx;
  EventFn event;
  BatchFn batch;
  size_t inputSize; // NAME_INPUT_SIZE of the generated header
  size_t outputSize;
};

const Kernel kKernels[] = {ARIADNE_BENCH_KERNELS};

/// The agreement the float path promises (DESIGN.md: float rounding).
constexpr double kTolerance = 1e-5;

/// The performance limits of the two MLPs (printed at the end of main).
constexpr double kMlpLatencyLimitNs = 80.0;
constexpr double kMlpFmaShareLimit = 0.5;

/// The single-event latency targets, LibTorch's median over ariadnec's: the
/// MLPs', and the recurrent model's (7 unrolled GRU steps of 2 layers).
constexpr double kChainLatencyTarget = 50;
constexpr double kRecurrentLatencyTarget = 20;
/// The hit-set transformer's (issue: attention), over sets of hits with a
/// mask.
constexpr double kTransformerLatencyTarget = 10;
/// The interaction network's (issue: graph networks), one graph per event.
constexpr double kGraphLatencyTarget = 10;
/// The calorimeter CNN's (issue: convolutions): latency, and batched
/// throughput over LibTorch's (every other model: at least LibTorch's).
constexpr double kConvLatencyTarget = 20;
constexpr double kConvThroughputTarget = 3;

struct Options {
  size_t calls = 100000;  // single-event calls per side
  size_t batch = 1024;    // events per batched call
  size_t batchRuns = 200; // batched calls per side
  int cpu = -1;           // pin to this CPU when >= 0
};

struct Result {
  std::string name, layers;
  double maxDiff = 0;
  /// With a float64 reference (graph networks): each side's largest
  /// distance from it; -1 without one.
  double torchError = -1, kernelError = -1;
  /// Within kTolerance of LibTorch, or (with the reference) no further
  /// from it than twice LibTorch's own float rounding.
  bool agrees() const {
    return maxDiff < kTolerance ||
           (torchError >= 0 && kernelError <= 2 * torchError);
  }
  double torchMedianNs = 0, torchP99Ns = 0;
  double kernelMedianNs = 0, kernelP99Ns = 0;
  double torchEventsPerS = 0, kernelEventsPerS = 0;
  size_t multiplyAdds = 0;
  /// The batched kernel's FLOP/s, 2 FLOP per multiply-add.
  double kernelFlops() const { return kernelEventsPerS * 2.0 * multiplyAdds; }
  double latencyTarget = kChainLatencyTarget;
  double throughputTarget = 1;
};

[[noreturn]] void usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s [--calls N] [--batch N] [--batch-runs N] [--cpu N]\n"
               "  --calls N       single-event calls timed per side (default "
               "100000, at least 100000 for a meaningful p99)\n"
               "  --batch N       events per batched call (default 1024)\n"
               "  --batch-runs N  batched calls timed per side (default 200)\n"
               "  --cpu N         pin the benchmark to CPU N\n",
               argv0);
  std::exit(2);
}

Options parseOptions(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc)
      usage(argv[0]);
    char *end = nullptr;
    long long v = std::strtoll(argv[++i], &end, 10);
    if (*end != '\0' || v < 0)
      usage(argv[0]);
    if (arg == "--calls" && v > 0)
      o.calls = static_cast<size_t>(v);
    else if (arg == "--batch" && v > 0)
      o.batch = static_cast<size_t>(v);
    else if (arg == "--batch-runs" && v > 0)
      o.batchRuns = static_cast<size_t>(v);
    else if (arg == "--cpu")
      o.cpu = static_cast<int>(v);
    else
      usage(argv[0]);
  }
  return o;
}

/// OpenBLAS reads OPENBLAS_NUM_THREADS when it is loaded, before main runs,
/// so the variable must be in the environment at startup: set it and start
/// again. OMP_NUM_THREADS likewise keeps LibTorch's OpenMP pool at one.
void restartWithOneBlasThread(char **argv) {
  const char *blas = std::getenv("OPENBLAS_NUM_THREADS");
  const char *omp = std::getenv("OMP_NUM_THREADS");
  if (blas && std::strcmp(blas, "1") == 0 && omp && std::strcmp(omp, "1") == 0)
    return;
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  setenv("OMP_NUM_THREADS", "1", 1);
  execv("/proc/self/exe", argv);
  std::perror("ariadne-bench: restarting with OPENBLAS_NUM_THREADS=1");
}

/// Nearest-rank percentile; sorts `v`.
double percentile(std::vector<double> &v, double q) {
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * v.size()));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

/// Times one call of `fn` in TSC ticks.
template <typename Fn> uint64_t timeOne(Fn &&fn) {
  uint64_t t0 = tscBegin();
  fn();
  return tscEnd() - t0;
}

double maxAbsDiff(const std::vector<float> &a, const std::vector<float> &b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

Result benchmark(const Kernel &kernel, const Options &o, double tscHz) {
  // LibTorch runs the weights of the same ONNX file: an MLP as Linear layers,
  // a GRU model as Conv1d, BatchNorm1d, GRU and Linear modules, a CNN as
  // Conv2d, MaxPool2d and Linear modules.
  Result r;
  r.name = kernel.name;
  std::unique_ptr<TorchBaseline> baseline;
  size_t in = 0, out = 0;
  // A transformer's events have a mask per hit: hits up to a random count
  // (at least 3) are real, the rest padding.
  size_t maskedHits = 0, hitFeatures = 0;
  // A graph's events end with its edge index: node numbers, in range (the
  // TorchScript module's gather refuses others).
  size_t graphNodes = 0, graphIndexAt = 0;
  if (hasIndexInput(kernel.onnx)) {
    GraphModel model = readGraphModel(kernel.onnx);
    in = model.inputSize;
    out = model.outputSize;
    r.layers = model.describe();
    r.multiplyAdds = model.multiplyAdds;
    r.latencyTarget = kGraphLatencyTarget;
    graphNodes = model.nodes;
    graphIndexAt = model.nodes * model.features;
    baseline = std::make_unique<TorchBaseline>(model, o.batch);
  } else if (hasTransformer(kernel.onnx)) {
    TransformerModel model = readTransformerModel(kernel.onnx);
    in = model.inputSize;
    out = model.outputSize;
    r.layers = model.describe();
    r.multiplyAdds = model.multiplyAdds();
    r.latencyTarget = kTransformerLatencyTarget;
    maskedHits = model.hits;
    hitFeatures = model.features;
    baseline = std::make_unique<TorchBaseline>(model, o.batch);
  } else if (hasConvolution2d(kernel.onnx)) {
    ConvModel model = readConvModel(kernel.onnx);
    in = model.inputSize;
    out = model.outputSize;
    r.layers = model.describe();
    r.multiplyAdds = model.multiplyAdds();
    r.latencyTarget = kConvLatencyTarget;
    r.throughputTarget = kConvThroughputTarget;
    baseline = std::make_unique<TorchBaseline>(model, o.batch);
  } else if (hasRecurrentLayer(kernel.onnx)) {
    RecurrentModel model = readRecurrentModel(kernel.onnx);
    in = model.inputSize;
    out = model.outputSize;
    r.layers = model.describe();
    r.multiplyAdds = model.multiplyAdds();
    r.latencyTarget = kRecurrentLatencyTarget;
    baseline = std::make_unique<TorchBaseline>(model, o.batch);
  } else {
    LayerChain chain = readLayerChain(kernel.onnx);
    in = chain.inputSize;
    out = chain.outputSize;
    r.layers = chain.describe();
    r.multiplyAdds = chain.multiplyAdds();
    baseline = std::make_unique<TorchBaseline>(chain, o.batch);
  }
  if (in != kernel.inputSize || out != kernel.outputSize)
    throw std::runtime_error(
        std::string(kernel.onnx) + ": the generated kernel " + kernel.name +
        " takes " + std::to_string(kernel.inputSize) + " inputs and " +
        std::to_string(kernel.outputSize) +
        " outputs per event, the ONNX graph " + std::to_string(in) + " and " +
        std::to_string(out));
  TorchBaseline &torch = *baseline;

  // A pool of distinct events, as a trigger sees; four batches' worth.
  const size_t pool = 4 * o.batch;
  std::vector<float> events(pool * in);
  std::mt19937 rng(20261122);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (float &x : events)
    x = uniform(rng);
  if (graphNodes)
    for (size_t e = 0; e < pool; ++e)
      for (size_t i = graphIndexAt; i < in; ++i)
        events[e * in + i] = float(rng() % graphNodes);
  if (maskedHits)
    for (size_t e = 0; e < pool; ++e) {
      size_t real = 3 + rng() % (maskedHits - 2);
      for (size_t h = 0; h < maskedHits; ++h) {
        float *hit = &events[e * in + h * hitFeatures];
        if (h < real) {
          hit[hitFeatures - 1] = 1.0f;
        } else {
          for (size_t f = 0; f < hitFeatures; ++f)
            hit[f] = 0.0f;
        }
      }
    }

  // Agreement of both paths of both sides on every event of the pool.
  std::vector<float> torchOut(pool * out), kernelOut(pool * out);
  for (size_t e = 0; e < pool; ++e) {
    torch.runEvent(&events[e * in], &torchOut[e * out]);
    kernel.event(&events[e * in], &kernelOut[e * out]);
  }
  r.maxDiff = maxAbsDiff(torchOut, kernelOut);
  for (size_t b = 0; b < pool; b += o.batch) {
    torch.runBatch(&events[b * in], &torchOut[b * out], o.batch);
    kernel.batch(&events[b * in], &kernelOut[b * out], o.batch);
  }
  r.maxDiff = std::max(r.maxDiff, maxAbsDiff(torchOut, kernelOut));
  if (torch.hasDouble()) {
    // A trained model far outside its training range can amplify float
    // rounding beyond kTolerance on both sides: measure both against
    // float64.
    std::vector<double> exact(pool * out);
    for (size_t b = 0; b < pool; b += o.batch)
      torch.runDouble(&events[b * in], &exact[b * out], o.batch);
    r.torchError = r.kernelError = 0;
    for (size_t i = 0; i < exact.size(); ++i) {
      r.torchError = std::max(r.torchError, std::fabs(torchOut[i] - exact[i]));
      r.kernelError =
          std::max(r.kernelError, std::fabs(kernelOut[i] - exact[i]));
    }
  }
  if (!r.agrees())
    return r;

  std::vector<float> result(o.batch * out);
  size_t next = 0;
  auto nextEvent = [&] {
    next = next + 1 == pool ? 0 : next + 1;
    return &events[next * in];
  };
  auto torchEvent = [&] { torch.runEvent(nextEvent(), result.data()); };
  auto kernelEvent = [&] { kernel.event(nextEvent(), result.data()); };

  // Warm up: caches, branch predictors, LibTorch's lazy initialization.
  for (size_t i = 0; i < 20000; ++i) {
    torchEvent();
    kernelEvent();
  }

  // Single events, in rounds that alternate which side goes first.
  constexpr size_t kRounds = 20;
  const size_t perRound = (o.calls + kRounds - 1) / kRounds;
  std::vector<double> torchNs, kernelNs;
  torchNs.reserve(perRound * kRounds);
  kernelNs.reserve(perRound * kRounds);
  const double nsPerTick = 1e9 / tscHz;
  for (size_t round = 0; round < kRounds; ++round) {
    for (int side = 0; side < 2; ++side) {
      bool kernelSide = (side == 0) == (round % 2 == 0);
      for (size_t i = 0; i < perRound; ++i) {
        if (kernelSide)
          kernelNs.push_back(timeOne(kernelEvent) * nsPerTick);
        else
          torchNs.push_back(timeOne(torchEvent) * nsPerTick);
      }
    }
  }
  r.torchMedianNs = percentile(torchNs, 0.5);
  r.torchP99Ns = percentile(torchNs, 0.99);
  r.kernelMedianNs = percentile(kernelNs, 0.5);
  r.kernelP99Ns = percentile(kernelNs, 0.99);

  // Batches, alternating sides call by call.
  std::vector<double> torchS, kernelS;
  const double sPerTick = 1.0 / tscHz;
  for (size_t run = 0; run < o.batchRuns + 20; ++run) {
    const float *x = &events[(run % 4) * o.batch * in];
    double t =
        timeOne([&] { torch.runBatch(x, result.data(), o.batch); }) * sPerTick;
    double k =
        timeOne([&] { kernel.batch(x, result.data(), o.batch); }) * sPerTick;
    if (run >= 20) { // the first 20 are warm-up
      torchS.push_back(t);
      kernelS.push_back(k);
    }
  }
  r.torchEventsPerS = o.batch / percentile(torchS, 0.5);
  r.kernelEventsPerS = o.batch / percentile(kernelS, 0.5);
  return r;
}

/// The first three fields of /proc/loadavg.
std::string loadAverage() {
  std::FILE *f = std::fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  int n = f ? std::fscanf(f, "%lf %lf %lf", &a, &b, &c) : 0;
  if (f)
    std::fclose(f);
  if (n != 3)
    return "unknown";
  char text[64];
  std::snprintf(text, sizeof text, "average %.2f %.2f %.2f", a, b, c);
  return text;
}

/// The step the TSC is most often seen to take between two reads: some
/// CPUs and virtual machines (AMD Zen) advance it in increments worth 10 ns
/// rather than by one per tick, with an occasional smaller step, so the
/// smallest step seen would overstate the resolution.
double timerResolutionNs(double tscHz) {
  std::map<uint64_t, int> steps;
  uint64_t last = __rdtsc();
  for (int i = 0; i < 100000; ++i) {
    uint64_t now = __rdtsc();
    if (now != last)
      ++steps[now - last];
    last = now;
  }
  uint64_t common = 0;
  int count = 0;
  for (const auto &[step, seen] : steps)
    if (seen > count) {
      common = step;
      count = seen;
    }
  return common * 1e9 / tscHz;
}

double timerOverheadNs(double tscHz) {
  std::vector<double> ns;
  for (int i = 0; i < 100000; ++i)
    ns.push_back(timeOne([] {}) * 1e9 / tscHz);
  return percentile(ns, 0.5);
}

} // namespace

int main(int argc, char **argv) {
  restartWithOneBlasThread(argv);
  Options o = parseOptions(argc, argv);
  if (o.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(o.cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
      std::perror("ariadne-bench: --cpu");
      return 2;
    }
  }
  TorchBaseline::useOneThread();
  bool openBlas = setOpenBlasOneThread();

  const double tscHz = measureTscHz();
  const double coreHz = measureCoreHz();
  const VectorUnit unit = detectVectorUnit();
  const double fmaLoopFlops = measureFmaLoopFlops();
  // Two FMA pipes per core of the full vector width: Intel server cores
  // since Skylake-SP and AMD Zen 5 (Zen 4 runs AVX-512 at half that rate).
  constexpr int kFmaPipes = 2;
  const double estimatedPeak =
      unit.floatLanes * (unit.fma ? 2.0 : 1.0) * kFmaPipes * coreHz;

  std::printf("ariadnec generated C++ kernels vs LibTorch, float, one thread, "
              "warm\n\n");
  std::printf("CPU       %s, %s (%d float lanes)%s\n", cpuModelName().c_str(),
              unit.isa.c_str(), unit.floatLanes,
              o.cpu >= 0 ? (", pinned to CPU " + std::to_string(o.cpu)).c_str()
                         : "");
  std::printf("load      %s (%ld CPUs online; other work on them preempts "
              "both sides and inflates p99)\n",
              loadAverage().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("clock     %.2f GHz busy (measured: dependent integer adds), "
              "TSC %.2f GHz\n",
              coreHz / 1e9, tscHz / 1e9);
  std::printf("peak      estimated %.1f GFLOP/s = %d lanes x %d FLOP/FMA x %d "
              "FMA pipes (assumed) x clock;\n"
              "          measured %.1f GFLOP/s by a loop of independent FMAs\n",
              estimatedPeak / 1e9, unit.floatLanes, unit.fma ? 2 : 1, kFmaPipes,
              fmaLoopFlops / 1e9);
  std::printf("timer     rdtsc around each call, resolution %.1f ns, overhead "
              "%.1f ns (included in every latency below)\n",
              timerResolutionNs(tscHz), timerOverheadNs(tscHz));
  std::printf("LibTorch  %s\n", TorchBaseline::configuration().c_str());
  std::printf("BLAS      %s\n", blasReport().c_str());
  if (!openBlas)
    std::printf("          warning: OpenBLAS is not loaded; LibTorch uses "
                "another BLAS\n");
  std::printf("kernels   %s\n\n", ARIADNE_BENCH_KERNEL_FLAGS);

  std::vector<Result> results;
  bool agree = true;
  for (const Kernel &kernel : kKernels) {
    try {
      results.push_back(benchmark(kernel, o, tscHz));
    } catch (const std::exception &e) {
      std::fprintf(stderr, "ariadne-bench: %s\n", e.what());
      return 1;
    }
    const Result &r = results.back();
    std::printf("check     %-15s max |LibTorch - ariadnec| = %.2e over %zu "
                "events, single and batched (%s %.0e)\n",
                r.name.c_str(), r.maxDiff, 4 * o.batch,
                r.maxDiff < kTolerance ? "<" : "NOT <", kTolerance);
    if (r.torchError >= 0)
      std::printf("          %-15s against float64: LibTorch %.2e, ariadnec "
                  "%.2e (%s 2x LibTorch's)\n",
                  "", r.torchError, r.kernelError,
                  r.kernelError <= 2 * r.torchError ? "within" : "NOT within");
    agree = agree && r.agrees();
  }
  if (!agree) {
    std::fprintf(stderr, "ariadne-bench: the kernels disagree with LibTorch; "
                         "not timing them\n");
    return 1;
  }

  std::printf("\nsingle-event latency, ns (%zu calls per side, median and "
              "p99)\n",
              o.calls);
  std::printf("%-15s %-30s %9s %9s  %9s %9s  %8s %8s\n", "model", "layers",
              "LibTorch", "p99", "ariadnec", "p99", "x lower", "p99");
  for (const Result &r : results)
    std::printf("%-15s %-30s %9.0f %9.0f  %9.1f %9.1f  %7.0fx %7.0fx\n",
                r.name.c_str(), r.layers.c_str(), r.torchMedianNs, r.torchP99Ns,
                r.kernelMedianNs, r.kernelP99Ns,
                r.torchMedianNs / r.kernelMedianNs,
                r.torchP99Ns / r.kernelP99Ns);

  std::printf("\nbatched throughput, events/s (batch %zu, median of %zu "
              "calls per side)\n",
              o.batch, o.batchRuns);
  std::printf("%-15s %11s %11s %7s  %9s %11s %11s\n", "model", "LibTorch",
              "ariadnec", "ratio", "GFLOP/s", "% est.peak", "% FMA loop");
  for (const Result &r : results) {
    double flops = r.kernelFlops();
    std::printf("%-15s %11.4g %11.4g %6.2fx  %9.2f %10.1f%% %10.1f%%\n",
                r.name.c_str(), r.torchEventsPerS, r.kernelEventsPerS,
                r.kernelEventsPerS / r.torchEventsPerS, flops / 1e9,
                100.0 * flops / estimatedPeak,
                fmaLoopFlops > 0 ? 100.0 * flops / fmaLoopFlops : 0.0);
  }
  std::printf("(GFLOP/s counts 2 FLOP per multiply-add of the dense layers, "
              "the convolutions\n and the GRU's matrix products; batch "
              "norm, pooling, gates and activations are\n not counted)\n");

  std::printf("\ntargets   single-event latency >= %.0fx lower than LibTorch "
              "(recurrent models and CNNs: >= %.0fx, transformers and graph "
              "networks: >= %.0fx); batched throughput >= LibTorch's (CNNs: "
              ">= %.0fx)\n",
              kChainLatencyTarget, kRecurrentLatencyTarget,
              kTransformerLatencyTarget, kConvThroughputTarget);
  for (const Result &r : results) {
    double latency = r.torchMedianNs / r.kernelMedianNs;
    double throughput = r.kernelEventsPerS / r.torchEventsPerS;
    std::printf("          %-15s latency %s (%.0fx of %.0fx), throughput %s "
                "(%.2fx of %.0fx)\n",
                r.name.c_str(), latency >= r.latencyTarget ? "met" : "MISSED",
                latency, r.latencyTarget,
                throughput >= r.throughputTarget ? "met" : "MISSED", throughput,
                r.throughputTarget);
  }

  // The limits of the MLPs: one event of the 27-81-2 at most 80 ns (the
  // timer's overhead included, as above), and both MLPs batched at half
  // the machine's measured FMA throughput or more.
  std::printf("\nlimits    neurotrigger single event <= %.0f ns; MLPs batched "
              ">= %.0f%% of the FMA loop\n",
              kMlpLatencyLimitNs, 100 * kMlpFmaShareLimit);
  for (const Result &r : results) {
    if (r.name != "neurotrigger" && r.name != "jet_tagger")
      continue;
    double share = fmaLoopFlops > 0 ? r.kernelFlops() / fmaLoopFlops : 0.0;
    std::printf("          %-15s", r.name.c_str());
    if (r.name == "neurotrigger")
      std::printf(" single event %s (%.1f ns),",
                  r.kernelMedianNs <= kMlpLatencyLimitNs ? "met" : "MISSED",
                  r.kernelMedianNs);
    std::printf(" FMA share %s (%.1f%%)\n",
                share >= kMlpFmaShareLimit ? "met" : "MISSED", 100 * share);
  }
  return 0;
}
