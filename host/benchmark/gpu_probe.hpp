// The one place the benchmark asks whether a CUDA device is there (through the CUDA-free facade).
#pragma once

#include <string>

namespace hashsieve::bench {

struct GpuProbe {
  bool built = false;      // this binary has the CUDA backend
  bool available = false;  // and the runtime found a device
  std::string description;
};

GpuProbe probeGpu();

/// The status line of a CUDA workload that cannot run here.
inline constexpr const char* kNoCudaDevice = "skipped: no CUDA device";
inline constexpr const char* kNoCudaBuild = "skipped: built without CUDA";

}  // namespace hashsieve::bench
