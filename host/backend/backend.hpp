// Backend selection (`--device auto|cpu|cuda`) and the Hasher factory. CUDA-free: the CUDA
// backend is reached through kernels/cuda_backend.hpp only in builds that have it.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "host/core/hasher.hpp"

namespace hashsieve {

enum class Backend { Auto, Cpu, Cuda };

/// "auto", "cpu" or "cuda" (case-sensitive, the CLI's spelling); UsageError otherwise.
Backend parseBackend(std::string_view text);
const char* backendName(Backend b);

/// Whether this build contains the CUDA backend (compiled with nvcc).
bool cudaCompiledIn();
/// Whether the CUDA backend can run here: compiled in, a driver, a device with our kernels.
bool cudaUsable();

/// Auto: CUDA when usable, else CPU (also when the CUDA backend fails to start). Cpu: the CPU
/// backend. Cuda: the CUDA backend, or UsageError naming why it is not available.
std::unique_ptr<Hasher> makeHasher(Backend b);

/// Lines for `hashsieve info`: backends compiled in and usable, and the devices.
std::string describeBackends();
/// Lines for `hashsieve info`: build type, compilers, the flags that bit-exactness depends on.
std::string describeBuild();

}  // namespace hashsieve
