// Sharding: the assignment's balance and stability, --shard parsing from Slurm and
// Kubernetes environments, name templating, shard indexes, and merge on hand-made shards.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/pipeline/shard.hpp"
#include "host/pipeline/shard_index.hpp"
#include "host/pipeline/shard_merge.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::pipeline {
namespace {

namespace fs = std::filesystem;

/// Paths shaped like a real backlog: nested dirs, similar names differing in a digit or two.
std::vector<std::string> syntheticPaths(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> paths;
  for (size_t i = 0; i < n; ++i)
    paths.push_back("case" + std::to_string(rng() % 50) + "/dev" + std::to_string(rng() % 7) +
                    "/DCIM/IMG_" + std::to_string(i) + (i % 3 ? ".jpg" : ".mp4"));
  return paths;
}

TEST(ShardAssignment, Fnv1aKnownValues) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

class ShardBalance : public ::testing::TestWithParam<uint32_t> {};

// A uniform assignment of 100k paths: up to 16 shards every shard is within 3% of the mean; for
// more shards the binomial noise alone (sd = sqrt(mean)) exceeds that, so the bound is 4.5 sd
// per shard plus a chi-square test of the whole histogram (about 4 sd above its mean N - 1).
TEST_P(ShardBalance, UniformOver100kPaths) {
  const uint32_t n = GetParam();
  const uint32_t seed = 13;
  const auto paths = syntheticPaths(100'000, seed);
  std::vector<size_t> count(n, 0);
  for (const auto& p : paths) ++count[shardOf(p, n)];
  const double mean = double(paths.size()) / n;
  const double bound = n <= 16 ? 0.03 : 4.5 / std::sqrt(mean);
  double worst = 0, chi2 = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const double dev = std::abs(double(count[i]) - mean) / mean;
    worst = std::max(worst, dev);
    chi2 += (double(count[i]) - mean) * (double(count[i]) - mean) / mean;
    EXPECT_LT(dev, bound) << "shard " << i << " of " << n << " has " << count[i] << " (mean "
                          << mean << ", seed " << seed << ")";
  }
  EXPECT_LT(chi2, (n - 1) + 4 * std::sqrt(2.0 * (n - 1))) << "seed " << seed;
  std::printf("%u shards: largest deviation from the mean %.2f%%, chi-square %.1f (df %u)\n", n,
              100 * worst, chi2, n - 1);
}

INSTANTIATE_TEST_SUITE_P(Counts, ShardBalance, ::testing::Values(2u, 4u, 7u, 16u, 64u));

TEST(ShardAssignment, AddingFilesMovesNoExistingFile) {
  const auto before = syntheticPaths(20'000, 5);
  std::map<std::string, uint32_t> owner;
  for (const auto& p : before) owner[p] = shardOf(p, 8);
  auto after = before;
  for (const auto& p : syntheticPaths(5'000, 6)) after.push_back("new/" + p);
  for (const auto& p : after)
    if (owner.count(p)) {
      EXPECT_EQ(shardOf(p, 8), owner[p]) << p;
    }
}

TEST(ShardAssignment, KeyIsThePathBelowItsRoot) {
  EXPECT_EQ(shardKey("/data/in", "/data/in/a/b.jpg"), "a/b.jpg");
  EXPECT_EQ(shardKey("/data/in/", "/data/in/a/b.jpg"), "a/b.jpg");
  EXPECT_EQ(shardKey("/data/in/x.jpg", "/data/in/x.jpg"), "/data/in/x.jpg");
  EXPECT_EQ(shardKey("/data/in", "/data/input/x.jpg"), "/data/input/x.jpg");
  // The same tree mounted elsewhere keeps its assignment.
  EXPECT_EQ(shardOf(shardKey("/mnt/a", "/mnt/a/p/q.png"), 10),
            shardOf(shardKey("/srv/backlog", "/srv/backlog/p/q.png"), 10));
}

TEST(ShardAssignment, WalkKeyedNumbersEveryInputAcrossRoots) {
  const fs::path dir = fs::path(HASHSIEVE_BINARY_DIR) / "test_shard_walk";
  fs::remove_all(dir);
  fs::create_directories(dir / "r1" / "sub");
  for (const char* f : {"r1/b", "r1/a", "r1/sub/c", "loose"}) std::ofstream(dir / f) << "x";
  std::vector<std::pair<uint64_t, std::string>> seen;
  walkKeyed({(dir / "r1").string(), (dir / "loose").string()}, {},
            [&](InputItem&&, uint64_t ordinal, std::string_view key) {
              seen.emplace_back(ordinal, std::string(key));
              return true;
            });
  const std::vector<std::pair<uint64_t, std::string>> want = {
      {0, "a"}, {1, "b"}, {2, "sub/c"}, {3, (dir / "loose").string()}};
  EXPECT_EQ(seen, want);
}

using Env = std::map<std::string, std::string>;
EnvLookup lookup(const Env& env) {
  return [env](const std::string& k) -> std::optional<std::string> {
    const auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(ShardParse, Explicit) {
  EXPECT_EQ(parseShard("3/8", lookup({})), (ShardSpec{3, 8}));
  EXPECT_EQ(parseShard("0/1", lookup({})), (ShardSpec{0, 1}));
  for (const char* bad : {"8/8", "1/0", "-1/4", "1", "a/4", "1/4x", "", "/4", "1/", "auto/0"})
    EXPECT_THROW(parseShard(bad, lookup({})), UsageError) << bad;
}

TEST(ShardParse, SlurmArray) {
  EXPECT_EQ(parseShard("auto", lookup({{"SLURM_ARRAY_TASK_ID", "2"},
                                       {"SLURM_ARRAY_TASK_COUNT", "4"},
                                       {"SLURM_ARRAY_TASK_MIN", "0"},
                                       {"SLURM_ARRAY_TASK_MAX", "3"}})),
            (ShardSpec{2, 4}));
  // --array=1-4: ids shift down to 0-based shard indices.
  EXPECT_EQ(parseShard("auto", lookup({{"SLURM_ARRAY_TASK_ID", "4"},
                                       {"SLURM_ARRAY_TASK_MIN", "1"},
                                       {"SLURM_ARRAY_TASK_MAX", "4"}})),
            (ShardSpec{3, 4}));
  EXPECT_EQ(
      parseShard("auto/4", lookup({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
      (ShardSpec{1, 4}));
  EXPECT_EQ(parseShard("auto/6", lookup({{"SLURM_ARRAY_TASK_ID", "5"}})), (ShardSpec{5, 6}));
}

TEST(ShardParse, SlurmInconsistentIsAUsageError) {
  const std::vector<Env> bad = {
      {{"SLURM_ARRAY_TASK_ID", "1"}},  // no count anywhere
      {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}},
      // --array=0-15:4: four tasks over ids 0..15
      {{"SLURM_ARRAY_TASK_ID", "4"},
       {"SLURM_ARRAY_TASK_COUNT", "4"},
       {"SLURM_ARRAY_TASK_MIN", "0"},
       {"SLURM_ARRAY_TASK_MAX", "12"}},
      {{"SLURM_ARRAY_TASK_ID", "9"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_MAX", "3"}},
      {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}},
      {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "0"}},  // MAX missing
      {{"SLURM_ARRAY_TASK_ID", "1"},
       {"JOB_COMPLETION_INDEX", "1"},
       {"SLURM_ARRAY_TASK_COUNT", "4"}},
  };
  for (const Env& e : bad) EXPECT_THROW(parseShard("auto", lookup(e)), UsageError);
  EXPECT_THROW(
      parseShard("auto/5", lookup({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
      UsageError);
}

TEST(ShardParse, KubernetesIndexedJob) {
  EXPECT_EQ(parseShard("auto/10", lookup({{"JOB_COMPLETION_INDEX", "7"}})), (ShardSpec{7, 10}));
  EXPECT_THROW(parseShard("auto", lookup({{"JOB_COMPLETION_INDEX", "7"}})), UsageError);
  EXPECT_THROW(parseShard("auto/5", lookup({{"JOB_COMPLETION_INDEX", "7"}})), UsageError);
  EXPECT_THROW(parseShard("auto/5", lookup({{"JOB_COMPLETION_INDEX", ""}})), UsageError);
}

TEST(ShardParse, NoSchedulerIsAUsageError) {
  EXPECT_THROW(parseShard("auto", lookup({})), UsageError);
  EXPECT_THROW(parseShard("auto/4", lookup({})), UsageError);
}

TEST(ShardTemplate, Expands) {
  EXPECT_EQ(expandShardTemplate("out.%i.jsonl", 12), "out.12.jsonl");
  EXPECT_EQ(expandShardTemplate("100%%/%i/%x%", 3), "100%/3/%x%");
}

/// A shard set made by hand: the records of an unsharded output assigned round-robin.
struct FakeRun {
  fs::path dir;
  std::string header = "h1,h2\n";
  std::vector<std::string> records;
  std::vector<std::string> outputs;

  FakeRun(const std::string& name, uint32_t shards, size_t n) {
    dir = fs::path(HASHSIEVE_BINARY_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (size_t g = 0; g < n; ++g)
      records.push_back(g % 5 == 0 ? std::string() : "rec" + std::to_string(g) + "\n");
    for (uint32_t s = 0; s < shards; ++s) {
      const std::string out = (dir / ("out." + std::to_string(s))).string();
      auto stream = OutputStream::open(out);
      ShardRecorder rec(*stream, true);
      rec.header(header);
      std::vector<uint64_t> ordinals;
      for (size_t g = s; g < n; g += shards) {
        rec.record(records[g]);
        ordinals.push_back(g);
      }
      stream->commit();
      ShardIndex x = rec.finish(ordinals);
      x.command = "hash";
      x.fingerprint = "fp";
      x.shard = s;
      x.shards = shards;
      x.walked = n;
      writeShardIndex(x, shardIndexPath(out));
      outputs.push_back(out);
    }
  }
  std::string unsharded() const {
    std::string all = header;
    for (const auto& r : records) all += r;
    return all;
  }
  std::string merge(const std::vector<std::string>& outs) const {
    const std::string merged = (dir / "merged").string();
    auto out = OutputStream::open(merged);
    mergeShardOutputs(checkShardSet(outs), *out);
    out->commit();
    return test::readText(merged);
  }
};

TEST(ShardMerge, InterleavesIntoTheUnshardedBytes) {
  FakeRun run("test_shard_merge_ok", 3, 40);
  EXPECT_EQ(run.merge({run.outputs[2], run.outputs[0], run.outputs[1]}), run.unsharded());
  const ShardIndex x = readShardIndex(shardIndexPath(run.outputs[1]));
  EXPECT_EQ(x.shard, 1u);
  EXPECT_EQ(x.records.size(), 13u);
  EXPECT_EQ(x.records[1].ordinal, 4u);
}

TEST(ShardMerge, RefusesMissingAndDuplicateShards) {
  FakeRun run("test_shard_merge_set", 3, 20);
  try {
    run.merge({run.outputs[0], run.outputs[2]});
    ADD_FAILURE() << "a missing shard was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("shard 1 of 3 is missing"), std::string::npos) << e.what();
  }
  fs::copy_file(run.outputs[1], run.dir / "copy");
  fs::copy_file(shardIndexPath(run.outputs[1]), run.dir / "copy.shard");
  try {
    run.merge({run.outputs[0], run.outputs[1], (run.dir / "copy").string(), run.outputs[2]});
    ADD_FAILURE() << "a duplicate shard was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate shard 1"), std::string::npos) << e.what();
  }
}

TEST(ShardMerge, RefusesOtherOptionsAndOtherWalks) {
  FakeRun a("test_shard_merge_a", 2, 10);
  FakeRun b("test_shard_merge_b", 2, 10);
  ShardIndex x = readShardIndex(shardIndexPath(b.outputs[1]));
  x.fingerprint = "other";
  writeShardIndex(x, shardIndexPath(b.outputs[1]));
  EXPECT_THROW(a.merge({a.outputs[0], b.outputs[1]}), UsageError);
  x.fingerprint = "fp";
  x.walked = 11;
  writeShardIndex(x, shardIndexPath(b.outputs[1]));
  EXPECT_THROW(a.merge({a.outputs[0], b.outputs[1]}), UsageError);
}

TEST(ShardMerge, RefusesTruncatedOrModifiedOutputsAndIndexes) {
  FakeRun run("test_shard_merge_trunc", 2, 30);
  const std::string text = test::readText(run.outputs[1]);
  std::ofstream(run.outputs[1], std::ios::binary | std::ios::trunc) << text.substr(0, 20);
  try {
    run.merge(run.outputs);
    ADD_FAILURE() << "a truncated shard was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(run.outputs[1] + ": truncated"), std::string::npos)
        << e.what();
  }
  std::string modified = text;
  modified[10] ^= 1;
  std::ofstream(run.outputs[1], std::ios::binary | std::ios::trunc) << modified;
  EXPECT_THROW(run.merge(run.outputs), FormatError);
  std::ofstream(run.outputs[1], std::ios::binary | std::ios::trunc) << text;
  EXPECT_EQ(run.merge(run.outputs), run.unsharded());
  const std::string index = test::readText(shardIndexPath(run.outputs[0]));
  std::ofstream(shardIndexPath(run.outputs[0]), std::ios::binary | std::ios::trunc)
      << index.substr(0, index.size() - 12);
  EXPECT_THROW(run.merge(run.outputs), FormatError);
  fs::remove(shardIndexPath(run.outputs[0]));
  EXPECT_THROW(run.merge(run.outputs), FormatError);
}

}  // namespace
}  // namespace hashsieve::pipeline
