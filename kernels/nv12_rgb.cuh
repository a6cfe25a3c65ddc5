// Launch wrapper of the NVDEC frame conversion kernel (nv12_rgb.cu; per-pixel code in
// nv12_rgb_lanes.hpp).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace hashsieve::cuda {

/// NV12 (`p010` false) or P010 frame on the device -> packed RGB24 on the device, on `stream`.
/// dLuma, dChroma: device planes with pitches in bytes (NVDEC's surface layout); dRgb: device,
/// height rows of rgbPitch bytes (>= 3 * width). `fullRange`: the stream's colour range.
void launchNv12ToRgb(const uint8_t* dLuma, const uint8_t* dChroma, int width, int height,
                     int lumaPitch, int chromaPitch, bool p010, bool fullRange, uint8_t* dRgb,
                     int rgbPitch, cudaStream_t stream);

}  // namespace hashsieve::cuda
