// Pillow's per-pixel conversion rules that more than one decoder needs (Convert.c, Unpack.c).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hashsieve::media::detail {

/// Pillow's cmyk2rgb for one channel: nk - MULDIV255(c, nk) with nk = 255 - k, clipped.
inline uint8_t pillowCmykChannel(int c, int k) {
  const int nk = 255 - k;
  const int t = c * nk + 128;
  const int v = nk - (((t >> 8) + t) >> 8);
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/// Pillow's "RGBa" unpacker: premultiplied colour back to straight colour (truncating, clipped).
inline uint8_t pillowUnpremultiply(int c, int a) {
  if (a == 0) return 0;
  if (a == 255) return static_cast<uint8_t>(c);
  const int v = c * 255 / a;
  return static_cast<uint8_t>(v > 255 ? 255 : v);
}

/// convert("RGB") of RGBA (or RGBX) samples: alpha dropped, not composited. Constant offsets,
/// so the compiler vectorises it (FFmpeg's RGBA frames, libwebp's canvas).
inline void rgbFromRgbx(const uint8_t* s, uint8_t* d, size_t pixels) {
  for (size_t i = 0; i < pixels; ++i, s += 4, d += 3) {
    d[0] = s[0];
    d[1] = s[1];
    d[2] = s[2];
  }
}

}  // namespace hashsieve::media::detail
