// The device feed's scheduling, free of CUDA: frames are cut into batches that fit the device,
// up to slotCount() batches are in flight at once (the upload of batch n+1 overlaps the kernels
// of n and the download of n-1), results leave in input order, errors reach every frame of the
// failed batch exactly once, and an out-of-memory failure backs off to smaller batches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "host/core/errors.hpp"
#include "host/core/hasher.hpp"

namespace hashsieve {

/// One frame's outcome, by the tag it was enqueued with: its hash, or (hash null) the error
/// that stopped its batch. Called exactly once per frame, in enqueue order; must not throw.
using FeedDone = std::function<void(uint64_t tag, const FrameHash* hash, std::exception_ptr error)>;

/// The stream operations of one device (CUDA in kernels/cuda_feed_ops.*, a host stand-in in the
/// tests). Slots are indices 0..slotCount()-1; the scheduler never launches on a busy slot.
class FeedOps {
 public:
  virtual ~FeedOps() = default;
  /// Batches that may be in flight at once (>= 2).
  virtual int slotCount() const = 0;
  /// How many of `frames` (from the first) one batch of at most `maxFrames` holds; >= 1.
  virtual size_t batchLength(std::span<const ImageView> frames, size_t maxFrames) const = 0;
  /// Queues upload, kernels and download of `frames` on `slot` and returns without waiting.
  /// The frames stay valid until finish() or abandon() of the slot. OutOfDeviceMemory or any
  /// other exception: nothing of the batch is left in flight.
  virtual void launch(int slot, std::span<const ImageView> frames, const HashRequest& req) = 0;
  /// Waits for `slot`'s batch and writes its outputs (one per launched frame) to `out`.
  virtual void finish(int slot, const HashRequest& req, std::span<FrameHash> out) = 0;
  /// Forgets `slot`'s batch after a failure (waits for the device, never throws).
  virtual void abandon(int slot) noexcept = 0;
  /// Called with nothing in flight after an out-of-memory failure: release memory (e.g. halve
  /// the workspaces). False when there is nothing left to give back.
  virtual bool shrink() = 0;
};

class FeedScheduler {
 public:
  /// `maxBatchFrames`: the most frames of one batch (what the device holds, from its ops).
  FeedScheduler(FeedOps& ops, size_t maxBatchFrames);
  /// Abandons whatever is still in flight (its frames get no outcome: call drain() first).
  ~FeedScheduler();
  FeedScheduler(const FeedScheduler&) = delete;
  FeedScheduler& operator=(const FeedScheduler&) = delete;

  /// Launches `frames` (tags[i] names frames[i]; both valid until that frame's done) in
  /// batches, collecting the oldest batches as their slots are needed: returns with up to
  /// slotCount() batches still in flight. Outcomes of earlier batches may arrive meanwhile.
  void enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
               const HashRequest& req, FeedDone done);
  /// Collects every batch in flight.
  void drain();

  size_t inFlight() const { return flight_.size(); }
  size_t batchFramesLimit() const { return limit_; }
  uint64_t batchesLaunched() const { return launched_; }

 private:
  struct Batch {
    int slot = 0;
    std::vector<ImageView> frames;
    std::vector<uint64_t> tags;
    HashRequest req;
    std::shared_ptr<FeedDone> done;
  };
  void launchOne(Batch batch);
  void collectOldest();
  static void fail(const Batch& b, std::exception_ptr e);

  FeedOps& ops_;
  size_t limit_;
  int nextSlot_ = 0;
  uint64_t launched_ = 0;
  std::deque<Batch> flight_;  // oldest first
  std::vector<FrameHash> out_;
};

}  // namespace hashsieve
