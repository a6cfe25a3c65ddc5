// Pillow's per-pixel conversion rules that more than one decoder needs (Convert.c, Unpack.c).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

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

/// convert("RGB") of RGBA (or RGBX) samples: alpha dropped, not composited. Each pixel is
/// copied as 4 bytes (one load, one store; the 4th byte is overwritten by the next pixel), the
/// last one as 3, so nothing past d + 3 * pixels is written.
inline void rgbFromRgbx(const uint8_t* s, uint8_t* d, size_t pixels) {
  if (pixels == 0) return;
  for (size_t i = 0; i + 1 < pixels; ++i, s += 4, d += 3) std::memcpy(d, s, 4);
  std::memcpy(d, s, 3);
}

}  // namespace hashsieve::media::detail
