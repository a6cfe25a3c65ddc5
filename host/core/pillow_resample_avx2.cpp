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
  const __m256i wr = _mm256_set1_epi32(phash::kLumaR16), wg = _mm256_set1_epi32(phash::kLumaG16);
  const __m256i wb = _mm256_set1_epi32(phash::kLumaB16);
  const __m256i round = _mm256_set1_epi32(phash::kLumaRound16);
  int x = 0;
  for (; hashsieve::detail::rgb8Readable(x, width); x += kPixelsPerStep) {
    __m256i r, g, b;
    hashsieve::detail::rgb8Channels(rgb + kRgbBytes * x, r, g, b);
    __m256i y = _mm256_add_epi32(_mm256_mullo_epi32(r, wr), _mm256_mullo_epi32(g, wg));
    y = _mm256_add_epi32(_mm256_add_epi32(y, _mm256_mullo_epi32(b, wb)), round);
    y = _mm256_srli_epi32(y, phash::kLumaShift);  // 0..255: the packs below do not saturate
    const __m256i w16 = _mm256_packus_epi32(y, y);
    const __m256i w8 = _mm256_packus_epi16(w16, w16);
    const uint32_t lo = static_cast<uint32_t>(_mm256_cvtsi256_si32(w8));
    const uint32_t hi = static_cast<uint32_t>(_mm256_extract_epi32(w8, 4));
    const uint64_t both = lo | (uint64_t{hi} << 32);
    __builtin_memcpy(out + x, &both, sizeof both);
  }
  for (; x < width; ++x)
    out[x] = phash::pillowLuma(rgb[kRgbBytes * x], rgb[kRgbBytes * x + 1], rgb[kRgbBytes * x + 2]);
}

HS_AVX2 void horizontalTapsAvx2(const uint8_t* row, const int* first, const int* count,
                                const int32_t* coef, int pitch, int outW, uint8_t* out) {
  for (int x = 0; x < outW; ++x) {
    const uint8_t* in = row + first[x];
    const int32_t* k = coef + static_cast<long>(x) * pitch;
    // Integer sums: any order gives Pillow's int32 accumulator (it does not overflow).
    __m256i acc = _mm256_setzero_si256();
    for (int j = 0; j < count[x]; j += kPixelsPerStep) {
      const __m256i s =
          _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + j)));
      const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k + j));
      acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(s, c));
    }
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
    s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1)));
    out[x] = phash::resampleClip8(phash::kResampleHalf + _mm_cvtsi128_si32(s4));
  }
}

}  // namespace hashsieve::pillow::detail
