// What the GIF blocks before the first image say about it: the colour table it uses and its
// transparent index. FFmpeg paints transparent pixels of the first frame with a fixed colour
// (white); Pillow's convert("RGB"), which python-threatexchange and HMA hash, shows the palette
// colour of the transparent index, so the decoder is told that colour instead.
#pragma once

#include <cstdint>
#include <optional>

#include "host/media/input_file.hpp"

namespace hashsieve::media::detail {

struct GifFirstImage {
  bool hasColourTable = false;
  /// 0xFFRRGGBB of the first image's transparent index in its colour table (FFmpeg's
  /// trans_color option takes ARGB), when a graphic control extension sets one.
  std::optional<uint32_t> transparentArgb;
};

/// Parses the header, the global colour table and the blocks up to the first image descriptor.
/// nullopt when the file is not a GIF or the blocks are cut short (FFmpeg then reports it).
std::optional<GifFirstImage> readGifFirstImage(InputFile& file);

}  // namespace hashsieve::media::detail
