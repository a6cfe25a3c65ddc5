// Launch wrappers of the exact Hamming kernels (hamming.cu): range search with hits emitted
// through an atomic counter, and per-query distance histograms (the first pass of top-k).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace hashsieve::cuda {

/// One hit as the kernels write it: same layout as detail::RowHit (3 x uint32).
struct DeviceHit {
  uint32_t row;
  uint32_t entry;
  uint32_t distance;
};

/// Histogram bins: distances 0..256.
inline constexpr int kHistogramBins = 257;

struct RangeLaunch {
  const uint64_t* dPacked = nullptr;  // device, the chunk's blocks (hsl_format.hpp layout)
  uint32_t entries = 0;               // valid entries in the chunk
  uint32_t entryBase = 0;             // global index of the chunk's first entry (multiple of 8)
  const uint64_t* dRows = nullptr;    // device, rowCount x words query words
  const uint16_t* dRowThreshold = nullptr;  // device, rowCount inclusive thresholds
  uint32_t rowCount = 0;
  int words = 4;               // 4 (PDQ) or 1 (pHash)
  bool partialExit = true;     // PDQ only: two words first, the rest when still <= T
  DeviceHit* dHits = nullptr;  // device, capacity hits
  uint64_t capacity = 0;
  unsigned long long* dCount = nullptr;  // device counter; ends at the number of hits found,
                                         // which exceeds capacity when hits were dropped
};

/// Emits every (row, entry) with distance <= dRowThreshold[row], in no particular order.
/// `smCount` sizes the grid. No-op when entries or rowCount is 0.
void launchHammingRange(const RangeLaunch& p, int smCount, cudaStream_t stream);

struct HistogramLaunch {
  const uint64_t* dPacked = nullptr;
  uint32_t entries = 0;
  const uint64_t* dRows = nullptr;           // device, rows x words, each query's rows contiguous
  const uint32_t* dQueryFirstRow = nullptr;  // device, queryCount + 1 row offsets
  uint32_t queryCount = 0;
  int words = 4;
  uint32_t* dHistogram = nullptr;  // device, queryCount x kHistogramBins, zeroed by the caller;
                                   // += the number of entries at each (min-over-variants) distance
};

/// Accumulates, per query, how many entries lie at each distance (min over its variants).
void launchHammingHistogram(const HistogramLaunch& p, int smCount, cudaStream_t stream);

}  // namespace hashsieve::cuda
