// The CUDA one-pass top-k kernel proved on the CPU: its host replay (every phase of every thread
// of every block, tests/kernels/hamming_replay.hpp) and the host merge of the blocks' partial
// results, checked bit for bit against the CPU matcher: k = 1/10/300/1024, k beyond the list,
// ties at the cut, the largest distance at the cut, ragged last steps, several query groups
// (gridDim.y) and blocks per group (gridDim.x), chunked lists, dihedral queries. Needs no GPU.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "host/match/cpu_matcher.hpp"
#include "tests/kernels/hamming_replay.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve::cuda::replay {
namespace {

using Case = test::MatchCase;

class HammingTopKReplay : public testing::TestWithParam<Case> {};

constexpr uint64_t kSeed = 20261204;

// Planted neighbours at every distance, 9 queries: 2..5 query groups (gridDim.y) by k; with one
// SM several grid-stride steps per block, with 132 SMs up to 12 blocks per group; resident and
// chunked (5 blocks of 8 entries) lists.
TEST_P(HammingTopKReplay, EqualsCpuMatcher) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  const auto data = test::makePlanted(kSeed, c.type, 700, 9, c.dihedral);
  auto cpu = makeCpuMatcher(data.list);
  for (int smCount : {1, 132})
    for (size_t chunkBlocks : {size_t{0}, size_t{5}}) {
      ReplayMatcher gpu(data.list, {smCount, chunkBlocks});
      for (int k : {1, 10, 300, kMaxTopK}) {
        SCOPED_TRACE("k " + std::to_string(k) + ", smCount " + std::to_string(smCount) +
                     ", chunkBlocks " + std::to_string(chunkBlocks));
        expectSameMatches(gpu.topK(data.queries, k), cpu->topK(data.queries, k));
      }
      EXPECT_GT(gpu.stats.topKMaxGridY, 1u);
      EXPECT_GT(gpu.stats.topKTightened, 0);
      EXPECT_TRUE(gpu.stats.topKRaggedStep);
      if (chunkBlocks == 0) {
        EXPECT_GT(smCount == 1 ? gpu.stats.topKMaxSteps : gpu.stats.topKMaxGridX, 1u);
      }
    }
}

// Fewer entries (37: one ragged step) than k: every entry, in the CPU's order.
TEST_P(HammingTopKReplay, KBeyondTheListReturnsEveryEntry) {
  const Case c = GetParam();
  std::mt19937_64 rng(kSeed + 1);
  SCOPED_TRACE("seed " + std::to_string(kSeed + 1));
  std::vector<MatchQuery> queries(3);
  for (auto& q : queries) {
    q.variantMask = c.dihedral ? 0xff : 0x01;
    for (auto& v : q.variants) v = test::randomHash(rng, c.type);
  }
  ListBuilder builder(c.type);
  for (int i = 0; i < 37; ++i) {
    const Hash256& near = queries[i % 3].variants[c.dihedral ? rng() % kDihedralCount : 0];
    builder.add(i % 2 ? test::randomHash(rng, c.type) : test::flipBits(near, i, c.type, rng), -1,
                std::to_string(i));
  }
  const HashList list = HashList::fromImage(builder.build());
  auto cpu = makeCpuMatcher(list);
  ReplayMatcher gpu(list, {});
  for (int k : {300, kMaxTopK}) {
    const auto want = cpu->topK(queries, k);
    EXPECT_EQ(want.size(), queries.size() * list.size());
    expectSameMatches(gpu.topK(queries, k), want);
  }
  EXPECT_TRUE(gpu.stats.topKRaggedStep);
}

INSTANTIATE_TEST_SUITE_P(Variants, HammingTopKReplay,
                         testing::Values(Case{HashType::Pdq, true, true},
                                         Case{HashType::Pdq, false, true},
                                         Case{HashType::Phash, true, false},
                                         Case{HashType::Phash, false, false}),
                         [](const auto& info) { return test::matchCaseName(info.param); });

// Ties at the cut: 100 entries nearer than `cut` and 700 at exactly `cut` from query 0, spread
// over the list, so k = 300 ends inside the tie; the lower entry indices must win, in every block
// and in the merge. With dihedral queries all 8 variants are equal, so every entry also ties
// between variants (the lowest wins). Query 1 is unrelated (its ties fall where they fall).
struct TieCase {
  HashType type;
  bool dihedral;
  int cut;
};

class HammingTopKTies : public testing::TestWithParam<TieCase> {};

TEST_P(HammingTopKTies, TiesAtTheCutGoToTheLowerEntry) {
  const TieCase c = GetParam();
  constexpr int kNear = 100, kTied = 700;
  const uint64_t seed = kSeed + 2 + static_cast<uint64_t>(c.cut);
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::vector<MatchQuery> queries(2);
  for (auto& q : queries) {
    q.variantMask = c.dihedral ? 0xff : 0x01;
    const Hash256 h = test::randomHash(rng, c.type);
    for (auto& v : q.variants) v = h;
  }
  ListBuilder builder(c.type);  // sorts by hash: the tied entries land all over the list
  for (int i = 0; i < kNear + kTied; ++i) {
    const int d = i < kNear ? static_cast<int>(rng() % c.cut) : c.cut;
    builder.add(test::flipBits(queries[0].variants[0], d, c.type, rng), -1, std::to_string(i));
  }
  const HashList list = HashList::fromImage(builder.build());
  auto cpu = makeCpuMatcher(list);
  for (int smCount : {1, 132}) {
    ReplayMatcher gpu(list, {smCount});
    for (int k : {1, 10, 300, kMaxTopK}) {
      SCOPED_TRACE("k " + std::to_string(k) + ", smCount " + std::to_string(smCount));
      const auto want = cpu->topK(queries, k);
      expectSameMatches(gpu.topK(queries, k), want);
      if (k == 300) {  // the data does put the cut inside the tie
        ASSERT_GE(want.size(), size_t(k));
        EXPECT_EQ(want[k - 1].query, 0u);
        EXPECT_EQ(want[k - 1].distance, c.cut);
        EXPECT_EQ(want[k].query, 1u);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cuts, HammingTopKTies,
                         testing::Values(TieCase{HashType::Pdq, false, 31},
                                         TieCase{HashType::Pdq, true, 31},
                                         TieCase{HashType::Pdq, false, 128},
                                         TieCase{HashType::Phash, true, 31},
                                         TieCase{HashType::Phash, false, 20}),
                         [](const auto& info) {
                           return std::string(hashTypeName(info.param.type)) +
                                  (info.param.dihedral ? "_dihedral_" : "_plain_") +
                                  std::to_string(info.param.cut);
                         });

// The extremes: a list holds each hash once, so entries tie at distance 0 only through
// different variants. Query 0 (8 distinct variants) has each variant in the list: 8 entries at
// distance 0, cut inside by k = 3; query 1 (plain) has its complement in the list: the largest
// distance (256 or 64) is the cut when k is the list's size.
TEST(HammingTopKExtremes, ZeroDistanceTiesAndTheLargestDistance) {
  for (HashType type : {HashType::Pdq, HashType::Phash}) {
    SCOPED_TRACE(hashTypeName(type));
    std::mt19937_64 rng(kSeed + 3);
    std::vector<MatchQuery> queries(2);
    queries[0].variantMask = 0xff;
    for (auto& v : queries[0].variants) v = test::randomHash(rng, type);
    queries[1].variants[0] = test::randomHash(rng, type);
    const int bits = wordsPerHash(type) * 64;
    ListBuilder builder(type);
    for (const Hash256& v : queries[0].variants) builder.add(v, -1, "variant");
    builder.add(test::flipBits(queries[1].variants[0], bits, type, rng), -1, "complement");
    for (int i = 0; i < 300; ++i) builder.add(test::randomHash(rng, type), -1, "random");
    const HashList list = HashList::fromImage(builder.build());
    auto cpu = makeCpuMatcher(list);
    ReplayMatcher gpu(list, {});
    for (int k : {1, 3, 8, 10, int(list.size())}) {
      SCOPED_TRACE("k " + std::to_string(k));
      const auto want = cpu->topK(queries, k);
      expectSameMatches(gpu.topK(queries, k), want);
      if (k == 3) {
        EXPECT_EQ(want[2].distance, 0);
      }
      if (k == int(list.size())) {
        EXPECT_EQ(want.back().distance, bits);
      }
    }
  }
}

TEST(HammingTopKGrid, GroupsCoverEveryQueryWithinLimits) {
  for (uint32_t k : {1u, 10u, 300u, 1024u})
    for (int words : {1, 4})
      for (uint32_t queries : {1u, 9u, 4096u})
        for (uint32_t entries : {1u, 255u, 256u, 257u, 10'000'000u})
          for (int sm : {1, 132}) {
            const TopKGrid g = topKGrid(entries, queries, k, words, sm);
            ASSERT_GE(g.y, 1u);
            ASSERT_LE(g.y, kMaxGridY);
            EXPECT_GE(uint64_t(g.y) * g.queriesPerBlock, queries);      // every query in a group
            EXPECT_LT(uint64_t(g.y - 1) * g.queriesPerBlock, queries);  // no empty group
            EXPECT_LE(g.queriesPerBlock, uint32_t(kTopKMaxQueries));
            EXPECT_LE(g.sharedBytes, kTopKSharedBudget);
            EXPECT_GE(g.x, 1u);
            EXPECT_LT(uint64_t(g.x - 1) * kThreads, entries);  // every block has a first step
          }
}

TEST(HammingTopKGrid, KeysOrderByDistanceThenEntry) {
  EXPECT_LT(topKKey(3, 900, 7), topKKey(4, 0, 0));
  EXPECT_LT(topKKey(4, 5, 7), topKKey(4, 6, 0));
  EXPECT_LT(topKKey(256, 0xffffffffu, 7), kNoKey);
  const uint64_t key = topKKey(256, 0xfffffffeu, 5);
  EXPECT_EQ(keyDistance(key), 256u);
  EXPECT_EQ(keyEntry(key), 0xfffffffeu);
  EXPECT_EQ(keyRow(key), 5u);
}

}  // namespace
}  // namespace hashsieve::cuda::replay
