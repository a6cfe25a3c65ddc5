// Orientation codes to (mirror, clockwise degrees), and the pixel remapping.
#include "host/media/orientation.hpp"

extern "C" {
#include <libavutil/display.h>
}

#include <cmath>
#include <cstring>

namespace hashsieve::media::detail {

Orientation orientationFromExif(int code) {
  switch (code) {
    case 2:
      return {0, true};
    case 3:
      return {180, false};
    case 4:
      return {180, true};  // vertical flip = mirror + 180
    case 5:
      return {270, true};  // transpose
    case 6:
      return {90, false};
    case 7:
      return {90, true};  // transverse
    case 8:
      return {270, false};
    default:
      return {};
  }
}

Orientation orientationFromDisplayMatrix(const int32_t matrix[9]) {
  int32_t m[9];
  std::memcpy(m, matrix, sizeof m);
  Orientation o;
  // 16.16 fixed point; det < 0 = the picture is mirrored. Undo the mirror, then read the angle.
  const double det = static_cast<double>(m[0]) * m[4] - static_cast<double>(m[1]) * m[3];
  if (det < 0) {
    o.mirrored = true;
    av_display_matrix_flip(m, 1, 0);
  }
  const double ccw = av_display_rotation_get(m);  // counter-clockwise degrees, NaN if degenerate
  if (std::isnan(ccw)) return {};
  int cw = static_cast<int>(std::lround(-ccw / 90.0)) * 90;
  cw = ((cw % 360) + 360) % 360;
  o.degrees = cw;
  return o;
}

Image applyOrientation(const ImageView& src, Orientation o) {
  const int w = src.width, h = src.height, bpp = bytesPerPixel(src.format);
  const bool swap = o.degrees == 90 || o.degrees == 270;
  Image out(swap ? h : w, swap ? w : h, src.format);
  for (int y = 0; y < h; ++y) {
    const uint8_t* row = src.row(y);
    for (int x = 0; x < w; ++x) {
      const int mx = o.mirrored ? w - 1 - x : x;  // mirrored source column
      int dx = mx, dy = y;
      switch (o.degrees) {
        case 90:
          dx = h - 1 - y;
          dy = mx;
          break;
        case 180:
          dx = w - 1 - mx;
          dy = h - 1 - y;
          break;
        case 270:
          dx = y;
          dy = w - 1 - mx;
          break;
        default:
          break;
      }
      std::memcpy(out.row(dy) + static_cast<std::ptrdiff_t>(dx) * bpp,
                  row + static_cast<std::ptrdiff_t>(x) * bpp, bpp);
    }
  }
  return out;
}

}  // namespace hashsieve::media::detail
