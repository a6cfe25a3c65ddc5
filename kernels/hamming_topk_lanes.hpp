// One-pass top-k of the exact Hamming kernels (hamming.cu topKKernel): the per-thread phases, the
// shared-memory layout and grid, and the host merge of the blocks' partial results. nvcc compiles
// the phases for the kernel, g++ for the host replay (tests/test_hamming_replay.cpp).
//
// A block keeps, per query of its group, the k smallest keys it has seen (sorted, in shared
// memory) and a threshold: the k-th key once k are kept. Each step, every thread scores one
// entry against the group's query rows and admits it when its key is below the threshold; a
// step that admitted anything sorts the newcomers by rank and merges them into the kept keys,
// which tightens the threshold. Keys order by (distance, entry) and are unique per query, so the
// block's and the final k smallest are exactly the CPU matcher's (its tie rule, no ties left).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "host/match/matcher.hpp"
#include "host/match/query_rows.hpp"
#include "kernels/hamming_lanes.hpp"

namespace hashsieve::cuda {

struct TopKLaunch {
  const uint64_t* dPacked = nullptr;         // device, the chunk's blocks (hsl_format.hpp layout)
  uint32_t entries = 0;                      // valid entries in the chunk
  uint32_t entryBase = 0;                    // global index of the chunk's first entry
  const uint64_t* dRows = nullptr;           // device, rows x words, each query's rows contiguous
  const uint32_t* dQueryFirstRow = nullptr;  // device, queryCount + 1 row offsets
  uint32_t queryCount = 0;
  int words = 4;  // 4 (PDQ) or 1 (pHash)
  uint32_t k = 1;
  uint64_t* dPartial = nullptr;  // device, queryCount x gridDim.x x k keys (topKGrid): each
                                 // block's k smallest, ascending, kNoKey past its count
};

namespace hamming {

/// Top-k candidate key: distance, then global entry, then the row within the query (0..7) that
/// attains the distance (the lowest on ties). Distinct entries give distinct keys.
inline constexpr int kKeyRowBits = 3;
inline constexpr int kKeyDistanceShift = 32 + kKeyRowBits;
/// An empty slot; above every real key (distances are <= 256).
inline constexpr uint64_t kNoKey = ~uint64_t{0};

HS_HD inline uint64_t topKKey(uint32_t distance, uint32_t entry, uint32_t rowInQuery) {
  return static_cast<uint64_t>(distance) << kKeyDistanceShift |
         static_cast<uint64_t>(entry) << kKeyRowBits | rowInQuery;
}
HS_HD inline uint32_t keyDistance(uint64_t key) {
  return static_cast<uint32_t>(key >> kKeyDistanceShift);
}
HS_HD inline uint32_t keyEntry(uint64_t key) { return static_cast<uint32_t>(key >> kKeyRowBits); }
HS_HD inline uint32_t keyRow(uint64_t key) {
  return static_cast<uint32_t>(key & ((1u << kKeyRowBits) - 1));
}

/// Most queries one top-k block serves (its rows: 8 x 8 variants, 2 KiB for PDQ).
inline constexpr int kTopKMaxQueries = 8;
/// Rows per query (the dihedral variants).
inline constexpr int kTopKMaxRows = 8;
/// Dynamic shared memory a top-k block may use: under the 48 KiB that needs no opt-in.
inline constexpr size_t kTopKSharedBudget = 44 * 1024;

/// The block's per-query bookkeeping (static shared memory).
struct TopKBlockState {
  uint64_t threshold[kTopKMaxQueries];     // a key enters when below it: the k-th kept, or kNoKey
  uint32_t kept[kTopKMaxQueries];          // keys in the current kept buffer
  uint32_t fresh[kTopKMaxQueries];         // keys admitted this step
  uint32_t cur[kTopKMaxQueries];           // which of the two kept buffers is current
  uint32_t firstRow[kTopKMaxQueries + 1];  // the group's rows, relative to its first
};

/// Views into the block's dynamic shared memory, per query q < queriesPerBlock:
/// rows (kTopKMaxRows x W words), kept (2 x k keys: current and next), fresh and sorted
/// (kThreads keys each: one step admits at most one entry per thread).
struct TopKShared {
  uint64_t* rows;
  uint64_t* kept;
  uint64_t* fresh;
  uint64_t* sorted;
  uint32_t k;
  HS_HD uint64_t* keptBuf(uint32_t q, uint32_t which) const { return kept + (2 * q + which) * k; }
  HS_HD uint64_t* freshBuf(uint32_t q) const { return fresh + q * kThreads; }
  HS_HD uint64_t* sortedBuf(uint32_t q) const { return sorted + q * kThreads; }
};

HS_HD inline size_t topKSharedWordsPerQuery(uint32_t k, int words) {
  return static_cast<size_t>(kTopKMaxRows) * words + 2 * k + 2 * kThreads;
}

HS_HD inline TopKShared topKShared(uint64_t* smem, uint32_t k, uint32_t queriesPerBlock,
                                   int words) {
  TopKShared s;
  s.k = k;
  s.rows = smem;
  s.kept = s.rows + static_cast<size_t>(queriesPerBlock) * kTopKMaxRows * words;
  s.fresh = s.kept + static_cast<size_t>(queriesPerBlock) * 2 * k;
  s.sorted = s.fresh + static_cast<size_t>(queriesPerBlock) * kThreads;
  return s;
}

struct TopKGrid {
  uint32_t x = 0, y = 0;
  uint32_t queriesPerBlock = 0;
  size_t sharedBytes = 0;  // dynamic shared memory per block
};

/// y: one block row per queriesPerBlock queries (as many as the shared budget holds for this k);
/// x: grid-stride over the list in steps of kThreads entries, sized so the grid keeps
/// kBlocksPerSm blocks per SM. y == 0 when there are too many queries for one launch.
inline TopKGrid topKGrid(uint32_t entries, uint32_t queryCount, uint32_t k, int words,
                         int smCount) {
  TopKGrid g;
  const size_t perQuery = topKSharedWordsPerQuery(k, words) * sizeof(uint64_t);
  g.queriesPerBlock =
      static_cast<uint32_t>(std::clamp<size_t>(kTopKSharedBudget / perQuery, 1, kTopKMaxQueries));
  g.sharedBytes = perQuery * g.queriesPerBlock;
  const uint32_t y = ceilDiv(queryCount, g.queriesPerBlock);
  if (y > kMaxGridY || y == 0 || entries == 0) return TopKGrid{};
  g.y = y;
  const uint32_t wantX =
      std::max<uint32_t>(1, ceilDiv(static_cast<uint64_t>(smCount) * kBlocksPerSm, g.y));
  g.x = std::min(wantX, ceilDiv(entries, kThreads));
  return g;
}

/// Queries of block row `blockY`: [blockY * queriesPerBlock, + the returned count).
HS_HD inline uint32_t topKQueriesInBlock(const TopKLaunch& p, uint32_t queriesPerBlock,
                                         uint32_t blockY) {
  const uint32_t q0 = blockY * queriesPerBlock;
  return p.queryCount - q0 < queriesPerBlock ? p.queryCount - q0 : queriesPerBlock;
}

/// Phase 0 (then a barrier): the group's rows into shared memory, empty kept sets.
template <int W>
HS_HD inline void topKInit(const TopKLaunch& p, uint32_t queriesPerBlock, uint32_t blockY,
                           uint32_t tid, const TopKShared& s, TopKBlockState& st) {
  const uint32_t q0 = blockY * queriesPerBlock;
  const uint32_t nq = topKQueriesInBlock(p, queriesPerBlock, blockY);
  const uint32_t rowBase = p.dQueryFirstRow[q0];
  const uint32_t words = (p.dQueryFirstRow[q0 + nq] - rowBase) * W;
  for (uint32_t i = tid; i < words; i += kThreads)
    s.rows[i] = p.dRows[static_cast<uint64_t>(rowBase) * W + i];
  if (tid <= nq) st.firstRow[tid] = p.dQueryFirstRow[q0 + tid] - rowBase;
  if (tid < nq) {
    st.threshold[tid] = kNoKey;
    st.kept[tid] = 0;
    st.fresh[tid] = 0;
    st.cur[tid] = 0;
  }
}

HS_HD inline uint32_t claimFreshSlot(uint32_t* count) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(count, 1u);
#else
  return (*count)++;
#endif
}

/// Phase 1 (then a barrier that ORs the results): entry e (chunk-local) against every query of
/// the group; its key goes into the query's fresh buffer when below the threshold. Returns
/// whether anything was admitted.
template <int W>
HS_HD inline bool topKAdmit(const TopKLaunch& p, uint32_t e, uint32_t nq, const TopKShared& s,
                            TopKBlockState& st) {
  if (e >= p.entries) return false;
  uint64_t ew[W];
  HS_UNROLL
  for (int j = 0; j < W; ++j) ew[j] = entryWord<W>(p.dPacked, e, j);
  bool admitted = false;
  for (uint32_t q = 0; q < nq; ++q) {
    const uint64_t threshold = st.threshold[q];
    // Only distances up to the threshold's can enter: rows beyond it are skipped early.
    const uint32_t limit = keyDistance(threshold);
    uint32_t best = ~0u, bestRow = 0;
    const uint32_t r0 = st.firstRow[q], r1 = st.firstRow[q + 1];
    for (uint32_t r = r0; r < r1; ++r) {
      const uint64_t* row = s.rows + r * W;
      uint32_t d;
      if constexpr (W == 4) {
        d = popc64(ew[0] ^ row[0]) + popc64(ew[1] ^ row[1]);  // a lower bound: exact to skip
        if (d > limit) continue;
        d += popc64(ew[2] ^ row[2]) + popc64(ew[3] ^ row[3]);
      } else {
        d = popc64(ew[0] ^ row[0]);
      }
      if (d < best) {  // strict: the lowest row (variant) wins ties, as on the CPU
        best = d;
        bestRow = r - r0;
      }
    }
    if (best == ~0u) continue;
    const uint64_t key = topKKey(best, p.entryBase + e, bestRow);
    if (key < threshold) {
      s.freshBuf(q)[claimFreshSlot(&st.fresh[q])] = key;
      admitted = true;
    }
  }
  return admitted;
}

/// Number of keys in ascending `a[0..n)` below `key`.
HS_HD inline uint32_t countBelow(const uint64_t* a, uint32_t n, uint64_t key) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (a[mid] < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/// Phase 2 (then a barrier): the fresh keys, in whatever order the atomics gave them, sorted by
/// rank (keys are distinct, so ranks are a permutation).
HS_HD inline void topKSortFresh(uint32_t tid, uint32_t nq, const TopKShared& s,
                                const TopKBlockState& st) {
  for (uint32_t q = 0; q < nq; ++q) {
    const uint32_t n = st.fresh[q];
    const uint64_t* fresh = s.freshBuf(q);
    for (uint32_t i = tid; i < n; i += kThreads) {
      uint32_t rank = 0;
      for (uint32_t j = 0; j < n; ++j) rank += fresh[j] < fresh[i];
      s.sortedBuf(q)[rank] = fresh[i];
    }
  }
}

/// Phase 3 (then a barrier): kept and sorted fresh keys merged into the other kept buffer; each
/// key's place is its index plus the keys of the other list below it; places >= k drop out.
HS_HD inline void topKMergeFresh(uint32_t tid, uint32_t nq, const TopKShared& s,
                                 const TopKBlockState& st) {
  for (uint32_t q = 0; q < nq; ++q) {
    const uint32_t n = st.fresh[q], m = st.kept[q];
    if (n == 0) continue;
    const uint64_t* in = s.keptBuf(q, st.cur[q]);
    const uint64_t* sorted = s.sortedBuf(q);
    uint64_t* out = s.keptBuf(q, st.cur[q] ^ 1);
    for (uint32_t i = tid; i < m; i += kThreads) {
      const uint32_t at = i + countBelow(sorted, n, in[i]);
      if (at < s.k) out[at] = in[i];
    }
    for (uint32_t i = tid; i < n; i += kThreads) {
      const uint32_t at = i + countBelow(in, m, sorted[i]);
      if (at < s.k) out[at] = sorted[i];
    }
  }
}

/// Phase 4 (then a barrier): the merged buffer becomes current; with k kept, the threshold
/// tightens to the k-th key.
HS_HD inline void topKAdvance(uint32_t tid, uint32_t nq, const TopKShared& s, TopKBlockState& st) {
  if (tid >= nq || st.fresh[tid] == 0) return;
  const uint32_t q = tid;
  const uint32_t m = st.kept[q] + st.fresh[q] < s.k ? st.kept[q] + st.fresh[q] : s.k;
  st.cur[q] ^= 1;
  st.kept[q] = m;
  st.fresh[q] = 0;
  st.threshold[q] = m == s.k ? s.keptBuf(q, st.cur[q])[m - 1] : kNoKey;
}

/// Last phase: the block's kept keys to its slice of p.dPartial, padded with kNoKey.
HS_HD inline void topKWritePartial(const TopKLaunch& p, uint32_t queriesPerBlock, uint32_t blockX,
                                   uint32_t gridX, uint32_t blockY, uint32_t tid, uint32_t nq,
                                   const TopKShared& s, const TopKBlockState& st) {
  for (uint32_t q = 0; q < nq; ++q) {
    const uint64_t* kept = s.keptBuf(q, st.cur[q]);
    uint64_t* out =
        p.dPartial + (static_cast<uint64_t>(blockY * queriesPerBlock + q) * gridX + blockX) * p.k;
    for (uint32_t i = tid; i < p.k; i += kThreads) out[i] = i < st.kept[q] ? kept[i] : kNoKey;
  }
}

/// The host's side: the k smallest keys per query over every block of every launch (chunk),
/// then Matches in the documented order. Keys are distinct, so the result does not depend on
/// the order blocks or chunks arrive in.
class TopKMerger {
 public:
  TopKMerger(size_t queryCount, uint32_t k) : k_(k), best_(queryCount) {}

  /// `partial`: queryCount x blocks x k keys, as topKWritePartial leaves them.
  void add(const uint64_t* partial, uint32_t blocks) {
    for (size_t q = 0; q < best_.size(); ++q) {
      std::vector<uint64_t>& keys = best_[q];
      const uint64_t* from = partial + q * blocks * k_;
      for (size_t i = 0; i < static_cast<size_t>(blocks) * k_; ++i)
        if (from[i] != kNoKey) keys.push_back(from[i]);
      std::sort(keys.begin(), keys.end());
      if (keys.size() > k_) keys.resize(k_);
    }
  }

  /// Query indices are offset by queryBase; a key's row is resolved through rows/firstRow.
  std::vector<Match> matches(const std::vector<::hashsieve::detail::QueryRow>& rows,
                             const std::vector<uint32_t>& firstRow, uint32_t queryBase) const {
    std::vector<Match> out;
    for (size_t q = 0; q < best_.size(); ++q)
      for (uint64_t key : best_[q])
        out.push_back({queryBase + static_cast<uint32_t>(q), keyEntry(key),
                       static_cast<uint16_t>(keyDistance(key)),
                       static_cast<uint8_t>(rows[firstRow[q] + keyRow(key)].variant)});
    return out;
  }

 private:
  uint32_t k_;
  std::vector<std::vector<uint64_t>> best_;
};

}  // namespace hamming
}  // namespace hashsieve::cuda
