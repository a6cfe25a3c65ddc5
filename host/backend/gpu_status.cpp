// GPU status: classification of the runtime's facts and the per-process cache.
#include "host/backend/gpu_status.hpp"

#include <cstdio>
#include <mutex>

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

int minimumDriverBranch(int cudaVersion) {
  switch (cudaVersion / 1000) {
    case 13:
      return 580;
    case 12:
      return 525;
    case 11:
      return 450;
    default:
      return 0;
  }
}

std::string cudaVersionText(int version) {
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

GpuStatus classifyCudaProbe(const CudaProbeFacts& f) {
  GpuStatus s;
  s.built = true;
  const std::string need =
      "this build uses CUDA " + cudaVersionText(f.runtimeVersion) +
      (minimumDriverBranch(f.runtimeVersion)
           ? ", which needs an NVIDIA driver R" +
                 std::to_string(minimumDriverBranch(f.runtimeVersion)) + " or newer"
           : std::string());
  if (f.driverVersion == 0) {
    s.state = GpuState::NoDriver;
    s.reason = "no NVIDIA driver found (libcuda.so.1 is not installed or not loadable); " + need;
  } else if (f.driverVersion < f.runtimeVersion) {
    s.state = GpuState::DriverTooOld;
    s.reason = "the NVIDIA driver supports CUDA " + cudaVersionText(f.driverVersion) +
               " at most; " + need + " (or rebuild with an older toolkit, see the README)";
  } else if (!f.countError.empty() && f.countError != "cudaErrorNoDevice") {
    s.state = GpuState::Error;
    s.reason = "the CUDA runtime cannot list devices: " + f.countError;
  } else if (f.deviceCount == 0) {
    s.state = GpuState::NoDevice;
    s.reason = "no CUDA device (a driver for CUDA " + cudaVersionText(f.driverVersion) +
               " is installed; check CUDA_VISIBLE_DEVICES)";
  } else if (f.initOutOfMemory) {
    s.state = GpuState::OutOfMemory;
    s.reason = "out of device memory creating a context on cuda:0 (" + f.deviceName + ")";
  } else if (!f.initError.empty()) {
    s.state = GpuState::Error;
    s.reason = "cuda:0 (" + f.deviceName + ") cannot be used: " + f.initError;
  } else if (!f.kernelsLoadable) {
    s.state = GpuState::NoKernelImage;
    s.reason = "cuda:0 (" + f.deviceName +
               ") is older than the architectures this build's kernels were compiled for";
  } else {
    s.state = GpuState::Usable;
  }
  return s;
}

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
  const std::string reason = (oom ? "out of device memory: the CUDA " : "the CUDA ") + component +
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
