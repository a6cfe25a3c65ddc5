// The CPU matcher: a multi-threaded, tiled scan of the packed list with hardware popcount, the
// instruction-set level picked at run time (cpu_scan.hpp).
#pragma once

#include <memory>
#include <optional>

#include "host/match/cpu_scan.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve {

using CpuIsa = detail::CpuIsa;

struct CpuMatcherOptions {
  int threads = 0;            // 0: one per hardware thread
  std::optional<CpuIsa> isa;  // default: the best this CPU supports
};

/// A matcher over `list`, which must outlive it. Throws UsageError when `isa` is unsupported.
std::unique_ptr<Matcher> makeCpuMatcher(const HashList& list, const CpuMatcherOptions& opts = {});

}  // namespace hashsieve
