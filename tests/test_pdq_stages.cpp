// PDQ CPU stages on inputs whose answers are known by construction.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "host/core/pdq_cpu.hpp"

namespace hashsieve::pdq {
namespace {

TEST(PdqStages, LumaGreyIsTheSampleRgbIsWeighted) {
  Image grey(2, 1, PixelFormat::Gray8);
  grey.pixels = {7, 200};
  float out[2];
  lumaPlane(grey.view(), out);
  EXPECT_EQ(out[0], 7.0f);
  EXPECT_EQ(out[1], 200.0f);
  EXPECT_EQ(lumaFromRgb(0, 0, 0), 0.0f);
  // Products rounded to float one by one, adds left to right (no FMA): reproduce independently.
  volatile float r = 0.299f * 10.0f, g = 0.587f * 20.0f, b = 0.114f * 30.0f;
  volatile float rg = r + g;
  EXPECT_EQ(lumaFromRgb(10, 20, 30), rg + b);
  EXPECT_NEAR(lumaFromRgb(255, 255, 255), 255.0f, 1e-3);
}

TEST(PdqStages, WindowSizes) {
  EXPECT_EQ(boxWindow(1600), 13);  // ceil(1600/128) = 13 (docs/ALGORITHMS.md §2.2)
  EXPECT_EQ(boxWindow(1004), 8);
  EXPECT_EQ(boxWindow(512), 4);
  EXPECT_EQ(boxWindow(128), 1);
  EXPECT_EQ(boxWindow(129), 2);
  EXPECT_EQ(boxWindow(1), 1);
}

TEST(PdqStages, BoxLineOddAndEvenWindows) {
  const float in[5] = {0, 3, 6, 9, 12};
  float out[5];
  boxLine(in, out, 5, 1, 3);  // centred i-1..i+1, clipped at the ends
  const float odd[5] = {1.5f, 3, 6, 9, 10.5f};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], odd[i]) << i;
  boxLine(in, out, 5, 1, 4);  // even: i-1..i+2, one extra to the right
  const float even[5] = {3, 4.5f, 7.5f, 9, 10.5f};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(out[i], even[i]) << i;
}

TEST(PdqStages, BoxLineStrided) {
  const float in[6] = {1, 100, 3, 100, 5, 100};  // every other sample
  float out[6] = {};
  boxLine(in, out, 3, 2, 3);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[2], 3.0f);
  EXPECT_EQ(out[4], 4.0f);
  EXPECT_EQ(out[1], 0.0f);  // untouched
}

TEST(PdqStages, FilterKeepsConstantPlane) {
  const int rows = 300, cols = 517;
  std::vector<float> a(rows * cols, 42.0f), b(rows * cols);
  jaroszFilter(a.data(), b.data(), rows, cols);
  Buffer64 d;
  decimate(a.data(), rows, cols, d);
  for (float v : d) EXPECT_EQ(v, 42.0f);
}

// The reference's loop structure: row boxes, then one strided boxLine per column, twice.
void referenceFilter(float* buf1, float* buf2, int rows, int cols) {
  for (int rep = 0; rep < kJaroszPasses; ++rep) {
    for (int r = 0; r < rows; ++r)
      boxLine(buf1 + r * cols, buf2 + r * cols, cols, 1, boxWindow(cols));
    for (int c = 0; c < cols; ++c) boxLine(buf2 + c, buf1 + c, rows, cols, boxWindow(rows));
  }
}

TEST(PdqStages, FilterIsBitExactWithLineByLineReference) {
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> ud(0, 255);
  const int sizes[][2] = {{1, 1}, {1, 300}, {300, 1}, {5, 5}, {129, 257}, {640, 480}, {1004, 1600}};
  for (auto [rows, cols] : sizes) {
    std::vector<float> a(rows * cols), b(rows * cols);
    for (auto& v : a) v = ud(rng);
    std::vector<float> ref = a, refTmp(rows * cols);
    jaroszFilter(a.data(), b.data(), rows, cols);
    referenceFilter(ref.data(), refTmp.data(), rows, cols);
    ASSERT_EQ(a, ref) << rows << "x" << cols;
  }
}

TEST(PdqStages, DecimationTakesCentreSamples) {
  EXPECT_EQ(decimateIndex(0, 1004), 7);  // floor(0.5 * 1004 / 64)
  EXPECT_EQ(decimateIndex(63, 1004), 996);
  EXPECT_EQ(decimateIndex(0, 64), 0);
  EXPECT_EQ(decimateIndex(63, 64), 63);
  EXPECT_EQ(decimateIndex(63, 5), 4);  // small inputs are nearest-upsampled
  std::vector<float> plane(10 * 640);
  std::iota(plane.begin(), plane.end(), 0.0f);
  Buffer64 d;
  decimate(plane.data(), 10, 640, d);
  EXPECT_EQ(d[0], 5.0f);  // row 0, column 5
  EXPECT_EQ(d[64 * 63 + 63], float(9 * 640 + 635));
}

TEST(PdqStages, QualityCountsGradients) {
  Buffer64 flat;
  flat.fill(10.0f);
  EXPECT_EQ(quality(flat), 0);
  Buffer64 edge;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) edge[i * 64 + j] = j < 32 ? 0.0f : 255.0f;
  EXPECT_EQ(quality(edge), 64 * 100 / 90);  // one step of 100 per row
  Buffer64 checker;
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) checker[i * 64 + j] = ((i + j) & 1) ? 255.0f : 0.0f;
  EXPECT_EQ(quality(checker), 100);  // capped
}

TEST(PdqStages, DctPicksOutOneBasisPattern) {
  const auto& dm = dctMatrix();
  for (int p : {0, 5, 15}) {
    for (int q : {0, 7, 15}) {
      Buffer64 a;
      for (int k = 0; k < 64; ++k)
        for (int j = 0; j < 64; ++j) a[k * 64 + j] = 100.0f * dm[p * 64 + k] * dm[q * 64 + j];
      Dct16 b;
      dct(a, b);
      for (int i = 0; i < 16; ++i)
        for (int j = 0; j < 16; ++j)
          EXPECT_NEAR(b[i * 16 + j], (i == p && j == q) ? 100.0f : 0.0f, 1e-3) << i << "," << j;
    }
  }
}

TEST(PdqStages, LowerMedianIsThe128thSmallest) {
  std::mt19937 rng(3);
  Dct16 b;
  std::iota(b.begin(), b.end(), 0.0f);
  std::shuffle(b.begin(), b.end(), rng);
  EXPECT_EQ(lowerMedian(b), 127.0f);
  b.fill(5.0f);
  EXPECT_EQ(lowerMedian(b), 5.0f);
  Hash256 h = thresholdBits(b.data(), 5.0f);  // strict >: nothing set on a flat block
  EXPECT_EQ(h, Hash256{});
}

TEST(PdqStages, ThresholdSetsExactlyHalfOnDistinctValues) {
  std::mt19937 rng(4);
  std::normal_distribution<float> nd;
  Dct16 b;
  for (auto& v : b) v = nd(rng);
  Hash256 h = thresholdBits(b.data(), lowerMedian(b));
  int ones = 0;
  for (int k = 0; k < 256; ++k) {
    ones += h.bit(k);
    EXPECT_EQ(h.bit(k), b[k] > lowerMedian(b));
  }
  EXPECT_EQ(ones, 128);
}

// The eight variants form the dihedral group: check its composition laws exactly.
TEST(PdqStages, DihedralVariantsComposeAsTheGroup) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> ud(-50, 50);
  Dct16 b;
  for (auto& v : b) v = ud(rng);
  auto apply = [](const Dct16& in, int v) {
    Dct16 out;
    dihedralDct(in, v, out);
    return out;
  };
  enum { kOrig, kRot90, kRot180, kRot270, kFlipX, kFlipY, kFlipP, kFlipM };
  EXPECT_EQ(apply(b, kOrig), b);
  EXPECT_EQ(apply(apply(b, kRot90), kRot90), apply(b, kRot180));
  EXPECT_EQ(apply(apply(b, kRot90), kRot180), apply(b, kRot270));
  EXPECT_EQ(apply(apply(b, kRot270), kRot90), b);
  EXPECT_EQ(apply(apply(b, kFlipX), kFlipX), b);
  EXPECT_EQ(apply(apply(b, kFlipX), kFlipY), apply(b, kRot180));
  EXPECT_EQ(apply(apply(b, kFlipP), kFlipP), b);
  EXPECT_EQ(apply(apply(b, kFlipP), kFlipM), apply(b, kRot180));
}

TEST(PdqStages, TinyImagesHashToZero) {
  Image img(4, 100, PixelFormat::Rgb8);
  std::fill(img.pixels.begin(), img.pixels.end(), 99);
  PdqCpu pdq;
  PdqResult r;
  pdq.hash(img.view(), true, r);
  EXPECT_EQ(r.hash, Hash256{});
  EXPECT_EQ(r.quality, 0);
}

}  // namespace
}  // namespace hashsieve::pdq
