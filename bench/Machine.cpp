//===- Machine.cpp - timer, clock, FMA peak and BLAS of this machine ------===//
//
// Compiled with -march=native so that the FMA loop uses the same vectors the
// generated kernels may use.
//
//===----------------------------------------------------------------------===//
#include "bench/Machine.h"

#include <dlfcn.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

using namespace ariadne::bench;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

/// Runs `work` many times and keeps the fastest: on a shared machine a run
/// can only be slowed down (preempted) by others, never sped up, and runs
/// well under a scheduler time slice mostly escape preemption.
template <typename Fn> double fastestSeconds(int tries, Fn work) {
  double best = 1e30;
  for (int i = 0; i < tries; ++i) {
    Clock::time_point t0 = Clock::now();
    work();
    best = std::min(best, seconds(t0, Clock::now()));
  }
  return best;
}

#if defined(__AVX512F__)
constexpr int kLoopLanes = 16;
// 16 accumulators cover the FMA latency (4 cycles) times two pipes twice
// over, and with the two constants fit in the 32 vector registers.
constexpr int kAccumulators = 16;
using Vec = __m512;
inline Vec splat(float x) { return _mm512_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline float lane0(Vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__FMA__)
constexpr int kLoopLanes = 8;
// 16 ymm registers: 12 accumulators and the two constants.
constexpr int kAccumulators = 12;
using Vec = __m256;
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline float lane0(Vec v) { return _mm256_cvtss_f32(v); }
#else
#define ARIADNE_BENCH_NO_FMA 1
#endif

} // namespace

double ariadne::bench::measureTscHz() {
  double best = 0;
  for (int i = 0; i < 3; ++i) {
    Clock::time_point t0 = Clock::now();
    uint64_t c0 = tscBegin();
    while (seconds(t0, Clock::now()) < 0.05) {
    }
    uint64_t c1 = tscEnd();
    double s = seconds(t0, Clock::now());
    best = std::max(best, static_cast<double>(c1 - c0) / s);
  }
  return best;
}

double ariadne::bench::measureCoreHz() {
  // 10^6 cycles, about 0.3 ms, per try.
  constexpr long kIterations = 10000;
  constexpr int kAddsPerIteration = 100;
  uint64_t x = 0;
  double s = fastestSeconds(300, [&] {
    for (long i = 0; i < kIterations; ++i)
      asm volatile(".rept 100\n\taddq $1, %0\n\t.endr" : "+r"(x));
  });
  return static_cast<double>(kIterations) * kAddsPerIteration / s;
}

VectorUnit ariadne::bench::detectVectorUnit() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return {"AVX-512", 16, true};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"AVX2+FMA", 8, true};
  if (__builtin_cpu_supports("avx"))
    return {"AVX (no FMA)", 8, false};
  return {"SSE (no FMA)", 4, false};
}

double ariadne::bench::measureFmaLoopFlops() {
#ifdef ARIADNE_BENCH_NO_FMA
  return 0;
#else
  // About 0.1 ms per try.
  constexpr long kIterations = 20000;
  float sink = 0;
  double s = fastestSeconds(300, [&] {
    Vec acc[kAccumulators];
    for (int j = 0; j < kAccumulators; ++j)
      acc[j] = splat(static_cast<float>(j));
    // acc converges to 1 and stays there: no overflow, no denormals.
    Vec mul = splat(0.999f), add = splat(0.001f);
    for (long i = 0; i < kIterations; ++i)
      for (int j = 0; j < kAccumulators; ++j)
        acc[j] = fma(acc[j], mul, add);
    for (int j = 0; j < kAccumulators; ++j)
      sink += lane0(acc[j]);
  });
  asm volatile("" ::"x"(sink));
  return 2.0 * kLoopLanes * kAccumulators * kIterations / s;
#endif
}

std::string ariadne::bench::cpuModelName() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown CPU";
}

std::string ariadne::bench::blasReport() {
  std::ostringstream os;
  std::set<std::string> mapped;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    size_t slash = line.find('/');
    if (slash == std::string::npos)
      continue;
    std::string path = line.substr(slash);
    std::string file = path.substr(path.rfind('/') + 1);
    if (file.find("blas") != std::string::npos ||
        file.find("lapack") != std::string::npos ||
        file.find("mkl") != std::string::npos)
      mapped.insert(path);
  }
  os << "mapped BLAS/LAPACK files:";
  for (const std::string &path : mapped)
    os << "\n    " << path;
  if (mapped.empty())
    os << " none";
  Dl_info info;
  void *sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  os << "\n  sgemm_ (LibTorch's float GEMM) resolves to: ";
  if (sgemm && dladdr(sgemm, &info) && info.dli_fname) {
    os << info.dli_fname;
    if (char *real = realpath(info.dli_fname, nullptr)) {
      if (std::strcmp(real, info.dli_fname) != 0)
        os << " -> " << real;
      std::free(real);
    }
  } else {
    os << "(not found)";
  }
  using ConfigFn = char *(*)();
  using ThreadsFn = int (*)();
  auto config =
      reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  auto core =
      reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  auto threads = reinterpret_cast<ThreadsFn>(
      dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (config && threads)
    os << "\n  OpenBLAS: " << config() << ", kernels for "
       << (core ? core() : "?") << ", threads " << threads();
  else
    os << "\n  OpenBLAS: not loaded";
  return os.str();
}

bool ariadne::bench::setOpenBlasOneThread() {
  using SetThreadsFn = void (*)(int);
  auto set = reinterpret_cast<SetThreadsFn>(
      dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!set)
    return false;
  set(1);
  return true;
}
