// pdqAndPhash (pHash's grey rows made in PDQ's pass) against the two separate calls, and
// StreamedResize against resizeLanczosL: equal bits on every path the fusion takes or declines
// (sizes under 64 and the 64x64 bypass, Pillow's vertical-first shapes, widths of 32, grey input,
// padded strides, tails of rows and columns that are not multiples of 8).
#include <gtest/gtest.h>

#include <algorithm>
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

/// Records every grey row PDQ's pass hands over.
class RecordingSink final : public GreyRowSink {
 public:
  RecordingSink(int w, int h) : w_(w), h_(h), rows_(size_t(w) * h, 0), seen_(h, 0) {}
  int firstRow() const override { return 0; }
  int endRow() const override { return h_; }
  void row(int y, const uint8_t* grey) override {
    std::copy_n(grey, w_, rows_.begin() + std::ptrdiff_t(y) * w_);
    ++seen_[y];
  }
  int w_, h_;
  std::vector<uint8_t> rows_;
  std::vector<int> seen_;
};

// The grey rows made in PDQ's luma pass (8 rows at a time, packed four rows per store, plus the
// single-row and column tails) against pillowLuma, over every RGB value: pixel i holds the 24-bit
// value i. 4099 x 4099 covers 2^24 values with width and height not multiples of 8.
TEST(PdqGreyRows, EveryRgbValueEqualsPillowLuma) {
  constexpr int kSide = 4099;
  std::vector<uint8_t> rgb(size_t(3) * kSide * kSide);
  for (size_t i = 0; i < size_t(kSide) * kSide; ++i) {
    const uint32_t v = uint32_t(i) & 0xFFFFFF;
    rgb[3 * i] = uint8_t(v >> 16);
    rgb[3 * i + 1] = uint8_t(v >> 8);
    rgb[3 * i + 2] = uint8_t(v);
  }
  const ImageView view{rgb.data(), kSide, kSide, std::ptrdiff_t(3) * kSide, PixelFormat::Rgb8};
  RecordingSink sink(kSide, kSide);
  pdq::PdqCpu pdq;
  pdq::PdqResult r;
  if (!pdq.hash(view, false, r, &sink))
    GTEST_SKIP() << "no AVX2 + FMA: PDQ's scalar path feeds no rows";
  for (int y = 0; y < kSide; ++y) {
    ASSERT_EQ(sink.seen_[y], 1) << "row " << y;
    for (int x = 0; x < kSide; ++x) {
      const uint8_t* p = &rgb[3 * (size_t(y) * kSide + x)];
      ASSERT_EQ(sink.rows_[size_t(y) * kSide + x], phash::pillowLuma(p[0], p[1], p[2]))
          << "x " << x << " y " << y;
    }
  }
}

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
