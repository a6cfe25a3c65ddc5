// Choosing a matcher backend: --device auto|cpu|cuda. The CUDA backend exists only in builds
// with nvcc and runs only where a device is found; auto prefers it and falls back to the CPU.
#pragma once

#include <memory>
#include <string_view>

#include "host/match/cpu_matcher.hpp"
#include "host/match/cuda_matcher_options.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve {

enum class MatchDevice { Auto, Cpu, Cuda };
/// "auto" / "cpu" / "cuda"; UsageError otherwise.
MatchDevice parseMatchDevice(std::string_view name);

struct MatcherOptions {
  CpuMatcherOptions cpu;
  CudaMatcherOptions cuda;
};

/// A matcher over `list` (which must outlive it). Cuda: UsageError when this build has no CUDA
/// backend or no device is present. Auto: CUDA when usable, else CPU.
std::unique_ptr<Matcher> makeMatcher(MatchDevice device, const HashList& list,
                                     const MatcherOptions& opts = {});

/// Whether this build has the CUDA backend and a device answers.
bool cudaMatcherAvailable();

}  // namespace hashsieve
