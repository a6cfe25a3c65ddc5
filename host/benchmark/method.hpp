// The measurement method shared by every workload: warm-up runs, then N timed repetitions,
// each of whose output is checked before its time is kept (an unchecked time is never reported).
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/benchmark/stats.hpp"

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

/// Runs `runOnce` method.warmup + method.repeat times. `runOnce()` does one full run, checks its
/// output (throwing CheckError when wrong) and returns the seconds of the work it timed, so
/// setup and checking stay out of the timing. Warm-up runs are checked too.
template <typename RunOnce>
Summary measure(const Method& method, RunOnce&& runOnce) {
  for (int i = 0; i < method.warmup; ++i) runOnce();
  std::vector<double> seconds;
  seconds.reserve(static_cast<size_t>(method.repeat));
  for (int i = 0; i < method.repeat; ++i) seconds.push_back(runOnce());
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
