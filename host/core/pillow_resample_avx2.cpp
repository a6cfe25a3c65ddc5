// AVX2 kernels of pillow_resample.cpp; see pillow_resample_avx2.hpp.
#include "host/core/pillow_resample_avx2.hpp"

#include <immintrin.h>

#include "host/core/phash_math.hpp"

#define HS_AVX2 __attribute__((target("avx2")))

namespace hashsieve::pillow::detail {

bool haveAvx2() {
  static const bool have = __builtin_cpu_supports("avx2");
  return have;
}

namespace {
constexpr int kPixelsPerStep = 8;  // one 256-bit vector of int32 lumas
constexpr int kRgbBytes = 3;
// Each 128-bit half loads 16 bytes for its 4 pixels (12 bytes): 4 bytes past the last pixel.
constexpr int kLoadSlack = 4;
}  // namespace

HS_AVX2 void greyRowAvx2(const uint8_t* rgb, int width, uint8_t* out) {
  // Per 128-bit half: channel c of pixels 0..3 (bytes 3p + c) zero-extended to 32 bits.
  const __m256i shufR =
      _mm256_setr_epi8(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1, 0, -1, -1, -1, 3,
                       -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  const __m256i shufG =
      _mm256_setr_epi8(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1, 1, -1, -1, -1,
                       4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1);
  const __m256i shufB =
      _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1, 2, -1, -1, -1,
                       5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m256i wr = _mm256_set1_epi32(phash::kLumaR16), wg = _mm256_set1_epi32(phash::kLumaG16);
  const __m256i wb = _mm256_set1_epi32(phash::kLumaB16);
  const __m256i round = _mm256_set1_epi32(phash::kLumaRound16);
  int x = 0;
  for (; kRgbBytes * (x + kPixelsPerStep) + kLoadSlack <= kRgbBytes * width; x += kPixelsPerStep) {
    const uint8_t* p = rgb + kRgbBytes * x;
    const __m256i v = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(p + 12),
                                          reinterpret_cast<const __m128i*>(p));
    const __m256i r = _mm256_shuffle_epi8(v, shufR);
    const __m256i g = _mm256_shuffle_epi8(v, shufG);
    const __m256i b = _mm256_shuffle_epi8(v, shufB);
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
