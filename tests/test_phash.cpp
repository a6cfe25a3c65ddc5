// pHash (imagehash variant) stage by stage. Expected values marked "Pillow 13.0.0", "scipy 1.17.1"
// or "imagehash 4.3.2" were computed with those packages (the project venv, numpy 2.4.6) on the
// same inputs and pasted here; the others hold by construction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "host/core/errors.hpp"
#include "host/core/phash_cpu.hpp"
#include "host/core/phash_dct.hpp"
#include "host/core/pillow_resample.hpp"

namespace hashsieve::phash {
namespace {

// Pillow 13.0.0: Image.new("RGB", (1, 1), rgb).convert("L").getpixel((0, 0)).
TEST(PhashGrey, MatchesPillowConvertL) {
  struct Case {
    uint8_t r, g, b, l;
  };
  const Case cases[] = {{0, 0, 0, 0},        {255, 255, 255, 255}, {255, 0, 0, 76},
                        {0, 255, 0, 150},    {0, 0, 255, 29},      {10, 20, 30, 18},
                        {200, 100, 50, 124}, {1, 2, 3, 2},         {128, 128, 127, 128}};
  for (const auto& c : cases)
    EXPECT_EQ(pillowLuma(c.r, c.g, c.b), c.l) << int(c.r) << "," << int(c.g) << "," << int(c.b);
}

TEST(PhashGrey, GreyStaysExact) {  // the weights sum to 65536: R = G = B keeps its level
  for (int v = 0; v < 256; ++v) EXPECT_EQ(pillowLuma(v, v, v), v);
}

// (x * 37 + y * 91 + (x * y % 7) * 20) % 256, the pattern the expected values were made from.
std::vector<uint8_t> pattern(int w, int h) {
  std::vector<uint8_t> p(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) p[y * w + x] = (x * 37 + y * 91 + (x * y % 7) * 20) % 256;
  return p;
}

std::vector<uint8_t> resizeL(const std::vector<uint8_t>& in, int w, int h, int ow, int oh) {
  std::vector<uint8_t> out;
  pillow::resizeLanczosL(ImageView{in.data(), w, h, w, PixelFormat::Gray8}, ow, oh, out);
  return out;
}

struct ResizeCase {
  int w, h, ow, oh;
  std::vector<uint8_t> expected;  // Pillow 13.0.0: Image.fromarray(L).resize((ow, oh), LANCZOS)
};

class PhashResize : public ::testing::TestWithParam<ResizeCase> {};

TEST_P(PhashResize, MatchesPillowLanczos) {
  const auto& c = GetParam();
  const auto in = pattern(c.w, c.h);
  EXPECT_EQ(resizeL(in, c.w, c.h, c.ow, c.oh), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Pillow13, PhashResize,
    ::testing::Values(
        // both axes shrink, horizontal pass first
        ResizeCase{6, 5, 4, 3, {56, 111, 79, 143, 96, 115, 106, 127, 99, 208, 78, 125}},
        // height shrinks by more than twice the width's pixels: Pillow 13 runs vertical first
        ResizeCase{4, 12, 3, 2, {92, 136, 131, 140, 140, 131}},
        // upsampling both axes (filter support stays 3 source pixels)
        ResizeCase{3, 2, 5, 4, {0,  0,  18,  44,  54,  20,  30,  63,  95,  108,
                                67, 82, 122, 163, 178, 102, 121, 167, 214, 232}},
        // one row: only the horizontal pass runs
        ResizeCase{7, 1, 3, 1, {24, 111, 198}},
        // same width: only the vertical pass runs
        ResizeCase{5, 5, 5, 2, {78, 66, 127, 85, 100, 95, 131, 182, 125, 35}}));

TEST(PhashResizeBasics, PassOrderRule) {  // Pillow 13 Resample.c, integer pixel counts
  EXPECT_TRUE(pillowHorizontalFirst(6, 5, 4, 3));
  EXPECT_FALSE(pillowHorizontalFirst(4, 12, 3, 2));  // 10 > 2 * 1
  EXPECT_TRUE(pillowHorizontalFirst(1920, 1080, 32, 32));
  EXPECT_TRUE(pillowHorizontalFirst(1080, 1920, 32, 32));  // 1888 <= 2 * 1048
  EXPECT_FALSE(pillowHorizontalFirst(20, 300, 32, 32));    // width grows: any shrink of height
  EXPECT_TRUE(pillowHorizontalFirst(3, 2, 5, 4));          // upsampling
}

TEST(PhashResizeBasics, SameSizeIsACopyAndFlatStaysFlat) {
  const auto in = pattern(32, 32);
  EXPECT_EQ(resizeL(in, 32, 32, 32, 32), in);
  for (auto [w, h] : {std::pair{1, 1}, {1, 300}, {700, 3}, {1000, 999}}) {
    const std::vector<uint8_t> flat(static_cast<size_t>(w) * h, 173);
    const auto out = resizeL(flat, w, h, 32, 32);
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](uint8_t v) { return v == 173; }))
        << w << "x" << h;
  }
}

TEST(PhashResizeBasics, TapsAreNormalisedAndClipped) {
  for (auto [in, out] : {std::pair{1920, 32}, {33, 32}, {7, 32}, {1, 32}}) {
    const auto t = pillow::lanczosTaps(in, out);
    for (int i = 0; i < out; ++i) {
      EXPECT_GE(t.first[i], 0);
      EXPECT_LE(t.first[i] + t.count[i], in);
      EXPECT_LE(t.count[i], t.taps);
      const long sum = std::accumulate(&t.coef[i * t.taps], &t.coef[i * t.taps] + t.count[i], 0L);
      // Each weight rounds by at most 1/2 unit of 2^-22: the sum stays within count/2 of 1.0.
      EXPECT_LE(std::labs(sum - (1L << kResamplePrecisionBits)), t.count[i] / 2 + 1) << i;
    }
  }
}

TEST(PhashResizeBasics, EmptyImageIsAnInputError) {
  std::vector<uint8_t> out;
  EXPECT_THROW(pillow::resizeLanczosL(ImageView{nullptr, 0, 0, 0, PixelFormat::Gray8}, 32, 32, out),
               InputError);
}

uint64_t bitsOf(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// scipy 1.17.1: scipy.fftpack.dct(np.arange(32.0)). Odd inputs about the centre give exact zeros
// at even k, which a direct cosine sum would not.
TEST(PhashDct, RampMatchesScipyBitForBit) {
  std::array<double, kDctLen> v;
  std::iota(v.begin(), v.end(), 0.0);
  dctII(v.data());
  const double expected[kDctLen] = {0x1.f000000000000p+9,
                                    -0x1.9ed84240549f1p+8,
                                    0,
                                    -0x1.6f8e41032c1bfp+5,
                                    0,
                                    -0x1.06e24823e0806p+4,
                                    0,
                                    -0x1.0978368e97c85p+3,
                                    0,
                                    -0x1.3c7d459fb03ecp+2,
                                    0,
                                    -0x1.9f64d0d163b3ep+1,
                                    0,
                                    -0x1.21b92ffa58c58p+1,
                                    0,
                                    -0x1.a4979bef846f8p+0,
                                    0,
                                    -0x1.3925074aaf09cp+0,
                                    0,
                                    -0x1.d8c2c76c53648p-1,
                                    0,
                                    -0x1.65c887aeb5d1cp-1,
                                    0,
                                    -0x1.0be084e9812d0p-1,
                                    0,
                                    -0x1.852400e127580p-2,
                                    0,
                                    -0x1.086c4eabecbe0p-2,
                                    0,
                                    -0x1.331dbd66f6a00p-3,
                                    0,
                                    -0x1.92eeb886e8000p-5};
  for (int k = 0; k < kDctLen; ++k) EXPECT_EQ(bitsOf(v[k]), bitsOf(expected[k])) << "k=" << k;
}

// scipy 1.17.1 on np.random.default_rng(7).integers(0, 256, 32).
TEST(PhashDct, RandomVectorMatchesScipyBitForBit) {
  const int in[kDctLen] = {241, 160, 175, 229, 148, 198, 213, 57,  14,  76,  72,
                           223, 233, 1,   127, 210, 33,  204, 30,  119, 209, 77,
                           87,  71,  184, 65,  253, 113, 122, 129, 149, 141};
  const double expected[kDctLen] = {
      0x1.10b0000000000p+13, 0x1.f963dff41192ap+8,  0x1.b7d2ce362f496p+9,  0x1.a64c7a49b49e3p+8,
      0x1.397129bd8e347p+9,  0x1.a5477d73186f8p+8,  -0x1.13426c4ef660dp+8, -0x1.5d2a7fcf49d1bp+8,
      -0x1.63412e2d188a3p+9, -0x1.9464689548d82p+7, 0x1.5390baddf749cp+9,  0x1.81473c15bdb1ap+8,
      0x1.d0238ad1e66cfp+9,  -0x1.008dd1d60e8dep+6, -0x1.aa6ba35579929p+9, -0x1.de17247025059p+6,
      0x1.d41acce868251p+8,  0x1.0e1217dacd76dp+8,  -0x1.1861095a23244p+7, 0x1.27d8091120254p+8,
      -0x1.21c7b0ca4b32cp+7, 0x1.0fec90fae1154p+10, 0x1.098c395c83440p+10, -0x1.8b46ad9133bb4p+9,
      -0x1.312e37d04d165p+9, 0x1.8fa5d73700f30p+4,  0x1.633e3206a6b52p+9,  -0x1.f6f9d883115f6p+8,
      -0x1.1a5faf6694493p+9, 0x1.a0d42f6dcee54p+9,  -0x1.2663abcdc1040p+9, 0x1.b48c719651c6cp+5};
  std::array<double, kDctLen> v;
  std::copy(std::begin(in), std::end(in), v.begin());
  dctII(v.data());
  for (int k = 0; k < kDctLen; ++k) EXPECT_EQ(bitsOf(v[k]), bitsOf(expected[k])) << "k=" << k;
}

TEST(PhashDct, AgreesWithTheDefinitionAndFlatIsExact) {
  std::mt19937 rng(12345);  // seed printed by the assertion context below
  std::uniform_int_distribution<int> sample(0, 255);
  std::array<double, kDctLen> v, x;
  for (auto& e : x) e = sample(rng);
  v = x;
  dctII(v.data());
  for (int k = 0; k < kDctLen; ++k) {
    long double ref = 0;  // y_k = 2 sum x_n cos(pi k (2n + 1) / 2N)
    for (int n = 0; n < kDctLen; ++n)
      ref += 2.0L * x[n] *
             std::cos(3.141592653589793238462643383279502884L * k * (2 * n + 1) / (2.0L * kDctLen));
    EXPECT_NEAR(v[k], static_cast<double>(ref), 1e-9) << "seed 12345, k=" << k;
  }
  v.fill(137.0);
  dctII(v.data());
  EXPECT_EQ(v[0], 2.0 * kDctLen * 137.0);
  for (int k = 1; k < kDctLen; ++k) EXPECT_EQ(v[k], 0.0) << k;  // exact, as scipy's
}

TEST(PhashMedian, MeanOfTheTwoMiddleValues) {
  Block8 b;
  std::iota(b.begin(), b.end(), 0.0);
  std::shuffle(b.begin(), b.end(), std::mt19937(7));
  EXPECT_EQ(numpyMedian(b), 31.5);
  b.fill(0.0);
  b[0] = 5.0;
  EXPECT_EQ(numpyMedian(b), 0.0);
}

TEST(PhashBits, FirstCoefficientIsTheTopBitStrictGreater) {
  Block8 b{};
  b[0] = 1.0;  // only (0,0) above the median 0
  EXPECT_EQ(thresholdBits(b.data(), 0.0).v, 0x8000000000000000ull);
  b.fill(0.0);
  b[63] = 2.0;
  b[8] = 2.0;  // row 1, column 0
  EXPECT_EQ(thresholdBits(b.data(), 0.0).v, (1ull << 0) | (1ull << 55));
  EXPECT_EQ(thresholdBits(b.data(), 2.0).v, 0u);  // equal is not greater
  EXPECT_EQ(toHex(thresholdBits(b.data(), 0.0)), "0080000000000001");
}

// (x * 7 + y * 13, x * x + 3 * y, (x ^ y) * 5) mod 256 per channel.
Image rgbPattern(int w, int h) {
  Image img(w, h, PixelFormat::Rgb8);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.row(y) + 3 * x;
      p[0] = (x * 7 + y * 13) % 256;
      p[1] = (x * x + 3 * y) % 256;
      p[2] = ((x ^ y) * 5) % 256;
    }
  return img;
}

struct HashCase {
  int w, h;
  const char* hex;  // imagehash 4.3.2 phash(Image.fromarray(pattern)), Pillow 13.0.0, scipy 1.17.1
};

class PhashWhole : public ::testing::TestWithParam<HashCase> {};

TEST_P(PhashWhole, MatchesImagehash) {
  const auto& c = GetParam();
  EXPECT_EQ(toHex(compute(rgbPattern(c.w, c.h).view())), c.hex) << c.w << "x" << c.h;
}

INSTANTIATE_TEST_SUITE_P(
    Imagehash432, PhashWhole,
    ::testing::Values(HashCase{1, 1, "0000000000000000"},  // black
                      HashCase{1, 7, "8000000080000080"}, HashCase{9, 1, "aa00000000000000"},
                      HashCase{4, 3, "ae31ccecf8707846"}, HashCase{40, 30, "830f4a17a572a5ed"},
                      HashCase{32, 32, "861c95366a652fda"}, HashCase{64, 64, "80014f75a6b72f5b"},
                      HashCase{300, 17, "9240027bac737dee"}, HashCase{20, 300, "9b2f1b0f1a1f1a32"},
                      HashCase{257, 129, "91246150ee7a3ef5"}));

TEST(PhashWholeGrey, GreyInputIsAlreadyL) {
  const Image rgb = rgbPattern(40, 30);
  Image grey(40, 30, PixelFormat::Gray8);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) {
      const uint8_t* p = rgb.pixels.data() + (y * 40 + x) * 3;
      grey.row(y)[x] = pillowLuma(p[0], p[1], p[2]);
    }
  EXPECT_EQ(toHex(compute(grey.view())), "830f4a17a572a5ed");  // imagehash 4.3.2 on the L image
}

TEST(PhashWholeGrey, StrideIsHonoured) {
  const Image img = rgbPattern(40, 30);
  std::vector<uint8_t> padded(static_cast<size_t>(30) * 200, 0xEE);
  for (int y = 0; y < 30; ++y) std::copy_n(img.pixels.data() + y * 120, 120, &padded[y * 200]);
  EXPECT_EQ(toHex(compute(ImageView{padded.data(), 40, 30, 200, PixelFormat::Rgb8})),
            "830f4a17a572a5ed");
}

}  // namespace
}  // namespace hashsieve::phash
