// The CUDA Hamming kernels proved on the CPU: a host replay of their grids (blocks of 256
// threads, 4 entries per thread, 256-row shared-memory tiles, gridDim.y row slices, the
// histogram's 8-query blocks) calling the very per-thread bodies of kernels/hamming_lanes.hpp,
// with the CUDA matcher's chunking, hit-buffer overflow and re-run, and top-k threshold step,
// checked for equality against the CPU matcher. Needs no GPU and no CUDA toolkit.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host/match/cpu_matcher.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/query_rows.hpp"
#include "kernels/hamming_lanes.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::cuda {
namespace {

using namespace hamming;
namespace hd = ::hashsieve::detail;

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
};

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

void replayRangeLaunch(const RangeLaunch& p, int smCount, ReplayStats& stats) {
  ++stats.launches;
  if (p.words == 4 && p.partialExit)
    replayRangeKernel<4, true>(p, smCount, stats);
  else if (p.words == 4)
    replayRangeKernel<4, false>(p, smCount, stats);
  else
    replayRangeKernel<1, false>(p, smCount, stats);
}

// The histogram kernel's grid (hamming.cu histogramKernel), flushing each block to `hist`.
template <int W>
void replayHistogramKernel(const HistogramLaunch& p, int smCount) {
  const RangeGrid g = histogramGrid(p.entries, p.queryCount, smCount);
  ASSERT_GT(g.y, 0u);
  std::vector<uint64_t> sRows(kHistRows * W);
  uint32_t sFirstRow[kHistQueries + 1];
  std::vector<uint32_t[kHistogramBins]> sHist(kHistQueries);
  for (uint32_t by = 0; by < g.y; ++by)
    for (uint32_t bx = 0; bx < g.x; ++bx) {
      const uint32_t q0 = by * kHistQueries;
      const uint32_t nq = std::min<uint32_t>(kHistQueries, p.queryCount - q0);
      for (uint32_t k = 0; k <= nq; ++k) sFirstRow[k] = p.dQueryFirstRow[q0 + k];
      for (auto& h : sHist) std::fill(std::begin(h), std::end(h), 0u);
      const uint32_t rowBase = sFirstRow[0];
      std::copy_n(p.dRows + uint64_t(rowBase) * W, (sFirstRow[nq] - rowBase) * W, sRows.begin());
      for (uint32_t tid = 0; tid < kThreads; ++tid)
        for (uint32_t e = bx * kThreads + tid; e < p.entries; e += g.x * kThreads)
          histogramEntry<W>(p, e, sRows.data(), sFirstRow, nq, sHist.data());
      for (uint32_t k = 0; k < nq * kHistogramBins; ++k)
        p.dHistogram[uint64_t(q0) * kHistogramBins + k] +=
            sHist[k / kHistogramBins][k % kHistogramBins];
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
    std::vector<uint32_t> firstRow(queries.size() + 1, 0);
    for (const auto& r : rows) ++firstRow[r.query + 1];
    for (size_t q = 0; q < queries.size(); ++q) firstRow[q + 1] += firstRow[q];
    const std::vector<uint64_t> words = rowWords(rows);
    std::vector<uint32_t> hist(queries.size() * kHistogramBins, 0);
    forEachChunk([&](const uint64_t* packed, uint32_t entries, uint32_t) {
      HistogramLaunch p;
      p.dPacked = packed;
      p.entries = entries;
      p.dRows = words.data();
      p.dQueryFirstRow = firstRow.data();
      p.queryCount = uint32_t(queries.size());
      p.words = list_.words();
      p.dHistogram = hist.data();
      if (p.words == 4)
        replayHistogramKernel<4>(p, cfg_.smCount);
      else
        replayHistogramKernel<1>(p, cfg_.smCount);
    });
    std::vector<uint16_t> thresholds(rows.size());
    int maxThreshold = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      const int kth = kthDistance(hist.data() + q * kHistogramBins, k);
      for (uint32_t r = firstRow[q]; r < firstRow[q + 1]; ++r) thresholds[r] = uint16_t(kth);
      maxThreshold = std::max(maxThreshold, kth);
    }
    auto hits = rangePass(rows, thresholds, maxThreshold);
    return hd::truncatePerQuery(hd::mergeRowHits(hits, rows), k);
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
void expectSameMatches(const std::vector<Match>& got, const std::vector<Match>& want) {
  EXPECT_EQ(got.size(), want.size());
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  if (g != got.end() && w != want.end())
    ADD_FAILURE() << "first difference at " << (g - got.begin()) << ": got (q " << g->query
                  << ", e " << g->entry << ", d " << g->distance << ", t " << int(g->transform)
                  << "), want (q " << w->query << ", e " << w->entry << ", d " << w->distance
                  << ", t " << int(w->transform) << ")";
}

struct Case {
  HashType type;
  bool dihedral;
  bool partialExit;
};

std::string caseName(const testing::TestParamInfo<Case>& info) {
  return std::string(hashTypeName(info.param.type)) +
         (info.param.dihedral ? "_dihedral" : "_plain") +
         (info.param.partialExit ? "_exit" : "_full");
}

class HammingReplay : public testing::TestWithParam<Case> {};

constexpr uint64_t kSeed = 20261203;

// Every threshold the issue names, on 33 queries (264 rows with dihedral: two row tiles, and
// several gridDim.y slices that end mid-tile) over a list whose size is no multiple of a block.
TEST_P(HammingReplay, RangeEqualsCpuMatcherAtEveryThreshold) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  const auto data = test::makePlanted(kSeed, c.type, 1003, 33, c.dihedral);
  auto cpu = makeCpuMatcher(data.list);
  const int bits = wordsPerHash(c.type) * 64;
  for (int smCount : {1, 132}) {
    ReplayMatcher gpu(data.list, {smCount, 0, 1u << 20, c.partialExit});
    for (int t : {0, 31, 32, 47, 48, 64, 256}) {
      if (t > bits) continue;
      SCOPED_TRACE("threshold " + std::to_string(t) + ", smCount " + std::to_string(smCount));
      const auto want = cpu->range(data.queries, t);
      expectSameMatches(gpu.range(data.queries, t), want);
      EXPECT_FALSE(want.empty());
    }
    EXPECT_TRUE(gpu.stats.raggedBlock);
    if (smCount == 132 && c.dihedral) {
      EXPECT_GT(gpu.stats.maxGridY, 1u);
    }
  }
}

// A hit buffer far too small: every launch overflows once, is re-run, and nothing is lost or
// duplicated; a chunked list (chunks of 3 blocks = 24 entries) gives the same matches.
TEST_P(HammingReplay, OverflowReRunAndChunksLoseNothing) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed + 1));
  const auto data = test::makePlanted(kSeed + 1, c.type, 517, 9, c.dihedral);
  auto cpu = makeCpuMatcher(data.list);
  for (int t : {31, c.type == HashType::Pdq ? 256 : 64}) {
    SCOPED_TRACE("threshold " + std::to_string(t));
    const auto want = cpu->range(data.queries, t);
    ReplayMatcher tiny(data.list, {132, 0, 7, c.partialExit});
    expectSameMatches(tiny.range(data.queries, t), want);
    EXPECT_EQ(tiny.stats.reruns, 1);
    EXPECT_EQ(tiny.stats.launches, 2);
    ReplayMatcher chunked(data.list, {132, 3, 16, c.partialExit});
    expectSameMatches(chunked.range(data.queries, t), want);
    EXPECT_GT(chunked.stats.launches, 20);
    if (t != 31) {
      EXPECT_GT(chunked.stats.reruns, 0);  // every pair is a hit: chunks overflow
    }
  }
}

// Top-k through the histogram pass, the k-th distance and the range pass, ties included.
TEST_P(HammingReplay, TopKEqualsCpuMatcher) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed + 2));
  const auto data = test::makePlanted(kSeed + 2, c.type, 700, 9, c.dihedral);
  auto cpu = makeCpuMatcher(data.list);
  for (size_t chunkBlocks : {size_t{0}, size_t{5}}) {
    ReplayMatcher gpu(data.list, {132, chunkBlocks, 1u << 20, c.partialExit});
    for (int k : {1, 10, 300, kMaxTopK}) {
      SCOPED_TRACE("k " + std::to_string(k) + ", chunkBlocks " + std::to_string(chunkBlocks));
      expectSameMatches(gpu.topK(data.queries, k), cpu->topK(data.queries, k));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, HammingReplay,
                         testing::Values(Case{HashType::Pdq, true, true},
                                         Case{HashType::Pdq, true, false},
                                         Case{HashType::Pdq, false, true},
                                         Case{HashType::Phash, true, false},
                                         Case{HashType::Phash, false, false}),
                         caseName);

TEST(HammingGrid, RowSlicesCoverEveryRowOnceWithinCudaLimits) {
  for (uint32_t entries : {1u, 1023u, 1024u, 1025u, 10'000'000u})
    for (uint32_t rows : {1u, 255u, 256u, 257u, 8000u, 5'000'000u})
      for (int sm : {1, 78, 132}) {
        const RangeGrid g = rangeGrid(entries, rows, sm);
        ASSERT_GE(g.y, 1u);
        ASSERT_LE(g.y, kMaxGridY);
        EXPECT_GE(uint64_t(g.y) * g.rowsPerSlice, rows);      // every row in some slice
        EXPECT_LT(uint64_t(g.y - 1) * g.rowsPerSlice, rows);  // no empty slice
        EXPECT_EQ(uint64_t(g.x) * kEntriesPerBlock >= entries, true);
      }
}

TEST(HammingGrid, KthDistance) {
  uint32_t hist[kHistogramBins] = {};
  hist[3] = 2;
  hist[7] = 5;
  EXPECT_EQ(kthDistance(hist, 1), 3);
  EXPECT_EQ(kthDistance(hist, 2), 3);
  EXPECT_EQ(kthDistance(hist, 3), 7);
  EXPECT_EQ(kthDistance(hist, 7), 7);
  EXPECT_EQ(kthDistance(hist, 8), kHistogramBins - 1);  // fewer entries than k
}

}  // namespace
}  // namespace hashsieve::cuda
