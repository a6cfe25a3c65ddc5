// The AVX2 kernels of the pHash resample against their scalar definitions (pillowLuma, Pillow's
// integer tap sum): exhaustive over pixel values for the grey conversion, seeded random rows and
// real Lanczos taps (every size used by a 1080p, 12 MP and odd-width resize, and upsampling),
// split into 16-bit halves as the kernel reads them; the vertical pass likewise.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "host/core/grey_rows.hpp"
#include "host/core/phash_math.hpp"
#include "host/core/pillow_resample.hpp"
#include "host/core/pillow_resample_avx2.hpp"

namespace hashsieve::pillow {
namespace {

TEST(PhashSimd, GreyRowEqualsPillowLuma) {
  if (!detail::haveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU: the scalar path is used";
  // Every (r, g, b): every (r, g) pair at the widest row for each b (pillowGrey8 computes it with
  // fused multiply-adds that must round nothing); the widths cover every tail length.
  std::vector<uint8_t> rgb, out;
  for (int b = 0; b < 256; ++b) {
    for (int width : {1, 7, 8, 9, 15, 16, 17, 255, 256 * 256}) {
      rgb.resize(3 * size_t(width));
      for (int x = 0; x < width; ++x) {
        rgb[3 * x] = uint8_t(x & 255);
        rgb[3 * x + 1] = uint8_t((x >> 8) & 255);
        rgb[3 * x + 2] = uint8_t(b);
      }
      out.assign(width, 0);
      detail::greyRowAvx2(rgb.data(), width, out.data());
      for (int x = 0; x < width; ++x)
        ASSERT_EQ(out[x], phash::pillowLuma(rgb[3 * x], rgb[3 * x + 1], rgb[3 * x + 2]))
            << "width " << width << " x " << x << " b " << b;
    }
  }
}

TEST(PhashSimd, HorizontalTapsEqualIntegerSums) {
  if (!detail::haveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU: the scalar path is used";
  std::mt19937 rng(17);
  // 5 and 20 upsample (the largest taps, near 2^22); the rest downsample as frames do.
  for (int inW : {5, 20, 33, 100, 1000, 1920, 4000, 4001}) {
    const ResampleTaps t = lanczosTaps(inW, phash::kImgSize);
    const detail::SplitTaps split = detail::splitTaps(t);
    std::vector<uint8_t> row(inW + kGreyRowPadding, 0), got(t.outSize);
    for (int trial = 0; trial < 4; ++trial) {
      for (int i = 0; i < inW; ++i)
        row[i] = trial == 0 ? 255 : uint8_t(rng());  // 255: largest sums
      detail::horizontalTapsAvx2(row.data(), t, split, got.data());
      for (int x = 0; x < t.outSize; ++x) {
        int64_t acc = phash::kResampleHalf;
        for (int j = 0; j < t.count[x]; ++j)
          acc += int64_t(row[t.first[x] + j]) * t.coef[size_t(x) * t.taps + j];
        ASSERT_GE(acc, INT32_MIN);  // Pillow's int32 accumulator never overflows
        ASSERT_LE(acc, INT32_MAX);
        ASSERT_EQ(got[x], phash::resampleClip8(int32_t(acc))) << "inW " << inW << " x " << x;
      }
    }
  }
}

// Synthetic taps at the int16 edges, so that every band shape occurs: no wide tap, a band at the
// start, middle or end of a row, two wide taps far apart (the band spans the direct taps between
// them), counts that are not multiples of 32, and every tap wide. Samples 0, 255 and random.
TEST(PhashSimd, HorizontalTapsBandsEqualIntegerSums) {
  if (!detail::haveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU: the scalar path is used";
  constexpr int kTaps = 101, kOut = 9, kInW = 300;
  // Edge values; the sums stay within int32, as Pillow's do.
  const int32_t edges[] = {0, 1, -1, 32767, -32768, 32768, -32769, 65535, -65536, 2047, 2048};
  std::mt19937 rng(29);
  auto edge = [&] { return edges[rng() % std::size(edges)]; };
  auto narrow = [&] { return int32_t(rng() % 65536) - 32768; };
  ResampleTaps t;
  t.inSize = kInW;
  t.outSize = kOut;
  t.taps = kTaps;
  t.first = {0, 3, 50, 100, 150, 199, 7, 33, 0};
  t.count = {kTaps, 64, 65, 31, 1, kTaps, 97, 33, 32};
  t.coef.assign(size_t(kOut) * kTaps, 0);
  for (int x = 0; x < kOut; ++x) {
    int32_t* k = &t.coef[size_t(x) * kTaps];
    for (int j = 0; j < t.count[x]; ++j) k[j] = x == 5 ? edge() : narrow();
  }
  t.coef[0 * kTaps + 0] = 1 << 21;     // band at the start
  t.coef[1 * kTaps + 40] = -32769;     // band in the middle
  t.coef[2 * kTaps + 64] = 32768;      // band in a last, one-tap block
  t.coef[6 * kTaps + 2] = -(1 << 22);  // two wide taps far apart
  t.coef[6 * kTaps + 96] = (1 << 22) - 1;
  t.coef[7 * kTaps + 32] = edges[5];  // the tap alone in its block
  const detail::SplitTaps split = detail::splitTaps(t);
  std::vector<uint8_t> row(kInW + kGreyRowPadding, 0), got(kOut);
  for (int trial = 0; trial < 64; ++trial) {
    for (int i = 0; i < kInW; ++i) row[i] = trial == 0 ? 255 : trial == 1 ? 0 : uint8_t(rng());
    detail::horizontalTapsAvx2(row.data(), t, split, got.data());
    for (int x = 0; x < kOut; ++x) {
      int64_t acc = phash::kResampleHalf;
      for (int j = 0; j < t.count[x]; ++j)
        acc += int64_t(row[t.first[x] + j]) * t.coef[size_t(x) * kTaps + j];
      ASSERT_GE(acc, INT32_MIN);
      ASSERT_LE(acc, INT32_MAX);
      ASSERT_EQ(got[x], phash::resampleClip8(int32_t(acc))) << "trial " << trial << " x " << x;
    }
  }
}

TEST(PhashSimd, VerticalTapsEqualIntegerSums) {
  if (!detail::haveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU: the scalar path is used";
  std::mt19937 rng(31);
  // Heights: upsampling (the largest taps), small, 1080p and 12 MP downscales; widths: every
  // tail length around the 8-column vectors.
  for (int inH : {5, 20, 33, 1080, 3000}) {
    const ResampleTaps t = lanczosTaps(inH, phash::kImgSize);
    const int yFirst = t.first[0];
    const int yEnd = t.first[t.outSize - 1] + t.count[t.outSize - 1];
    for (int width : {1, 7, 8, 9, 31, 32, 33}) {
      std::vector<uint8_t> temp(size_t(yEnd - yFirst) * width), got(size_t(t.outSize) * width);
      for (int trial = 0; trial < 3; ++trial) {
        for (auto& v : temp) v = trial == 0 ? 255 : trial == 1 ? 0 : uint8_t(rng());
        detail::verticalTapsAvx2(temp.data(), width, yFirst, t, got.data());
        for (int y = 0; y < t.outSize; ++y) {
          for (int x = 0; x < width; ++x) {
            int64_t acc = phash::kResampleHalf;
            for (int j = 0; j < t.count[y]; ++j)
              acc += int64_t(temp[size_t(t.first[y] + j - yFirst) * width + x]) *
                     t.coef[size_t(y) * t.taps + j];
            ASSERT_GE(acc, INT32_MIN);
            ASSERT_LE(acc, INT32_MAX);
            ASSERT_EQ(got[size_t(y) * width + x], phash::resampleClip8(int32_t(acc)))
                << "inH " << inH << " width " << width << " y " << y << " x " << x;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace hashsieve::pillow
