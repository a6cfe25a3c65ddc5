// pdqAndPhash (pHash's grey rows made in PDQ's pass) against the two separate calls, and
// StreamedResize against resizeLanczosL: equal bits on every path the fusion takes or declines
// (sizes under 64 and the 64x64 bypass, Pillow's vertical-first shapes, widths of 32, grey input,
// padded strides, tails of rows and columns that are not multiples of 8).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "host/core/pdq_cpu.hpp"
#include "host/core/pdq_phash_cpu.hpp"
#include "host/core/phash_cpu.hpp"
#include "host/core/phash_math.hpp"
#include "host/core/pillow_resample.hpp"

namespace hashsieve {
namespace {

struct FusedCase {
  int w, h;
  PixelFormat format;
  int padding;  // bytes past each row (stride = width * bytes per pixel + padding)
};

class PdqPhashFused : public ::testing::TestWithParam<FusedCase> {};

/// Seed 1: noise; seed 2: a ramp with sparse noise (mid-grey values, near-flat sums).
std::vector<uint8_t> frameBytes(const FusedCase& c, unsigned seed, ImageView& view) {
  const int bpp = c.format == PixelFormat::Rgb8 ? 3 : 1;
  const std::ptrdiff_t stride = std::ptrdiff_t(c.w) * bpp + c.padding;
  std::vector<uint8_t> bytes(size_t(stride) * c.h);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = seed == 1 ? uint8_t(rng()) : uint8_t((i / 5) % 256 + (rng() % 16 == 0));
  view = ImageView{bytes.data(), c.w, c.h, stride, c.format};
  return bytes;
}

TEST_P(PdqPhashFused, EqualsSeparateCalls) {
  const FusedCase c = GetParam();
  pdq::PdqCpu fused, separate;  // fused's scratch is reused across seeds
  for (unsigned seed : {1u, 2u}) {
    ImageView v;
    const std::vector<uint8_t> bytes = frameBytes(c, seed, v);
    for (bool dihedral : {false, true}) {
      pdq::PdqResult a, b;
      const Hash64 ph = pdqAndPhash(fused, v, dihedral, a);
      separate.hash(v, dihedral, b);
      SCOPED_TRACE(testing::Message() << c.w << "x" << c.h << " seed " << seed);
      EXPECT_EQ(ph, phash::compute(v));
      EXPECT_EQ(a.hash, b.hash);
      EXPECT_EQ(a.quality, b.quality);
      for (int d = 0; d < kDihedralCount; ++d) EXPECT_EQ(a.dihedral[d], b.dihedral[d]) << d;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, PdqPhashFused,
    ::testing::Values(FusedCase{64, 64, PixelFormat::Rgb8, 0},     // PDQ bypass: not fused
                      FusedCase{40, 300, PixelFormat::Rgb8, 0},    // PDQ scalar (< 64 wide)
                      FusedCase{64, 65, PixelFormat::Rgb8, 0},     // smallest fused frame
                      FusedCase{127, 129, PixelFormat::Rgb8, 3},   // row and column tails
                      FusedCase{333, 201, PixelFormat::Gray8, 5},  // grey input
                      FusedCase{90, 1601, PixelFormat::Rgb8, 0},   // Pillow: vertical first
                      FusedCase{200, 460, PixelFormat::Rgb8, 0},   // horizontal first, tall
                      FusedCase{1023, 77, PixelFormat::Rgb8, 1},   // wide: first/last rows only
                      FusedCase{1920, 1080, PixelFormat::Rgb8, 0},
                      FusedCase{4001, 67, PixelFormat::Gray8, 0}));

TEST(StreamedResize, EqualsResizeLanczosL) {
  std::mt19937 rng(9);
  // (inW, inH, outW, outH): both passes, width unchanged, height unchanged, upsampling.
  const int shapes[][4] = {{1920, 1080, 32, 32}, {32, 20, 32, 32},   {700, 32, 32, 32},
                           {20, 24, 32, 32},     {333, 201, 17, 40}, {101, 99, 8, 8}};
  for (const auto& s : shapes) {
    ASSERT_TRUE(pillow::StreamedResize::streamable(s[0], s[1], s[2], s[3]));
    Image img(s[0], s[1], PixelFormat::Gray8);
    for (auto& p : img.pixels) p = uint8_t(rng());
    std::vector<uint8_t> want, got;
    pillow::resizeLanczosL(img.view(), s[2], s[3], want);
    pillow::StreamedResize resize(s[0], s[1], s[2], s[3]);
    std::vector<uint8_t> row(size_t(s[0]) + kGreyRowPadding, 0);
    for (int y = resize.firstRow(); y < resize.endRow(); ++y) {
      std::copy_n(img.row(y), s[0], row.begin());
      resize.row(y, row.data());
    }
    resize.finish(got);
    EXPECT_EQ(got, want) << s[0] << "x" << s[1] << " -> " << s[2] << "x" << s[3];
  }
  EXPECT_FALSE(pillow::StreamedResize::streamable(90, 1601, 32, 32));  // vertical first
  EXPECT_FALSE(pillow::StreamedResize::streamable(32, 32, 32, 32));    // a copy, no resize
}

}  // namespace
}  // namespace hashsieve
