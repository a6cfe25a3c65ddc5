// A decoded video frame that lives in device memory (an NVDEC surface from FFmpeg's cuda
// hwaccel), and the CUDA-free hook that converts it to the RGB frame the hashers take, in device
// memory (for a device hasher) or host memory.
#pragma once

#include <cstddef>
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
  int device = 0;  // the CUDA ordinal NVDEC decoded on
};

/// Converts `frame` to packed RGB24 with the CPU video path's colour rules
/// (kernels/nv12_rgb_lanes.hpp): frame.height rows of `pitch` bytes at `dst`, which is memory of
/// frame.device when `dstSpace` is Device (the frame never leaves the device) or host memory
/// (copied down). Returns once `dst` holds the frame. Set from host/backend in CUDA builds;
/// throws on CUDA errors.
using DeviceFrameConverter = std::function<void(const DeviceFrame& frame, uint8_t* dst,
                                                std::ptrdiff_t pitch, MemorySpace dstSpace)>;

}  // namespace hashsieve::media
