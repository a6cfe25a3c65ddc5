// The CUDA-free facade of the CUDA backend: host code includes only this header.
// It exists in builds with nvcc (HASHSIEVE_HAVE_CUDA); host/ factories guard on that macro.
#pragma once

#include <memory>
#include <string>

#include "host/core/hasher.hpp"

namespace hashsieve::cuda {

/// True when the CUDA runtime finds at least one usable device (false without a driver).
bool deviceAvailable();

/// One line per device: name, memory, compute capability; plus the build's CUDA flags.
std::string describeDevices();

/// A batched PDQ/pHash hasher on device 0. Throws std::runtime_error without a device.
std::unique_ptr<Hasher> makeCudaHasher();

}  // namespace hashsieve::cuda
