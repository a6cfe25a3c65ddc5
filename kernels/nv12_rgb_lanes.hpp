// Per-pixel body of the NVDEC frame conversion (NV12 / P010 -> RGB24), compiled by nvcc for the
// kernel (nv12_rgb.cu) and by g++ for the host replay test against the CPU path's swscale.
// The colour rules are the CPU video path's (host/media/frame_convert.hpp, as vPDQ): swscale's
// defaults, i.e. the BT.601 matrix whatever the stream's tags say, limited range unless the
// stream is full range (FFmpeg's yuvj formats), chroma of each 2x2 block taken as is, and the
// arithmetic of swscale's x86 converters (the CPU path on the machines this runs on).
#pragma once

#include <cstdint>

#include "host/core/hd.hpp"

namespace hashsieve::cuda::nv12 {

/// swscale's ff_yuv2rgb_coeffs for BT.601 (SMPTE 170M, "unspecified"): crv, cbu, cgu, cgv in
/// 16.16 fixed point (1.596, 2.017, 0.392, 0.813).
inline constexpr int32_t kCrv = 104597, kCbu = 132201, kCgu = 25675, kCgv = 53279;
/// Limited range stretches luma 16..235 to 0..255: swscale's cy = (1 << 16) * 255 / 219.
inline constexpr int32_t kCyLimited = (int32_t{1} << 16) * 255 / 219;
/// Chroma zero (128) in the 13-bit fixed point the x86 converters work in (sample << 3).
inline constexpr int kChromaOffset = 128 << 3;

/// The coefficients swscale's x86 YUV->RGB converters use (sws_setColorspaceDetails:
/// roundToInt16(c * (1 << 13)) of the 16.16 values), so that the CPU path's pixels are
/// reproduced exactly, rounding included.
struct Coeffs {
  int32_t y, yOffset, vr, ub, ug, vg;
};

HS_HD inline int32_t roundToInt16(int64_t v) {
  return static_cast<int32_t>((v + (int64_t{1} << 15)) >> 16);
}

/// ff_yuv2rgb_c_init_tables' range rule: limited range scales luma and offsets it by 16; full
/// range keeps luma and scales the chroma coefficients by 224 / 255.
HS_HD inline Coeffs coeffsFor(bool fullRange) {
  int64_t cy = int64_t{1} << 16, oy = 0, crv = kCrv, cbu = kCbu, cgu = -kCgu, cgv = -kCgv;
  if (fullRange) {
    crv = crv * 224 / 255;
    cbu = cbu * 224 / 255;
    cgu = cgu * 224 / 255;
    cgv = cgv * 224 / 255;
  } else {
    cy = kCyLimited;
    oy = int64_t{16} << 16;
  }
  constexpr int64_t k13 = int64_t{1} << 13;
  return {roundToInt16(cy * k13),  roundToInt16(oy * 8),    roundToInt16(crv * k13),
          roundToInt16(cbu * k13), roundToInt16(cgu * k13), roundToInt16(cgv * k13)};
}

HS_HD inline uint8_t clampByte(int32_t v) {
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/// pmulhw: the high 16 bits of the signed product (rounds toward minus infinity).
HS_HD inline int32_t mulHigh(int32_t a, int32_t b) { return (a * b) >> 16; }

/// One pixel: y, u, v are samples of `bits` significant bits (8 for NV12, 10 for P010 after its
/// 6-bit shift), widened to the converters' 13-bit fixed point. Integer only (no FMA question).
HS_HD inline void yuvToRgb(const Coeffs& c, int bits, int y, int u, int v, uint8_t* rgb) {
  const int up = 11 - bits;  // 8-bit samples << 3, 10-bit << 1
  const int32_t yy = mulHigh((y << up) - c.yOffset, c.y);
  const int32_t du = (u << up) - kChromaOffset, dv = (v << up) - kChromaOffset;
  rgb[0] = clampByte(yy + mulHigh(dv, c.vr));
  rgb[1] = clampByte(yy + mulHigh(du, c.ug) + mulHigh(dv, c.vg));
  rgb[2] = clampByte(yy + mulHigh(du, c.ub));
}

/// A semi-planar frame: luma plane, then interleaved U,V at half width and height. Element
/// type T is uint8_t (NV12) or uint16_t (P010, samples in the high 10 bits). Pitches in bytes.
template <typename T>
struct SemiPlanar {
  const uint8_t* luma;
  const uint8_t* chroma;
  int width, height;
  int lumaPitch, chromaPitch;
  bool fullRange;
};

template <typename T>
HS_HD inline int sampleBits() {
  return sizeof(T) == 1 ? 8 : 10;
}

/// RGB of pixel (x, y) into rgb[0..2].
template <typename T>
HS_HD inline void pixel(const SemiPlanar<T>& f, const Coeffs& c, int x, int y, uint8_t* rgb) {
  constexpr int kDrop = sizeof(T) == 1 ? 0 : 6;  // P010 keeps its 10 bits at the top of 16
  const T* yRow = reinterpret_cast<const T*>(f.luma + static_cast<int64_t>(y) * f.lumaPitch);
  const T* cRow =
      reinterpret_cast<const T*>(f.chroma + static_cast<int64_t>(y / 2) * f.chromaPitch);
  const int u = cRow[2 * (x / 2)] >> kDrop, v = cRow[2 * (x / 2) + 1] >> kDrop;
  yuvToRgb(c, sampleBits<T>(), yRow[x] >> kDrop, u, v, rgb);
}

}  // namespace hashsieve::cuda::nv12
