// Launch wrappers of the exact Hamming kernels (hamming.cu): range search with hits emitted
// through an atomic counter, and per-query distance histograms (the first pass of top-k). The
// launch structs and per-thread bodies are in hamming_lanes.hpp (CUDA-free, replayed on the host).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/hamming_lanes.hpp"

namespace hashsieve::cuda {

/// Emits every (row, entry) with distance <= dRowThreshold[row], in no particular order.
/// `smCount` sizes the grid. No-op when entries or rowCount is 0.
void launchHammingRange(const RangeLaunch& p, int smCount, cudaStream_t stream);

/// Accumulates, per query, how many entries lie at each distance (min over its variants).
void launchHammingHistogram(const HistogramLaunch& p, int smCount, cudaStream_t stream);

}  // namespace hashsieve::cuda
