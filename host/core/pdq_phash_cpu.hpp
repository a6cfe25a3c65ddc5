// PDQ and pHash of one frame together on the CPU: pHash's grey rows come out of PDQ's pass over
// the pixels, so a large frame is read from memory once instead of twice.
#pragma once

#include "host/core/hash_types.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_cpu.hpp"

namespace hashsieve {

/// pdq.hash(img, withDihedral, pdqOut), and returns phash::compute(img): the same bits as the
/// two calls. Fused where PDQ's vectorised pass runs and Pillow resizes horizontally first.
Hash64 pdqAndPhash(pdq::PdqCpu& pdq, const ImageView& img, bool withDihedral,
                   pdq::PdqResult& pdqOut);

}  // namespace hashsieve
