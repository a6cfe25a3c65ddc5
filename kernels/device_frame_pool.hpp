// Device memory for frames decoded on a CUDA device (nvImageCodec's device output, NVDEC frames
// converted on the device), which the CUDA hasher reads without a host round trip.
#pragma once

#include <memory>

#include "host/core/device_frames.hpp"

namespace hashsieve::cuda {

/// A frame pool on device `device`: cudaMalloc'd slabs (made on that device whatever the calling
/// thread's current one), downloads by cudaMemcpy2D, and settle() waiting for the legacy
/// default stream, on which nvImageCodec and FFmpeg's NVDEC deliver their outputs.
std::shared_ptr<DeviceFramePool> makeDeviceFramePool(int device);

}  // namespace hashsieve::cuda
