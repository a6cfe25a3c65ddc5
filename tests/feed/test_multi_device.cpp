// Several devices as one hasher, with CPU hashers posing as devices (HostFeedHasher): frames go
// to the least-loaded device, outcomes leave in input order and byte-identical to the single
// CPU backend's, a failing device fails only its own frames, and the FrameBatcher drives it.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "host/backend/multi_device_hasher.hpp"
#include "host/pipeline/hash_stage.hpp"
#include "tests/feed/feed_test_support.hpp"
#include "tests/feed/host_feed_ops.hpp"

namespace hashsieve {
namespace {

struct Devices {
  std::vector<test::HostFeedHasher*> raw;
  std::unique_ptr<MultiDeviceHasher> multi;
};

// Devices with different slot counts and batch sizes, so their batches end out of step.
Devices makeDevices(int n) {
  std::vector<std::unique_ptr<FeedHasher>> list;
  Devices d;
  for (int i = 0; i < n; ++i) {
    auto h = std::make_unique<test::HostFeedHasher>("cuda", 2 + i % 2, size_t(3 + 2 * i));
    d.raw.push_back(h.get());
    list.push_back(std::move(h));
  }
  d.multi = std::make_unique<MultiDeviceHasher>(std::move(list));
  return d;
}

struct Outcome {
  uint64_t tag;
  bool ok;
  FrameHash hash;
};

FeedDone into(std::vector<Outcome>& seen) {
  return [&seen](uint64_t tag, const FrameHash* h, std::exception_ptr) {
    seen.push_back(Outcome{tag, h != nullptr, h ? *h : FrameHash{}});
  };
}

std::vector<uint64_t> iota(size_t n) {
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), uint64_t{0});
  return v;
}

TEST(MultiDevice, RecordsInInputOrderAndIdenticalToTheCpuBackend) {
  const auto frames = test::randomFrames(150, 21);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  req.dihedral = true;
  const auto want = test::cpuRecords(views, req);
  for (int n : {1, 2, 3}) {
    SCOPED_TRACE(std::to_string(n) + " devices");
    Devices d = makeDevices(n);
    std::vector<Outcome> seen;
    const auto tags = iota(views.size());
    const std::span<const ImageView> all(views);
    const std::span<const uint64_t> allTags(tags);
    for (size_t at = 0; at < views.size(); at += 40) {
      const size_t k = std::min<size_t>(40, views.size() - at);
      d.multi->enqueue(all.subspan(at, k), allTags.subspan(at, k), req, into(seen));
    }
    d.multi->drain();
    ASSERT_EQ(seen.size(), views.size());
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].tag, i);
      ASSERT_TRUE(seen[i].ok);
      EXPECT_TRUE(test::sameRecord(seen[i].hash, want[i])) << "frame " << i;
    }
    uint64_t total = 0;
    for (int k = 0; k < n; ++k) {
      EXPECT_GT(d.multi->framesDealt(k), 0u) << "device " << k << " idle";
      total += d.multi->framesDealt(k);
    }
    EXPECT_EQ(total, views.size());
  }
}

TEST(MultiDevice, FramesGoToTheLeastLoadedDevice) {
  // One large frame stays in flight on device 0 (two slots, one frame per batch, never
  // collected until drain); the small frames after it all go to device 1, until device 1 holds
  // as many bytes in flight.
  std::vector<Image> frames;
  frames.emplace_back(64, 64, PixelFormat::Rgb8);                              // 12,288 bytes
  for (int i = 0; i < 4; ++i) frames.emplace_back(16, 16, PixelFormat::Rgb8);  // 768 bytes each
  const auto views = test::viewsOf(frames);
  std::vector<std::unique_ptr<FeedHasher>> list;
  list.push_back(std::make_unique<test::HostFeedHasher>("cuda", 2, 1));
  list.push_back(std::make_unique<test::HostFeedHasher>("cuda", 2, 64));
  MultiDeviceHasher multi(std::move(list));
  std::vector<Outcome> seen;
  const auto tags = iota(views.size());
  multi.enqueue(views, tags, HashRequest{}, into(seen));
  EXPECT_EQ(multi.framesDealt(0), 1u);
  EXPECT_EQ(multi.framesDealt(1), 4u);
  multi.drain();
  ASSERT_EQ(seen.size(), views.size());
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].tag, i);
}

TEST(MultiDevice, AFailingDeviceFailsOnlyItsFramesEachOnce) {
  const auto frames = test::randomFrames(60, 22);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  const auto want = test::cpuRecords(views, req);
  Devices d = makeDevices(2);
  d.raw[1]->ops().failFinish = 1;  // device 1's second batch
  std::vector<Outcome> seen;
  const auto tags = iota(views.size());
  d.multi->enqueue(views, tags, req, into(seen));
  d.multi->drain();
  ASSERT_EQ(seen.size(), views.size());
  size_t failed = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].tag, i);
    if (seen[i].ok)
      EXPECT_TRUE(test::sameRecord(seen[i].hash, want[i])) << "frame " << i;
    else
      ++failed;
  }
  EXPECT_EQ(failed, 5u);  // device 1 cuts batches of 5
}

TEST(MultiDevice, TheBatcherDrivesSeveralDevicesByteIdenticalToTheCpu) {
  const auto frames = test::randomFrames(90, 23);
  const auto views = test::viewsOf(frames);
  HashRequest req;
  req.dihedral = true;
  const auto want = test::cpuRecords(views, req);
  Devices d = makeDevices(3);
  std::mutex mutex;
  std::vector<std::pair<size_t, FrameHash>> got;
  {
    pipeline::FrameBatcher batcher(std::move(d.multi), req, pipeline::BatcherConfig{}, nullptr);
    for (size_t i = 0; i < views.size(); ++i)
      batcher.submit(views[i], [&, i](const FrameHash& h) {
        std::lock_guard lock(mutex);
        got.emplace_back(i, h);
      });
    batcher.finish();
  }
  ASSERT_EQ(got.size(), views.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].first, i);
    EXPECT_TRUE(test::sameRecord(got[i].second, want[i])) << "frame " << i;
  }
}

}  // namespace
}  // namespace hashsieve
