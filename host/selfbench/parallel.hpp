// Runs a function on N threads and rethrows the first exception any of them raised.
#pragma once

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hashsieve::bench {

/// Calls fn(t) for t in [0, threads) on `threads` threads (the caller's thread runs t = 0)
/// and joins them all; then rethrows the first exception thrown, if any.
template <typename Fn>
void runOnThreads(int threads, Fn&& fn) {
  std::mutex mutex;
  std::exception_ptr first;
  auto guarded = [&](int t) {
    try {
      fn(t);
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!first) first = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(guarded, t);
    guarded(0);
  }  // jthreads join here
  if (first) std::rethrow_exception(first);
}

}  // namespace hashsieve::bench
