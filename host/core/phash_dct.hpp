// pHash's DCT stage: scipy.fftpack.dct (type II, unnormalised) of length 32 reproduced bit for bit,
// plus the 2-D low-frequency block and numpy's median that imagehash.phash applies to it.
#pragma once

#include <array>
#include <cstdint>

#include "host/core/phash_math.hpp"

namespace hashsieve::phash {

inline constexpr int kDctLen = kImgSize;  // 32-point transforms along each axis

using Grey32 = std::array<uint8_t, kImgSize * kImgSize>;  // row-major 32x32 "L" samples
using Block8 = std::array<double, kBlockCoefs>;           // row-major 8x8 DCT coefficients

/// In place, v[0..32): y[k] = 2 * sum_n x[n] * cos(pi * k * (2n + 1) / 64), in double.
/// It follows scipy's pocketfft step for step (pre-butterfly, real backward FFT with radix 2, 4, 4
/// passes, post-twiddle): a direct cosine sum rounds differently, and where the exact answer is 0
/// (flat or symmetric rows) it leaves noise that decides bits at the median.
void dctII(double* v);

/// imagehash: dct(dct(pixels, axis=0), axis=1)[:8, :8].
Block8 lowFrequencyBlock(const Grey32& grey);

/// numpy.median of the 64 coefficients: the mean of the two middle values, (a + b) / 2.
double numpyMedian(const Block8& block);

}  // namespace hashsieve::phash
