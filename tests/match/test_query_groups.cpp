// The CUDA matcher's out-of-memory back-off (host/match/query_groups.hpp), driven by a stand-in
// that runs out of memory above a group size: every query runs exactly once, in order, groups
// halve until they fit and stay halved, and a single query that never fits is an error.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <vector>

#include "host/match/query_groups.hpp"

namespace hashsieve::detail {
namespace {

// Queries [begin, begin + n) "fit" when n <= fits; others throw as a full budget does.
struct Device {
  size_t fits;
  std::vector<size_t> done;  // every query, once per successful group
  std::vector<size_t> attempts;
  void operator()(size_t begin, size_t n) {
    attempts.push_back(n);
    if (n > fits) throw OutOfDeviceMemory("budget");
    for (size_t q = begin; q < begin + n; ++q) done.push_back(q);
  }
};

std::vector<size_t> upTo(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

TEST(QueryGroups, EverythingFitsInOneGroup) {
  Device d{SIZE_MAX, {}, {}};
  EXPECT_EQ(forEachQueryGroup(37, SIZE_MAX, std::ref(d)), SIZE_MAX);
  EXPECT_EQ(d.done, upTo(37));
  EXPECT_EQ(d.attempts, std::vector<size_t>{37});
}

TEST(QueryGroups, GroupsHalveUntilTheyFitAndStayHalved) {
  Device d{5, {}, {}};
  const size_t limit = forEachQueryGroup(23, 4096, std::ref(d));
  EXPECT_EQ(d.done, upTo(23));  // each query once, in order
  EXPECT_EQ(limit, 5u);         // 23 -> 11 -> 5, then kept
  EXPECT_EQ(d.attempts, (std::vector<size_t>{23, 11, 5, 5, 5, 5, 3}));
  // The next call starts from the size that worked.
  Device again{5, {}, {}};
  EXPECT_EQ(forEachQueryGroup(7, limit, std::ref(again)), 5u);
  EXPECT_EQ(again.attempts, (std::vector<size_t>{5, 2}));
}

TEST(QueryGroups, ASingleQueryThatDoesNotFitIsAnError) {
  Device d{0, {}, {}};
  EXPECT_THROW(forEachQueryGroup(6, 6, std::ref(d)), OutOfDeviceMemory);
  EXPECT_TRUE(d.done.empty());
  EXPECT_EQ(d.attempts, (std::vector<size_t>{6, 3, 1}));
}

TEST(QueryGroups, OtherErrorsAreNotRetried) {
  size_t calls = 0;
  EXPECT_THROW(forEachQueryGroup(8, 8,
                                 [&](size_t, size_t) {
                                   ++calls;
                                   throw std::runtime_error("kernel failed");
                                 }),
               std::runtime_error);
  EXPECT_EQ(calls, 1u);
}

TEST(QueryGroups, NoQueriesNoCalls) {
  Device d{1, {}, {}};
  EXPECT_EQ(forEachQueryGroup(0, 9, std::ref(d)), 9u);
  EXPECT_TRUE(d.attempts.empty());
}

}  // namespace
}  // namespace hashsieve::detail
