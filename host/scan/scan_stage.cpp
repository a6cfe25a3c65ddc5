// The scan stage's thread: drain the queue into a batch, match, emit in order.
#include "host/scan/scan_stage.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace hashsieve::scan {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Query frames a record contributes (an image one, a video its sampled frames).
size_t framesOf(const pipeline::Record& r) {
  if (r.kind == pipeline::RecordKind::Error || r.kind == pipeline::RecordKind::Archive) return 0;
  return std::max<size_t>(1, r.frames.size());
}

}  // namespace

ScanStage::ScanStage(ScanMatcher& matcher, Emit emit, const ScanStageOptions& opts)
    : matcher_(matcher), emit_(std::move(emit)), opts_(opts), queue_(opts.queueRecords) {
  thread_ = std::thread([this] { run(); });
}

ScanStage::~ScanStage() {
  queue_.close(/*discard=*/true);
  if (thread_.joinable()) thread_.join();
}

void ScanStage::push(pipeline::Record record) {
  if (!queue_.push(std::move(record))) rethrowFailure();
}

ScanStats ScanStage::finish() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
  rethrowFailure();
  return stats_;
}

void ScanStage::rethrowFailure() {
  std::lock_guard lock(failMutex_);
  if (failure_) std::rethrow_exception(failure_);
}

void ScanStage::run() {
  try {
    std::vector<pipeline::Record> batch;
    while (auto first = queue_.pop()) {
      size_t frames = framesOf(*first);
      batch.push_back(std::move(*first));
      // Only this thread pops, so a non-empty queue does not block.
      while (frames < opts_.batchFrames && queue_.size() > 0) {
        auto next = queue_.pop();
        if (!next) break;
        frames += framesOf(*next);
        batch.push_back(std::move(*next));
      }
      process(batch);
      batch.clear();
    }
  } catch (...) {
    {
      std::lock_guard lock(failMutex_);
      failure_ = std::current_exception();
    }
    queue_.close(/*discard=*/true);  // wakes a producer blocked on a full queue
  }
}

void ScanStage::process(std::vector<pipeline::Record>& batch) {
  const auto t0 = Clock::now();
  std::vector<ScanResult> results = matcher_.match(batch);
  stats_.matchSeconds += secondsSince(t0);
  ++stats_.batches;
  const auto t1 = Clock::now();
  for (size_t i = 0; i < batch.size(); ++i) {
    size_t matches = results[i].exact.size();  // digest-list matches, then perceptual ones
    for (const FrameResult& f : results[i].frames) {
      matches += f.matches.size();
      stats_.queryFrames += f.skip ? 0 : 1;
    }
    ++stats_.records;
    stats_.matches += matches;
    stats_.recordsWithMatches += matches > 0;
    emit_(batch[i], std::move(results[i]));
  }
  stats_.emitSeconds += secondsSince(t1);
}

}  // namespace hashsieve::scan
