// Exactness of the CUDA matcher: range results equal, as sets, the brute-force oracle on lists
// with planted neighbours at every distance (thresholds at the edges), with and without
// dihedral variants; top-k with ties as sets; hit-buffer overflow and chunked lists lose
// nothing; large batches equal the CPU matcher. Skips without a device (gpu_test_support.hpp).
#include <gtest/gtest.h>

#include <map>

#include "host/match/cpu_matcher.hpp"
#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_resources.hpp"
#include "tests/gpu_test_support.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve {
namespace {

using test::asSet;
using test::makePlanted;
using test::oracleRange;
using test::oracleTable;

constexpr uint64_t kSeed = 777;

using Case = test::MatchCase;

class CudaMatcherExact : public test::GpuTestWithParam<Case> {};

TEST_P(CudaMatcherExact, RangeEqualsOracleAtEveryThreshold) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  auto data = makePlanted(kSeed, c.type, 3001, 6, c.dihedral);
  const auto table = oracleTable(data.list, data.queries);
  CudaMatcherOptions opts;
  opts.partialDistanceExit = c.partialExit;
  auto matcher = cuda::makeCudaMatcher(data.list, opts);
  const int bits = wordsPerHash(c.type) * 64;
  for (int t : {0, 1, 10, 11, 31, 32, 47, 48, 63, 64, bits}) {
    SCOPED_TRACE("threshold " + std::to_string(t));
    const auto got = matcher->range(data.queries, t);
    EXPECT_EQ(asSet(got), oracleRange(table, t));
    EXPECT_EQ(asSet(got).size(), got.size());
    EXPECT_TRUE(test::sortedByQueryDistanceEntry(got));
  }
}

TEST_P(CudaMatcherExact, TopKEqualsCpuAndOracle) {
  const Case c = GetParam();
  auto data = makePlanted(kSeed + 1, c.type, 2500, 5, c.dihedral);
  const auto table = oracleTable(data.list, data.queries);
  auto gpu = cuda::makeCudaMatcher(data.list);
  auto cpu = makeCpuMatcher(data.list, {1, CpuIsa::Scalar});
  for (int k : {1, 7, 100, kMaxTopK}) {
    SCOPED_TRACE("k " + std::to_string(k));
    const auto got = gpu->topK(data.queries, k);
    // Ties as sets: same distances in order, right distance and transform per entry...
    std::map<uint32_t, std::vector<Match>> perQuery;
    for (const Match& m : got) perQuery[m.query].push_back(m);
    for (uint32_t q = 0; q < data.queries.size(); ++q) {
      std::vector<int> all;
      for (const auto& cell : table[q]) all.push_back(cell.distance);
      std::sort(all.begin(), all.end());
      const auto& mine = perQuery[q];
      ASSERT_EQ(mine.size(), std::min<size_t>(k, data.list.size()));
      for (size_t i = 0; i < mine.size(); ++i) {
        EXPECT_EQ(mine[i].distance, all[i]);
        EXPECT_EQ(mine[i].distance, table[q][mine[i].entry].distance);
        EXPECT_EQ(mine[i].transform, table[q][mine[i].entry].variant);
      }
    }
    // ...and the documented tie rule makes it identical to the CPU backend's.
    EXPECT_EQ(got, cpu->topK(data.queries, k));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cuda, CudaMatcherExact,
    testing::Values(Case{HashType::Pdq, false, true}, Case{HashType::Pdq, true, true},
                    Case{HashType::Pdq, false, false}, Case{HashType::Pdq, true, false},
                    Case{HashType::Phash, false, true}, Case{HashType::Phash, true, true}),
    [](const auto& info) { return test::matchCaseName(info.param); });

class CudaMatcher : public test::GpuTest {};

TEST_F(CudaMatcher, HitBufferOverflowLosesNothing) {
  auto data = makePlanted(kSeed + 2, HashType::Pdq, 1000, 4, true);
  const auto table = oracleTable(data.list, data.queries);
  CudaMatcherOptions opts;
  opts.initialHitCapacity = 1;  // every launch overflows at first
  auto matcher = cuda::makeCudaMatcher(data.list, opts);
  for (int t : {31, 130, 256})
    EXPECT_EQ(asSet(matcher->range(data.queries, t)), oracleRange(table, t));
}

// The list, query and hit buffers are reserved from the device's one budget (CudaResources),
// the hit buffer's growth included, and given back when the matcher goes.
TEST_F(CudaMatcher, BuffersComeFromTheDeviceBudget) {
  auto data = makePlanted(kSeed + 4, HashType::Pdq, 1000, 4, true);
  const auto table = oracleTable(data.list, data.queries);
  const std::shared_ptr<cuda::CudaResources> res = cuda::CudaResources::forDevice(0);
  const size_t before = res->availableBytes();
  {
    CudaMatcherOptions opts;
    opts.initialHitCapacity = 1;
    auto matcher = cuda::makeCudaMatcher(data.list, opts);
    const size_t made = before - res->availableBytes();
    EXPECT_GT(made, 0u);
    // Threshold 256: every entry is a hit for every variant, so the hit buffer grows.
    EXPECT_EQ(asSet(matcher->range(data.queries, 256)), oracleRange(table, 256));
    EXPECT_GT(before - res->availableBytes(), made);
  }
  EXPECT_EQ(res->availableBytes(), before);
}

TEST_F(CudaMatcher, ChunkedListEqualsOracle) {
  auto data = makePlanted(kSeed + 3, HashType::Pdq, 3000, 4, true);
  const auto table = oracleTable(data.list, data.queries);
  CudaMatcherOptions opts;
  opts.maxListBytes = 5 * 8 * 32;  // 5 blocks of 8 PDQ entries: ~100 chunks
  opts.initialHitCapacity = 16;
  auto matcher = cuda::makeCudaMatcher(data.list, opts);
  EXPECT_NE(matcher->name().find("chunked"), std::string::npos);
  for (int t : {0, 31, 64, 256})
    EXPECT_EQ(asSet(matcher->range(data.queries, t)), oracleRange(table, t));
  auto cpu = makeCpuMatcher(data.list, {1, CpuIsa::Scalar});
  for (int k : {1, 50, kMaxTopK})
    EXPECT_EQ(matcher->topK(data.queries, k), cpu->topK(data.queries, k));
}

TEST_F(CudaMatcher, LargeBatchesEqualCpu) {
  // 100,000 dihedral queries against a small list (query-sliced grid), and 1,000 queries
  // against 200,000 entries (entry-sliced grid); planted neighbours make real hits.
  for (auto [entries, queries] : {std::pair<size_t, size_t>{2000, 100000}, {200000, 1000}}) {
    SCOPED_TRACE(std::to_string(queries) + " queries x " + std::to_string(entries) + " entries");
    std::mt19937_64 rng(kSeed + entries);
    ListBuilder b(HashType::Pdq);
    std::vector<MatchQuery> q(queries);
    for (auto& mq : q) {
      mq.variantMask = 0xff;
      for (auto& v : mq.variants) v = test::randomHash(rng, HashType::Pdq);
    }
    for (size_t i = 0; i < entries; ++i) {
      const auto& src = q[rng() % queries].variants[rng() % kDihedralCount];
      b.add(i % 2 ? test::randomHash(rng, HashType::Pdq)
                  : test::flipBits(src, static_cast<int>(rng() % 64), HashType::Pdq, rng),
            -1, std::to_string(i));
    }
    const HashList list = HashList::fromImage(b.build());
    auto gpu = cuda::makeCudaMatcher(list);
    auto cpu = makeCpuMatcher(list);
    for (int t : {31, 52}) EXPECT_EQ(gpu->range(q, t), cpu->range(q, t)) << "threshold " << t;
    // Top-k: on the small list 5,000 queries, past one 4,096-query launch.
    const std::vector<MatchQuery> few(q.begin(), q.begin() + (entries < 10000 ? 5000 : 300));
    EXPECT_EQ(gpu->topK(few, 20), cpu->topK(few, 20));
  }
}

TEST_F(CudaMatcher, EmptyListAndNoQueries) {
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  auto m = cuda::makeCudaMatcher(list);
  std::vector<MatchQuery> q(3);
  EXPECT_TRUE(m->range(q, 31).empty());
  EXPECT_TRUE(m->topK(q, 5).empty());
  EXPECT_TRUE(m->range({}, 31).empty());
}

}  // namespace
}  // namespace hashsieve
