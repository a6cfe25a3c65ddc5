// The AVX2 PDQ filter against the scalar stages (lumaPlane, jaroszFilter, decimate): the 64x64
// buffers must be equal bit for bit, on sizes that exercise every tail (rows and columns not
// multiples of 8, windows of 1 to 32, the 64-sample minimum) and on flat and noisy frames.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "host/core/pdq_cpu.hpp"
#include "host/core/pdq_filter_avx2.hpp"

namespace hashsieve::pdq {
namespace {

struct SimdCase {
  int w, h;
  PixelFormat format;
};

class PdqSimd : public ::testing::TestWithParam<SimdCase> {};

Buffer64 scalarBuffer(const ImageView& v) {
  std::vector<float> a(size_t(v.width) * v.height), b(a.size());
  lumaPlane(v, a.data());
  jaroszFilter(a.data(), b.data(), v.height, v.width);
  Buffer64 out;
  decimate(a.data(), v.height, v.width, out);
  return out;
}

TEST_P(PdqSimd, FilterDecimateEqualsScalarStages) {
  if (!detail::pdqHaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU: the scalar path is used";
  const SimdCase c = GetParam();
  detail::FilterScratch scratch;
  for (unsigned seed : {1u, 2u}) {
    Image img(c.w, c.h, c.format);
    std::mt19937 rng(seed);
    // Seed 1: noise; seed 2: a smooth ramp with sparse noise (near-flat sums, small gradients).
    for (size_t i = 0; i < img.pixels.size(); ++i)
      img.pixels[i] = seed == 1 ? uint8_t(rng()) : uint8_t((i / 7) % 256 + (rng() % 16 == 0));
    const Buffer64 want = scalarBuffer(img.view());
    Buffer64 got;
    detail::filterDecimateAvx2(img.view(), scratch, got.data());  // scratch reused across sizes
    EXPECT_EQ(std::memcmp(want.data(), got.data(), sizeof want), 0)
        << c.w << "x" << c.h << " seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, PdqSimd,
    ::testing::Values(SimdCase{64, 65, PixelFormat::Rgb8}, SimdCase{65, 64, PixelFormat::Rgb8},
                      SimdCase{127, 129, PixelFormat::Rgb8}, SimdCase{333, 201, PixelFormat::Gray8},
                      SimdCase{1023, 77, PixelFormat::Rgb8}, SimdCase{90, 1601, PixelFormat::Rgb8},
                      SimdCase{1920, 1080, PixelFormat::Rgb8},
                      SimdCase{4001, 67, PixelFormat::Gray8},
                      // 57 full groups (made two at a time, then one; passed on in pairs, then
                      // one waiting) and a short group of 4 rows.
                      SimdCase{200, 460, PixelFormat::Rgb8}));

TEST(PdqSimd, WholeHashUsesTheSameBitsOnBothPaths) {
  // PdqCpu takes the AVX2 path for Reference luma and the scalar path for Float64; on a grey
  // frame both lumas are the sample, so the hashes must agree.
  Image img(700, 500, PixelFormat::Gray8);
  std::mt19937 rng(3);
  for (auto& p : img.pixels) p = uint8_t(rng());
  PdqCpu fast, scalar(LumaMode::Float64);
  PdqResult a, b;
  fast.hash(img.view(), true, a);
  scalar.hash(img.view(), true, b);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.quality, b.quality);
  for (int v = 0; v < kDihedralCount; ++v) EXPECT_EQ(a.dihedral[v], b.dihedral[v]) << v;
}

}  // namespace
}  // namespace hashsieve::pdq
