// AVX2 kernels of the Pillow "L" conversion and LANCZOS horizontal pass (pillow_resample.cpp
// dispatches to them at run time). Integer math only, so they equal the scalar code bit for bit.
#pragma once

#include <cstdint>

namespace hashsieve::pillow::detail {

/// Whether the CPU runs AVX2 (checked once).
bool haveAvx2();

/// out[x] = Pillow's rgb2l of the RGB pixel x, for x < width.
void greyRowAvx2(const uint8_t* rgb, int width, uint8_t* out);

/// One row of the horizontal pass: out[x] = clip8(half + sum_j row[first[x] + j] * coef[x*pitch+j])
/// for j < count[x] rounded up to 8. coef rows are zero past count[x] (pitch is a multiple of 8),
/// and row must be readable up to first[x] + that rounded count.
void horizontalTapsAvx2(const uint8_t* row, const int* first, const int* count, const int32_t* coef,
                        int pitch, int outW, uint8_t* out);

}  // namespace hashsieve::pillow::detail
