//===- Angle.cpp - the positron angle from hit sets, float and fixed ------===//
//
// Reads hit-sim events (64 inputs: 16 hits of x, z, energy, mask; then the
// true angle theta), runs the transformer compiled by ariadnec twice, in
// float and in fixed point (`ariadnec compile ... --name angle_float` and
// `--name angle_fixed`), and prints the angle resolution of both and their
// speed. It shows the two ways to call a generated kernel:
//   - one event at a time, as a trigger's event loop or a reconstruction
//     framework's module calls it: NAME(in, out);
//   - a batch of events in one call, for throughput: NAME_batch(in, out, n),
//     which gives the same results.
// `-o FILE` writes theta and both predictions per event, for plotting.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" void angle_float(const float *in, float *out);
extern "C" void angle_float_batch(const float *in, float *out, size_t n);
extern "C" void angle_fixed(const float *in, float *out);
extern "C" void angle_fixed_batch(const float *in, float *out, size_t n);

namespace {

constexpr int kInputs = 64;

struct Events {
  std::vector<float> inputs;
  std::vector<double> theta;
  std::size_t count() const { return theta.size(); }
};

bool readEvents(const std::string &path, Events &events) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "angle: error: cannot read %s\n", path.c_str());
    return false;
  }
  std::string line;
  std::getline(in, line); // the header
  for (std::size_t row = 2; std::getline(in, line); ++row) {
    std::stringstream fields(line);
    std::string field;
    std::vector<double> values;
    while (std::getline(fields, field, ','))
      values.push_back(std::strtod(field.c_str(), nullptr));
    if (values.size() != kInputs + 1) {
      std::fprintf(stderr, "angle: error: %s:%zu: %zu values, expected %d\n",
                   path.c_str(), row, values.size(), kInputs + 1);
      return false;
    }
    for (int i = 0; i < kInputs; ++i)
      events.inputs.push_back(static_cast<float>(values[i]));
    events.theta.push_back(values[kInputs]);
  }
  return true;
}

using Kernel = void (*)(const float *, float *);
using BatchKernel = void (*)(const float *, float *, size_t);

/// Per-event and batched predictions of one kernel, and their time per
/// event (ns).
struct Run {
  std::vector<float> perEvent, batched;
  double perEventNs = 0, batchedNs = 0;
};

Run run(Kernel kernel, BatchKernel batch, const Events &events) {
  using Clock = std::chrono::steady_clock;
  Run r;
  std::size_t n = events.count();
  r.perEvent.resize(n);
  r.batched.resize(n);
  auto start = Clock::now();
  for (std::size_t e = 0; e < n; ++e)
    kernel(&events.inputs[e * kInputs], &r.perEvent[e]);
  auto middle = Clock::now();
  batch(events.inputs.data(), r.batched.data(), n);
  auto end = Clock::now();
  r.perEventNs = std::chrono::duration<double, std::nano>(middle - start)
                     .count() / double(n);
  r.batchedNs =
      std::chrono::duration<double, std::nano>(end - middle).count() /
      double(n);
  return r;
}

double rms(const std::vector<float> &prediction,
           const std::vector<double> &truth) {
  double sum = 0;
  for (std::size_t e = 0; e < truth.size(); ++e)
    sum += (prediction[e] - truth[e]) * (prediction[e] - truth[e]);
  return std::sqrt(sum / double(truth.size()));
}

} // namespace

int main(int argc, char **argv) {
  std::string input, output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc)
      output = argv[++i];
    else if (input.empty() && arg[0] != '-')
      input = arg;
    else {
      std::fprintf(stderr, "usage: angle EVENTS.csv [-o PREDICTIONS.csv]\n");
      return 2;
    }
  }
  if (input.empty()) {
    std::fprintf(stderr, "usage: angle EVENTS.csv [-o PREDICTIONS.csv]\n");
    return 2;
  }
  Events events;
  if (!readEvents(input, events) || events.count() == 0)
    return 1;
  Run f = run(angle_float, angle_float_batch, events);
  Run q = run(angle_fixed, angle_fixed_batch, events);
  // A batch gives the events' own results: the same integers in fixed
  // point; in float the vectorized batch may round differently.
  std::size_t fixedDiffer = 0;
  double floatDiff = 0;
  for (std::size_t e = 0; e < events.count(); ++e) {
    fixedDiffer += q.perEvent[e] != q.batched[e];
    floatDiff = std::fmax(floatDiff, std::fabs(f.perEvent[e] - f.batched[e]));
  }
  double diff = 0;
  for (std::size_t e = 0; e < events.count(); ++e)
    diff = std::fmax(diff, std::fabs(f.perEvent[e] - q.perEvent[e]));

  std::printf("%zu events\n", events.count());
  std::printf("angle resolution (rms, mrad): float %.2f, fixed %.2f\n",
              1000 * rms(f.perEvent, events.theta),
              1000 * rms(q.perEvent, events.theta));
  std::printf("max |fixed - float|: %.2f mrad\n", 1000 * diff);
  std::printf("batched vs per event: fixed %zu events differ, float max "
              "diff %.3g\n",
              fixedDiffer, floatDiff);
  std::printf("time per event (ns): float %.0f one by one, %.0f batched; "
              "fixed %.0f one by one, %.0f batched\n",
              f.perEventNs, f.batchedNs, q.perEventNs, q.batchedNs);
  if (!output.empty()) {
    std::FILE *out = std::fopen(output.c_str(), "w");
    if (!out) {
      std::fprintf(stderr, "angle: error: cannot write %s\n", output.c_str());
      return 1;
    }
    std::fprintf(out, "theta,float,fixed\n");
    for (std::size_t e = 0; e < events.count(); ++e)
      std::fprintf(out, "%.6f,%.6f,%.6f\n", events.theta[e], f.perEvent[e],
                   q.perEvent[e]);
    if (std::fclose(out) != 0) {
      std::fprintf(stderr, "angle: error: cannot write %s\n", output.c_str());
      return 1;
    }
  }
  return fixedDiffer == 0 ? 0 : 1;
}
