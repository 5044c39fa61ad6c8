//===- FixedBench.cpp - fixed-point emulator and kernels, events/s --------===//
//
// ariadne-fixed-bench: for each benchmark model at fixed<16,6>, the
// bit-accurate emulator and the generated fixed-point C++ package run the
// same batch of events on one thread; their events per second are printed
// side by side with the float emulator's and the float package's. Before
// timing, the package's raw output integers must equal the emulator's.
//
//===----------------------------------------------------------------------===//
#include "emulator/Emulator.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/FX/FXDialect.h"
#include "passes/NN/NNDialect.h"
#include "passes/Quant/Passes.h"
#include "passes/Transforms/Passes.h"

#include "BenchFixedKernels.inc"

#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

struct Kernel {
  const char *name;
  const char *onnx;
  void (*floatBatch)(const float *, float *, size_t);
  void (*fixedBatch)(const float *, float *, size_t);
  void (*fixedRawBatch)(const float *, int64_t *, size_t);
  int inputSize, outputSize;
};

const Kernel kKernels[] = {ARIADNE_BENCH_FIXED_KERNELS};

constexpr const char *kPrecision = "fixed<16,6>";

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "ariadne-fixed-bench: %s\n", message.c_str());
  std::exit(1);
}

/// Median seconds of `runs` calls of `fn`, after one warm-up call.
double medianSeconds(int runs, const std::function<void()> &fn) {
  fn();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// The model imported and optimized, and quantized unless `precision` is
/// empty, as `ariadnec` does.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(mlir::MLIRContext &context,
                                            const char *path,
                                            const std::string &precision) {
  auto module = ariadne::importOnnxFile(context, path, {});
  if (!module)
    fail(llvm::toString(module.takeError()));
  mlir::PassManager pm(&context);
  ariadne::buildOptimizationPipeline(pm);
  if (!precision.empty()) {
    ariadne::quant::QuantizeOptions options;
    options.precision = precision;
    ariadne::quant::buildQuantizationPipeline(pm, options);
  }
  if (mlir::failed(pm.run(**module)))
    fail(std::string(path) + ": the pipeline failed");
  return std::move(*module);
}

std::unique_ptr<ariadne::Emulator> emulatorOf(mlir::ModuleOp module) {
  auto fn = *module.getOps<mlir::func::FuncOp>().begin();
  auto emulator = ariadne::Emulator::create(fn);
  if (!emulator)
    fail(llvm::toString(emulator.takeError()));
  return std::move(*emulator);
}

} // namespace

int main(int argc, char **argv) {
  size_t events = 100000;
  int runs = 7;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--events") && i + 1 < argc)
      events = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = std::atoi(argv[++i]);
    else
      fail("usage: ariadne-fixed-bench [--events N] [--runs N]");
  }
  std::printf("ariadnec bit-accurate emulator and generated C++, %s vs float, "
              "one thread\nbatch of %zu events, median of %d runs; kernels "
              "built with %s\n\n",
              kPrecision, events, runs, ARIADNE_BENCH_FIXED_FLAGS);
  std::printf("%-13s %14s %14s %14s %14s %11s\n", "model", "emulator float",
              "emulator fixed", "C++ float", "C++ fixed", "fixed/float");

  mlir::MLIRContext context;
  context.loadDialect<ariadne::nn::NNDialect, ariadne::fx::FXDialect,
                      mlir::func::FuncDialect>();
  std::vector<std::string> targets;
  for (const Kernel &k : kKernels) {
    std::mt19937 rng(12345);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> in(events * size_t(k.inputSize));
    for (float &v : in)
      v = normal(rng);
    std::vector<float> out(events * size_t(k.outputSize));

    auto floatModule = loadModel(context, k.onnx, "");
    auto fixedModule = loadModel(context, k.onnx, kPrecision);
    auto floatEmulator = emulatorOf(*floatModule);
    auto fixedEmulator = emulatorOf(*fixedModule);

    // Bit for bit first.
    std::vector<int64_t> expected(out.size()), actual(out.size());
    if (auto err = fixedEmulator->runRaw(in.data(), expected.data(), events))
      fail(llvm::toString(std::move(err)));
    k.fixedRawBatch(in.data(), actual.data(), events);
    if (expected != actual)
      fail(std::string(k.name) + ": the package and the emulator disagree");

    double rates[4];
    rates[0] = double(events) / medianSeconds(runs, [&] {
                 floatEmulator->run(in.data(), out.data(), events);
               });
    rates[1] = double(events) / medianSeconds(runs, [&] {
                 fixedEmulator->run(in.data(), out.data(), events);
               });
    rates[2] = double(events) / medianSeconds(runs, [&] {
                 k.floatBatch(in.data(), out.data(), events);
               });
    rates[3] = double(events) / medianSeconds(runs, [&] {
                 k.fixedBatch(in.data(), out.data(), events);
               });
    const double ratio = rates[3] / rates[2];
    std::printf("%-13s %14.4g %14.4g %14.4g %14.4g %10.2fx  events/s\n", k.name,
                rates[0], rates[1], rates[2], rates[3], ratio);
    std::string target = std::string(k.name) + ": C++ fixed >= C++ float: " +
                         (ratio >= 1.0 ? "met" : "MISSED");
    if (std::string(k.name) == "neurotrigger")
      target += std::string("; emulator fixed >= 5e5 events/s: ") +
                (rates[1] >= 5e5 ? "met" : "MISSED") +
                "; C++ fixed >= 2e6 events/s: " +
                (rates[3] >= 2e6 ? "met" : "MISSED");
    targets.push_back(target);
  }
  std::printf("\nbit-exact   every package's raw outputs equal the "
              "emulator's on all %zu events\n",
              events);
  for (const std::string &t : targets)
    std::printf("targets     %s\n", t.c_str());
  return 0;
}
