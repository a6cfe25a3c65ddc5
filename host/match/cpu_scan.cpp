// Run-time selection of the CPU scan kernels and the top-k heap they fill.
#include "host/match/cpu_scan.hpp"

#include <algorithm>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve::detail {
namespace {

bool heapLess(const TopKHeap::Item& a, const TopKHeap::Item& b) {
  return a.distance != b.distance ? a.distance < b.distance : a.entry < b.entry;
}

}  // namespace

void TopKHeap::push(uint32_t distance, uint32_t entry, uint32_t variant) {
  if (items_.size() == k_) {
    std::pop_heap(items_.begin(), items_.end(), heapLess);
    items_.back() = {distance, entry, variant};
  } else {
    items_.push_back({distance, entry, variant});
  }
  std::push_heap(items_.begin(), items_.end(), heapLess);
}

const char* cpuIsaName(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::Scalar:
      return "scalar";
    case CpuIsa::Avx2:
      return "avx2";
    case CpuIsa::Avx512:
      return "avx512-vpopcntdq";
  }
  return "?";
}

bool cpuIsaSupported(CpuIsa isa) {
#if defined(__x86_64__)
  switch (isa) {
    case CpuIsa::Scalar:
      return true;
    case CpuIsa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case CpuIsa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq");
  }
  return false;
#else
  return isa == CpuIsa::Scalar;
#endif
}

CpuIsa bestCpuIsa() {
  if (cpuIsaSupported(CpuIsa::Avx512)) return CpuIsa::Avx512;
  if (cpuIsaSupported(CpuIsa::Avx2)) return CpuIsa::Avx2;
  return CpuIsa::Scalar;
}

CpuScanKernels cpuScanKernels(CpuIsa isa) {
  if (!cpuIsaSupported(isa))
    throw UsageError(std::string("this CPU cannot run the ") + cpuIsaName(isa) + " scan");
  switch (isa) {
    case CpuIsa::Avx2:
      return avx2ScanKernels();
    case CpuIsa::Avx512:
      return avx512ScanKernels();
    case CpuIsa::Scalar:
      break;
  }
  return scalarScanKernels();
}

}  // namespace hashsieve::detail
