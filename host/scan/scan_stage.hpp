// Matching between the pipeline's ordered writer and the output, on its own thread: records
// queue (bounded), are matched in batches of whatever has queued up (one record when matching
// keeps up, larger batches when it falls behind) and are emitted in input order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "host/pipeline/bounded_queue.hpp"
#include "host/pipeline/record.hpp"
#include "host/scan/scan_matcher.hpp"

namespace hashsieve::scan {

struct ScanStageOptions {
  size_t queueRecords = 256;  // records waiting for the matcher (the memory bound)
  size_t batchFrames = 4096;  // query frames per matcher call, at most (one record can exceed)
};

struct ScanStats {
  uint64_t records = 0;             // records matched and emitted (error records included)
  uint64_t queryFrames = 0;         // frames handed to the matcher
  uint64_t matches = 0;             // (frame, entry) matches
  uint64_t recordsWithMatches = 0;  // records with at least one match
  uint64_t batches = 0;             // matcher calls
  double matchSeconds = 0.0;        // in ScanMatcher::match
  double emitSeconds = 0.0;         // in the emit callback (formatting, output)
};

class ScanStage {
 public:
  /// Called on the stage's thread, once per record, in push order. May throw (FatalError on an
  /// output that cannot be written): the stage stops and push()/finish() rethrow it.
  using Emit = std::function<void(const pipeline::Record&, ScanResult&&)>;

  ScanStage(ScanMatcher& matcher, Emit emit, const ScanStageOptions& opts = {});
  ~ScanStage();  // abandons queued records and joins
  ScanStage(const ScanStage&) = delete;
  ScanStage& operator=(const ScanStage&) = delete;

  /// Blocks while the queue is full. Rethrows the stage's failure, if any.
  void push(pipeline::Record record);
  /// Matches and emits everything queued, joins the thread and rethrows a failure.
  ScanStats finish();

 private:
  void run();
  void process(std::vector<pipeline::Record>& batch);
  void rethrowFailure();

  ScanMatcher& matcher_;
  Emit emit_;
  ScanStageOptions opts_;
  pipeline::BoundedQueue<pipeline::Record> queue_;
  ScanStats stats_;  // written by the stage thread, read after join
  std::mutex failMutex_;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace hashsieve::scan
