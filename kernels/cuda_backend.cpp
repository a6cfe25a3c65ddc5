// The CUDA-free facade's implementation: device discovery (in this one place) and the factory.
#include "kernels/cuda_backend.hpp"

#include <cuda_runtime.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "kernels/cuda_check.hpp"
#include "kernels/cuda_hasher.hpp"
#include "kernels/pdq_finish.cuh"

namespace hashsieve::cuda {

// Without a driver cudaGetDeviceCount fails and leaves the count untouched: start at 0.
int deviceCount() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // not sticky; clear it so later calls start clean
    return 0;
  }
  return n;
}

CudaProbeFacts probeFacts() {
  CudaProbeFacts f;
  cudaRuntimeGetVersion(&f.runtimeVersion);
  // With the static runtime and no libcuda.so.1 this succeeds and reports 0.
  if (cudaDriverGetVersion(&f.driverVersion) != cudaSuccess) f.driverVersion = 0;
  cudaGetLastError();
  if (f.driverVersion == 0 || f.driverVersion < f.runtimeVersion) return f;
  int n = 0;  // left untouched when the call fails
  if (const cudaError_t e = cudaGetDeviceCount(&n); e != cudaSuccess) {
    f.countError = cudaGetErrorName(e);
    cudaGetLastError();
    return f;
  }
  f.deviceCount = n;
  if (n == 0) return f;
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) == cudaSuccess) f.deviceName = p.name;
  // cudaFree(nullptr) creates the primary context: where an out-of-memory device fails first.
  if (const cudaError_t e = cudaFree(nullptr); e != cudaSuccess) {
    f.initOutOfMemory = e == cudaErrorMemoryAllocation;
    f.initError = std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
    cudaGetLastError();
    return f;
  }
  // A device with no image of our kernels (older than the compiled architectures) is unusable.
  f.kernelsLoadable = pdqKernelsLoadable();
  return f;
}

bool deviceAvailable() { return classifyCudaProbe(probeFacts()).usable(); }

std::string describeDevices() {
  std::string s;
  char line[512];
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  cudaGetLastError();
  std::snprintf(
      line, sizeof line, "cuda runtime %d.%d, driver %d.%d, kernels built for sm_%s, -fmad=false\n",
      runtime / 1000, runtime % 1000 / 10, driver / 1000, driver % 1000 / 10, HASHSIEVE_CUDA_ARCHS);
  s += line;
  const int n = deviceCount();
  if (n == 0) s += "no CUDA device\n";
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) {
      cudaGetLastError();
      continue;
    }
    std::snprintf(line, sizeof line,
                  "cuda:%d %s, %.1f GiB, compute capability %d.%d, %d SMs, L2 %d MiB, "
                  "shared memory per block (opt-in) %zu KiB\n",
                  d, p.name, double(p.totalGlobalMem) / double(1u << 30), p.major, p.minor,
                  p.multiProcessorCount, p.l2CacheSize >> 20, p.sharedMemPerBlockOptin >> 10);
    s += line;
  }
  return s;
}

std::unique_ptr<Hasher> makeCudaHasher() {
  if (deviceCount() == 0) throw std::runtime_error("no CUDA device");
  return std::make_unique<CudaHasher>();
}

std::vector<std::unique_ptr<FeedHasher>> makeCudaHashers(const std::vector<int>& ordinals) {
  const int n = deviceCount();
  std::shared_ptr<StagingPool> pool = CudaHasher::makePinnedPool();
  std::vector<std::unique_ptr<FeedHasher>> out;
  for (int d : ordinals) {
    if (d < 0 || d >= n)
      throw std::runtime_error("no CUDA device " + std::to_string(d) + " (" + std::to_string(n) +
                               " found)");
    out.push_back(std::make_unique<CudaHasher>(std::nullopt, d, pool));
  }
  return out;
}

}  // namespace hashsieve::cuda
