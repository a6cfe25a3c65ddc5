// Frames decoded straight into the feed's staging pool: FFmpeg's frame converter and libjpeg
// write each frame into a block of the pool (through the decode worker's FrameAllocator), the
// batcher queues it where it lies (no copy), and the records are byte-identical to the CPU
// backend's on the same file decoded the ordinary way (the converter's own heap buffer).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>

#include "host/pipeline/hash_stage.hpp"
#include "tests/feed/feed_test_support.hpp"
#include "tests/feed/host_feed_ops.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::pipeline {
namespace {

namespace fs = std::filesystem;

struct StagedRun {
  std::vector<FrameHash> records;  // in decode order
  size_t framesOutsidePool = 0;    // frames the converter did not write into the pool
  uint64_t framesCopied = 0;       // frames the batcher copied
  size_t framesUnstaged = 0;       // frames the hasher saw outside the pool
};

size_t spanBytes(const ImageView& v) {
  return size_t(v.stride) * (v.height - 1) + size_t(v.width) * bytesPerPixel(v.format);
}

// Decodes `file` as a decode worker of the batched stage does, into a FeedHasher's pool.
StagedRun hashStaged(const fs::path& file, const media::Options& base, const HashRequest& req) {
  std::atomic<size_t> unstaged{0};
  auto hasher = std::make_unique<test::HostFeedHasher>("feed", 3, 4, &unstaged);
  const std::shared_ptr<StagingPool> pool = hasher->staging();
  std::mutex mutex;
  std::vector<std::pair<size_t, FrameHash>> got;
  StagedRun r;
  {
    FrameBatcher batcher(std::move(hasher), req, BatcherConfig{}, nullptr);
    BatchedHashStage stage(batcher);
    media::Options opts = base;
    opts.frameAllocator = stage.frameAllocator();
    EXPECT_NE(opts.frameAllocator, nullptr);
    size_t n = 0;
    media::decodeFile(file, opts, [&](const ImageView& v, const media::FrameInfo&) {
      if (!pool->owns(v.data, spanBytes(v))) ++r.framesOutsidePool;
      const size_t i = n++;
      stage.submit(v, [&, i](const FrameHash& h) {
        std::lock_guard lock(mutex);
        got.emplace_back(i, h);
      });
    });
    batcher.finish();
    r.framesCopied = batcher.framesCopied();
  }
  std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, h] : got) r.records.push_back(h);
  r.framesUnstaged = unstaged.load();
  return r;
}

// The CPU backend's records for `file` decoded without a FrameAllocator.
std::vector<FrameHash> cpuRecordsOf(const fs::path& file, const media::Options& opts,
                                    const HashRequest& req) {
  const test::Decoded d = test::decodeAll(file, opts);
  return test::cpuRecords(test::viewsOf(d.frames), req);
}

void expectStagedLikeCpu(const fs::path& file, const media::Options& opts, size_t frames) {
  SCOPED_TRACE(file.filename().string());
  HashRequest req;
  req.dihedral = true;
  const std::vector<FrameHash> want = cpuRecordsOf(file, opts, req);
  ASSERT_EQ(want.size(), frames);
  const StagedRun got = hashStaged(file, opts, req);
  EXPECT_EQ(got.framesOutsidePool, 0u);
  EXPECT_EQ(got.framesCopied, 0u);
  EXPECT_EQ(got.framesUnstaged, 0u);
  ASSERT_EQ(got.records.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_TRUE(test::sameRecord(got.records[i], want[i])) << "frame " << i;
}

// Stills through FFmpeg's exact conversions (packed RGB, 16-bit grey, palette, BGR, PNM) and an
// animated GIF (one fresh block per frame, each queued while the next is decoded).
TEST(StagedDecode, StillsAreConvertedIntoThePoolAndHashLikeTheCpu) {
  test::TempDir dir;
  constexpr int kW = 61, kH = 37;
  const test::Bytes rgb = test::noise(size_t(kW) * kH * 3, 1);
  test::writeBytes(dir / "rgb.png", test::pngFile(kW, kH, 8, 2, rgb, kW * 3));
  const test::Bytes g16 = test::noise(size_t(kW) * kH * 2, 2);
  test::writeBytes(dir / "g16.png", test::pngFile(kW, kH, 16, 0, g16, kW * 2));
  test::writeBytes(dir / "rgb.bmp", test::bmpFile(kW, kH, rgb));
  test::writeBytes(dir / "rgb.ppm", test::pnmFile(kW, kH, 3, 255, rgb));
  const test::Bytes palette = test::noise(768, 3);
  std::vector<test::GifFrame> gif;
  for (uint32_t f = 0; f < 4; ++f) gif.push_back({test::noise(size_t(kW) * kH, 10 + f)});
  test::writeBytes(dir / "anim.gif", test::gifFile(kW, kH, palette, gif));

  media::Options opts;
  for (const char* name : {"rgb.png", "g16.png", "rgb.bmp", "rgb.ppm"})
    expectStagedLikeCpu(dir / name, opts, 1);
  opts.allFrames = true;
  expectStagedLikeCpu(dir / "anim.gif", opts, gif.size());
}

// Video frames through swscale, 854 pixels wide: rows padded as FFmpeg pads them (the last,
// partial group of 8 pixels is written only with padded rows), queued with their padding. And
// libjpeg's frames (4:2:0 and 4:4:4), decoded straight into the pool as well.
TEST(StagedDecode, VideoFramesAndJpegsAreDecodedIntoThePoolAndHashLikeTheCpu) {
  HS_REQUIRE_FFMPEG_CLI();
  test::TempDir dir;
  const std::string lavfi = "ffmpeg -v error -y -f lavfi -i testsrc=size=";
  const fs::path video = dir / "v.mp4", jpeg = dir / "c420.jpg", jpeg444 = dir / "c444.jpg";
  ASSERT_EQ(std::system((lavfi + "854x48:rate=10:duration=1 -pix_fmt yuv420p -c:v mpeg4 " +
                         test::shellQuote(video.string()))
                            .c_str()),
            0);
  ASSERT_EQ(std::system((lavfi + "333x77 -frames:v 1 " + test::shellQuote(jpeg.string())).c_str()),
            0);
  ASSERT_EQ(std::system((lavfi + "97x61 -frames:v 1 -pix_fmt yuvj444p " +
                         test::shellQuote(jpeg444.string()))
                            .c_str()),
            0);
  media::Options opts;
  expectStagedLikeCpu(jpeg, opts, 1);
  expectStagedLikeCpu(jpeg444, opts, 1);
  opts.videoFps = 0;  // every frame
  expectStagedLikeCpu(video, opts, 10);
}

// The seam's default: frames a decoder did not write into the pool (here: views of heap
// frames, as a rotated copy would be) are copied, once each, and counted.
TEST(StagedDecode, FramesFromElsewhereAreCopiedAndCounted) {
  const auto frames = test::randomFrames(5, 31);
  HashRequest req;
  const auto want = test::cpuRecords(test::viewsOf(frames), req);
  std::vector<FrameHash> got(frames.size());
  FrameBatcher batcher(std::make_unique<test::HostFeedHasher>("feed", 2, 4), req, BatcherConfig{},
                       nullptr);
  BatchedHashStage stage(batcher);
  // The decoder asked for memory but emitted a frame elsewhere: that block stays with the
  // allocator and the frame is copied.
  ASSERT_NE(stage.frameAllocator()->frameMemory(100), nullptr);
  for (size_t i = 0; i < frames.size(); ++i)
    stage.submit(frames[i].view(), [&got, i](const FrameHash& h) { got[i] = h; });
  batcher.finish();
  EXPECT_EQ(batcher.framesCopied(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i)
    EXPECT_TRUE(test::sameRecord(got[i], want[i])) << "frame " << i;
}

}  // namespace
}  // namespace hashsieve::pipeline
