// Exact Hamming kernels over packed hash lists. Each thread keeps a few list entries in
// registers and streams query rows past them from shared memory, so the list is read from
// global memory once per launch and every comparison is XOR + POPC on registers.
#include <algorithm>

#include "kernels/cuda_check.hpp"
#include "kernels/hamming.cuh"

namespace hashsieve::cuda {
namespace {

constexpr int kThreads = 256;
/// Entries per thread: amortises each shared-memory row load over 4 comparisons.
constexpr int kEntriesPerThread = 4;
constexpr int kEntriesPerBlock = kThreads * kEntriesPerThread;
/// Query rows staged in shared memory per step (256 x 32 B = 8 KiB for PDQ).
constexpr int kRowTile = 256;
/// Queries whose histograms one block keeps in shared memory (8 x 257 x 4 B).
constexpr int kHistQueries = 8;
/// Rows a histogram block stages: every variant of kHistQueries queries.
constexpr int kHistRows = kHistQueries * 8;
/// Blocks per SM to aim for when sizing grids.
constexpr int kBlocksPerSm = 4;
/// Block layout of the list (hsl_format.hpp): 8 entries per block, word-major inside.
constexpr int kBlockEntries = 8;

/// Word j of entry e in the block layout.
template <int W>
__device__ __forceinline__ uint64_t entryWord(const uint64_t* __restrict__ packed, uint32_t e,
                                              int j) {
  return __ldg(packed + (static_cast<uint64_t>(e / kBlockEntries) * W + j) * kBlockEntries +
               e % kBlockEntries);
}

__device__ __forceinline__ uint32_t popc64(uint64_t x) {
  return static_cast<uint32_t>(__popcll(x));
}

template <int W, bool kPartialExit>
__global__ void __launch_bounds__(kThreads) rangeKernel(RangeLaunch p, uint32_t rowsPerSlice) {
  __shared__ uint64_t sRows[kRowTile * W];
  __shared__ uint16_t sThreshold[kRowTile];
  // Entries of this thread: strided by kThreads so each load instruction is coalesced.
  const uint32_t first = blockIdx.x * kEntriesPerBlock + threadIdx.x;
  uint64_t ew[kEntriesPerThread][W];
  bool valid[kEntriesPerThread];
#pragma unroll
  for (int i = 0; i < kEntriesPerThread; ++i) {
    const uint32_t e = first + i * kThreads;
    valid[i] = e < p.entries;
#pragma unroll
    for (int j = 0; j < W; ++j) ew[i][j] = valid[i] ? entryWord<W>(p.dPacked, e, j) : 0;
  }
  const uint32_t rowBegin = blockIdx.y * rowsPerSlice;
  const uint32_t rowEnd = min(p.rowCount, rowBegin + rowsPerSlice);
  for (uint32_t t0 = rowBegin; t0 < rowEnd; t0 += kRowTile) {
    const uint32_t n = min(static_cast<uint32_t>(kRowTile), rowEnd - t0);
    __syncthreads();  // the previous tile is fully consumed
    for (uint32_t k = threadIdx.x; k < n * W; k += kThreads)
      sRows[k] = p.dRows[static_cast<uint64_t>(t0) * W + k];
    for (uint32_t k = threadIdx.x; k < n; k += kThreads) sThreshold[k] = p.dRowThreshold[t0 + k];
    __syncthreads();
    for (uint32_t r = 0; r < n; ++r) {
      uint64_t q[W];
#pragma unroll
      for (int j = 0; j < W; ++j) q[j] = sRows[r * W + j];  // a broadcast read
      const uint32_t threshold = sThreshold[r];
#pragma unroll
      for (int i = 0; i < kEntriesPerThread; ++i) {
        uint32_t d;
        if constexpr (W == 4 && kPartialExit) {
          // The two-word sum is a lower bound: most unrelated pairs stop here (exact).
          d = popc64(ew[i][0] ^ q[0]) + popc64(ew[i][1] ^ q[1]);
          if (d > threshold) continue;
          d += popc64(ew[i][2] ^ q[2]) + popc64(ew[i][3] ^ q[3]);
        } else {
          d = 0;
#pragma unroll
          for (int j = 0; j < W; ++j) d += popc64(ew[i][j] ^ q[j]);
        }
        if (d <= threshold && valid[i]) {
          // Past capacity the counter still counts: the host sees the shortfall and re-runs.
          const unsigned long long slot = atomicAdd(p.dCount, 1ull);
          if (slot < p.capacity) p.dHits[slot] = {t0 + r, p.entryBase + first + i * kThreads, d};
        }
      }
    }
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
  for (uint32_t e = blockIdx.x * kThreads + threadIdx.x; e < p.entries; e += gridDim.x * kThreads) {
    uint64_t ew[W];
#pragma unroll
    for (int j = 0; j < W; ++j) ew[j] = entryWord<W>(p.dPacked, e, j);
    for (uint32_t q = 0; q < nq; ++q) {
      uint32_t best = kHistogramBins;
      for (uint32_t r = sFirstRow[q] - rowBase; r < sFirstRow[q + 1] - rowBase; ++r) {
        uint32_t d = 0;
#pragma unroll
        for (int j = 0; j < W; ++j) d += popc64(ew[j] ^ sRows[r * W + j]);
        best = min(best, d);
      }
      if (best < kHistogramBins) atomicAdd(&sHist[q][best], 1u);
    }
  }
  __syncthreads();
  for (uint32_t k = threadIdx.x; k < nq * kHistogramBins; k += kThreads) {
    const uint32_t v = sHist[k / kHistogramBins][k % kHistogramBins];
    if (v) atomicAdd(p.dHistogram + static_cast<uint64_t>(q0) * kHistogramBins + k, v);
  }
}

uint32_t ceilDiv(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

}  // namespace

void launchHammingRange(const RangeLaunch& p, int smCount, cudaStream_t stream) {
  if (p.entries == 0 || p.rowCount == 0) return;
  if (p.words != 4 && p.words != 1)
    throw std::invalid_argument("launchHammingRange: words must be 4 or 1");
  // x: one block per kEntriesPerBlock entries; y: slices of the query rows, enough of them that
  // small lists still fill the device (each slice re-reads the block's entries once).
  const uint32_t gridX = ceilDiv(p.entries, kEntriesPerBlock);
  const uint32_t wantY = ceilDiv(static_cast<uint64_t>(smCount) * kBlocksPerSm, gridX);
  const uint32_t maxY = ceilDiv(p.rowCount, kRowTile);
  const uint32_t gridY = std::clamp<uint32_t>(wantY, 1, std::min<uint32_t>(maxY, 65535));
  const uint32_t rowsPerSlice = ceilDiv(p.rowCount, gridY);
  const dim3 grid(gridX, ceilDiv(p.rowCount, rowsPerSlice));
  if (p.words == 4) {
    if (p.partialExit)
      rangeKernel<4, true><<<grid, kThreads, 0, stream>>>(p, rowsPerSlice);
    else
      rangeKernel<4, false><<<grid, kThreads, 0, stream>>>(p, rowsPerSlice);
  } else {
    rangeKernel<1, false><<<grid, kThreads, 0, stream>>>(p, rowsPerSlice);
  }
  HS_CUDA_CHECK_LAUNCH();
}

void launchHammingHistogram(const HistogramLaunch& p, int smCount, cudaStream_t stream) {
  if (p.entries == 0 || p.queryCount == 0) return;
  if (p.words != 4 && p.words != 1)
    throw std::invalid_argument("launchHammingHistogram: words must be 4 or 1");
  // y: one block row per kHistQueries queries; x: grid-stride over entries, sized so the
  // whole grid keeps kBlocksPerSm blocks per SM (fewer x blocks = fewer global flushes).
  const uint32_t gridY = ceilDiv(p.queryCount, kHistQueries);
  if (gridY > 65535)
    throw std::invalid_argument("launchHammingHistogram: too many queries per launch");
  const uint32_t wantX =
      std::max<uint32_t>(1, ceilDiv(static_cast<uint64_t>(smCount) * kBlocksPerSm, gridY));
  const uint32_t gridX = std::min(wantX, ceilDiv(p.entries, kThreads));
  const dim3 grid(gridX, gridY);
  if (p.words == 4)
    histogramKernel<4><<<grid, kThreads, 0, stream>>>(p);
  else
    histogramKernel<1><<<grid, kThreads, 0, stream>>>(p);
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace hashsieve::cuda
