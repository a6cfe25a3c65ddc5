// Options of the CUDA matcher (kernels/cuda_matcher.hpp), kept CUDA-free so host code and the
// factory can fill them in builds without nvcc.
#pragma once

#include <cstddef>

namespace hashsieve {

struct CudaMatcherOptions {
  /// The CUDA device (ordinal) the matcher runs on.
  int device = 0;
  /// Device bytes the resident list may take; 0 = up to kListShareOfBudget of the device's
  /// budget (CudaResources, which a hasher on the same device shares). A list
  /// larger than this is streamed through the device in chunks of this size on every call
  /// (tests set it small to exercise chunking).
  size_t maxListBytes = 0;
  /// Initial capacity of the device hit buffer, in hits; it grows (and the chunk is re-run)
  /// whenever a launch reports more hits than fit, so no match is ever lost.
  size_t initialHitCapacity = size_t{1} << 20;
  /// Range kernel: sum two words first and skip the rest when already above the threshold.
  bool partialDistanceExit = true;
};

}  // namespace hashsieve
