// A single-colour frame from a file far larger than any flat picture's compressed size.
#include "host/media/plausibility.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "host/core/errors.hpp"

namespace hashsieve::media::detail {
namespace {

// Codecs whose bytes grow with the pixel count whatever the picture (no entropy coding).
constexpr std::string_view kUncompressedCodecs[] = {"raw", "bmp",    "ppm",      "pgm", "pbm",
                                                    "pam", "pgmyuv", "rawvideo", "qoi"};
// A flat picture compresses to a header plus a few bits per block: JPEG spends about a byte
// per 8x8 block (1/64 byte per pixel), deflate and LZW far less. Allowing 1/16 byte per pixel
// plus 4 KiB of headers and metadata (EXIF, an sRGB ICC profile) stays clear of real flat
// pictures; one with a larger ICC profile or thumbnail would be refused as "suspect" (its
// record still carries the file digests).
constexpr int64_t kFlatPixelsPerByte = 16;
constexpr int64_t kMetadataAllowance = 4 * 1024;

}  // namespace

bool singleColour(const ImageView& f) {
  const int bpp = bytesPerPixel(f.format);
  const uint8_t* first = f.row(0);
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* row = f.row(y);
    for (int x = 0; x < f.width; ++x)
      if (std::memcmp(row + x * bpp, first, bpp) != 0) return false;
  }
  return true;
}

bool plausibilityReadsPixels(const ImageView& frame, const MediaInfo& info) {
  if (info.kind != MediaKind::Image || frame.width <= 0 || frame.height <= 0) return false;
  if (std::find(std::begin(kUncompressedCodecs), std::end(kUncompressedCodecs), info.codec) !=
      std::end(kUncompressedCodecs))
    return false;
  const int64_t pixels = int64_t{frame.width} * frame.height;
  return info.bytes > kMetadataAllowance + pixels / kFlatPixelsPerByte;
}

void checkPlausible(const ImageView& frame, const MediaInfo& info) {
  if (!plausibilityReadsPixels(frame, info) || !singleColour(frame)) return;
  throw InputError("suspect", "decoded to a single colour, but its " + std::to_string(info.bytes) +
                                  " bytes hold more than a flat " + std::to_string(frame.width) +
                                  "x" + std::to_string(frame.height) + " picture (" + info.codec +
                                  "); likely a misdecode, not hashed");
}

}  // namespace hashsieve::media::detail
