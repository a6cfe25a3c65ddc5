// pHash on the CPU: imagehash.phash(image, hash_size=8, highfreq_factor=4) with Pillow 13 and
// scipy's pocketfft reproduced exactly (docs/ALGORITHMS.md §5).
#include "host/core/phash_cpu.hpp"

#include <algorithm>
#include <vector>

#include "host/core/phash_dct.hpp"
#include "host/core/pillow_resample.hpp"

namespace hashsieve::phash {

Hash64 compute(const ImageView& img) {
  // Pillow: convert("L"), then resize((32, 32), LANCZOS) with no reducing_gap (imagehash's call).
  std::vector<uint8_t> resized;
  pillow::resizeLanczosL(img, kImgSize, kImgSize, resized);
  return fromResized(resized);
}

Hash64 fromResized(const std::vector<uint8_t>& resized) {
  Grey32 grey;
  std::copy_n(resized.begin(), grey.size(), grey.begin());
  const Block8 block = lowFrequencyBlock(grey);
  return thresholdBits(block.data(), numpyMedian(block));
}

}  // namespace hashsieve::phash
