// Exact Hamming kernels over packed hash lists. Each thread keeps a few list entries in
// registers and streams query rows past them from shared memory, so the list is read from
// global memory once per launch and every comparison is XOR + POPC on registers. The per-thread
// bodies and the grid arithmetic are in hamming_lanes.hpp (the host replay runs the same code).
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

template <int W>
__global__ void __launch_bounds__(kThreads) histogramKernel(HistogramLaunch p) {
  __shared__ uint64_t sRows[kHistRows * W];
  __shared__ uint32_t sFirstRow[kHistQueries + 1];
  __shared__ uint32_t sHist[kHistQueries][kHistogramBins];
  const uint32_t q0 = blockIdx.y * kHistQueries;
  const uint32_t nq = min(static_cast<uint32_t>(kHistQueries), p.queryCount - q0);
  for (uint32_t k = threadIdx.x; k <= nq; k += kThreads) sFirstRow[k] = p.dQueryFirstRow[q0 + k];
  for (uint32_t k = threadIdx.x; k < kHistQueries * kHistogramBins; k += kThreads)
    sHist[k / kHistogramBins][k % kHistogramBins] = 0;
  __syncthreads();
  const uint32_t rowBase = sFirstRow[0];
  const uint32_t nRows = sFirstRow[nq] - rowBase;  // <= 8 per query
  for (uint32_t k = threadIdx.x; k < nRows * W; k += kThreads)
    sRows[k] = p.dRows[static_cast<uint64_t>(rowBase) * W + k];
  __syncthreads();
  for (uint32_t e = blockIdx.x * kThreads + threadIdx.x; e < p.entries; e += gridDim.x * kThreads)
    histogramEntry<W>(p, e, sRows, sFirstRow, nq, sHist);
  __syncthreads();
  for (uint32_t k = threadIdx.x; k < nq * kHistogramBins; k += kThreads) {
    const uint32_t v = sHist[k / kHistogramBins][k % kHistogramBins];
    if (v) atomicAdd(p.dHistogram + static_cast<uint64_t>(q0) * kHistogramBins + k, v);
  }
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

void launchHammingHistogram(const HistogramLaunch& p, int smCount, cudaStream_t stream) {
  if (p.entries == 0 || p.queryCount == 0) return;
  if (p.words != 4 && p.words != 1)
    throw std::invalid_argument("launchHammingHistogram: words must be 4 or 1");
  const RangeGrid g = histogramGrid(p.entries, p.queryCount, smCount);
  if (g.y == 0) throw std::invalid_argument("launchHammingHistogram: too many queries per launch");
  const dim3 grid(g.x, g.y);
  if (p.words == 4)
    histogramKernel<4><<<grid, kThreads, 0, stream>>>(p);
  else
    histogramKernel<1><<<grid, kThreads, 0, stream>>>(p);
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace hashsieve::cuda
