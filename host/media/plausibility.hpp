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

}  // namespace hashsieve::media::detail
