// The Hasher factory.
#include "host/backend/hasher_factory.hpp"

#include <exception>
#include <string>
#include <vector>

#include "host/backend/gpu_status.hpp"
#include "host/backend/multi_device_hasher.hpp"
#include "host/core/errors.hpp"

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

std::unique_ptr<Hasher> makeHasher(Device d) { return makeHasher(DeviceSpec{d, false, {}}); }

std::unique_ptr<Hasher> makeHasher(const DeviceSpec& spec) {
  const Device d = spec.kind;
  if (d == Device::Cpu) return makeCpuHasher();
  const GpuStatus status = gpuStatus();
  if (!status.usable()) {
    if (d == Device::Cuda)
      throw DeviceError("--device " + deviceSpecName(spec) + ": " + status.reason);
    reportCpuFallbackOnce();
    return makeCpuHasher();
  }
#ifdef HASHSIEVE_HAVE_CUDA
  try {
    if (!spec.allDevices && spec.ordinals.empty()) return cuda::makeCudaHasher();
    std::vector<int> ordinals = spec.ordinals;
    if (spec.allDevices)
      for (int i = 0; i < cuda::deviceCount(); ++i) ordinals.push_back(i);
    std::vector<std::unique_ptr<FeedHasher>> hashers = cuda::makeCudaHashers(ordinals);
    if (hashers.size() == 1) return std::move(hashers.front());
    return std::make_unique<MultiDeviceHasher>(std::move(hashers));
  } catch (const std::exception& e) {
    const std::string why = noteCudaStartFailure("hasher", e.what());
    if (d == Device::Cuda) throw DeviceError("--device " + deviceSpecName(spec) + ": " + why);
    reportCpuFallbackOnce();  // auto promises a working hasher: the CPU gives the same bits
  }
#endif
  return makeCpuHasher();
}

}  // namespace hashsieve
