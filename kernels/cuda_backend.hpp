// The CUDA-free facade of the CUDA backend: the one header where host/ and kernels/ meet. It
// exists in builds with nvcc (HASHSIEVE_HAVE_CUDA); only host/backend (the probe and the
// factories) and GPU tests include it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host/backend/gpu_status.hpp"
#include "host/core/feed_hasher.hpp"
#include "host/core/hasher.hpp"
#include "host/match/cuda_matcher_options.hpp"
#include "host/match/matcher.hpp"
#include "host/media/device_frame.hpp"

namespace hashsieve {
class HashList;
}

namespace hashsieve::cuda {

/// What the runtime reports: versions, device count, whether a context and our kernels load on
/// device 0. Never throws; safe without a driver.
CudaProbeFacts probeFacts();

/// True when the runtime finds a device that runs our kernels (false without a driver).
bool deviceAvailable();

/// One line per device: name, memory, compute capability; plus runtime/driver versions.
std::string describeDevices();

/// Devices the runtime finds (0 without a driver).
int deviceCount();

/// A batched PDQ/pHash hasher on device 0. Throws CudaError (e.g. out of memory) on failure.
std::unique_ptr<Hasher> makeCudaHasher();

/// One hasher per device in `ordinals` (each must exist), sharing one pinned staging pool.
std::vector<std::unique_ptr<FeedHasher>> makeCudaHashers(const std::vector<int>& ordinals);

/// A matcher on device opts.device over `list` (which must outlive it). The list is copied to
/// the device once when it fits opts.maxListBytes (default: most of what is left of the
/// device's budget), else it is streamed through in chunks on every call. Its query and hit
/// buffers come from the same budget; queries that do not fit run in smaller groups. Throws
/// CudaError (e.g. no device) on failure, OutOfDeviceMemory when one query does not fit.
std::unique_ptr<Matcher> makeCudaMatcher(const HashList& list, const CudaMatcherOptions& opts = {});

/// --decoder gpu: NVDEC surfaces (NV12/P010) to RGB24 frames, one conversion kernel per frame,
/// into device memory (no copy) or host memory (one copy) (kernels/nvdec_convert.cpp).
/// Thread-safe: each calling thread gets its own stream and buffers.
media::DeviceFrameConverter makeNvdecConverter();

}  // namespace hashsieve::cuda
