// Exactness of the CPU matcher at every dispatch level: range results equal, as sets, a
// brute-force oracle on lists with entries planted at every distance 0..bits (threshold edges
// included), with and without dihedral variants; top-k equal with ties handled as sets.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "host/core/errors.hpp"
#include "host/match/cpu_matcher.hpp"
#include "tests/match/match_test_data.hpp"

namespace hashsieve {
namespace {

using test::asSet;
using test::makePlanted;
using test::oracleRange;
using test::oracleTable;

constexpr uint64_t kSeed = 20240601;

std::vector<CpuIsa> supportedIsas() {
  std::vector<CpuIsa> out;
  for (CpuIsa isa : {CpuIsa::Scalar, CpuIsa::Avx2, CpuIsa::Avx512})
    if (detail::cpuIsaSupported(isa)) out.push_back(isa);
  return out;
}

struct Case {
  CpuIsa isa;
  HashType type;
  bool dihedral;
  int threads;
};

std::string caseName(const testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  return std::string(detail::cpuIsaName(c.isa)).substr(0, 6) + "_" + hashTypeName(c.type) +
         (c.dihedral ? "_dihedral" : "_plain") + "_t" + std::to_string(c.threads);
}

std::vector<Case> allCases() {
  std::vector<Case> out;
  for (CpuIsa isa : supportedIsas())
    for (HashType type : {HashType::Pdq, HashType::Phash})
      for (bool dihedral : {false, true})
        for (int threads : {1, 3}) out.push_back({isa, type, dihedral, threads});
  return out;
}

class CpuMatcherExact : public testing::TestWithParam<Case> {};

TEST_P(CpuMatcherExact, RangeEqualsOracleAtEveryThreshold) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  // 3001 random entries: not a multiple of 8 (padding lanes) and several 512-entry tiles.
  auto data = makePlanted(kSeed, c.type, 3001, 6, c.dihedral);
  const auto table = oracleTable(data.list, data.queries);
  auto matcher = makeCpuMatcher(data.list, {c.threads, c.isa});
  const int bits = wordsPerHash(c.type) * 64;
  std::vector<int> thresholds = {0, 1, 10, 11, 31, 32, 47, 48, 63, 64, bits};
  for (int t : thresholds) {
    SCOPED_TRACE("threshold " + std::to_string(t));
    const auto got = matcher->range(data.queries, t);
    EXPECT_EQ(asSet(got), oracleRange(table, t));
    EXPECT_EQ(asSet(got).size(), got.size()) << "a (query, entry) pair was reported twice";
    EXPECT_TRUE(test::sortedByQueryDistanceEntry(got));
  }
}

TEST_P(CpuMatcherExact, TopKEqualsOracleWithTiesAsSets) {
  const Case c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  auto data = makePlanted(kSeed + 1, c.type, 2500, 5, c.dihedral);
  const auto table = oracleTable(data.list, data.queries);
  auto matcher = makeCpuMatcher(data.list, {c.threads, c.isa});
  for (int k : {1, 7, 100, kMaxTopK}) {
    SCOPED_TRACE("k " + std::to_string(k));
    const auto got = matcher->topK(data.queries, k);
    EXPECT_TRUE(test::sortedByQueryDistanceEntry(got));
    std::map<uint32_t, std::vector<Match>> perQuery;
    for (const Match& m : got) perQuery[m.query].push_back(m);
    for (uint32_t q = 0; q < data.queries.size(); ++q) {
      const auto& mine = perQuery[q];
      ASSERT_EQ(mine.size(), std::min<size_t>(k, data.list.size()));
      // The oracle's k smallest distances (a multiset; which entry wins a tie is free here).
      std::vector<int> all;
      for (const auto& cell : table[q]) all.push_back(cell.distance);
      std::sort(all.begin(), all.end());
      std::set<uint32_t> entries;
      for (size_t i = 0; i < mine.size(); ++i) {
        EXPECT_EQ(mine[i].distance, all[i]);
        EXPECT_EQ(mine[i].distance, table[q][mine[i].entry].distance);
        EXPECT_EQ(mine[i].transform, table[q][mine[i].entry].variant);
        entries.insert(mine[i].entry);
      }
      EXPECT_EQ(entries.size(), mine.size());
      // Every entry strictly nearer than the k-th distance must be in.
      const int kth = all[mine.size() - 1];
      for (uint32_t e = 0; e < table[q].size(); ++e) {
        if (table[q][e].distance < kth) {
          EXPECT_TRUE(entries.count(e)) << "entry " << e;
        }
      }
      // The documented tie rule (lower entry index wins) makes the set exactly this one.
      for (const Match& m : mine) {
        if (m.distance != kth) continue;
        for (uint32_t e = 0; e < m.entry; ++e) {
          if (table[q][e].distance == kth) {
            EXPECT_TRUE(entries.count(e)) << "tie rule, entry " << e;
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllLevels, CpuMatcherExact, testing::ValuesIn(allCases()), caseName);

TEST(CpuMatcher, PaddingLanesNeverMatch) {
  // One entry far from zero: the 7 zero padding lanes of its block must not match a zero query.
  for (CpuIsa isa : supportedIsas()) {
    ListBuilder b(HashType::Pdq);
    Hash256 far;
    far.w[0] = far.w[1] = far.w[2] = far.w[3] = ~uint64_t{0};
    b.add(far, -1, "far");
    const HashList list = HashList::fromImage(b.build());
    std::vector<MatchQuery> q(1);  // all-zero hash
    auto m = makeCpuMatcher(list, {1, isa});
    EXPECT_TRUE(m->range(q, 0).empty()) << detail::cpuIsaName(isa);
    EXPECT_TRUE(m->range(q, 255).empty()) << detail::cpuIsaName(isa);
    const auto all = m->range(q, 256);
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].distance, 256);
    const auto top = m->topK(q, kMaxTopK);
    ASSERT_EQ(top.size(), 1u) << detail::cpuIsaName(isa);
    EXPECT_EQ(top[0].entry, 0u);
  }
}

TEST(CpuMatcher, EmptyListAndNoQueries) {
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  auto m = makeCpuMatcher(list);
  std::vector<MatchQuery> q(3);
  EXPECT_TRUE(m->range(q, 31).empty());
  EXPECT_TRUE(m->topK(q, 5).empty());
  EXPECT_TRUE(m->range({}, 31).empty());
}

TEST(CpuMatcher, RejectsBadArguments) {
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  auto m = makeCpuMatcher(list);
  std::vector<MatchQuery> q(1);
  EXPECT_THROW(m->range(q, -1), UsageError);
  EXPECT_THROW(m->range(q, 257), UsageError);
  EXPECT_THROW(m->topK(q, 0), UsageError);
  EXPECT_THROW(m->topK(q, kMaxTopK + 1), UsageError);
}

TEST(CpuMatcher, NameSaysLevelAndThreads) {
  const HashList list = HashList::fromImage(ListBuilder(HashType::Pdq).build());
  EXPECT_EQ(makeCpuMatcher(list, {2, CpuIsa::Scalar})->name(), "cpu-scalar x2");
}

}  // namespace
}  // namespace hashsieve
