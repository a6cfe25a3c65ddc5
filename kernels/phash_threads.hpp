// Per-thread bodies of the pHash resample kernels (Pillow's convert("L") + LANCZOS to 32x32 in
// its 8-bit fixed point). Integer arithmetic throughout, so a sum split across lanes is exact in
// any order. nvcc compiles these for the kernels, g++ for the CPU replay test.
#pragma once

#include <cstdint>

#include "host/core/hd.hpp"
#include "host/core/phash_math.hpp"
#include "kernels/phash_plan.hpp"

namespace hashsieve::cuda::phashk {

/// Pillow "L" sample (x, y) of a frame's packed pixels.
HS_HD inline uint8_t greyAt(const uint8_t* frame, const PhashItem& it, int y, int x) {
  const uint8_t* p = frame + (int64_t(y) * it.width + x) * it.channels;
  return it.channels == 1 ? p[0] : phash::pillowLuma(p[0], p[1], p[2]);
}

/// The parts of one axis's taps: first[32], count[32], coef rows of `taps`.
struct Taps {
  const int32_t* first;
  const int32_t* count;
  const int32_t* coef;
  int taps;
  HS_HD static Taps at(const int32_t* all, const TapRef& r) {
    const int32_t* base = all + r.offset;
    return Taps{base, base + kPhashSide, base + 2 * kPhashSide, r.taps};
  }
  HS_HD const int32_t* row(int i) const { return coef + int64_t(i) * taps; }
};

/// Lane `lane` of `lanes`' share of output i's dot product: samples at sample(first[i] + k)
/// for k = lane, lane + lanes, ... < count[i]. Sample access by functor (row or column).
template <typename Sample>
HS_HD inline int32_t tapPartial(const Taps& t, int i, const Sample& sample, int lane, int lanes) {
  const int32_t first = t.first[i], count = t.count[i];
  const int32_t* k = t.row(i);
  int32_t acc = 0;
  for (int j = lane; j < count; j += lanes) acc += int32_t(sample(first + j)) * k[j];
  return acc;
}

/// Pillow's rounding and clip of a finished dot product (the accumulator starts at one half).
HS_HD inline uint8_t finishTap(int32_t dot) {
  return phash::resampleClip8(phash::kResampleHalf + dot);
}

/// Pass 2, output (y, x) of the 32x32 grey, from a frame's pass-1 temp (one thread per cell).
HS_HD inline uint8_t pass2Cell(const PhashItem& it, const uint8_t* temp, const int32_t* taps, int y,
                               int x) {
  if (it.horizontalFirst) {
    if (!it.needV) return temp[y * it.tempW + x];
    const Taps v = Taps::at(taps, it.v);
    auto column = [&](int r) { return temp[int64_t(r - it.yFirst) * it.tempW + x]; };
    return finishTap(tapPartial(v, y, column, 0, 1));
  }
  if (!it.needH) return temp[y * it.tempW + x];
  const Taps h = Taps::at(taps, it.h);
  auto row = [&](int c) { return temp[int64_t(y) * it.tempW + c]; };
  return finishTap(tapPartial(h, x, row, 0, 1));
}

}  // namespace hashsieve::cuda::phashk
