// NVDEC (--decoder gpu's video path) on a device: the corpus videos decoded through FFmpeg's cuda
// hwaccel and the conversion kernel give the CPU path's frame selection exactly (frame numbers,
// timestamps, sizes) and pixels within kMaxPdqDistance of its hashes; frames left in device
// memory (NVDEC and nvImageCodec) equal their host copies. Skips without a device.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "host/core/hasher.hpp"
#include "host/media/batch_decoder.hpp"
#include "kernels/device_frame_pool.hpp"
#include "tests/gpu_test_support.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

// The drift goal for p99; NVDEC and FFmpeg's software decoders are both bit-exact
// H.264/HEVC decoders, so their pixels should agree exactly (the conversion is bit-exact).
constexpr int kMaxPdqDistance = 4;

class Nvdec : public GpuTest {};

TEST_F(Nvdec, CorpusVideosKeepFrameSelectionAndHashes) {
  HS_REQUIRE_CORPUS(corpus);
  media::Options gpu;
  gpu.nvdecConvert = cuda::makeNvdecConverter();
  const std::unique_ptr<Hasher> hasher = makeCpuHasher();
  int videos = 0, viaNvdec = 0, worst = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "videos")) {
    if (!e.is_regular_file()) continue;
    Decoded cpu;
    try {
      cpu = decodeAll(e.path());
    } catch (const InputError&) {
      continue;
    }
    const Decoded dev = decodeAll(e.path(), gpu);
    ++videos;
    viaNvdec += dev.info.decoder == "nvdec";
    ASSERT_EQ(cpu.frameInfo.size(), dev.frameInfo.size()) << e.path();
    for (size_t i = 0; i < cpu.frames.size(); ++i) {
      EXPECT_EQ(cpu.frameInfo[i].index, dev.frameInfo[i].index) << e.path();
      EXPECT_EQ(cpu.frameInfo[i].timestamp, dev.frameInfo[i].timestamp) << e.path();
      ASSERT_EQ(cpu.frames[i].width, dev.frames[i].width) << e.path();
      const ImageView views[2] = {cpu.frames[i].view(), dev.frames[i].view()};
      FrameHash h[2];
      hasher->hash(views, HashRequest{}, h);
      worst = std::max(worst, hamming(h[0].pdq, h[1].pdq));
    }
  }
  std::printf("  %d videos, %d through NVDEC, worst PDQ distance %d\n", videos, viaNvdec, worst);
  EXPECT_GT(viaNvdec, 0);
  EXPECT_LE(worst, kMaxPdqDistance);
}

// The device-resident path: NVDEC frames converted straight into the hasher's device memory
// are byte-identical to the ones copied back to the host, and all their memory is given back.
TEST_F(Nvdec, DeviceResidentFramesEqualTheHostCopies) {
  HS_REQUIRE_CORPUS(corpus);
  media::Options host, device;
  host.nvdecConvert = device.nvdecConvert = cuda::makeNvdecConverter();
  device.deviceFrames = cuda::makeDeviceFramePool(0);
  int videos = 0, onDevice = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "videos")) {
    if (!e.is_regular_file()) continue;
    Decoded a;
    try {
      a = decodeAll(e.path(), host);
    } catch (const InputError&) {
      continue;
    }
    ++videos;
    int resident = 0;
    Decoded b;
    b.info = media::decodeFile(e.path(), device, [&](const ImageView& v, const media::FrameInfo&) {
      resident += v.onDevice();
      b.frames.push_back(v.onDevice() ? device.deviceFrames->download(v) : copyView(v));
    });
    onDevice += resident > 0;
    ASSERT_EQ(a.frames.size(), b.frames.size()) << e.path();
    for (size_t i = 0; i < a.frames.size(); ++i)
      ASSERT_EQ(a.frames[i].pixels, b.frames[i].pixels) << e.path() << " frame " << i;
  }
  std::printf("  %d videos, %d with device-resident frames\n", videos, onDevice);
  EXPECT_GT(onDevice, 0);
  EXPECT_EQ(device.deviceFrames->framesOut(), 0u);
}

// nvImageCodec writing into device memory: the same pixels as its host output, the record
// naming the backend that decoded each file (printed per backend), memory given back.
TEST_F(Nvdec, NvimgcodecDeviceOutputEqualsHostOutput) {
  HS_REQUIRE_CORPUS(corpus);
  if (media::nvimgcodecStatus().rfind("unavailable", 0) == 0)
    GTEST_SKIP() << "nvImageCodec " << media::nvimgcodecStatus();
  auto pool = cuda::makeDeviceFramePool(0);
  auto onHost = media::makeNvimgcodecDecoder(false, 2);
  auto onDev = media::makeNvimgcodecDecoder(false, 2, pool);
  std::map<std::string, int> byBackend;
  int compared = 0;
  for (const auto& e : fs::recursive_directory_iterator(corpus / "images")) {
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || (ext != ".jpg" && ext != ".png" && ext != ".tiff")) continue;
    const Bytes bytes = readBytes(e.path());
    const media::BatchInput in{bytes, int64_t{1} << 40};
    auto h = onHost->decode(std::span(&in, 1));
    auto d = onDev->decode(std::span(&in, 1));
    ASSERT_EQ(h[0].status, d[0].status) << e.path();
    if (d[0].status != media::BatchDecoded::Status::Ok) continue;
    ++byBackend[ext + " " + d[0].decoder];
    EXPECT_EQ(h[0].decoder, d[0].decoder) << e.path();
    ASSERT_TRUE(d[0].device.holdsMemory()) << e.path();
    EXPECT_EQ(pool->download(d[0].view()).pixels, h[0].image.pixels) << e.path();
    ++compared;
  }
  for (const auto& [k, n] : byBackend) std::printf("  %-28s %d\n", k.c_str(), n);
  EXPECT_GT(compared, 0);
  EXPECT_EQ(pool->framesOut(), 0u);
}

}  // namespace
}  // namespace hashsieve::test
