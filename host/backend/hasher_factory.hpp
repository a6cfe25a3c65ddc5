// The Hasher factory for a device choice. CUDA-free: the CUDA backend is reached through
// kernels/cuda_backend.hpp only in builds that have it.
#pragma once

#include <memory>

#include "host/backend/device.hpp"
#include "host/core/hasher.hpp"

namespace hashsieve {

/// Auto: CUDA when usable, else the CPU (saying why once on stderr, also when the CUDA backend
/// fails to start). Cpu: the CPU backend. Cuda: the CUDA backend, or DeviceError giving the
/// reason (gpuStatus) it is not available.
std::unique_ptr<Hasher> makeHasher(Device d);

/// As makeHasher(spec.kind), on the devices `spec` names: "cuda:all" and lists of more than one
/// device give one hasher per device behind a MultiDeviceHasher; a device that does not exist
/// is a DeviceError.
std::unique_ptr<Hasher> makeHasher(const DeviceSpec& spec);

}  // namespace hashsieve
