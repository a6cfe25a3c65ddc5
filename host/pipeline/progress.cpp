// The progress line.
#include "host/pipeline/progress.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>

namespace hashsieve::pipeline {
namespace {

/// formatDuration's unit: an estimate below it would print as 0m00s.
constexpr double kEtaResolutionSeconds = 0.5;

std::string formatDuration(double seconds) {
  const auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, (s / 60) % 60);
  else
    std::snprintf(buf, sizeof buf, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
  return buf;
}

}  // namespace

std::string formatProgress(const ProgressSnapshot& s) {
  const double t = s.seconds > 0 ? s.seconds : 1e-9;
  const double filesPerSec = double(s.done - std::min(s.resumed, s.done)) / t;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "%" PRIu64 "/%" PRIu64 "%s files  %.1f files/s  %.1f MB/s  %.1f frames/s  %" PRIu64
                " errors",
                s.done, s.total, s.totalFinal ? "" : "+", filesPerSec, double(s.bytes) / 1e6 / t,
                double(s.frames) / t, s.errors);
  std::string line = buf;
  if (s.totalFinal && filesPerSec > 0 && s.total >= s.done) {
    const uint64_t left = s.total - s.done;
    const double eta = double(left) / filesPerSec;
    // A rate of small files says nothing about the long video still decoding.
    if (left > 0 && eta < kEtaResolutionSeconds)
      line += "  finishing " + std::to_string(left) + (left == 1 ? " file" : " files");
    else
      line += "  ETA " + formatDuration(eta);
  }
  return line;
}

ProgressReporter::ProgressReporter(const LiveCounters& counters, std::FILE* out, bool live,
                                   std::chrono::milliseconds plainEvery)
    : counters_(counters),
      out_(out),
      live_(live),
      every_(live ? std::chrono::milliseconds(250) : plainEvery),
      start_(std::chrono::steady_clock::now()),
      thread_([this] { run(); }) {}

ProgressReporter::~ProgressReporter() { stop(); }

ProgressSnapshot ProgressReporter::snapshot() const {
  ProgressSnapshot s;
  s.done = counters_.done.load(std::memory_order_relaxed);
  s.total = counters_.counted.load(std::memory_order_relaxed);
  s.totalFinal = counters_.countDone.load(std::memory_order_relaxed);
  s.errors = counters_.errors.load(std::memory_order_relaxed);
  s.resumed = counters_.resumed.load(std::memory_order_relaxed);
  s.frames = counters_.frames.load(std::memory_order_relaxed);
  s.bytes = counters_.bytes.load(std::memory_order_relaxed);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return s;
}

void ProgressReporter::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every_, [&] { return stopping_; })) {
    const std::string line = formatProgress(snapshot());
    if (live_) {
      // Pad over the previous line's tail; no terminal library needed for one line.
      const size_t pad = lastWidth_ > line.size() ? lastWidth_ - line.size() : 0;
      std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
      lastWidth_ = line.size();
    } else {
      std::fprintf(out_, "hashsieve: %s\n", line.c_str());
    }
    std::fflush(out_);
  }
}

void ProgressReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (live_ && lastWidth_ > 0) {
    std::fprintf(out_, "\r%*s\r", static_cast<int>(lastWidth_), "");
    std::fflush(out_);
  }
}

}  // namespace hashsieve::pipeline
