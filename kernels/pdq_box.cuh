// Launch wrappers of the PDQ box-filter line passes (kernels in pdq_box.cu).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "kernels/pdq_plan.hpp"

namespace hashsieve::cuda {

/// Line pass `pass` (0..3, pdq_plan.hpp) of a batch, on `stream`.
/// dItems: device, nItems LinePassItem (plan.pass[pass]); totalWarps = plan.passWarps[pass];
/// maxWindow = plan.maxWindow[pass]. sharedMemOptin: the shared memory a block may opt in to on
/// the device the stream belongs to (CudaResources::sharedMemOptin). dPixels: device packed
/// pixels (pass 0 only); dSrc: device floats (passes 1-3); dDst: device floats. No-op when
/// nItems == 0.
void launchPdqLinePass(int pass, const LinePassItem* dItems, int nItems, int totalWarps,
                       int maxWindow, size_t sharedMemOptin, const uint8_t* dPixels,
                       const float* dSrc, float* dDst, cudaStream_t stream);

/// Largest box window whose tile ring fits one warp's share of `sharedMemPerBlockOptin` bytes.
/// Frames with a longer window (a side above 126,976 pixels on Hopper: the ring has a power-of-two
/// slot count) go to the CPU.
int maxSupportedBoxWindow(size_t sharedMemPerBlockOptin);

}  // namespace hashsieve::cuda
