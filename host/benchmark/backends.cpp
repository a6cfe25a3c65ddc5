// The benchmark's backends, made through the project's factories (host/backend, host/match).
#include "host/benchmark/backends.hpp"

#include "host/backend/backend.hpp"
#include "host/benchmark/gpu_probe.hpp"
#include "host/match/matcher_factory.hpp"

namespace hashsieve::bench {

const char* backendName(BackendKind b) { return b == BackendKind::Cpu ? "cpu" : "cuda"; }

std::string unavailableReason(BackendKind b) {
  if (b == BackendKind::Cpu) return {};
  static const GpuProbe probe = probeGpu();
  if (!probe.built) return kNoCudaBuild;
  if (!probe.available) return kNoCudaDevice;
  return {};
}

std::unique_ptr<Hasher> makeBenchHasher(BackendKind b) {
  return makeHasher(b == BackendKind::Cpu ? Backend::Cpu : Backend::Cuda);
}

std::unique_ptr<Matcher> makeBenchMatcher(BackendKind b, const HashList& list, int threads) {
  MatcherOptions opts;
  opts.cpu.threads = threads;
  return makeMatcher(b == BackendKind::Cpu ? MatchDevice::Cpu : MatchDevice::Cuda, list, opts);
}

}  // namespace hashsieve::bench
