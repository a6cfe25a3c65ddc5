// The measurement method shared by every workload: warm-up runs, then N timed repetitions,
// each of whose output is checked before its time is kept (an unchecked time is never reported).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/selfbench/stats.hpp"

namespace hashsieve::bench {

/// A run whose output was wrong (hash count, match count, ...): the workload fails, no time.
class CheckError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Method {
  int warmup = 1;  // untimed runs first: page cache, allocator, lazy initialisation
  int repeat = 5;  // timed runs; the report quotes their median
};

/// Seconds on the steady clock since construction.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

/// CPU seconds (user + system, all threads) this process has used so far.
double processCpuSeconds();

/// Runs `runOnce` method.warmup + method.repeat times. `runOnce()` does one full run, checks its
/// output (throwing CheckError when wrong) and returns the seconds of the work it timed, so
/// setup and checking stay out of the timing. Warm-up runs are checked too. With `cpuSeconds`,
/// also the process CPU time of each timed run (its check included): on a shared machine,
/// CPU time / wall time shows how much of the cores the run actually got.
template <typename RunOnce>
Summary measure(const Method& method, RunOnce&& runOnce, Summary* cpuSeconds = nullptr) {
  for (int i = 0; i < method.warmup; ++i) runOnce();
  std::vector<double> seconds, cpu;
  seconds.reserve(static_cast<size_t>(method.repeat));
  for (int i = 0; i < method.repeat; ++i) {
    const double cpu0 = processCpuSeconds();
    seconds.push_back(runOnce());
    cpu.push_back(processCpuSeconds() - cpu0);
  }
  if (cpuSeconds) *cpuSeconds = summarize(std::move(cpu));
  return summarize(std::move(seconds));
}

/// Throws CheckError("<what>: expected E, got G") unless expected == got.
template <typename T>
void checkEqual(const std::string& what, const T& expected, const T& got) {
  if (!(expected == got)) {
    throw CheckError(what + ": expected " + std::to_string(expected) + ", got " +
                     std::to_string(got));
  }
}

}  // namespace hashsieve::bench
