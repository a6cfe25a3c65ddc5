// What one shard reads: its share of a --files-from list kept while streaming it,
// `hashsieve plan` chunks, and the shard index entry of an input with many records (archives).
// The reference in each case is the full walk filtered by the assignment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "host/core/errors.hpp"
#include "host/pipeline/files_from.hpp"
#include "host/pipeline/output_stream.hpp"
#include "host/pipeline/shard.hpp"
#include "host/pipeline/shard_index.hpp"
#include "host/pipeline/walk_plan.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::pipeline {
namespace {

namespace fs = std::filesystem;
using Seen = std::vector<std::tuple<uint64_t, std::string, bool>>;  // ordinal, path, ok

/// A backlog: two directories, loose files and names that do not exist, listed in `list`.
struct Backlog {
  fs::path dir;
  std::vector<std::string> roots;
  explicit Backlog(const std::string& name) : dir(fs::path(HASHSIEVE_BINARY_DIR) / name) {
    fs::remove_all(dir);
    fs::create_directories(dir / "d1" / "sub");
    fs::create_directories(dir / "d2");
    for (int i = 0; i < 30; ++i) {
      std::ofstream(dir / (i % 2 ? "d1/sub" : "d2") / ("f" + std::to_string(i))) << i;
      std::ofstream(dir / ("loose" + std::to_string(i))) << i;
    }
    for (int i = 0; i < 60; ++i) {
      if (i == 10) roots.push_back((dir / "d1").string());
      if (i == 40) roots.push_back((dir / "d2").string());
      roots.push_back((dir / (i % 2 ? "loose" : "missing") += std::to_string(i / 2)).string());
    }
    std::ofstream list(dir / "list.txt");
    for (const auto& r : roots) list << r << "\n";
  }
  /// What shard `s` of `n` hashes: the full walk's inputs it owns.
  Seen owned(uint32_t s, uint32_t n, uint64_t* walked) const {
    Seen seen;
    walkKeyed(
        roots, {},
        [&](InputItem&& item, uint64_t ordinal, std::string_view key) {
          if (shardOf(key, n) == s) seen.emplace_back(ordinal, item.path, item.ok);
          return true;
        },
        nullptr, walked);
    return seen;
  }
};

TEST(ShardInputs, ListShareWalksLikeTheWholeList) {
  const Backlog b("test_shard_inputs_list");
  for (uint32_t s = 0; s < 3; ++s) {
    uint64_t walkedAll = 0;
    const Seen want = b.owned(s, 3, &walkedAll);
    std::vector<std::string> roots;
    const std::vector<std::string> given;
    const PartialWalk partial =
        readShardPathList((b.dir / "list.txt").string(), false, {s, 3}, given, roots);
    // Kept while streaming: the directories and the names this shard owns (the split of the
    // names depends on the build dir's path, so the count is computed, not fixed).
    std::vector<std::string> keep;
    for (const auto& r : b.roots)
      if (fs::is_directory(r) || shardOf(r, 3) == s) keep.push_back(r);
    EXPECT_EQ(roots, keep) << "shard " << s;
    EXPECT_LT(roots.size(), b.roots.size()) << "shard " << s << " kept every root";
    EXPECT_EQ(partial.roots, b.roots.size());
    uint64_t fnv = kFnv1a64Offset;
    for (const auto& r : b.roots) fnv = fnv1a64(r + '\0', fnv);
    EXPECT_EQ(partial.rootsFnv, fnv);
    Seen got;
    uint64_t walked = 0;
    walkKeyed(
        roots, {},
        [&](InputItem&& item, uint64_t ordinal, std::string_view key) {
          if (shardOf(key, 3) == s) got.emplace_back(ordinal, item.path, item.ok);
          return true;
        },
        &partial, &walked);
    EXPECT_EQ(got, want) << "shard " << s;
    EXPECT_EQ(walked, walkedAll);
  }
}

TEST(ShardInputs, PlanChunksAreTheShardsInputs) {
  const Backlog b("test_shard_inputs_plan");
  const auto plan = [&](const std::string& out) {
    size_t next = 0;
    return writeWalkPlan(
        [&](std::string& root) {
          if (next == b.roots.size()) return false;
          root = b.roots[next++];
          return true;
        },
        {}, 4, (b.dir / out).string(), 64);  // a tiny buffer: several rounds of appends
  };
  const PlanSummary summary = plan("plan");
  plan("again");
  std::set<uint64_t> ordinals;
  for (uint32_t s = 0; s < 4; ++s) {
    const std::string chunk = "chunk-" + std::to_string(s) + ".txt";
    EXPECT_EQ(test::readText(b.dir / "plan" / chunk), test::readText(b.dir / "again" / chunk));
    uint64_t walked = 0;
    const Seen want = b.owned(s, 4, &walked);
    const PartialWalk part = readWalkPlanChunk((b.dir / "plan").string(), {s, 4}, false);
    EXPECT_EQ(part.walked, walked);
    EXPECT_EQ(summary.inputs[s], want.size());
    Seen got;
    walkKeyed(
        {}, {},
        [&](InputItem&& item, uint64_t ordinal, std::string_view) {
          got.emplace_back(ordinal, item.path, item.ok);
          EXPECT_TRUE(ordinals.insert(ordinal).second) << "ordinal " << ordinal << " twice";
          return true;
        },
        &part);
    EXPECT_EQ(got, want) << "chunk " << s;
  }
  EXPECT_EQ(ordinals.size(), summary.walked);  // every input in exactly one chunk
  EXPECT_THROW(readWalkPlanChunk((b.dir / "plan").string(), {0, 5}, false), UsageError);
  EXPECT_THROW(readWalkPlanChunk((b.dir / "plan").string(), {0, 4}, true), UsageError);
  // A chunk cut short is named, not read as a smaller shard.
  const fs::path cut = b.dir / "plan" / "chunk-1.txt";
  const std::string text = test::readText(cut);
  std::ofstream(cut, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() - 5);
  EXPECT_THROW(readWalkPlanChunk((b.dir / "plan").string(), {1, 4}, false), FormatError);
}

TEST(ShardInputs, RecordsOfOneInputShareOneIndexEntry) {
  // An archive's members and its own record share the archive's walk ordinal.
  const fs::path out = fs::path(HASHSIEVE_BINARY_DIR) / "test_shard_inputs_coalesce.txt";
  auto stream = OutputStream::open(out.string());
  ShardRecorder rec(*stream, true);
  rec.header("h\n");
  for (const char* r : {"m1\n", "m22\n", "arch\n", "x\n", "", "y1\n", "y2\n"}) rec.record(r);
  stream->commit();
  const ShardIndex x = rec.finish({4, 4, 4, 9, 12, 15, 15});
  ASSERT_EQ(x.records.size(), 4u);
  const std::vector<std::pair<uint64_t, uint64_t>> want = {{4, 12}, {9, 2}, {12, 0}, {15, 6}};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(std::make_pair(x.records[i].ordinal, x.records[i].bytes), want[i]) << i;
  EXPECT_EQ(x.outputBytes, 22u);
  EXPECT_THROW(rec.finish({4, 4}), std::logic_error);
}

}  // namespace
}  // namespace hashsieve::pipeline
