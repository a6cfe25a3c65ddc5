// The CUDA matcher's back-off when a batch of queries does not fit the device (its part of the
// device budget, or the device itself): run the queries in consecutive groups, halving the group
// that ran out of memory, as the feed scheduler halves a batch of frames. CUDA-free, so the rule
// is tested on the host.
#pragma once

#include <algorithm>
#include <cstddef>

#include "host/core/errors.hpp"

namespace hashsieve::detail {

/// Calls fn(begin, n) for consecutive groups covering [0, count), each of at most `limit`
/// (>= 1) queries. A group whose fn throws OutOfDeviceMemory runs again as its first half (the
/// group size stays halved for the rest); a single query that still does not fit rethrows.
/// fn must leave no trace of a group that threw. Returns the group size in use at the end.
template <typename Fn>
size_t forEachQueryGroup(size_t count, size_t limit, Fn&& fn) {
  limit = std::max<size_t>(limit, 1);
  size_t begin = 0;
  while (begin < count) {
    const size_t n = std::min(limit, count - begin);
    try {
      fn(begin, n);
    } catch (const OutOfDeviceMemory&) {
      if (n == 1) throw;
      limit = n / 2;
      continue;
    }
    begin += n;
  }
  return limit;
}

}  // namespace hashsieve::detail
