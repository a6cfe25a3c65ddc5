// The FrameBatcher with a FeedHasher (CPU hashers behind the feed scheduler): frames are copied
// once, into the hasher's staging pool; batches stay in flight between calls and a partial
// batch still comes out without finish(); a device failure stops the batcher cleanly.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "host/pipeline/hash_stage.hpp"
#include "tests/feed/feed_test_support.hpp"
#include "tests/feed/host_feed_ops.hpp"

namespace hashsieve::pipeline {
namespace {

struct Collected {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<size_t, FrameHash>> records;
  FrameDone doneFor(size_t i) {
    return [this, i](const FrameHash& h) {
      std::lock_guard lock(mutex);
      records.emplace_back(i, h);
      changed.notify_all();
    };
  }
  // Waits (without a time limit: ctest's timeout is the backstop) until `n` records are in.
  void waitFor(size_t n) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return records.size() >= n; });
  }
};

TEST(FeedBatcher, RecordsMatchTheCpuInSubmitOrderAndFramesAreStaged) {
  const auto frames = test::randomFrames(60, 5);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  req.dihedral = true;
  const auto want = test::cpuRecords(views, req);
  std::atomic<size_t> unstaged{0};
  auto hasher = std::make_unique<test::HostFeedHasher>("feed", 3, 5, &unstaged);
  hasher->setBatchBytes(8 << 10);  // a few frames per batch, cut by bytes
  Collected got;
  std::exception_ptr fatal;
  {
    FrameBatcher batcher(std::move(hasher), req, BatcherConfig{},
                         [&](std::exception_ptr e) { fatal = e; });
    for (size_t i = 0; i < views.size(); ++i) batcher.submit(views[i], got.doneFor(i));
    batcher.finish();
    EXPECT_GT(batcher.batches(), 60u / 5 - 1);
  }
  EXPECT_FALSE(fatal);
  EXPECT_EQ(unstaged.load(), 0u);
  ASSERT_EQ(got.records.size(), views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    EXPECT_EQ(got.records[i].first, i);
    EXPECT_TRUE(test::sameRecord(got.records[i].second, want[i])) << "frame " << i;
  }
}

TEST(FeedBatcher, APartialBatchComesOutWithoutFinish) {
  const auto frames = test::randomFrames(3, 6);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  const auto want = test::cpuRecords(views, req);
  Collected got;
  BatcherConfig cfg;
  cfg.flushAfter = std::chrono::milliseconds(5);
  FrameBatcher batcher(std::make_unique<test::HostFeedHasher>("feed", 2, 64), req, cfg, nullptr);
  for (size_t i = 0; i < views.size(); ++i) batcher.submit(views[i], got.doneFor(i));
  got.waitFor(views.size());  // the batch is launched after flushAfter, drained after another
  for (size_t i = 0; i < views.size(); ++i)
    EXPECT_TRUE(test::sameRecord(got.records[i].second, want[i])) << "frame " << i;
  batcher.finish();
}

TEST(FeedBatcher, ADeviceFailureIsFatalOnceAndLaterSubmitsThrow) {
  const auto frames = test::randomFrames(30, 7);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  auto hasher = std::make_unique<test::HostFeedHasher>("feed", 2, 4);
  hasher->ops().failFinish = 2;
  Collected got;
  std::atomic<int> fatals{0};
  BatcherConfig cfg;
  cfg.batchFrames = 4;
  cfg.flushAfter = std::chrono::milliseconds(1);
  FrameBatcher batcher(std::move(hasher), req, cfg, [&](std::exception_ptr) { ++fatals; });
  bool threw = false;
  for (size_t i = 0; i < views.size() && !threw; ++i) {
    try {
      batcher.submit(views[i], got.doneFor(i));
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "kernel failed");
      threw = true;
    }
  }
  batcher.finish();
  EXPECT_EQ(fatals.load(), 1);
  // Frames of the failed batch got no record, the others came out once each and in order
  // (where batches are cut depends on timing, so which frames failed is not fixed).
  std::lock_guard lock(got.mutex);
  ASSERT_FALSE(got.records.empty());
  EXPECT_LT(got.records.size(), views.size());
  EXPECT_EQ(got.records[0].first, 0u);
  for (size_t i = 1; i < got.records.size(); ++i)
    EXPECT_LT(got.records[i - 1].first, got.records[i].first);
}

}  // namespace
}  // namespace hashsieve::pipeline
