// Which devices this benchmark can run here, and their hashers and matchers.
#pragma once

#include <memory>
#include <string>

#include "host/backend/device.hpp"
#include "host/core/hasher.hpp"
#include "host/match/matcher.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

/// The status line of a CUDA workload that cannot run here.
inline constexpr const char* kNoCudaDevice = "skipped: no CUDA device";
inline constexpr const char* kNoCudaBuild = "skipped: built without CUDA";

/// Empty when `d` can run here; otherwise the record's "skipped: ..." status.
std::string unavailableReason(Device d);

/// A new hasher on `d` (one per worker thread). Throws when it cannot be made.
std::unique_ptr<Hasher> makeBenchHasher(Device d);

/// A range/top-k matcher on `d` over `list` (which must outlive it), on `threads`
/// threads where the backend has a thread count.
std::unique_ptr<Matcher> makeBenchMatcher(Device d, const HashList& list, int threads);

}  // namespace hashsieve::bench
