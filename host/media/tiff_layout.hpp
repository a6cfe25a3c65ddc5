// How one TIFF page stores its pixels (from its tags) and Pillow's mapping of those samples to
// the Rgb8/Gray8 frames hashers take. Split from tiff_decoder.cpp so the rules are testable.
#pragma once

#include <tiffio.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "host/core/image.hpp"
#include "host/media/media.hpp"

namespace hashsieve::media::detail {

/// Below this a file cannot hold a TIFF header (8 bytes) and one directory entry.
inline constexpr int64_t kTiffMinHeaderBytes = 8;

struct TiffLayout {
  enum class Kind { Grey, Rgb, Palette, Cmyk };
  uint32_t width = 0, height = 0;
  uint16_t bitsPerSample = 1, samplesPerPixel = 1;
  bool separatePlanes = false;
  Kind kind = Kind::Grey;
  bool invert = false;           // MinIsWhite grey (Pillow inverts 1- to 8-bit, not 16-bit)
  bool associatedAlpha = false;  // premultiplied colour in samples 0-2, alpha in sample 3
  bool viaRgba = false;          // YCbCr without JPEG, old-style JPEG: libtiff's RGBA reader
  std::array<std::vector<uint8_t>, 3> palette;  // 2^bits entries, high byte of each colour
  int orientation = 1;                          // TIFF/EXIF orientation code
  int64_t maxTilePixels = 0;    // tiles larger than this are refused (allocation bound)
  std::string codecName;        // "raw", "lzw", "jpeg", "deflate", "packbits", ...
  std::string pixelFormatName;  // "gray4", "rgb16", "palette8", "cmyk8", "ycbcr", ...

  uint32_t planes() const { return separatePlanes ? samplesPerPixel : 1; }
  uint32_t bitsPerPixelInPlane() const {
    return bitsPerSample * (separatePlanes ? 1u : samplesPerPixel);
  }
  size_t rowBytes() const { return (size_t{width} * bitsPerPixelInPlane() + 7) / 8; }
};

/// Reads the current directory's tags. Throws InputError: "unsupported format" for layouts
/// Pillow does not decode either (float/signed samples, LAB, ...) or codecs libtiff lacks,
/// "corrupt" for inconsistent tags, "too large" past limits.maxPixels. For JPEG-compressed
/// YCbCr it asks libtiff for RGB output (JPEGCOLORMODE), as Pillow does.
TiffLayout describeTiff(TIFF* tif, const Limits& limits);

/// Samples as read by libtiff (plane after plane, rows of rowBytes(), 16-bit in host order) to
/// Pillow's picture: grey stays Gray8 (1/2/4-bit scaled, 16-bit high byte); RGB, palette and
/// CMYK become Rgb8 (alpha dropped after un-premultiplying associated alpha).
Image convertSamples(const std::vector<uint8_t>& raw, const TiffLayout& l);

}  // namespace hashsieve::media::detail
