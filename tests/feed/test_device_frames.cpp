// Frames decoded on the device, on the host: host memory posing as a device's (a DeviceFramePool
// over malloc). The feed copies them on the device (no upload) next to staged and unstaged host
// frames; outcomes stay in order and equal the CPU backend's; a failing batch fails only its
// own frames; the batcher takes their memory over without a copy and gives it back exactly
// once, failures included; several devices send each to the device that holds it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <numeric>
#include <set>

#include "host/backend/multi_device_hasher.hpp"
#include "host/core/device_frames.hpp"
#include "host/core/feed_scheduler.hpp"
#include "host/pipeline/hash_stage.hpp"
#include "tests/feed/feed_test_support.hpp"
#include "tests/feed/host_feed_ops.hpp"

namespace hashsieve {
namespace {

SlabAllocator mallocSlabs() {
  return SlabAllocator{[](size_t n) {
                         void* p = std::malloc(n);
                         if (!p) throw std::bad_alloc();
                         return p;
                       },
                       [](void* p) { std::free(p); }};
}

// A "device" whose memory is the host's.
std::shared_ptr<DeviceFramePool> fakeDevice(int ordinal) {
  return std::make_shared<DeviceFramePool>(
      ordinal, mallocSlabs(), [](const ImageView& v, int y0, int rows, uint8_t* dst) {
        const size_t rowBytes = size_t(v.width) * bytesPerPixel(v.format);
        for (int y = 0; y < rows; ++y) std::memcpy(dst + y * rowBytes, v.row(y0 + y), rowBytes);
      });
}

DeviceImage onDevice(DeviceFramePool& pool, const Image& img) {
  DeviceImage d = pool.take(img.width, img.height, img.format);
  std::memcpy(d.data(), img.pixels.data(), img.pixels.size());
  return d;
}

std::vector<uint64_t> iota(size_t n) {
  std::vector<uint64_t> v(n);
  std::iota(v.begin(), v.end(), uint64_t{0});
  return v;
}

struct Outcome {
  uint64_t tag;
  bool ok;
  FrameHash hash;
  std::string error;
};

FeedDone into(std::vector<Outcome>& seen) {
  return [&seen](uint64_t tag, const FrameHash* h, std::exception_ptr e) {
    Outcome o{tag, h != nullptr, h ? *h : FrameHash{}, {}};
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

// Frame i is a device frame when i % 3 == 0, staged in the feed's pool when i % 3 == 1, and
// plain host memory otherwise.
class DeviceFrames : public ::testing::Test {
 protected:
  void SetUp() override {
    frames_ = test::randomFrames(30, 17);
    req_.dihedral = true;
    want_ = test::cpuRecords(test::viewsOf(frames_), req_);
    device_.reserve(frames_.size());  // views point at their DeviceImage's memory handle
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Image& f = frames_[i];
      if (i % 3 == 0) {
        device_.push_back(onDevice(*pool_, f));
        views_.push_back(device_.back().view());
      } else if (i % 3 == 1) {
        staged_.push_back(staging_.take(f.pixels.size()));
        std::memcpy(staged_.back().data(), f.pixels.data(), f.pixels.size());
        ImageView v = f.view();
        v.data = staged_.back().data();
        views_.push_back(v);
      } else {
        views_.push_back(f.view());
      }
    }
  }
  void expectOutcomes(const std::vector<Outcome>& seen, const std::set<uint64_t>& failed,
                      const std::string& error) {
    ASSERT_EQ(seen.size(), frames_.size());
    for (size_t i = 0; i < seen.size(); ++i) {
      SCOPED_TRACE("frame " + std::to_string(i));
      EXPECT_EQ(seen[i].tag, i);
      if (failed.count(i)) {
        EXPECT_FALSE(seen[i].ok);
        EXPECT_EQ(seen[i].error, error);
      } else {
        ASSERT_TRUE(seen[i].ok) << seen[i].error;
        EXPECT_TRUE(test::sameRecord(seen[i].hash, want_[i]));
      }
    }
  }
  std::shared_ptr<DeviceFramePool> pool_ = fakeDevice(0);
  StagingPool staging_{mallocSlabs()};
  std::vector<Image> frames_;
  std::vector<DeviceImage> device_;
  std::vector<StagingPool::Block> staged_;
  std::vector<ImageView> views_;
  HashRequest req_;
  std::vector<FrameHash> want_;
};

TEST_F(DeviceFrames, MixedBatchesUploadOnlyTheHostFramesAndKeepOrder) {
  test::HostOps ops(3, 4);
  ops.staging = &staging_;
  ops.device = 0;
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, into(seen));
  sched.drain();
  EXPECT_EQ(ops.uploads[int(FrameUpload::DeviceCopy)], 10u);  // no transfer for these
  EXPECT_EQ(ops.uploads[int(FrameUpload::StagedDma)], 10u);
  EXPECT_EQ(ops.uploads[int(FrameUpload::PackedDma)], 10u);
  EXPECT_EQ(sched.batchesLaunched(), 8u);
  expectOutcomes(seen, {}, "");
}

TEST_F(DeviceFrames, AFrameInAnotherDevicesMemoryFailsOnlyItsBatch) {
  views_[13].space = MemorySpace::Device;
  views_[13].device = 1;  // batch 3 (frames 12..15) cannot be read by device 0
  test::HostOps ops(2, 4);
  ops.staging = &staging_;
  FeedScheduler sched(ops, 64);
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  sched.enqueue(views_, tags, req_, into(seen));
  sched.drain();
  expectOutcomes(seen, {12, 13, 14, 15}, "frame in the memory of device 1 sent to device 0");
}

TEST_F(DeviceFrames, UploadRuleByMemory) {
  const StagingPool& staging = staging_;
  EXPECT_EQ(uploadFor(views_[0], 0, staging), FrameUpload::DeviceCopy);
  EXPECT_EQ(uploadFor(views_[1], 0, staging), FrameUpload::StagedDma);
  EXPECT_EQ(uploadFor(views_[2], 0, staging), FrameUpload::PackedDma);
  ImageView padded = views_[1];
  padded.stride += 1;  // padded rows in the pool (swscale's): the 2D DMA copy packs them
  padded.height -= 1;
  EXPECT_EQ(uploadFor(padded, 0, staging), FrameUpload::StagedDma);
  EXPECT_THROW(uploadFor(views_[0], 1, staging), std::invalid_argument);
}

TEST_F(DeviceFrames, DownloadCopiesRowsOfADeviceFrame) {
  const Image rows = pool_->download(views_[3], 2, 3);
  ASSERT_EQ(rows.height, 3);
  const size_t rowBytes = size_t(frames_[3].stride());
  EXPECT_EQ(0,
            std::memcmp(rows.pixels.data(), frames_[3].pixels.data() + 2 * rowBytes, 3 * rowBytes));
  EXPECT_THROW(pool_->download(views_[3], 1, frames_[3].height), std::invalid_argument);
}

struct Collected {
  std::mutex mutex;
  std::vector<std::pair<size_t, FrameHash>> records;
  pipeline::FrameDone doneFor(size_t i) {
    return [this, i](const FrameHash& h) {
      std::lock_guard lock(mutex);
      records.emplace_back(i, h);
    };
  }
};

TEST_F(DeviceFrames, TheBatcherTakesDeviceMemoryOverAndGivesItBackOnce) {
  auto hasher = std::make_unique<test::HostFeedHasher>("cuda", 3, 4, nullptr, 0);
  test::HostOps& ops = hasher->ops();
  Collected got;
  std::exception_ptr fatal;
  {
    pipeline::FrameBatcher batcher(std::move(hasher), req_, pipeline::BatcherConfig{},
                                   [&](std::exception_ptr e) { fatal = e; });
    for (size_t i = 0; i < views_.size(); ++i) {
      batcher.submit(views_[i], got.doneFor(i));
      // Taken over, not copied: the decoder's handle is empty once submit returns.
      if (i % 3 == 0) {
        EXPECT_FALSE(device_[i / 3].holdsMemory()) << "frame " << i;
      }
    }
    batcher.finish();
    EXPECT_EQ(ops.uploads[int(FrameUpload::DeviceCopy)], 10u);
    // The batcher copies host frames into the feed's staging pool: DMA from there, no packing.
    EXPECT_EQ(ops.uploads[int(FrameUpload::StagedDma)], 20u);
    EXPECT_EQ(ops.uploads[int(FrameUpload::PackedDma)], 0u);
  }
  EXPECT_FALSE(fatal);
  EXPECT_EQ(pool_->framesOut(), 0u);  // every device frame given back
  ASSERT_EQ(got.records.size(), views_.size());
  for (size_t i = 0; i < views_.size(); ++i) {
    EXPECT_EQ(got.records[i].first, i);
    EXPECT_TRUE(test::sameRecord(got.records[i].second, want_[i])) << "frame " << i;
  }
}

TEST_F(DeviceFrames, DeviceMemoryOfAFailedBatchIsGivenBackToo) {
  auto hasher = std::make_unique<test::HostFeedHasher>("cuda", 2, 4, nullptr, 0);
  hasher->ops().failFinish = 1;
  std::atomic<int> fatals{0};
  Collected got;
  pipeline::BatcherConfig cfg;
  cfg.batchFrames = 4;
  cfg.flushAfter = std::chrono::milliseconds(1);
  {
    pipeline::FrameBatcher batcher(std::move(hasher), req_, cfg,
                                   [&](std::exception_ptr) { ++fatals; });
    for (size_t i = 0; i < views_.size(); ++i) {
      try {
        batcher.submit(views_[i], got.doneFor(i));
      } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "kernel failed");
        break;
      }
    }
    batcher.finish();
  }
  EXPECT_EQ(fatals.load(), 1);
  EXPECT_LT(got.records.size(), views_.size());
  // Frames submitted after the failure were refused: their memory is still the decoder's.
  size_t kept = 0;
  for (const DeviceImage& d : device_) kept += d.holdsMemory();
  EXPECT_EQ(pool_->framesOut(), kept);
}

TEST_F(DeviceFrames, AHostStageRefusesADeviceFrame) {
  pipeline::InlineHashStage stage(makeCpuHasher(), req_);
  EXPECT_THROW(stage.submit(views_[0], [](const FrameHash&) {}), std::logic_error);
  EXPECT_TRUE(device_[0].holdsMemory());
}

TEST_F(DeviceFrames, SeveralDevicesSendEachDeviceFrameToItsDevice) {
  std::vector<std::unique_ptr<FeedHasher>> list;
  std::vector<test::HostFeedHasher*> raw;
  for (int d = 0; d < 3; ++d) {
    auto h = std::make_unique<test::HostFeedHasher>("cuda", 2, size_t(3 + d), nullptr, d);
    raw.push_back(h.get());
    list.push_back(std::move(h));
  }
  MultiDeviceHasher multi(std::move(list));
  for (size_t i = 0; i < views_.size(); i += 3) views_[i].device = 2;
  views_[6].device = 7;  // no such device here
  std::vector<Outcome> seen;
  const auto tags = iota(views_.size());
  multi.enqueue(views_, tags, req_, into(seen));
  multi.drain();
  EXPECT_EQ(raw[2]->ops().uploads[int(FrameUpload::DeviceCopy)], 9u);
  EXPECT_EQ(raw[0]->ops().uploads[int(FrameUpload::DeviceCopy)], 0u);
  EXPECT_EQ(raw[1]->ops().uploads[int(FrameUpload::DeviceCopy)], 0u);
  expectOutcomes(seen, {6}, "a frame in the memory of a device this hasher does not use");
}

}  // namespace
}  // namespace hashsieve
