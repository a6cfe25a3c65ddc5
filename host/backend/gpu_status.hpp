// Whether CUDA is used here and, when not, why: the CUDA runtime's facts (kernels/cuda_backend
// gathers them) classified into one state and one line that `hashsieve info`, the audit record,
// `--device auto` (once, on stderr) and `--device cuda` (exit 3) all print. CUDA-free.
#pragma once

#include <string>

namespace hashsieve {

enum class GpuState {
  Usable,
  NotBuilt,       // configured without nvcc
  NoDriver,       // libcuda.so.1 missing: cudaDriverGetVersion reports 0
  DriverTooOld,   // the driver supports an older CUDA than the runtime this build links
  NoDevice,       // a driver, but no device (or none visible: CUDA_VISIBLE_DEVICES)
  NoKernelImage,  // the device is older than the architectures the kernels were built for
  OutOfMemory,    // the device could not hold a context or the backend's buffers
  Error,          // anything else the runtime reported
};

/// What the CUDA runtime said, raw; versions are 1000 * major + 10 * minor (13000 = CUDA 13.0).
struct CudaProbeFacts {
  int runtimeVersion = 0;  // the runtime linked into this binary
  int driverVersion = 0;   // newest CUDA the installed driver supports; 0 = no driver
  int deviceCount = 0;
  std::string countError;  // cudaGetDeviceCount's error name when it failed
  std::string initError;   // "name (text)" when creating a context on device 0 failed
  bool initOutOfMemory = false;
  bool kernelsLoadable = true;  // device 0 has an image of our kernels
  std::string deviceName;       // device 0, for the reason line
};

struct GpuStatus {
  bool built = false;  // this binary has the CUDA backend
  GpuState state = GpuState::NotBuilt;
  std::string reason;       // one line saying why CUDA is not used; empty when usable
  std::string description;  // `info` lines: runtime, driver, devices (no trailing newline)
  bool usable() const { return state == GpuState::Usable; }
};

/// Oldest driver branch for a CUDA major version: 13 needs R580, 12 R525, 11 R450 (NVIDIA's
/// CUDA toolkit release notes, "minimum required driver version"); 0 when not known.
int minimumDriverBranch(int cudaVersion);
/// "13.0" from 13000.
std::string cudaVersionText(int version);

/// The state and reason line for `f` (built = true).
GpuStatus classifyCudaProbe(const CudaProbeFacts& f);

/// This process's status: probed once, then cached (thread-safe). Reflects a later
/// noteCudaStartFailure.
GpuStatus gpuStatus();

/// Records that the CUDA `component` ("hasher", "matcher") was usable but failed to start with
/// error text `what` (OutOfMemory when it names cudaErrorMemoryAllocation), so that later
/// status queries (the audit record) give that reason; returns the reason line.
std::string noteCudaStartFailure(const std::string& component, const std::string& what);

/// For `--device auto` falling back to the CPU: prints "hashsieve: not using CUDA: <reason>" on
/// stderr, once per process, when the build has CUDA (a CPU-only build has nothing to explain).
void reportCpuFallbackOnce();

}  // namespace hashsieve
