// Content sniffing: which decoder decodes a file, from its first bytes (never its name).
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include "host/media/input_file.hpp"

namespace hashsieve::media::detail {

enum class Decoder { Jpeg, Webp, Tiff, FFmpeg };

struct Sniffed {
  Decoder decoder = Decoder::FFmpeg;
  const AVInputFormat* format = nullptr;  // the FFmpeg demuxer when decoder == FFmpeg
};

/// JPEG, WebP and TIFF by signature; everything else by FFmpeg's probe over the first bytes (with
/// no file name, so extensions play no part). Throws InputError("unsupported format") when
/// nothing recognises the content, "unreadable" on read errors.
Sniffed sniff(InputFile& file);

}  // namespace hashsieve::media::detail
