// The Matcher factory.
#include "host/backend/matcher_factory.hpp"

#include <exception>
#include <string>

#include "host/backend/gpu_status.hpp"
#include "host/core/errors.hpp"

#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

std::unique_ptr<Matcher> makeMatcher(Device device, const HashList& list,
                                     const MatcherOptions& opts) {
  if (device == Device::Cpu) return makeCpuMatcher(list, opts.cpu);
  const GpuStatus status = gpuStatus();
  if (!status.usable()) {
    if (device == Device::Cuda) throw DeviceError("--device cuda: " + status.reason);
    reportCpuFallbackOnce();
    return makeCpuMatcher(list, opts.cpu);
  }
#ifdef HASHSIEVE_HAVE_CUDA
  if (device == Device::Cuda) return cuda::makeCudaMatcher(list, opts.cuda);
  try {
    return cuda::makeCudaMatcher(list, opts.cuda);
  } catch (const std::exception& e) {
    // Auto: a device that cannot hold our buffers is no reason to fail; the CPU is exact too.
    noteCudaStartFailure("matcher", e.what());
    reportCpuFallbackOnce();
  }
#endif
  return makeCpuMatcher(list, opts.cpu);
}

std::unique_ptr<Matcher> makeMatcher(const DeviceSpec& spec, const HashList& list,
                                     const MatcherOptions& opts) {
  MatcherOptions on = opts;
  on.cuda.device = spec.ordinals.empty() ? 0 : spec.ordinals.front();
  return makeMatcher(spec.kind, list, on);
}

}  // namespace hashsieve
