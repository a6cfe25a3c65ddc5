// CUDA discovery for the benchmark, through the backend factory (the one place that asks).
#include "host/benchmark/gpu_probe.hpp"

#include <exception>

#include "host/backend/backend.hpp"

namespace hashsieve::bench {

GpuProbe probeGpu() {
  GpuProbe p;
  try {
    p.built = cudaCompiledIn();
    p.available = p.built && cudaUsable();
    p.description = describeBackends();
    while (!p.description.empty() && p.description.back() == '\n') p.description.pop_back();
  } catch (const std::exception& e) {
    p.available = false;
    p.description = std::string("no CUDA device: ") + e.what();
  }
  return p;
}

}  // namespace hashsieve::bench
