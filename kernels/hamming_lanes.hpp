// Per-thread bodies and launch geometry of the exact Hamming kernels (hamming.cu): nvcc compiles
// them for the kernels, g++ for the host replay (tests/test_hamming_replay.cpp), which runs the
// same grid, thread by thread, and checks it against the CPU matcher without a GPU.
#pragma once

#include <algorithm>
#include <cstdint>

#include "host/core/hd.hpp"

// Full unrolling for nvcc (the entry arrays must stay in registers); g++ ignores it.
#if defined(__CUDACC__)
#define HS_UNROLL _Pragma("unroll")
#else
#define HS_UNROLL
#endif

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

namespace hamming {

inline constexpr int kThreads = 256;
/// Entries per thread: amortises each shared-memory row load over 4 comparisons.
inline constexpr int kEntriesPerThread = 4;
inline constexpr int kEntriesPerBlock = kThreads * kEntriesPerThread;
/// Query rows staged in shared memory per step (256 x 32 B = 8 KiB for PDQ).
inline constexpr int kRowTile = 256;
/// Queries whose histograms one block keeps in shared memory (8 x 257 x 4 B).
inline constexpr int kHistQueries = 8;
/// Rows a histogram block stages: every variant of kHistQueries queries.
inline constexpr int kHistRows = kHistQueries * 8;
/// Blocks per SM to aim for when sizing grids.
inline constexpr int kBlocksPerSm = 4;
/// Block layout of the list (hsl_format.hpp): 8 entries per block, word-major inside.
inline constexpr int kBlockEntries = 8;
/// CUDA's limit on gridDim.y.
inline constexpr uint32_t kMaxGridY = 65535;

inline uint32_t ceilDiv(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

struct RangeGrid {
  uint32_t x = 0, y = 0;
  uint32_t rowsPerSlice = 0;
};

/// x: one block per kEntriesPerBlock entries; y: slices of the query rows, enough of them that
/// small lists still fill the device (each slice re-reads the block's entries once).
inline RangeGrid rangeGrid(uint32_t entries, uint32_t rowCount, int smCount) {
  RangeGrid g;
  g.x = ceilDiv(entries, kEntriesPerBlock);
  const uint32_t wantY = ceilDiv(static_cast<uint64_t>(smCount) * kBlocksPerSm, g.x);
  const uint32_t maxY = ceilDiv(rowCount, kRowTile);
  const uint32_t sliceCount = std::clamp<uint32_t>(wantY, 1, std::min<uint32_t>(maxY, kMaxGridY));
  g.rowsPerSlice = ceilDiv(rowCount, sliceCount);
  g.y = ceilDiv(rowCount, g.rowsPerSlice);
  return g;
}

/// y: one block row per kHistQueries queries; x: grid-stride over entries, sized so the whole
/// grid keeps kBlocksPerSm blocks per SM (fewer x blocks = fewer global flushes). y == 0 when
/// there are too many queries for one launch.
inline RangeGrid histogramGrid(uint32_t entries, uint32_t queryCount, int smCount) {
  RangeGrid g;
  g.y = ceilDiv(queryCount, kHistQueries);
  if (g.y > kMaxGridY) return RangeGrid{};
  const uint32_t wantX =
      std::max<uint32_t>(1, ceilDiv(static_cast<uint64_t>(smCount) * kBlocksPerSm, g.y));
  g.x = std::min(wantX, ceilDiv(entries, kThreads));
  return g;
}

/// Word j of entry e in the block layout.
template <int W>
HS_HD inline uint64_t entryWord(const uint64_t* __restrict__ packed, uint32_t e, int j) {
  const uint64_t* at = packed + (static_cast<uint64_t>(e / kBlockEntries) * W + j) * kBlockEntries +
                       e % kBlockEntries;
#if defined(__CUDA_ARCH__)
  return __ldg(at);
#else
  return *at;
#endif
}

HS_HD inline uint32_t popc64(uint64_t x) {
  return static_cast<uint32_t>(::hashsieve::detail::popcount64(x));
}

/// A slot in the hit buffer (the kernels' only cross-thread write); the replay is sequential.
HS_HD inline unsigned long long claimHitSlot(unsigned long long* count) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(count, 1ull);
#else
  return (*count)++;
#endif
}

HS_HD inline void addToBin(uint32_t* bin) {
#if defined(__CUDA_ARCH__)
  atomicAdd(bin, 1u);
#else
  ++*bin;
#endif
}

/// The list entries one range thread keeps in registers: strided by kThreads so each load
/// instruction of the block is coalesced.
template <int W>
struct RangeThreadEntries {
  uint64_t ew[kEntriesPerThread][W];
  bool valid[kEntriesPerThread];
  uint32_t first;
};

template <int W>
HS_HD inline void loadRangeEntries(const RangeLaunch& p, uint32_t blockX, uint32_t tid,
                                   RangeThreadEntries<W>& t) {
  t.first = blockX * kEntriesPerBlock + tid;
  HS_UNROLL
  for (int i = 0; i < kEntriesPerThread; ++i) {
    const uint32_t e = t.first + i * kThreads;
    t.valid[i] = e < p.entries;
    HS_UNROLL
    for (int j = 0; j < W; ++j) t.ew[i][j] = t.valid[i] ? entryWord<W>(p.dPacked, e, j) : 0;
  }
}

/// One query row (`qRow`, W words, staged in shared memory) against the thread's entries: every
/// distance <= threshold becomes a hit. Past capacity the counter still counts, so the host
/// sees the shortfall and re-runs with a larger buffer.
template <int W, bool kPartialExit>
HS_HD inline void rangeCompareRow(const RangeThreadEntries<W>& t, const RangeLaunch& p,
                                  const uint64_t* qRow, uint32_t threshold, uint32_t row) {
  uint64_t q[W];  // into registers once: the hit stores below could otherwise force re-reads
  HS_UNROLL
  for (int j = 0; j < W; ++j) q[j] = qRow[j];
  HS_UNROLL
  for (int i = 0; i < kEntriesPerThread; ++i) {
    uint32_t d;
    if constexpr (W == 4 && kPartialExit) {
      // The two-word sum is a lower bound: most unrelated pairs stop here (exact).
      d = popc64(t.ew[i][0] ^ q[0]) + popc64(t.ew[i][1] ^ q[1]);
      if (d > threshold) continue;
      d += popc64(t.ew[i][2] ^ q[2]) + popc64(t.ew[i][3] ^ q[3]);
    } else {
      d = 0;
      HS_UNROLL
      for (int j = 0; j < W; ++j) d += popc64(t.ew[i][j] ^ q[j]);
    }
    if (d <= threshold && t.valid[i]) {
      const unsigned long long slot = claimHitSlot(p.dCount);
      if (slot < p.capacity) p.dHits[slot] = {row, p.entryBase + t.first + i * kThreads, d};
    }
  }
}

/// Histogram thread body for entry e: the minimum distance over each staged query's rows goes
/// into that query's bins. sRows: the block's rows from rowBase; sFirstRow: nq + 1 offsets.
template <int W>
HS_HD inline void histogramEntry(const HistogramLaunch& p, uint32_t e, const uint64_t* sRows,
                                 const uint32_t* sFirstRow, uint32_t nq,
                                 uint32_t (*sHist)[kHistogramBins]) {
  const uint32_t rowBase = sFirstRow[0];
  uint64_t ew[W];
  HS_UNROLL
  for (int j = 0; j < W; ++j) ew[j] = entryWord<W>(p.dPacked, e, j);
  for (uint32_t q = 0; q < nq; ++q) {
    uint32_t best = kHistogramBins;
    for (uint32_t r = sFirstRow[q] - rowBase; r < sFirstRow[q + 1] - rowBase; ++r) {
      uint32_t d = 0;
      HS_UNROLL
      for (int j = 0; j < W; ++j) d += popc64(ew[j] ^ sRows[r * W + j]);
      best = d < best ? d : best;
    }
    if (best < kHistogramBins) addToBin(&sHist[q][best]);
  }
}

/// The k-th smallest distance of a query from its histogram (every entry of its top-k is
/// within it); the largest distance when fewer than k entries exist.
inline int kthDistance(const uint32_t* hist, int k) {
  uint64_t seen = 0;
  for (int d = 0; d < kHistogramBins; ++d) {
    seen += hist[d];
    if (seen >= static_cast<uint64_t>(k)) return d;
  }
  return kHistogramBins - 1;
}

/// Hit-buffer size after a launch reported `found` hits beyond its capacity.
inline uint64_t grownHitCapacity(uint64_t found) { return found + found / 4; }

}  // namespace hamming
}  // namespace hashsieve::cuda
