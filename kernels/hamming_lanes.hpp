// Per-thread bodies and launch geometry of the exact Hamming range kernel (hamming.cu), and what
// the top-k kernel shares with it (hamming_topk_lanes.hpp): nvcc compiles them for the kernels,
// g++ for the host replay (tests/test_hamming_replay.cpp), which runs the same grids, thread by
// thread, and checks them against the CPU matcher without a GPU.
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

namespace hamming {

inline constexpr int kThreads = 256;
/// Entries per thread: amortises each shared-memory row load over 4 comparisons.
inline constexpr int kEntriesPerThread = 4;
inline constexpr int kEntriesPerBlock = kThreads * kEntriesPerThread;
/// Query rows staged in shared memory per step (256 x 32 B = 8 KiB for PDQ).
inline constexpr int kRowTile = 256;
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

/// Hit-buffer size after a launch reported `found` hits beyond its capacity.
inline uint64_t grownHitCapacity(uint64_t found) { return found + found / 4; }

}  // namespace hamming
}  // namespace hashsieve::cuda
