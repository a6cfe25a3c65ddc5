// Launch wrappers of the exact Hamming kernels (hamming.cu): range search with hits emitted
// through an atomic counter, and one-pass top-k with per-block partial results. The launch
// structs and per-thread bodies are in hamming_lanes.hpp and hamming_topk_lanes.hpp (CUDA-free,
// replayed on the host).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/hamming_lanes.hpp"
#include "kernels/hamming_topk_lanes.hpp"

namespace hashsieve::cuda {

/// Emits every (row, entry) with distance <= dRowThreshold[row], in no particular order.
/// `smCount` sizes the grid. No-op when entries or rowCount is 0.
void launchHammingRange(const RangeLaunch& p, int smCount, cudaStream_t stream);

/// Each block's k smallest (distance, entry) keys per query into p.dPartial; `g` from
/// hamming::topKGrid for the same entries, queries, k and words (it sizes p.dPartial).
void launchHammingTopK(const TopKLaunch& p, const hamming::TopKGrid& g, cudaStream_t stream);

}  // namespace hashsieve::cuda
