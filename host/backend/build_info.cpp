// `hashsieve info` lines.
#include "host/backend/build_info.hpp"

#include "host/backend/gpu_status.hpp"

namespace hashsieve {

std::string describeDeviceSupport() {
  const GpuStatus g = gpuStatus();
  std::string s = "devices: cpu";
  if (!g.built) return s + " (cuda not compiled in)\n";
  s += g.usable() ? ", cuda (usable)\n" : ", cuda (compiled in, not usable)\n";
  s += g.description + "\n";
  if (!g.usable()) s += "cuda not used: " + g.reason + "\n";
  return s;
}

std::string describeBuild() {
  std::string s =
      "build: " HASHSIEVE_BUILD_TYPE ", " HASHSIEVE_CXX_COMPILER ", C++20, -ffp-contract=off";
#ifdef HASHSIEVE_HAVE_CUDA
  s += "; nvcc " HASHSIEVE_CUDA_COMPILER ", -fmad=false";
#endif
  return s + "\n";
}

}  // namespace hashsieve
