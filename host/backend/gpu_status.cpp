// GPU status: the per-process cache of the probe (classification: gpu_classify.cpp).
#include "host/backend/gpu_status.hpp"

#include <cstdio>
#include <mutex>

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

namespace {

std::mutex& statusMutex() {
  static std::mutex m;
  return m;
}

GpuStatus& cachedStatus() {
  static GpuStatus status = [] {
#ifdef HASHSIEVE_HAVE_CUDA
    GpuStatus s = classifyCudaProbe(cuda::probeFacts());
    s.description = cuda::describeDevices();
    while (!s.description.empty() && s.description.back() == '\n') s.description.pop_back();
    return s;
#else
    GpuStatus s;
    s.reason = "this build has no CUDA backend (configured without nvcc)";
    s.description = "cuda not compiled in";
    return s;
#endif
  }();
  return status;
}

}  // namespace

GpuStatus gpuStatus() {
  std::lock_guard lock(statusMutex());
  return cachedStatus();
}

std::string noteCudaStartFailure(const std::string& component, const std::string& what) {
  const bool oom = what.find("cudaErrorMemoryAllocation") != std::string::npos;
  std::string reason = (oom ? "out of device memory: the CUDA " : "the CUDA ") + component +
                       " could not start: " + what;
  std::lock_guard lock(statusMutex());
  GpuStatus& s = cachedStatus();
  s.state = oom ? GpuState::OutOfMemory : GpuState::Error;
  s.reason = reason;
  return reason;
}

void reportCpuFallbackOnce() {
  const GpuStatus s = gpuStatus();
  if (!s.built || s.usable()) return;
  static std::once_flag once;
  std::call_once(
      once, [&] { std::fprintf(stderr, "hashsieve: not using CUDA: %s\n", s.reason.c_str()); });
}

}  // namespace hashsieve
