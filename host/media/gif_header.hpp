// What the GIF blocks before the first image say about it: the colour table it uses and its
// transparent index. FFmpeg paints transparent pixels of the first frame with a fixed colour
// (white); Pillow's convert("RGB"), which python-threatexchange and HMA hash, shows the palette
// colour of the transparent index, so the decoder is told that colour instead.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "host/media/input_file.hpp"

namespace hashsieve::media::detail {

struct GifFirstImage {
  bool hasColourTable = false;
  /// 0xFFRRGGBB of the first image's transparent index in its colour table (FFmpeg's
  /// trans_color option takes ARGB), when a graphic control extension sets one.
  std::optional<uint32_t> transparentArgb;
  /// Width x height of the first image, and how many of its pixels its LZW data yields
  /// (nullopt: not known). FFmpeg fills a short image silently; Pillow calls it truncated.
  int64_t pixels = 0;
  std::optional<int64_t> decodablePixels;
  /// The first image's place on the logical screen, and the colour (0xFFRRGGBB) Pillow shows
  /// around it: Pillow starts from a screen of index 0, or of the transparent index, in the
  /// first image's colour table; FFmpeg starts from the global background colour.
  int left = 0, top = 0, width = 0, height = 0, screenWidth = 0, screenHeight = 0;
  uint32_t surroundArgb = 0xFF000000u;
  /// The logical screen holds the first image (a 0x0 screen holds none).
  bool fitsScreen() const {
    return left + width <= screenWidth && top + height <= screenHeight && screenWidth > 0 &&
           screenHeight > 0;
  }
};

/// Parses the header, the global colour table and the blocks up to the first image descriptor.
/// nullopt when the file is not a GIF or the blocks are cut short (FFmpeg then reports it).
std::optional<GifFirstImage> readGifFirstImage(InputFile& file);

/// `gif` (a whole GIF without a global colour table) with a 256-entry grey ramp inserted as its
/// global table: entry i is (i, i, i), which is how Pillow shows the indices of a GIF that has
/// no colour table at all (mode "L"). FFmpeg's decoder cannot decode such a file as it is.
std::vector<uint8_t> withGreyColourTable(std::span<const uint8_t> gif);

/// `gif` with its logical screen grown to hold the first image, as Pillow grows the picture
/// for it; FFmpeg cuts such an image with a warning and cannot open a 0x0 screen at all.
std::vector<uint8_t> withScreenHolding(std::vector<uint8_t> gif, const GifFirstImage& first);

}  // namespace hashsieve::media::detail
