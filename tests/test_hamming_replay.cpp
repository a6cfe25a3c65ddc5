// The CUDA Hamming range kernel proved on the CPU: its host replay
// (tests/kernels/hamming_replay.hpp) with the CUDA matcher's chunking and hit-buffer overflow and
// re-run, checked for equality against the CPU matcher. Needs no GPU and no CUDA toolkit. Top-k:
// test_hamming_topk_replay.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/match/cpu_matcher.hpp"
#include "tests/kernels/hamming_replay.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::cuda::replay {
namespace {

using Case = test::MatchCase;

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

INSTANTIATE_TEST_SUITE_P(Variants, HammingReplay,
                         testing::Values(Case{HashType::Pdq, true, true},
                                         Case{HashType::Pdq, true, false},
                                         Case{HashType::Pdq, false, true},
                                         Case{HashType::Phash, true, false},
                                         Case{HashType::Phash, false, false}),
                         [](const auto& info) { return test::matchCaseName(info.param); });

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

}  // namespace
}  // namespace hashsieve::cuda::replay
