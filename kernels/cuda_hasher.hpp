// The CUDA Hasher: the feed scheduler (host/core/feed_scheduler.hpp) over CUDA stream
// operations; three slots with a stream each (upload of batch n+1, kernels of n, download of
// n-1), frames staged by the decode workers in a pinned slab pool, workspaces sized from the
// device.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/core/device_frames.hpp"
#include "host/core/feed_hasher.hpp"
#include "host/core/feed_scheduler.hpp"
#include "host/core/hasher.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/cuda_resources.hpp"
#include "kernels/pdq_batch.hpp"
#include "kernels/phash_batch.hpp"

namespace hashsieve::cuda {

/// Limits of one batch. Each in-flight slot holds up to `pixelBytes` of packed pixels on the
/// device; the float planes are shared by the slots.
struct BatchCapacity {
  uint64_t pixelBytes = 0;     // packed frame bytes per batch
  uint64_t planeFloats = 0;    // pixels of Filtered frames per batch (each of the two planes)
  uint64_t compactFloats = 0;  // 64 x rows of Filtered frames per batch
  uint64_t tapBytes = 0;       // pHash resample taps per batch
  uint64_t tempBytes = 0;      // pHash pass-1 intermediate per batch
  int frames = 0;              // frames per batch
  int maxWindow = 0;           // longest PDQ box window the shared-memory tile ring fits
  int maxRowBytes = 0;         // widest frame pHash pass 1 stages in shared memory
};

/// Capacity for device `prop` when the hasher may use `deviceBytes` of device memory.
BatchCapacity chooseCapacity(const cudaDeviceProp& prop, size_t deviceBytes);

/// The hasher's share of its device's budget (CudaResources); a matcher on the same device
/// (`scan`) takes from the rest.
inline constexpr double kHasherShareOfBudget = 0.5;

/// Empty when `frame` fits a batch of `cap`; else why it must be hashed on the CPU.
std::string deviceRejection(const ImageView& frame, const BatchCapacity& cap);

/// Batches in flight at once: upload of n+1, kernels of n, download of n-1; one stream each.
inline constexpr int kFeedSlots = CudaResources::kHashStreams;

class CudaHasher final : public FeedHasher, private FeedOps {
 public:
  /// On device `device`, within kHasherShareOfBudget of its budget. `capacity` overrides
  /// chooseCapacity (tests force small batches). `staging`: a pinned pool shared with the
  /// hashers of other devices (portable memory); null: a pool of its own.
  explicit CudaHasher(std::optional<BatchCapacity> capacity = std::nullopt, int device = 0,
                      std::shared_ptr<StagingPool> staging = nullptr);
  /// A pinned pool any device can read from (cudaHostAllocPortable).
  static std::shared_ptr<StagingPool> makePinnedPool();
  ~CudaHasher() override;
  std::string name() const override { return "cuda"; }
  void enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
               const HashRequest& req, FeedDone done) override;
  void drain() override;
  std::shared_ptr<StagingPool> staging() const override { return pool_; }
  int deviceOrdinal() const override { return res_->device(); }
  std::shared_ptr<DeviceFramePool> deviceFrames() const override { return frames_; }
  size_t batchBytes() const override { return size_t(cap_.pixelBytes); }
  const BatchCapacity& capacity() const { return cap_; }

 private:
  struct Slot;
  // FeedOps on this device (sync points: finish() waits for a slot's download; abandon() and
  // shrink() wait for its stream).
  int slotCount() const override { return kFeedSlots; }
  size_t batchLength(std::span<const ImageView> frames, size_t maxFrames) const override;
  void launch(int slot, std::span<const ImageView> frames, const HashRequest& req) override;
  void finish(int slot, const HashRequest& req, std::span<FrameHash> out) override;
  void abandon(int slot) noexcept override;
  bool shrink() override;

  void allocate();
  void release() noexcept;
  void submit(Slot& slot, std::span<const ImageView> frames, const HashRequest& req);

  std::shared_ptr<CudaResources> res_;
  CudaResources::Reservation budget_;
  BatchCapacity cap_;
  bool fixedCapacity_ = false;
  std::unique_ptr<Hasher> cpu_;  // frames the workspace cannot take
  // Shared by all slots; a slot's kernels start after the previous launch's kernels are done.
  DeviceBuffer<float> plane1_, plane2_, compact_, a_;
  DeviceBuffer<uint8_t> phashTemp_;
  TapCache taps_;  // Lanczos taps by input size, computed on the host as the CPU path does
  std::unique_ptr<Slot> slots_[kFeedSlots];
  int lastLaunched_ = -1;                    // slot whose kernels the next launch waits for
  std::shared_ptr<StagingPool> pool_;        // pinned slabs the decode workers copy frames into
  std::shared_ptr<DeviceFramePool> frames_;  // device memory the GPU decoders write frames into
  std::unique_ptr<FeedScheduler> sched_;
};

}  // namespace hashsieve::cuda
