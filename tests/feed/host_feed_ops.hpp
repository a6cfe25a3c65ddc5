// A host stand-in for a device's stream operations (FeedOps), with injected failures, and a
// FeedHasher built on it (CPU hashers posing as devices).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "host/core/device_frames.hpp"
#include "host/core/feed_hasher.hpp"
#include "host/core/feed_scheduler.hpp"

namespace hashsieve::test {

// Stream operations on the host: launch copies the views, finish hashes them on the CPU.
// Injected failures: a launch or a finish (by batch number) throws; launches of more than
// `memoryFrames` frames throw OutOfDeviceMemory; shrink() halves the workspace (the frames a
// batch holds) unless `canShrink` is false or it is down to one frame. With `staging` set, launch
// classifies each frame's upload as the CUDA feed does (uploadFor, for device `device`) and
// counts them.
class HostOps final : public FeedOps {
 public:
  explicit HostOps(int slots, size_t batchFrames) : slots_(slots), batchFrames_(batchFrames) {
    busy_.assign(slots, false);
    launched_.resize(slots);
  }
  int slotCount() const override { return slots_; }
  size_t batchLength(std::span<const ImageView> frames, size_t maxFrames) const override {
    return std::min({frames.size(), maxFrames, batchFrames_});
  }
  void launch(int slot, std::span<const ImageView> frames, const HashRequest&) override {
    EXPECT_FALSE(busy_[slot]) << "launch on a busy slot " << slot;
    const int batch = batches_++;
    batchSizes.push_back(frames.size());
    if (frames.size() > memoryFrames) throw OutOfDeviceMemory("host ops: out of memory");
    busy_[slot] = true;  // the upload is queued: a failure now is one in the middle of a batch
    if (failLaunch && *failLaunch == batch) throw std::runtime_error("launch failed");
    if (staging) {
      size_t counts[3] = {0, 0, 0};
      for (const ImageView& f : frames) ++counts[int(uploadFor(f, device, *staging))];
      for (int k = 0; k < 3; ++k) uploads[k] += counts[k];
    }
    launched_[slot] = {batch, std::vector<ImageView>(frames.begin(), frames.end())};
    maxBusy = std::max(maxBusy, size_t(std::count(busy_.begin(), busy_.end(), true)));
  }
  void finish(int slot, const HashRequest& req, std::span<FrameHash> out) override {
    EXPECT_TRUE(busy_[slot]);
    auto& [batch, frames] = launched_[slot];
    EXPECT_EQ(out.size(), frames.size());
    busy_[slot] = false;
    if (failFinish && *failFinish == batch) throw std::runtime_error("kernel failed");
    cpu_->hash(frames, req, out);
  }
  void abandon(int slot) noexcept override { busy_[slot] = false; }
  bool shrink() override {
    EXPECT_EQ(busySlots(), 0) << "shrink with work in flight";
    if (!canShrink || batchFrames_ == 1) return false;
    ++shrinks;
    batchFrames_ /= 2;
    return true;
  }
  int busySlots() const { return int(std::count(busy_.begin(), busy_.end(), true)); }

  std::optional<int> failLaunch, failFinish;
  size_t memoryFrames = SIZE_MAX;
  bool canShrink = true;
  size_t maxBusy = 0;
  int shrinks = 0;
  std::vector<size_t> batchSizes;
  const StagingPool* staging = nullptr;
  int device = 0;
  size_t uploads[3] = {0, 0, 0};  // by FrameUpload: device copies, staged DMA, packed DMA

 private:
  int slots_;
  size_t batchFrames_;
  int batches_ = 0;
  std::vector<bool> busy_;
  std::vector<std::pair<int, std::vector<ImageView>>> launched_;
  std::unique_ptr<Hasher> cpu_ = makeCpuHasher();
};

/// A FeedHasher over HostOps, staging frames in malloc'd slabs; `name` says which "device".
class HostFeedHasher final : public FeedHasher {
 public:
  /// `unstaged` (optional) counts frames enqueued from outside the staging pool.
  /// `device` >= 0: it reads device frames of that ordinal (host memory posing as a device).
  HostFeedHasher(std::string name, int slots, size_t batchFrames,
                 std::atomic<size_t>* unstaged = nullptr, int device = -1)
      : unstaged_(unstaged),
        device_(device),
        name_(std::move(name)),
        ops_(slots, batchFrames),
        sched_(ops_, batchFrames),
        pool_(std::make_shared<StagingPool>(SlabAllocator{[](size_t n) {
                                                            void* p = std::malloc(n);
                                                            if (!p) throw std::bad_alloc();
                                                            return p;
                                                          },
                                                          [](void* p) { std::free(p); }})) {
    ops_.staging = pool_.get();
    ops_.device = device;
  }
  std::string name() const override { return name_; }
  void enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
               const HashRequest& req, FeedDone done) override {
    for (const ImageView& f : frames)
      if (unstaged_ && !f.onDevice() && !pool_->owns(f.data, size_t(f.stride) * f.height))
        ++*unstaged_;
    sched_.enqueue(frames, tags, req, std::move(done));
  }
  void drain() override { sched_.drain(); }
  std::shared_ptr<StagingPool> staging() const override { return pool_; }
  size_t batchBytes() const override { return batchBytes_; }
  int deviceOrdinal() const override { return device_; }
  HostOps& ops() { return ops_; }
  size_t inFlight() const { return sched_.inFlight(); }

  void setBatchBytes(size_t bytes) { batchBytes_ = bytes; }

 private:
  std::atomic<size_t>* unstaged_;
  int device_;
  size_t batchBytes_ = size_t{16} << 10;
  std::string name_;
  HostOps ops_;
  FeedScheduler sched_;
  std::shared_ptr<StagingPool> pool_;
};

}  // namespace hashsieve::test
