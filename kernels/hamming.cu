// Exact Hamming kernels over packed hash lists. Range: each thread keeps a few list entries in
// registers and streams query rows past them from shared memory, so the list is read from
// global memory once per launch and every comparison is XOR + POPC on registers. Top-k: one pass
// over the list per group of queries, each block keeping per-query top-k sets whose threshold
// tightens. The per-thread bodies and the grid arithmetic are in hamming_lanes.hpp and
// hamming_topk_lanes.hpp (the host replay runs the same code).
#include <stdexcept>

#include "kernels/cuda_check.hpp"
#include "kernels/hamming.cuh"

namespace hashsieve::cuda {
namespace {

using namespace hamming;

template <int W, bool kPartialExit>
__global__ void __launch_bounds__(kThreads) rangeKernel(RangeLaunch p, uint32_t rowsPerSlice) {
  __shared__ uint64_t sRows[kRowTile * W];
  __shared__ uint16_t sThreshold[kRowTile];
  RangeThreadEntries<W> mine;
  loadRangeEntries<W>(p, blockIdx.x, threadIdx.x, mine);
  const uint32_t rowBegin = blockIdx.y * rowsPerSlice;
  const uint32_t rowEnd = min(p.rowCount, rowBegin + rowsPerSlice);
  for (uint32_t t0 = rowBegin; t0 < rowEnd; t0 += kRowTile) {
    const uint32_t n = min(static_cast<uint32_t>(kRowTile), rowEnd - t0);
    __syncthreads();  // the previous tile is fully consumed
    for (uint32_t k = threadIdx.x; k < n * W; k += kThreads)
      sRows[k] = p.dRows[static_cast<uint64_t>(t0) * W + k];
    for (uint32_t k = threadIdx.x; k < n; k += kThreads) sThreshold[k] = p.dRowThreshold[t0 + k];
    __syncthreads();
    for (uint32_t r = 0; r < n; ++r)  // every thread reads the same row: a broadcast
      rangeCompareRow<W, kPartialExit>(mine, p, sRows + r * W, sThreshold[r], t0 + r);
  }
}

// One block per (group of queries, grid-stride slice of the list); the phases and their
// barriers are hamming_topk_lanes.hpp's, in its order.
template <int W>
__global__ void __launch_bounds__(kThreads) topKKernel(TopKLaunch p, uint32_t queriesPerBlock) {
  extern __shared__ uint64_t sTopK[];
  __shared__ TopKBlockState st;
  const TopKShared s = topKShared(sTopK, p.k, queriesPerBlock, W);
  const uint32_t nq = topKQueriesInBlock(p, queriesPerBlock, blockIdx.y);
  topKInit<W>(p, queriesPerBlock, blockIdx.y, threadIdx.x, s, st);
  __syncthreads();
  for (uint32_t e0 = blockIdx.x * kThreads; e0 < p.entries; e0 += gridDim.x * kThreads) {
    const bool admitted = topKAdmit<W>(p, e0 + threadIdx.x, nq, s, st);
    if (!__syncthreads_or(admitted)) continue;  // block-uniform: nothing to merge
    topKSortFresh(threadIdx.x, nq, s, st);
    __syncthreads();
    topKMergeFresh(threadIdx.x, nq, s, st);
    __syncthreads();
    topKAdvance(threadIdx.x, nq, s, st);
    __syncthreads();
  }
  topKWritePartial(p, queriesPerBlock, blockIdx.x, gridDim.x, blockIdx.y, threadIdx.x, nq, s, st);
}

}  // namespace

void launchHammingRange(const RangeLaunch& p, int smCount, cudaStream_t stream) {
  if (p.entries == 0 || p.rowCount == 0) return;
  if (p.words != 4 && p.words != 1)
    throw std::invalid_argument("launchHammingRange: words must be 4 or 1");
  const RangeGrid g = rangeGrid(p.entries, p.rowCount, smCount);
  const dim3 grid(g.x, g.y);
  if (p.words == 4) {
    if (p.partialExit)
      rangeKernel<4, true><<<grid, kThreads, 0, stream>>>(p, g.rowsPerSlice);
    else
      rangeKernel<4, false><<<grid, kThreads, 0, stream>>>(p, g.rowsPerSlice);
  } else {
    rangeKernel<1, false><<<grid, kThreads, 0, stream>>>(p, g.rowsPerSlice);
  }
  HS_CUDA_CHECK_LAUNCH();
}

void launchHammingTopK(const TopKLaunch& p, const TopKGrid& g, cudaStream_t stream) {
  if (p.entries == 0 || p.queryCount == 0) return;
  if (p.words != 4 && p.words != 1)
    throw std::invalid_argument("launchHammingTopK: words must be 4 or 1");
  if (p.k < 1 || p.k > static_cast<uint32_t>(kMaxTopK))
    throw std::invalid_argument("launchHammingTopK: k out of range");
  if (g.y == 0 || static_cast<uint64_t>(g.y) * g.queriesPerBlock < p.queryCount ||
      g.sharedBytes > kTopKSharedBudget)
    throw std::invalid_argument("launchHammingTopK: grid does not cover the queries");
  const dim3 grid(g.x, g.y);
  if (p.words == 4)
    topKKernel<4><<<grid, kThreads, g.sharedBytes, stream>>>(p, g.queriesPerBlock);
  else
    topKKernel<1><<<grid, kThreads, g.sharedBytes, stream>>>(p, g.queriesPerBlock);
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace hashsieve::cuda
