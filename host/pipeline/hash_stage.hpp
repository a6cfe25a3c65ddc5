// How decode workers get frames hashed. Inline: each worker owns a Hasher and hashes the frame
// in its own thread while the decoder's buffer is still valid (no copy; right for the CPU
// backend, where hashing is as parallel as decoding). Batched: frames are copied into a shared
// FrameBatcher that feeds one Hasher large batches from a thread of its own (right for the CUDA
// backend, which needs big batches and must not be driven from N threads). A FeedHasher's
// frames are decoded straight into its staging memory (pinned for CUDA) through each stage's
// FrameAllocator, or copied there when they were not; it keeps batches in flight between calls
// and the batcher drains it once no frame arrived for flushAfter.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "host/core/device_frames.hpp"
#include "host/core/feed_hasher.hpp"
#include "host/core/hasher.hpp"
#include "host/core/image.hpp"
#include "host/core/staging_frame_allocator.hpp"

namespace hashsieve::pipeline {

/// Receives one frame's hash, on whichever thread hashed it.
using FrameDone = std::function<void(const FrameHash&)>;

class HashStage {
 public:
  virtual ~HashStage() = default;
  /// Hashes `frame` (valid only during the call) and calls `done` now or later. Device frames
  /// (frame.onDevice()) only reach stages over a device FeedHasher.
  virtual void submit(const ImageView& frame, FrameDone done) = 0;
  /// Where the decoder should write frames for this stage (media::Options::frameAllocator);
  /// null: anywhere.
  virtual FrameAllocator* frameAllocator() { return nullptr; }
};

/// Hashes in the calling thread with a hasher of its own.
class InlineHashStage final : public HashStage {
 public:
  InlineHashStage(std::unique_ptr<Hasher> hasher, HashRequest request)
      : hasher_(std::move(hasher)), request_(request) {}
  void submit(const ImageView& frame, FrameDone done) override;

 private:
  std::unique_ptr<Hasher> hasher_;
  HashRequest request_;
  FrameHash out_;
};

struct BatcherConfig {
  /// Frames per batch at most; 0: kBatchFrames, or for a FeedHasher kFeedBatchFrames with the
  /// batch cut at the hasher's batchBytes() (what the device holds).
  size_t batchFrames = 0;
  static constexpr size_t kBatchFrames = 64;
  static constexpr size_t kFeedBatchFrames = 4096;
  size_t maxQueuedBytes = size_t{512} << 20;  // pixel bytes waiting; submit blocks above it
  std::chrono::milliseconds flushAfter{
      20};  // a partial batch goes once its oldest frame waited this long
};

/// One hasher thread fed by many submitters. Queued pixels (reserved before the copy) never
/// exceed maxQueuedBytes, except that one frame larger than that is admitted alone.
class FrameBatcher final {
 public:
  /// `onFatal` is called (once, on the hasher thread) if the hasher throws; later submits throw.
  FrameBatcher(std::unique_ptr<Hasher> hasher, HashRequest request, BatcherConfig config,
               std::function<void(std::exception_ptr)> onFatal);
  ~FrameBatcher();
  FrameBatcher(const FrameBatcher&) = delete;
  FrameBatcher& operator=(const FrameBatcher&) = delete;

  /// Queues the frame; blocks while the queue is full. `staged`: the staging block the frame
  /// already lies in, taken over with no copy. A device frame is not copied either: its memory
  /// is taken over (frame.memory) and given back once its outcome is in. Otherwise the frame is
  /// copied.
  void submit(const ImageView& frame, FrameDone done, StagingPool::Block staged = {});
  /// Hashes everything queued and stops the thread. Idempotent.
  void finish();

  /// Seconds spent inside Hasher::hash, batches made and the largest queue seen (bytes).
  double hashSeconds() const;
  uint64_t batches() const;
  size_t peakQueuedBytes() const;
  /// Frames copied by submit (the others were decoded straight into staging memory).
  uint64_t framesCopied() const;
  /// The hasher's staging memory; null when it reads ordinary host memory.
  const std::shared_ptr<StagingPool>& staging() const { return staging_; }

 private:
  struct Pending {
    Image image;                // the copy, in host memory ...
    StagingPool::Block staged;  // ... or in the FeedHasher's staging memory ...
    FrameMemory device;         // ... or a device frame, taken over from its decoder (no copy)
    ImageView view;
    size_t bytes = 0;
    FrameDone done;
    std::chrono::steady_clock::time_point queuedAt;
  };
  Pending copyFrame(const ImageView& frame, size_t bytes, FrameDone done);
  bool batchReady() const;
  void run();
  void hashBatch(std::vector<Pending>& batch);
  void feedBatch(std::vector<Pending>& batch);
  void feedDrain();
  void released(size_t bytes, double hashSecs, bool batchDone);

  std::unique_ptr<Hasher> hasher_;
  FeedHasher* feed_ = nullptr;  // hasher_, when it is fed asynchronously
  std::shared_ptr<StagingPool> staging_;
  HashRequest request_;
  BatcherConfig config_;
  size_t batchFrames_ = 0, batchBytes_ = 0;
  std::function<void(std::exception_ptr)> onFatal_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;
  size_t queuedBytes_ = 0, peakQueuedBytes_ = 0;  // queued and in flight
  uint64_t framesCopied_ = 0;
  size_t waitingBytes_ = 0;  // queued only
  // Batcher thread only: frames enqueued on feed_ and not yet done, by tag.
  std::map<uint64_t, Pending> inFlight_;
  uint64_t nextTag_ = 0;
  std::exception_ptr feedError_;
  bool finishing_ = false;
  std::exception_ptr failure_;
  double hashSeconds_ = 0.0;
  uint64_t batches_ = 0;
  std::thread thread_;
};

/// A submitter's (decode worker's) handle on a shared batcher. When the hasher has staging
/// memory, the worker's decoder writes frames into its blocks and they are queued uncopied.
class BatchedHashStage final : public HashStage {
 public:
  explicit BatchedHashStage(FrameBatcher& batcher)
      : batcher_(batcher),
        frames_(batcher.staging() ? std::make_unique<StagingFrameAllocator>(batcher.staging())
                                  : nullptr) {}
  void submit(const ImageView& frame, FrameDone done) override {
    batcher_.submit(frame, std::move(done),
                    frames_ ? frames_->takeBlock(frame) : StagingPool::Block{});
  }
  FrameAllocator* frameAllocator() override { return frames_.get(); }

 private:
  FrameBatcher& batcher_;
  std::unique_ptr<StagingFrameAllocator> frames_;
};

}  // namespace hashsieve::pipeline
