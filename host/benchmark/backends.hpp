// Which hashing backends this benchmark can run here, and their hashers.
#pragma once

#include <memory>
#include <string>

#include "host/benchmark/workloads.hpp"
#include "host/core/hasher.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve::bench {

/// Empty when `b` can run here; otherwise the record's "skipped: ..." status.
std::string unavailableReason(BackendKind b);

/// A new hasher of backend `b` (one per worker thread). Throws when it cannot be made.
std::unique_ptr<Hasher> makeBenchHasher(BackendKind b);

/// A range/top-k matcher of backend `b` over `list` (which must outlive it), on `threads`
/// threads where the backend has a thread count.
std::unique_ptr<Matcher> makeBenchMatcher(BackendKind b, const HashList& list, int threads);

}  // namespace hashsieve::bench
