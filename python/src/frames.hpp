// numpy uint8 arrays -> frames to hash: shape checks (ValueError naming the shape), and a packed
// copy when the array's rows are not packed pixels (strided, Fortran order, alpha to drop).
#pragma once

#include "host/core/image.hpp"
#include "python/src/bindings.hpp"

namespace hashsieve::py {

using ImageArray = nb::ndarray<const uint8_t, nb::device::cpu>;

/// `view` points into the array, or into `copy` when one was needed. Keep the array alive.
struct Frame {
  ImageView view;
  Image copy;
};

/// Accepts H x W (grey), H x W x 1 (grey), H x W x 3 (RGB) and H x W x 4 (RGBA, alpha dropped).
Frame toFrame(const ImageArray& a);

}  // namespace hashsieve::py
