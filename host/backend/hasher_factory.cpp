// The Hasher factory.
#include "host/backend/hasher_factory.hpp"

#include <exception>
#include <string>

#include "host/backend/gpu_status.hpp"
#include "host/core/errors.hpp"

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

std::unique_ptr<Hasher> makeHasher(Device d) {
  if (d == Device::Cpu) return makeCpuHasher();
  const GpuStatus status = gpuStatus();
  if (!status.usable()) {
    if (d == Device::Cuda) throw DeviceError("--device cuda: " + status.reason);
    reportCpuFallbackOnce();
    return makeCpuHasher();
  }
#ifdef HASHSIEVE_HAVE_CUDA
  try {
    return cuda::makeCudaHasher();
  } catch (const std::exception& e) {
    const std::string why = noteCudaStartFailure("hasher", e.what());
    if (d == Device::Cuda) throw DeviceError("--device cuda: " + why);
    reportCpuFallbackOnce();  // auto promises a working hasher: the CPU gives the same bits
  }
#endif
  return makeCpuHasher();
}

}  // namespace hashsieve
