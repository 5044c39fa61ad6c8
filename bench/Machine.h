//===- Machine.h - timer, clock, FMA peak and BLAS in use ----*- C++ -*-===//
//
// What a reader needs to trust the numbers: a cheap per-call timer, the
// core's clock and floating-point peak, and which BLAS LibTorch really calls.
//
//===----------------------------------------------------------------------===//
#ifndef ARIADNE_BENCH_MACHINE_H
#define ARIADNE_BENCH_MACHINE_H

#include <cstdint>
#include <string>
#include <x86intrin.h>

namespace ariadne::bench {

/// Time stamp counter reads fenced so that the timed code cannot move across
/// them; the TSC is invariant on the machines this runs on (constant_tsc).
inline uint64_t tscBegin() {
  _mm_lfence();
  uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}
inline uint64_t tscEnd() {
  unsigned aux;
  uint64_t t = __rdtscp(&aux);
  _mm_lfence();
  return t;
}

/// TSC ticks per second, calibrated against std::chrono::steady_clock.
double measureTscHz();

/// The core clock while busy, from a chain of dependent integer adds (one
/// cycle each on every x86 core since the Pentium 4).
double measureCoreHz();

struct VectorUnit {
  std::string isa; // "AVX-512", "AVX2+FMA", ...
  int floatLanes;  // float lanes of the widest FMA vector
  bool fma;
};
/// The widest float FMA vector the CPU supports, from __builtin_cpu_supports.
VectorUnit detectVectorUnit();

/// Float FLOP/s of one core running independent FMAs of the widest vector
/// the bench was compiled for (-march=native), measured.
double measureFmaLoopFlops();

/// The CPU's model name from /proc/cpuinfo.
std::string cpuModelName();

/// Which BLAS library the process loaded: the BLAS/LAPACK files mapped in
/// /proc/self/maps, the file that sgemm_ resolves to, and OpenBLAS's own
/// configuration and thread count when it is OpenBLAS.
std::string blasReport();

/// Asks OpenBLAS, if loaded, for one thread; false when it is not loaded.
bool setOpenBlasOneThread();

} // namespace ariadne::bench

#endif // ARIADNE_BENCH_MACHINE_H
