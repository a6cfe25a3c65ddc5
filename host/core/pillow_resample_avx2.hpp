// AVX2 kernels of the Pillow "L" conversion and LANCZOS horizontal pass (pillow_resample.cpp
// dispatches to them at run time). Integer math only, so they equal the scalar code bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "host/core/pillow_resample.hpp"

namespace hashsieve::pillow::detail {

/// Whether the CPU runs AVX2 (checked once).
bool haveAvx2();

/// out[x] = Pillow's rgb2l of the RGB pixel x, for x < width.
void greyRowAvx2(const uint8_t* rgb, int width, uint8_t* out);

/// Pillow's 2^22 fixed-point taps as the 16-bit multiplies read them. Taps that fit int16 are
/// multiplied as they are. Each output's blocks of 32 taps from the first to the last that holds
/// a wider tap (its band, [bandBegin, bandEnd)) are split as coef = hi * 2^kSplitBits + lo,
/// 0 <= lo < 2^kSplitBits, both int16 (one more multiply per tap there). `direct` holds the taps
/// that fit and the band's lo halves, `hi` the band's hi halves (zero elsewhere). Rows are
/// zero-padded to `pitch` (a multiple of 32).
inline constexpr int kSplitBits = 11;
inline constexpr int kSplitBlock = 32;  // taps per loop step: two vectors of 16 int16 lanes
struct SplitTaps {
  int pitch = 0;
  std::vector<int16_t> direct, hi;      // outSize x pitch
  std::vector<int> bandBegin, bandEnd;  // per output, multiples of kSplitBlock
};
SplitTaps splitTaps(const ResampleTaps& t);

/// One row of the horizontal pass: out[x] = clip8(half + sum_j row[first[x] + j] * coef(x, j))
/// for j < count[x] rounded up to 32 (the padded taps are zero). `row` must be readable up to
/// first[x] + that rounded count. The int32 sums wrap exactly as Pillow's (which never
/// overflow), so splitting the taps gives Pillow's accumulator bit for bit.
void horizontalTapsAvx2(const uint8_t* row, const ResampleTaps& t, const SplitTaps& split,
                        uint8_t* out);

/// The vertical pass: out[y * width + x] = clip8(half + sum_j temp[(first[y] + j - yFirst) *
/// width + x] * coef(y, j)) for j < count[y], over a packed `width`-wide buffer whose row 0 is
/// source row yFirst. Integer sums, the same bytes as Pillow's.
void verticalTapsAvx2(const uint8_t* temp, int width, int yFirst, const ResampleTaps& t,
                      uint8_t* out);

}  // namespace hashsieve::pillow::detail
