// The CUDA Hamming kernels replayed on the host: their grids (range: blocks of 256 threads, 4
// entries per thread, 256-row shared-memory tiles, gridDim.y row slices; top-k: query groups by
// grid-stride list slices, phase by phase between the barriers) calling the very per-thread
// bodies of kernels/hamming_lanes.hpp and hamming_topk_lanes.hpp, inside a copy of
// kernels/match_cuda.cpp's host logic (chunking, hit-buffer overflow and re-run, top-k merge).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "host/match/hash_list.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/query_rows.hpp"
#include "kernels/hamming_lanes.hpp"
#include "kernels/hamming_topk_lanes.hpp"

namespace hashsieve::cuda::replay {

namespace hd = ::hashsieve::detail;
using namespace hamming;

/// How the replayed matcher is configured, and what it saw.
struct ReplayConfig {
  int smCount = 132;       // sizes the grids as on an H100/H200
  size_t chunkBlocks = 0;  // list blocks (of 8 entries) per chunk; 0 = resident
  uint64_t hitCapacity = 1u << 20;
  bool partialExit = true;
};
struct ReplayStats {
  int launches = 0;
  int reruns = 0;            // launches repeated after a hit-buffer overflow
  uint32_t maxGridY = 0;     // most row slices of any range launch
  bool raggedBlock = false;  // a range launch whose last block had idle entries
  // Top-k launches:
  uint32_t topKMaxGridX = 0;    // most blocks sharing one query group
  uint32_t topKMaxGridY = 0;    // most query groups
  uint32_t topKMaxSteps = 0;    // most grid-stride steps of one block
  int topKTightened = 0;        // (block, query) thresholds lowered by a merge
  bool topKRaggedStep = false;  // a step whose last threads had no entry
};

/// Stale shared and output memory: a kernel that reads what it never wrote sees key 0
/// (distance 0, entry 0), which shows up as a wrong match.
inline constexpr uint64_t kPoisonKey = 0;

// The range kernel's grid, block by block, thread by thread (hamming.cu rangeKernel).
template <int W, bool kPartialExit>
void replayRangeKernel(const RangeLaunch& p, int smCount, ReplayStats& stats) {
  const RangeGrid g = rangeGrid(p.entries, p.rowCount, smCount);
  stats.maxGridY = std::max(stats.maxGridY, g.y);
  stats.raggedBlock = stats.raggedBlock || p.entries % kEntriesPerBlock != 0;
  std::vector<uint64_t> sRows(kRowTile * W);
  std::vector<uint16_t> sThreshold(kRowTile);
  std::vector<RangeThreadEntries<W>> threads(kThreads);
  for (uint32_t by = 0; by < g.y; ++by)
    for (uint32_t bx = 0; bx < g.x; ++bx) {
      for (uint32_t tid = 0; tid < kThreads; ++tid) loadRangeEntries<W>(p, bx, tid, threads[tid]);
      const uint32_t rowBegin = by * g.rowsPerSlice;
      const uint32_t rowEnd = std::min(p.rowCount, rowBegin + g.rowsPerSlice);
      for (uint32_t t0 = rowBegin; t0 < rowEnd; t0 += kRowTile) {
        const uint32_t n = std::min<uint32_t>(kRowTile, rowEnd - t0);
        std::fill(sRows.begin(), sRows.end(), ~uint64_t{0});  // stale tile contents: poison
        std::copy_n(p.dRows + uint64_t(t0) * W, n * W, sRows.begin());
        std::copy_n(p.dRowThreshold + t0, n, sThreshold.begin());
        for (uint32_t tid = 0; tid < kThreads; ++tid)
          for (uint32_t r = 0; r < n; ++r)
            rangeCompareRow<W, kPartialExit>(threads[tid], p, sRows.data() + r * W, sThreshold[r],
                                             t0 + r);
      }
    }
}

inline void replayRangeLaunch(const RangeLaunch& p, int smCount, ReplayStats& stats) {
  ++stats.launches;
  if (p.words == 4 && p.partialExit)
    replayRangeKernel<4, true>(p, smCount, stats);
  else if (p.words == 4)
    replayRangeKernel<4, false>(p, smCount, stats);
  else
    replayRangeKernel<1, false>(p, smCount, stats);
}

// The top-k kernel's grid (hamming.cu topKKernel): each phase runs for every thread before the
// next starts, as the barriers order them; __syncthreads_or is the OR over the threads.
template <int W>
void replayTopKKernel(const TopKLaunch& p, const TopKGrid& g, ReplayStats& stats) {
  stats.topKMaxGridX = std::max(stats.topKMaxGridX, g.x);
  stats.topKMaxGridY = std::max(stats.topKMaxGridY, g.y);
  std::vector<uint64_t> smem(g.sharedBytes / sizeof(uint64_t));
  TopKBlockState st;
  for (uint32_t by = 0; by < g.y; ++by)
    for (uint32_t bx = 0; bx < g.x; ++bx) {
      std::fill(smem.begin(), smem.end(), kPoisonKey);
      std::memset(&st, 0xa5, sizeof st);
      const TopKShared s = topKShared(smem.data(), p.k, g.queriesPerBlock, W);
      const uint32_t nq = topKQueriesInBlock(p, g.queriesPerBlock, by);
      for (uint32_t tid = 0; tid < kThreads; ++tid)
        topKInit<W>(p, g.queriesPerBlock, by, tid, s, st);
      uint32_t steps = 0;
      for (uint32_t e0 = bx * kThreads; e0 < p.entries; e0 += g.x * kThreads) {
        ++steps;
        stats.topKRaggedStep = stats.topKRaggedStep || p.entries - e0 < uint32_t(kThreads);
        bool admitted = false;
        for (uint32_t tid = 0; tid < kThreads; ++tid)
          admitted = topKAdmit<W>(p, e0 + tid, nq, s, st) || admitted;
        if (!admitted) continue;
        for (uint32_t tid = 0; tid < kThreads; ++tid) topKSortFresh(tid, nq, s, st);
        for (uint32_t tid = 0; tid < kThreads; ++tid) topKMergeFresh(tid, nq, s, st);
        std::vector<uint64_t> before(st.threshold, st.threshold + nq);
        for (uint32_t tid = 0; tid < kThreads; ++tid) topKAdvance(tid, nq, s, st);
        for (uint32_t q = 0; q < nq; ++q) stats.topKTightened += st.threshold[q] < before[q];
      }
      stats.topKMaxSteps = std::max(stats.topKMaxSteps, steps);
      for (uint32_t tid = 0; tid < kThreads; ++tid)
        topKWritePartial(p, g.queriesPerBlock, bx, g.x, by, tid, nq, s, st);
    }
}

/// kernels/match_cuda.cpp's CudaMatcher with the kernels replaced by their replays.
class ReplayMatcher {
 public:
  ReplayMatcher(const HashList& list, ReplayConfig cfg) : list_(list), cfg_(cfg) {
    totalBlocks_ = hsl::paddedEntries(list.size()) / hsl::kBlockEntries;
    if (cfg_.chunkBlocks == 0) cfg_.chunkBlocks = std::max<size_t>(totalBlocks_, 1);
  }
  ReplayStats stats;

  std::vector<Match> range(const std::vector<MatchQuery>& queries, int threshold) {
    const auto rows = hd::expandQueries(queries, list_.words());
    auto hits = rangePass(rows, std::vector<uint16_t>(rows.size(), uint16_t(threshold)), threshold);
    return hd::mergeRowHits(hits, rows);
  }

  std::vector<Match> topK(const std::vector<MatchQuery>& queries, int k) {
    const auto rows = hd::expandQueries(queries, list_.words());
    const std::vector<uint32_t> firstRow = hd::queryFirstRows(rows, queries.size());
    const std::vector<uint64_t> words = rowWords(rows);
    TopKMerger merger(queries.size(), uint32_t(k));
    forEachChunk([&](const uint64_t* packed, uint32_t entries, uint32_t entryBase) {
      TopKLaunch p;
      p.dPacked = packed;
      p.entries = entries;
      p.entryBase = entryBase;
      p.dRows = words.data();
      p.dQueryFirstRow = firstRow.data();
      p.queryCount = uint32_t(queries.size());
      p.words = list_.words();
      p.k = uint32_t(k);
      const TopKGrid g = topKGrid(entries, p.queryCount, p.k, p.words, cfg_.smCount);
      ASSERT_GT(g.y, 0u);
      ASSERT_LE(g.sharedBytes, kTopKSharedBudget);
      // One guard key past the end: the kernel must never write there.
      const uint64_t keys = uint64_t(p.queryCount) * g.x * p.k;
      std::vector<uint64_t> partial(keys + 1, kPoisonKey);
      partial.back() = 0x600d;
      p.dPartial = partial.data();
      ++stats.launches;
      if (p.words == 4)
        replayTopKKernel<4>(p, g, stats);
      else
        replayTopKKernel<1>(p, g, stats);
      EXPECT_EQ(partial.back(), 0x600du) << "a key was written past the partial results";
      merger.add(partial.data(), g.x);
    });
    return merger.matches(rows, firstRow, 0);
  }

 private:
  std::vector<uint64_t> rowWords(const std::vector<hd::QueryRow>& rows) const {
    std::vector<uint64_t> words(rows.size() * list_.words());
    for (size_t r = 0; r < rows.size(); ++r)
      for (int j = 0; j < list_.words(); ++j) words[r * list_.words() + j] = rows[r].w[j];
    return words;
  }

  std::vector<hd::RowHit> rangePass(const std::vector<hd::QueryRow>& rows,
                                    const std::vector<uint16_t>& thresholds, int maxThreshold) {
    const std::vector<uint64_t> words = rowWords(rows);
    std::vector<hd::RowHit> out;
    forEachChunk([&](const uint64_t* packed, uint32_t entries, uint32_t entryBase) {
      RangeLaunch p;
      p.dPacked = packed;
      p.entries = entries;
      p.entryBase = entryBase;
      p.dRows = words.data();
      p.dRowThreshold = thresholds.data();
      p.rowCount = uint32_t(rows.size());
      p.words = list_.words();
      p.partialExit = cfg_.partialExit && maxThreshold <= hd::kPrefixPruneMaxThreshold;
      unsigned long long count = 0;
      p.dCount = &count;
      while (true) {
        // One guard hit past the capacity: the kernel must never write there.
        const DeviceHit guard{0xdeadbeef, 0xdeadbeef, 0xdeadbeef};
        std::vector<DeviceHit> buf(cfg_.hitCapacity + 1, guard);
        p.dHits = buf.data();
        p.capacity = cfg_.hitCapacity;
        count = 0;
        replayRangeLaunch(p, cfg_.smCount, stats);
        EXPECT_EQ(buf.back().row, guard.row) << "a hit was written past the buffer's capacity";
        if (count > cfg_.hitCapacity) {
          ++stats.reruns;
          cfg_.hitCapacity = grownHitCapacity(count);
          continue;
        }
        for (size_t i = 0; i < count; ++i)
          out.push_back({buf[i].row, buf[i].entry, buf[i].distance});
        break;
      }
    });
    return out;
  }

  template <typename Fn>
  void forEachChunk(Fn&& fn) {
    const size_t wordsPerBlock = size_t(list_.words()) * hsl::kBlockEntries;
    for (size_t b0 = 0; b0 < totalBlocks_; b0 += cfg_.chunkBlocks) {
      const size_t nb = std::min(cfg_.chunkBlocks, totalBlocks_ - b0);
      const size_t entryBase = b0 * hsl::kBlockEntries;
      const size_t entries = std::min(nb * hsl::kBlockEntries, list_.size() - entryBase);
      fn(list_.packedWords().data() + b0 * wordsPerBlock, uint32_t(entries), uint32_t(entryBase));
    }
  }

  const HashList& list_;
  ReplayConfig cfg_;
  size_t totalBlocks_ = 0;
};

// Equal vectors, or the size and the first difference (not a dump of 500k matches).
inline void expectSameMatches(const std::vector<Match>& got, const std::vector<Match>& want) {
  EXPECT_EQ(got.size(), want.size());
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  if (g != got.end() && w != want.end())
    ADD_FAILURE() << "first difference at " << (g - got.begin()) << ": got (q " << g->query
                  << ", e " << g->entry << ", d " << g->distance << ", t " << int(g->transform)
                  << "), want (q " << w->query << ", e " << w->entry << ", d " << w->distance
                  << ", t " << int(w->transform) << ")";
}

}  // namespace hashsieve::cuda::replay
