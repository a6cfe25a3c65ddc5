// Backend selection and the Hasher factory.
#include "host/backend/backend.hpp"

#include "host/core/errors.hpp"

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

Backend parseBackend(std::string_view text) {
  if (text == "auto") return Backend::Auto;
  if (text == "cpu") return Backend::Cpu;
  if (text == "cuda") return Backend::Cuda;
  throw UsageError("unknown device '" + std::string(text) + "' (expected auto, cpu or cuda)");
}

const char* backendName(Backend b) {
  switch (b) {
    case Backend::Auto: return "auto";
    case Backend::Cpu: return "cpu";
    case Backend::Cuda: return "cuda";
  }
  return "?";
}

bool cudaCompiledIn() {
#ifdef HASHSIEVE_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

bool cudaUsable() {
#ifdef HASHSIEVE_HAVE_CUDA
  return cuda::deviceAvailable();
#else
  return false;
#endif
}

std::unique_ptr<Hasher> makeHasher(Backend b) {
  if (b == Backend::Cpu) return makeCpuHasher();
#ifdef HASHSIEVE_HAVE_CUDA
  if (b == Backend::Cuda) {
    if (!cuda::deviceAvailable())
      throw UsageError(
          "--device cuda: no usable CUDA device (no driver, no GPU, or a GPU older than the "
          "compiled architectures); use --device auto or cpu");
    return cuda::makeCudaHasher();
  }
  if (cuda::deviceAvailable()) {
    try {
      return cuda::makeCudaHasher();
    } catch (const std::exception&) {
      // auto promises a working hasher: a device that cannot start the backend means the CPU.
    }
  }
  return makeCpuHasher();
#else
  if (b == Backend::Cuda)
    throw UsageError("--device cuda: this build has no CUDA backend (configured without nvcc)");
  return makeCpuHasher();
#endif
}

std::string describeBackends() {
  std::string s = "backends: cpu";
  s += cudaCompiledIn() ? (cudaUsable() ? ", cuda (usable)" : ", cuda (compiled in, no usable device)")
                        : " (cuda not compiled in)";
  s += "\n";
#ifdef HASHSIEVE_HAVE_CUDA
  s += cuda::describeDevices();
#endif
  return s;
}

}  // namespace hashsieve

namespace hashsieve {

std::string describeBuild() {
  std::string s = "build: " HASHSIEVE_BUILD_TYPE ", " HASHSIEVE_CXX_COMPILER ", C++20, -ffp-contract=off";
#ifdef HASHSIEVE_HAVE_CUDA
  s += "; nvcc " HASHSIEVE_CUDA_COMPILER ", -fmad=false";
#endif
  return s + "\n";
}

}  // namespace hashsieve
