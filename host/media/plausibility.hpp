// The plausibility guard: a still picture that a decoder delivered without error but that
// cannot be what the file holds is refused rather than hashed (issue: decoder fidelity).
#pragma once

#include "host/core/image.hpp"
#include "host/media/media.hpp"

namespace hashsieve::media::detail {

/// Throws InputError("suspect") when a still image's frame is one single colour although the
/// file spends far more bytes than a flat picture compresses to (FFmpeg 5.1 decoded tiled,
/// planar and JPEG TIFFs to black, green or white frames this way). Uncompressed codecs, where
/// a flat picture legitimately fills the file, are exempt.
void checkPlausible(const ImageView& frame, const MediaInfo& info);

/// Whether checkPlausible reads `frame`'s pixels for `info` (a device frame is then copied to
/// the host, its first row alone when that row already has two colours).
bool plausibilityReadsPixels(const ImageView& frame, const MediaInfo& info);
/// True when every pixel of `frame` (host memory) equals the first.
bool singleColour(const ImageView& frame);

}  // namespace hashsieve::media::detail
