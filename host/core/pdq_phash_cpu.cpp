// PDQ and pHash in one pass over the frame; see pdq_phash_cpu.hpp.
#include "host/core/pdq_phash_cpu.hpp"

#include <optional>
#include <vector>

#include "host/core/phash_cpu.hpp"
#include "host/core/phash_math.hpp"
#include "host/core/pillow_resample.hpp"

namespace hashsieve {

Hash64 pdqAndPhash(pdq::PdqCpu& pdq, const ImageView& img, bool withDihedral,
                   pdq::PdqResult& pdqOut) {
  constexpr int kSide = phash::kImgSize;
  std::optional<pillow::StreamedResize> resize;
  if (img.data && pillow::StreamedResize::streamable(img.width, img.height, kSide, kSide))
    resize.emplace(img.width, img.height, kSide, kSide);
  if (!pdq.hash(img, withDihedral, pdqOut, resize ? &*resize : nullptr))
    return phash::compute(img);  // PDQ took its scalar path: pHash reads the frame itself
  std::vector<uint8_t> resized;
  resize->finish(resized);
  return phash::fromResized(resized);
}

}  // namespace hashsieve
