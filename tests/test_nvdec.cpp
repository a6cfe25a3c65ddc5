// NVDEC (--decoder gpu's video path) on a device: the corpus videos decoded through FFmpeg's cuda
// hwaccel and the conversion kernel give the CPU path's frame selection exactly (frame numbers,
// timestamps, sizes) and pixels within kMaxPdqDistance of its hashes. Skips without a device.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "host/core/hasher.hpp"
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

}  // namespace
}  // namespace hashsieve::test
