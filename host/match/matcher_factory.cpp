// Backend selection for matching.
#include "host/match/matcher_factory.hpp"

#include <string>

#include "host/core/errors.hpp"

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_matcher.hpp"
#endif

namespace hashsieve {

MatchDevice parseMatchDevice(std::string_view name) {
  if (name == "auto") return MatchDevice::Auto;
  if (name == "cpu") return MatchDevice::Cpu;
  if (name == "cuda") return MatchDevice::Cuda;
  throw UsageError("unknown device \"" + std::string(name) + "\" (expected auto, cpu or cuda)");
}

bool cudaMatcherAvailable() {
#ifdef HASHSIEVE_HAVE_CUDA
  try {
    return cuda::deviceAvailable();
  } catch (const std::exception&) {
    return false;
  }
#else
  return false;
#endif
}

std::unique_ptr<Matcher> makeMatcher(MatchDevice device, const HashList& list,
                                     const MatcherOptions& opts) {
  if (device == MatchDevice::Cpu) return makeCpuMatcher(list, opts.cpu);
#ifdef HASHSIEVE_HAVE_CUDA
  if (cudaMatcherAvailable()) {
    if (device == MatchDevice::Cuda) return cuda::makeCudaMatcher(list, opts.cuda);
    try {
      return cuda::makeCudaMatcher(list, opts.cuda);
    } catch (const std::exception&) {
      // Auto: a device that cannot hold our buffers is no reason to fail; the CPU is exact too.
      return makeCpuMatcher(list, opts.cpu);
    }
  }
  if (device == MatchDevice::Cuda) throw UsageError("--device cuda: no CUDA device is available");
#else
  if (device == MatchDevice::Cuda)
    throw UsageError("--device cuda: this build has no CUDA backend");
#endif
  return makeCpuMatcher(list, opts.cpu);
}

}  // namespace hashsieve
