// Pillow's per-pixel conversion rules that more than one decoder needs (Convert.c, Unpack.c).
#pragma once

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

}  // namespace hashsieve::media::detail
