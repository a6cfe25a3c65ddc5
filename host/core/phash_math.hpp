// pHash (imagehash variant) per-sample math and constants, one source of truth for the CPU path
// and any GPU port: Pillow's "L" conversion, its 8-bit resample fixed point, the bit order.
#pragma once

#include <cstdint>

#include "host/core/hash_types.hpp"
#include "host/core/hd.hpp"

namespace hashsieve::phash {

inline constexpr int kHashSize = 8;                           // imagehash hash_size
inline constexpr int kHighFreqFactor = 4;                     // imagehash highfreq_factor
inline constexpr int kImgSize = kHashSize * kHighFreqFactor;  // 32x32 grey before the DCT
inline constexpr int kBlockCoefs = kHashSize * kHashSize;     // 64 low-frequency coefficients

// Pillow Convert.c rgb2l: ITU-R 601-2 weights in 16-bit fixed point (they sum to 65536, so grey
// stays exact), + 0x8000 rounds half up, >> 16.
inline constexpr uint32_t kLumaR16 = 19595;
inline constexpr uint32_t kLumaG16 = 38470;
inline constexpr uint32_t kLumaB16 = 7471;
inline constexpr uint32_t kLumaRound16 = 0x8000;
inline constexpr int kLumaShift = 16;

HS_HD inline uint8_t pillowLuma(uint8_t r, uint8_t g, uint8_t b) {
  return static_cast<uint8_t>((r * kLumaR16 + g * kLumaG16 + b * kLumaB16 + kLumaRound16) >>
                              kLumaShift);
}

// Pillow Resample.c, 8 bits per channel: coefficients scaled by 2^22 (32 bits less 8 for the
// sample, less 2 so negative lobes and sums above 1 still fit an int32).
inline constexpr int kResamplePrecisionBits = 32 - 8 - 2;
inline constexpr int32_t kResampleHalf = int32_t{1} << (kResamplePrecisionBits - 1);

/// Pillow's clip8: the accumulator (which starts at kResampleHalf, so this rounds half up) shifted
/// back to a sample and clamped to 0..255. The shift is arithmetic, as Pillow's.
HS_HD inline uint8_t resampleClip8(int32_t acc) {
  const int32_t v = acc >> kResamplePrecisionBits;
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/// Pillow 13's resample pass order: vertical first when the height shrinks by more than twice as
/// many pixels as the width, else horizontal first. Each pass rounds, so the order matters.
HS_HD inline bool pillowHorizontalFirst(int inW, int inH, int outW, int outH) {
  return !((inH - outH) > 0 && (inH - outH) > (inW - outW) * 2);
}

/// imagehash bit order: coefficient k of the row-major 8x8 block is bit 63 - k (the first
/// coefficient is the most significant bit of the 16-hex string). Strict ">".
HS_HD inline Hash64 thresholdBits(const double* block, double median) {
  Hash64 h;
  for (int k = 0; k < kBlockCoefs; ++k)
    if (block[k] > median) h.v |= uint64_t{1} << (kBlockCoefs - 1 - k);
  return h;
}

}  // namespace hashsieve::phash
