// Progress on stderr while a run goes: on a TTY a live line rewritten in place ('\r'),
// elsewhere a plain line every few seconds. Reads LiveCounters; owns one small thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "host/pipeline/run_stats.hpp"

namespace hashsieve::pipeline {

struct ProgressSnapshot {
  uint64_t done = 0, total = 0, errors = 0, frames = 0, bytes = 0;
  uint64_t resumed = 0;  // of `done`, taken from the journal: not counted in the rates
  bool totalFinal = false;
  double seconds = 0.0;
};

/// "1234/5000 files  56.7 files/s  12.3 MB/s  89.0 frames/s  3 errors  ETA 1m06s"
/// (total shown as "5000+" while the background count is still going). When the estimate
/// rounds to nothing while files remain (a long video still running), "finishing N files".
std::string formatProgress(const ProgressSnapshot& s);

class ProgressReporter {
 public:
  /// `live`: a live TTY line every 250 ms; otherwise a line every `plainEvery`.
  ProgressReporter(const LiveCounters& counters, std::FILE* out, bool live,
                   std::chrono::milliseconds plainEvery = std::chrono::seconds(5));
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  /// Stops the thread and clears the live line. Idempotent.
  void stop();

 private:
  void run();
  ProgressSnapshot snapshot() const;

  const LiveCounters& counters_;
  std::FILE* out_;
  const bool live_;
  const std::chrono::milliseconds every_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  size_t lastWidth_ = 0;
  std::thread thread_;
};

}  // namespace hashsieve::pipeline
