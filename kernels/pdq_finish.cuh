// Launch wrappers of the PDQ finish stage (kernel in pdq_finish.cu): 64x64 buffer -> quality,
// DCT, lower median, hash bits and the dihedral variants.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/pdq_plan.hpp"

namespace hashsieve::cuda {

/// Copies pdq::dctMatrix() (built on the host exactly as the reference builds it) into constant
/// memory of the current device and waits for it (a host sync point). Once per device, before
/// the first launchPdqFinish.
void uploadPdqDctMatrix();

/// Whether this binary has an image of the PDQ kernels for the current device.
bool pdqKernelsLoadable();

/// One block per frame. dItems: device, nFrames FinishItem; dPixels: device packed pixels
/// (read for Bypass64 frames); dA: device 64x64 float buffers (plan.aFloats) of Filtered frames;
/// dOut: device, nFrames results. dDct: optional device nFrames x 256 floats receiving B
/// (row-major 16x16) for stage tests, nullptr otherwise.
void launchPdqFinish(const FinishItem* dItems, int nFrames, const uint8_t* dPixels, const float* dA,
                     bool dihedral, PdqFrameResult* dOut, float* dDct, cudaStream_t stream);

}  // namespace hashsieve::cuda
