// Launch wrappers of the pHash resample kernels (phash_resample.cu): packed frames -> Pillow
// "L" -> LANCZOS 32x32 grey, per frame, bit-exact with pillow::resizeLanczosL.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "kernels/phash_plan.hpp"

namespace hashsieve::cuda {

/// Pass 1 of every frame (plan.pass1Work units). dItems: device, nItems PhashItem; dTaps:
/// device int32 (plan.taps); dPixels: device packed pixels; dTemp: device plan.tempBytes.
/// maxRowBytes = plan.maxRowBytes (shared-memory row of horizontal-first frames);
/// sharedMemOptin: the shared memory a block may opt in to on the stream's device
/// (CudaResources::sharedMemOptin).
void launchPhashPass1(const PhashItem* dItems, int nItems, int totalWork, int maxRowBytes,
                      size_t sharedMemOptin, const int32_t* dTaps, const uint8_t* dPixels,
                      uint8_t* dTemp, cudaStream_t stream);

/// Pass 2: dGrey receives nItems x 1024 bytes (row-major 32x32 per frame).
void launchPhashPass2(const PhashItem* dItems, int nItems, const int32_t* dTaps,
                      const uint8_t* dTemp, uint8_t* dGrey, cudaStream_t stream);

/// Widest grey row pass 1 can stage for a block with `sharedMemPerBlockOptin` bytes.
int maxPhashRowBytes(size_t sharedMemPerBlockOptin);

}  // namespace hashsieve::cuda
