// One PDQ batch on the device: its tables packed for a single upload, and the launches of the
// four box passes and the finish stage on one stream.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/pdq_plan.hpp"

namespace hashsieve::cuda {

/// Byte offsets of the plan's tables inside one packed buffer (pass items, then finish items).
struct PdqTableLayout {
  size_t passOffset[kLinePasses] = {};
  size_t finishOffset = 0;
  size_t bytes = 0;
};

PdqTableLayout pdqTableLayout(const PdqBatchPlan& plan);
/// Writes the plan's tables at `dst` (host memory, layout.bytes long, e.g. pinned staging).
void packPdqTables(const PdqBatchPlan& plan, const PdqTableLayout& layout, uint8_t* dst);

/// Device memory one batch reads and writes. Planes and buffers must hold the plan's sizes.
struct PdqDeviceBatch {
  const uint8_t* pixels = nullptr;    // plan.pixelBytes
  const uint8_t* tables = nullptr;    // packed by packPdqTables, layout.bytes
  float* plane1 = nullptr;            // plan.planeFloats (pass 0 output, column-major)
  float* plane2 = nullptr;            // plan.planeFloats (pass 1 output, row-major)
  float* compact = nullptr;           // plan.compactFloats (pass 2 output)
  float* a = nullptr;                 // plan.aFloats (pass 3 output, 64x64 per frame)
  PdqFrameResult* results = nullptr;  // plan.finish.size()
  float* dct = nullptr;               // optional: 256 floats per frame (stage tests)
  size_t sharedMemOptin = 0;          // of the stream's device (CudaResources::sharedMemOptin)
};

/// Enqueues the whole PDQ chain of `plan` on `stream` (no host synchronisation).
void enqueuePdqBatch(const PdqBatchPlan& plan, const PdqTableLayout& layout,
                     const PdqDeviceBatch& d, bool dihedral, cudaStream_t stream);

}  // namespace hashsieve::cuda
