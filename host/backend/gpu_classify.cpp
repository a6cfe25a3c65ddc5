// Classification of the CUDA runtime's facts (gpu_status.hpp): pure, CUDA-free, and linked by
// the CUDA backend too (cuda::deviceAvailable) without a cycle through the factories.
#include <string>

#include "host/backend/gpu_status.hpp"

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

}  // namespace hashsieve
