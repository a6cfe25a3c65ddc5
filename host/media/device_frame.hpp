// A decoded video frame that lives in device memory (an NVDEC surface from FFmpeg's cuda
// hwaccel), and the CUDA-free hook that turns it into the host RGB frame the hashers take.
#pragma once

#include <cstdint>
#include <functional>

#include "host/core/image.hpp"

namespace hashsieve::media {

/// Device pointers and pitches (bytes) of a semi-planar surface: NV12 (8-bit) or P010 (10-bit
/// samples in the high bits of 16). fullRange: the stream's colour range is full (JPEG).
struct DeviceFrame {
  const uint8_t* luma = nullptr;
  const uint8_t* chroma = nullptr;
  int width = 0, height = 0;
  int lumaPitch = 0, chromaPitch = 0;
  bool p010 = false;
  bool fullRange = false;
};

/// Converts `frame` to packed RGB24 in `out` (resized), with the CPU video path's colour rules
/// (kernels/nv12_rgb_lanes.hpp). Set from host/backend in CUDA builds; throws on CUDA errors.
using DeviceFrameConverter = std::function<void(const DeviceFrame& frame, Image& out)>;

}  // namespace hashsieve::media
