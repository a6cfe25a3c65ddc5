// AVX2 helpers shared by the core's run-time dispatched kernels (pHash resample, PDQ filter):
// function-target macros, the CPU check, and the RGB deinterleave both hashes start from.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "host/core/phash_math.hpp"

// Code under these attributes runs only after cpuHasAvx2(); the rest of the build stays baseline.
// FMA comes with it for pillowGrey8's exact fused multiply-adds; PDQ's float math never contracts
// (the build passes -ffp-contract=off, and it calls no fused intrinsic).
#define HS_AVX2 __attribute__((target("avx2,fma")))
#define HS_AVX2_INLINE inline __attribute__((target("avx2,fma"), always_inline))
#define HS_AVX2_LAMBDA __attribute__((target("avx2,fma"), always_inline))

namespace hashsieve::detail {

/// Whether the CPU runs AVX2 and FMA (checked once; every AVX2 CPU made has FMA3 too).
inline bool cpuHasAvx2() {
  static const bool have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return have;
}

inline constexpr int kRgbPixelsPerVector = 8;
// Each 128-bit half loads 16 bytes for its 4 pixels (12 bytes): 4 bytes past the 8th pixel.
inline constexpr int kRgbLoadSlack = 4;

/// Whether rgb8Channels may read the 8 pixels from pixel x of a row of `width` RGB pixels.
inline bool rgb8Readable(int x, int width) {
  return 3 * (x + kRgbPixelsPerVector) + kRgbLoadSlack <= 3 * width;
}

/// R, G and B of 4 RGB pixels at lo (lanes 0..3) and 4 at hi (lanes 4..7), zero-extended to int32
/// lanes. Each reads 16 bytes (kRgbLoadSlack past its 4th pixel).
HS_AVX2_INLINE void rgb4x2Channels(const uint8_t* lo, const uint8_t* hi, __m256i& r, __m256i& g,
                                   __m256i& b) {
  // Per 128-bit half: channel c of its pixels 0..3 (bytes 3k + c) to the low byte of lane k.
  const __m256i shufR =
      _mm256_setr_epi8(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1, 0, -1, -1, -1, 3,
                       -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i v = _mm256_loadu2_m128i(reinterpret_cast<const __m128i*>(hi),
                                        reinterpret_cast<const __m128i*>(lo));
  r = _mm256_shuffle_epi8(v, shufR);
  // Lanes hold 0xFFFFFFxx: adding 1 picks the next channel and keeps the zeroing 0xFF bytes.
  const __m256i shufG = _mm256_add_epi32(shufR, one);
  g = _mm256_shuffle_epi8(v, shufG);
  b = _mm256_shuffle_epi8(v, _mm256_add_epi32(shufG, one));
}

/// R, G and B of the 8 RGB pixels at p, zero-extended to int32 lanes (pixel order).
HS_AVX2_INLINE void rgb8Channels(const uint8_t* p, __m256i& r, __m256i& g, __m256i& b) {
  rgb4x2Channels(p, p + 3 * kRgbPixelsPerVector / 2, r, g, b);
}

/// R, G and B of the 8 RGB pixels at p as float lanes (pixel order).
HS_AVX2_INLINE void rgb8Floats(const uint8_t* p, __m256& r, __m256& g, __m256& b) {
  __m256i ri, gi, bi;
  rgb8Channels(p, ri, gi, bi);
  r = _mm256_cvtepi32_ps(ri);
  g = _mm256_cvtepi32_ps(gi);
  b = _mm256_cvtepi32_ps(bi);
}

/// Pillow's rgb2l (phash::pillowLuma) of 8 pixels whose channels are float lanes (0..255), as
/// int32 lanes. Exact in float: with the weights scaled by 2^-16, each partial sum is an integer
/// below 2^24 (255 * 65536 + 0x8000 at most) times 2^-16, so every fused multiply-add rounds
/// nothing, and truncation is the >> 16.
HS_AVX2_INLINE __m256i pillowGrey8(__m256 r, __m256 g, __m256 b) {
  constexpr float kScale = 1.0f / static_cast<float>(1 << phash::kLumaShift);
  __m256 y = _mm256_fmadd_ps(b, _mm256_set1_ps(static_cast<float>(phash::kLumaB16) * kScale),
                             _mm256_set1_ps(static_cast<float>(phash::kLumaRound16) * kScale));
  y = _mm256_fmadd_ps(g, _mm256_set1_ps(static_cast<float>(phash::kLumaG16) * kScale), y);
  y = _mm256_fmadd_ps(r, _mm256_set1_ps(static_cast<float>(phash::kLumaR16) * kScale), y);
  return _mm256_cvttps_epi32(y);
}

/// 8 int32 lanes clamped to 0..255 as bytes to out[0..8): the unsigned packs saturate, which
/// clamps every lane up to 32767 (a lane in 0..255 is stored as it is).
HS_AVX2_INLINE void storeBytes8(__m256i v, uint8_t* out) {
  const __m256i w8 = _mm256_packus_epi16(_mm256_packus_epi32(v, v), v);  // lane k: 4 bytes x 4
  const __m256i both = _mm256_permutevar8x32_epi32(w8, _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(both));
}

}  // namespace hashsieve::detail
