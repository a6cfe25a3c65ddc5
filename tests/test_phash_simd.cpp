// The AVX2 kernels of the pHash resample against their scalar definitions (pillowLuma, Pillow's
// integer tap sum): exhaustive over pixel values for the grey conversion, seeded random rows and
// real Lanczos taps (every size used by a 1080p, 12 MP and odd-width resize, and upsampling),
// split into 16-bit halves as the kernel reads them.
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
  // Every (r, g) pair at the widest row, b in steps of 5; the widths cover every tail length.
  std::vector<uint8_t> rgb, out;
  for (int b = 0; b < 256; b += 5) {
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

}  // namespace
}  // namespace hashsieve::pillow
