// pHash, the variant of Python imagehash.phash(hash_size=8, highfreq_factor=4), on the CPU.
#pragma once

#include <cstdint>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/image.hpp"

namespace hashsieve::phash {

/// 64-bit pHash of the frame: Pillow "L" grey, Pillow Lanczos resize to 32x32, float64 DCT-II,
/// top-left 8x8 thresholded at its numpy median. Bit 63 = coefficient (0,0).
Hash64 compute(const ImageView& img);

/// compute's stages after the resize: `resized` is the kImgSize x kImgSize Pillow grey.
Hash64 fromResized(const std::vector<uint8_t>& resized);

}  // namespace hashsieve::phash
