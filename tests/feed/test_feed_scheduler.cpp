// The feed scheduler driven by a host stand-in for the stream operations: every frame gets its
// record (the CPU backend's) or its error, exactly once and in input order; batches stay in
// flight across enqueue calls; failures at launch or at the wait; out-of-memory back-off.
#include <gtest/gtest.h>

#include <numeric>
#include <optional>
#include <set>
#include <string>

#include "host/core/feed_scheduler.hpp"
#include "tests/feed/feed_test_support.hpp"
#include "tests/feed/host_feed_ops.hpp"

namespace hashsieve {
namespace {

struct Outcome {
  uint64_t tag;
  std::optional<FrameHash> hash;
  std::string error;
};

FeedDone recordInto(std::vector<Outcome>& seen) {
  return [&seen](uint64_t tag, const FrameHash* h, std::exception_ptr e) {
    Outcome o{tag, std::nullopt, {}};
    if (h) o.hash = *h;
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        o.error = x.what();
      }
    }
    seen.push_back(std::move(o));
  };
}

std::vector<uint64_t> iota(size_t n, uint64_t from = 0) {
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

class FeedSchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    frames_ = test::randomFrames(40, 11);
    views_ = test::viewsOf(frames_);
    req_.dihedral = true;
    want_ = test::cpuRecords(views_, req_);
  }
  // Every tag 0..n-1 once, in order; records equal the CPU's except for tags in `failed`,
  // which carry `error`.
  void expectOutcomes(const std::vector<Outcome>& seen, const std::set<uint64_t>& failed,
                      const std::string& error) {
    ASSERT_EQ(seen.size(), views_.size());
    for (size_t i = 0; i < seen.size(); ++i) {
      SCOPED_TRACE("frame " + std::to_string(i));
      EXPECT_EQ(seen[i].tag, i);
      if (failed.count(i)) {
        EXPECT_FALSE(seen[i].hash.has_value());
        EXPECT_EQ(seen[i].error, error);
      } else {
        ASSERT_TRUE(seen[i].hash.has_value()) << seen[i].error;
        EXPECT_TRUE(test::sameRecord(*seen[i].hash, want_[i]));
      }
    }
  }
  std::vector<Image> frames_;
  std::vector<ImageView> views_;
  HashRequest req_;
  std::vector<FrameHash> want_;
};

TEST_F(FeedSchedulerTest, RecordsInInputOrderWithBatchesInFlightAcrossCalls) {
  test::HostOps ops(3, 4);
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  const std::span<const ImageView> all(views_);
  const std::span<const uint64_t> allTags(tags);
  // Two calls of 20 frames (5 batches each): the first returns with all three slots in flight.
  sched.enqueue(all.first(20), allTags.first(20), req_, recordInto(seen));
  EXPECT_EQ(sched.inFlight(), 3u);
  EXPECT_EQ(ops.busySlots(), 3);
  EXPECT_EQ(seen.size(), 8u);  // batches 0 and 1 were collected to free their slots
  sched.enqueue(all.subspan(20), allTags.subspan(20), req_, recordInto(seen));
  EXPECT_EQ(sched.inFlight(), 3u);
  sched.drain();
  EXPECT_EQ(sched.inFlight(), 0u);
  EXPECT_EQ(ops.maxBusy, 3u);  // upload n+1 was queued while n and n-1 were in flight
  EXPECT_EQ(sched.batchesLaunched(), 10u);
  expectOutcomes(seen, {}, "");
}

TEST_F(FeedSchedulerTest, BatchesFollowTheOpsLengthAndTheFrameLimit) {
  test::HostOps ops(2, 7);
  FeedScheduler sched(ops, 5);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, recordInto(seen));
  sched.drain();
  for (size_t n : ops.batchSizes) EXPECT_LE(n, 5u);
  EXPECT_EQ(ops.batchSizes.size(), 8u);
  expectOutcomes(seen, {}, "");
}

TEST_F(FeedSchedulerTest, LaunchFailureInTheMiddleFailsOnlyThatBatch) {
  test::HostOps ops(2, 4);
  ops.failLaunch = 3;  // frames 12..15
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, recordInto(seen));
  sched.drain();
  expectOutcomes(seen, {12, 13, 14, 15}, "launch failed");
}

TEST_F(FeedSchedulerTest, DeviceFailureAtTheWaitFailsOnlyThatBatch) {
  test::HostOps ops(3, 6);
  ops.failFinish = 3;  // frames 13..18 (the second call's first batch), found at its wait
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  const std::span<const ImageView> all(views_);
  const std::span<const uint64_t> allTags(tags);
  sched.enqueue(all.first(13), allTags.first(13), req_, recordInto(seen));
  sched.enqueue(all.subspan(13), allTags.subspan(13), req_, recordInto(seen));
  sched.drain();
  expectOutcomes(seen, {13, 14, 15, 16, 17, 18}, "kernel failed");
}

TEST_F(FeedSchedulerTest, OutOfMemoryShrinksTheWorkspaceAndRetries) {
  test::HostOps ops(2, 16);
  ops.memoryFrames = 5;  // 16 fails, 8 fails, 4 fits
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, recordInto(seen));
  sched.drain();
  expectOutcomes(seen, {}, "");
  EXPECT_EQ(ops.shrinks, 2);
  EXPECT_EQ(ops.batchSizes[0], 16u);
  EXPECT_EQ(ops.batchSizes[1], 8u);
  for (size_t i = 2; i < ops.batchSizes.size(); ++i) EXPECT_EQ(ops.batchSizes[i], 4u);
}

TEST_F(FeedSchedulerTest, OutOfMemoryWithNothingToShrinkHalvesTheBatch) {
  test::HostOps ops(2, 64);
  ops.memoryFrames = 5;
  ops.canShrink = false;
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, recordInto(seen));
  sched.drain();
  expectOutcomes(seen, {}, "");
  EXPECT_LE(sched.batchFramesLimit(), 5u);
  // The batches that went through: 64 -> 40 (OOM), 20 (OOM), 10 (OOM), 5, 5, ...
  EXPECT_EQ(ops.batchSizes.front(), 40u);
}

TEST_F(FeedSchedulerTest, OutOfMemoryEvenForOneFrameFailsEachFrameOnce) {
  test::HostOps ops(2, 4);
  ops.memoryFrames = 0;
  FeedScheduler sched(ops, 4);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, recordInto(seen));
  sched.drain();
  std::set<uint64_t> all;
  for (uint64_t t = 0; t < views_.size(); ++t) all.insert(t);
  expectOutcomes(seen, all, "host ops: out of memory");
}

TEST_F(FeedSchedulerTest, OutOfMemoryCollectsTheBatchesInFlightFirst) {
  test::HostOps ops(3, 4);
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  const std::span<const ImageView> all(views_);
  const std::span<const uint64_t> allTags(tags);
  sched.enqueue(all.first(12), allTags.first(12), req_, recordInto(seen));
  EXPECT_EQ(sched.inFlight(), 3u);
  ops.memoryFrames = 2;  // the next launch fails: shrink() runs only with no slot busy
  sched.enqueue(all.subspan(12), allTags.subspan(12), req_, recordInto(seen));
  sched.drain();
  expectOutcomes(seen, {}, "");
}

TEST(FeedSchedulerSetup, NeedsTwoSlots) {
  test::HostOps ops(1, 4);
  EXPECT_THROW(FeedScheduler(ops, 4), std::invalid_argument);
}

}  // namespace
}  // namespace hashsieve
