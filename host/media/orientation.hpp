// Display orientation (EXIF codes, video display matrices) and applying it to pixels.
#pragma once

#include <cstdint>

#include "host/core/image.hpp"

namespace hashsieve::media::detail {

/// Display = mirror left<->right first (when `mirrored`), then rotate `degrees` clockwise.
struct Orientation {
  int degrees = 0;  // 0, 90, 180, 270
  bool mirrored = false;
  bool identity() const { return degrees == 0 && !mirrored; }
};

/// EXIF orientation 1..8 (anything else: identity).
Orientation orientationFromExif(int code);

/// FFmpeg display matrix (AV_PKT_DATA_DISPLAYMATRIX / AV_FRAME_DATA_DISPLAYMATRIX), rounded to
/// a multiple of 90 degrees; a negative determinant means a mirrored picture.
Orientation orientationFromDisplayMatrix(const int32_t matrix[9]);

/// A rotated and/or mirrored copy of `src` (Rgb8 or Gray8).
Image applyOrientation(const ImageView& src, Orientation o);

}  // namespace hashsieve::media::detail
