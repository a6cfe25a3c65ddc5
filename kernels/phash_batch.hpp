// One pHash batch on the device: the resample passes on one stream, and the host finish (the
// CPU's own DCT, median and bits applied to the 32x32 grey the device returns).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "host/core/hash_types.hpp"
#include "kernels/phash_plan.hpp"

namespace hashsieve::cuda {

/// Device memory one pHash batch reads and writes.
struct PhashDeviceBatch {
  const uint8_t* pixels = nullptr;   // the batch's packed pixels (shared with PDQ)
  const PhashItem* items = nullptr;  // plan.items
  const int32_t* taps = nullptr;     // plan.taps
  uint8_t* temp = nullptr;           // plan.tempBytes
  uint8_t* grey = nullptr;           // 1024 bytes per frame (32x32 row-major)
  size_t sharedMemOptin = 0;         // of the stream's device (CudaResources::sharedMemOptin)
};

/// Enqueues both resample passes of `plan` on `stream` (no host synchronisation).
void enqueuePhashBatch(const PhashBatchPlan& plan, const PhashDeviceBatch& d, cudaStream_t stream);

/// The hash of one frame's 32x32 grey: phash::lowFrequencyBlock (scipy's DCT reproduced), numpy's
/// median and the bit order, the very functions the CPU path runs.
Hash64 phashFromGrey32(const uint8_t* grey);

}  // namespace hashsieve::cuda
