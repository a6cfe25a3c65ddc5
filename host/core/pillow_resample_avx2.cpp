// AVX2 kernels of pillow_resample.cpp; see pillow_resample_avx2.hpp.
#include "host/core/pillow_resample_avx2.hpp"

#include "host/core/phash_math.hpp"
#include "host/core/simd_avx2.hpp"

namespace hashsieve::pillow::detail {

bool haveAvx2() { return hashsieve::detail::cpuHasAvx2(); }

namespace {
constexpr int kPixelsPerStep = hashsieve::detail::kRgbPixelsPerVector;  // int32 lumas per vector
constexpr int kRgbBytes = 3;
}  // namespace

HS_AVX2 void greyRowAvx2(const uint8_t* rgb, int width, uint8_t* out) {
  int x = 0;
  for (; hashsieve::detail::rgb8Readable(x, width); x += kPixelsPerStep) {
    __m256i r, g, b;
    hashsieve::detail::rgb8Channels(rgb + kRgbBytes * x, r, g, b);
    hashsieve::detail::storeBytes8(hashsieve::detail::pillowGrey8(r, g, b), out + x);
  }
  for (; x < width; ++x)
    out[x] = phash::pillowLuma(rgb[kRgbBytes * x], rgb[kRgbBytes * x + 1], rgb[kRgbBytes * x + 2]);
}

SplitTaps splitTaps(const ResampleTaps& t) {
  SplitTaps s;
  s.pitch = (t.taps + kSplitBlock - 1) / kSplitBlock * kSplitBlock;
  s.hi.assign(static_cast<size_t>(t.outSize) * s.pitch, 0);
  s.lo.assign(s.hi.size(), 0);
  for (int i = 0; i < t.outSize; ++i) {
    for (int j = 0; j < t.count[i]; ++j) {
      const int32_t c = t.coef[static_cast<size_t>(i) * t.taps + j];
      // |coef| < 2^23 (normalised weights), so hi fits int16; the shift is arithmetic.
      s.hi[static_cast<size_t>(i) * s.pitch + j] = static_cast<int16_t>(c >> kSplitBits);
      s.lo[static_cast<size_t>(i) * s.pitch + j] =
          static_cast<int16_t>(c & ((int32_t{1} << kSplitBits) - 1));
    }
  }
  return s;
}

HS_AVX2 void horizontalTapsAvx2(const uint8_t* row, const ResampleTaps& t, const SplitTaps& split,
                                uint8_t* out) {
  for (int x = 0; x < t.outSize; ++x) {
    const uint8_t* in = row + t.first[x];
    const int16_t* hi = split.hi.data() + static_cast<size_t>(x) * split.pitch;
    const int16_t* lo = split.lo.data() + static_cast<size_t>(x) * split.pitch;
    // Samples (0..255) times hi and lo in int16 lanes, pairs summed into int32 (madd); integer
    // sums, so any order gives Pillow's accumulator.
    __m256i accHi = _mm256_setzero_si256(), accLo = _mm256_setzero_si256();
    const int n = t.count[x];
    for (int j = 0; j < n; j += kSplitBlock) {  // two vectors of 16 taps per step
      const __m256i s0 =
          _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j)));
      const __m256i s1 =
          _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j + 16)));
      auto dot = [&](const int16_t* c) HS_AVX2_LAMBDA {
        return _mm256_add_epi32(
            _mm256_madd_epi16(s0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + j))),
            _mm256_madd_epi16(s1,
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + j + 16))));
      };
      accHi = _mm256_add_epi32(accHi, dot(hi));
      accLo = _mm256_add_epi32(accLo, dot(lo));
    }
    const __m256i sumHi = accHi, sumLo = accLo;
    const __m256i acc = _mm256_add_epi32(_mm256_slli_epi32(sumHi, kSplitBits), sumLo);
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
    out[x] = phash::resampleClip8(phash::kResampleHalf + _mm_cvtsi128_si32(s4));
  }
}

}  // namespace hashsieve::pillow::detail
