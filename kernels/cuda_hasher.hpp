// The CUDA Hasher: ragged batches of host frames through pinned staging, two streams (the copy
// of batch i+1 overlaps the kernels of batch i), device workspaces sized from the device.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/core/hasher.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/pdq_batch.hpp"
#include "kernels/phash_batch.hpp"

namespace hashsieve::cuda {

/// Limits of one batch. Each of the two in-flight slots stages up to `pixelBytes` of packed
/// pixels (pinned host + device); the float planes are shared by the slots.
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

/// Capacity for device `prop` with `freeBytes` of free device memory (cudaMemGetInfo).
BatchCapacity chooseCapacity(const cudaDeviceProp& prop, size_t freeBytes);

/// Empty when `frame` fits a batch of `cap`; else why it must be hashed on the CPU.
std::string deviceRejection(const ImageView& frame, const BatchCapacity& cap);

class CudaHasher final : public Hasher {
 public:
  /// On the current device. `capacity` overrides chooseCapacity (tests force small batches).
  explicit CudaHasher(std::optional<BatchCapacity> capacity = std::nullopt);
  ~CudaHasher() override;
  std::string name() const override { return "cuda"; }
  void hash(std::span<const ImageView> frames, const HashRequest& req,
            std::span<FrameHash> out) override;
  const BatchCapacity& capacity() const { return cap_; }

 private:
  struct Slot;
  struct Batch;
  void submit(Slot& slot, Slot& other, const Batch& batch, std::span<const ImageView> frames,
              const HashRequest& req);
  void collect(Slot& slot, const HashRequest& req, std::span<FrameHash> out);

  BatchCapacity cap_;
  std::unique_ptr<Hasher> cpu_;  // frames the workspace cannot take
  // Shared by both slots; a slot's kernels start after the other slot's kernels are done.
  DeviceBuffer<float> plane1_, plane2_, compact_, a_;
  DeviceBuffer<uint8_t> phashTemp_;
  TapCache taps_;  // Lanczos taps by input size, computed on the host as the CPU path does
  std::unique_ptr<Slot> slots_[2];
};

}  // namespace hashsieve::cuda
