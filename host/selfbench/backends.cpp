// The benchmark's hashers and matchers, made through the project's factories (host/backend).
#include "host/selfbench/backends.hpp"

#include "host/backend/gpu_status.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/backend/matcher_factory.hpp"

namespace hashsieve::bench {

std::string unavailableReason(Device d) {
  if (d == Device::Cpu) return {};
  const GpuStatus gpu = gpuStatus();
  if (!gpu.built) return kNoCudaBuild;
  if (!gpu.usable()) return kNoCudaDevice;  // the report's machine.gpu says why
  return {};
}

std::unique_ptr<Hasher> makeBenchHasher(Device d) { return makeHasher(d); }

std::unique_ptr<Matcher> makeBenchMatcher(Device d, const HashList& list, int threads) {
  MatcherOptions opts;
  opts.cpu.threads = threads;
  return makeMatcher(d, list, opts);
}

}  // namespace hashsieve::bench
