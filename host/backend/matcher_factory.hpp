// The Matcher factory for a device choice (`--device auto|cpu|cuda`). The CUDA matcher exists
// only in builds with nvcc and runs only where a device is usable; auto prefers it.
#pragma once

#include <memory>

#include "host/backend/device.hpp"
#include "host/match/cpu_matcher.hpp"
#include "host/match/cuda_matcher_options.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve {

struct MatcherOptions {
  CpuMatcherOptions cpu;
  CudaMatcherOptions cuda;
};

/// A matcher over `list` (which must outlive it). Cuda: DeviceError giving the reason
/// (gpuStatus) when CUDA cannot be used. Auto: CUDA when usable, else the CPU (saying why once
/// on stderr).
std::unique_ptr<Matcher> makeMatcher(Device device, const HashList& list,
                                     const MatcherOptions& opts = {});
/// As above, on the first device `spec` names (device 0 for "cuda" and "cuda:all").
std::unique_ptr<Matcher> makeMatcher(const DeviceSpec& spec, const HashList& list,
                                     const MatcherOptions& opts = {});

}  // namespace hashsieve
