// Host replay of the NVDEC conversion (kernels/nv12_rgb_lanes.hpp, the per-pixel code of
// nv12_rgb.cu) against the CPU video path's conversion (FrameConverter, swscale as vPDQ uses
// it) on random frames: the same YUV as NV12 for the kernel's code and as yuv420p / yuvj420p
// for swscale, whose x86 converters the lanes reproduce (widths are multiples of 8: swscale
// leaves the last columns of other widths unwritten, see frame_convert.cpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "host/media/av_ptr.hpp"
#include "host/media/frame_convert.hpp"
#include "kernels/nv12_rgb_lanes.hpp"

namespace hashsieve::test {
namespace {

namespace nv12 = hashsieve::cuda::nv12;

// swscale's x86 arithmetic is reproduced exactly; a C-only swscale build would round otherwise.
constexpr int kTolerance = 0;

struct Case {
  int width, height;
  bool fullRange;
  uint32_t seed;
};

class Nv12Replay : public ::testing::TestWithParam<Case> {};

TEST_P(Nv12Replay, MatchesTheCpuVideoConversion) {
  const Case c = GetParam();
  std::mt19937 rng(c.seed);
  std::uniform_int_distribution<int> any(0, 255);
  const int cw = (c.width + 1) / 2, ch = (c.height + 1) / 2;
  std::vector<uint8_t> yPlane(static_cast<size_t>(c.width) * c.height), uPlane(cw * ch),
      vPlane(cw * ch), uv(static_cast<size_t>(2) * cw * ch);
  for (auto& s : yPlane) s = static_cast<uint8_t>(any(rng));
  for (size_t i = 0; i < uPlane.size(); ++i) {
    uPlane[i] = static_cast<uint8_t>(any(rng));
    vPlane[i] = static_cast<uint8_t>(any(rng));
    uv[2 * i] = uPlane[i];
    uv[2 * i + 1] = vPlane[i];
  }

  media::detail::FramePtr frame(av_frame_alloc());
  ASSERT_TRUE(frame);
  // Full range is what FFmpeg's software decoders deliver as yuvj420p.
  frame->format = c.fullRange ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P;
  frame->width = c.width;
  frame->height = c.height;
  frame->data[0] = yPlane.data();
  frame->data[1] = uPlane.data();
  frame->data[2] = vPlane.data();
  frame->linesize[0] = c.width;
  frame->linesize[1] = frame->linesize[2] = cw;
  media::detail::FrameConverter cpu(media::detail::FrameConverter::Mode::Video);
  const ImageView want = cpu.convert(*frame);
  for (auto*& d : frame->data) d = nullptr;  // the planes are the vectors'
  ASSERT_EQ(want.format, PixelFormat::Rgb8);

  const nv12::SemiPlanar<uint8_t> f{yPlane.data(), uv.data(), c.width,    c.height,
                                    c.width,       2 * cw,    c.fullRange};
  const nv12::Coeffs coeffs = nv12::coeffsFor(c.fullRange);
  int worst = 0;
  int64_t sum = 0;
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x) {
      uint8_t got[3];
      nv12::pixel(f, coeffs, x, y, got);
      for (int k = 0; k < 3; ++k) {
        const int d = std::abs(int{got[k]} - int{want.row(y)[3 * x + k]});
        worst = std::max(worst, d);
        sum += d;
      }
    }
  }
  const double mean = static_cast<double>(sum) / (3.0 * c.width * c.height);
  std::printf("  %dx%d %s range: max |diff| %d, mean %.4f\n", c.width, c.height,
              c.fullRange ? "full" : "limited", worst, mean);
  EXPECT_LE(worst, kTolerance) << "seed " << c.seed;
}

INSTANTIATE_TEST_SUITE_P(Frames, Nv12Replay,
                         ::testing::Values(Case{64, 48, false, 1}, Case{64, 48, true, 2},
                                           Case{320, 240, false, 3}, Case{320, 240, true, 4}));

TEST(Nv12Lanes, P010IsTheEightBitRuleWithTwoMoreBits) {
  // A 10-bit sample v << 2 in the top bits converts as the 8-bit sample v does.
  for (const bool full : {false, true}) {
    const nv12::Coeffs c = nv12::coeffsFor(full);
    for (int y = 0; y < 256; y += 5)
      for (int u = 0; u < 256; u += 17)
        for (int v = 0; v < 256; v += 13) {
          uint8_t a[3], b[3];
          nv12::yuvToRgb(c, 8, y, u, v, a);
          nv12::yuvToRgb(c, 10, y << 2, u << 2, v << 2, b);
          ASSERT_EQ(a[0], b[0]);
          ASSERT_EQ(a[1], b[1]);
          ASSERT_EQ(a[2], b[2]);
        }
  }
}

TEST(Nv12Lanes, LimitedRangeEndpoints) {
  const nv12::Coeffs c = nv12::coeffsFor(false);
  uint8_t rgb[3];
  nv12::yuvToRgb(c, 8, 16, 128, 128, rgb);  // video black
  EXPECT_EQ(rgb[0], 0);
  EXPECT_EQ(rgb[1], 0);
  EXPECT_EQ(rgb[2], 0);
  nv12::yuvToRgb(c, 8, 235, 128, 128, rgb);  // video white
  EXPECT_EQ(rgb[0], 255);
  EXPECT_EQ(rgb[1], 255);
  EXPECT_EQ(rgb[2], 255);
}

}  // namespace
}  // namespace hashsieve::test
