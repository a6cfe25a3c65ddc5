// Per-file wall-clock budget: checked between reads, packets, frames and scanline batches.
#pragma once

#include <chrono>
#include <cmath>

#include "host/core/errors.hpp"

namespace hashsieve::media::detail {

class Deadline {
 public:
  /// seconds <= 0 or not finite: no limit.
  explicit Deadline(double seconds) {
    if (seconds > 0 && std::isfinite(seconds)) {
      limited_ = true;
      end_ = Clock::now() +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    }
  }
  bool expired() const { return limited_ && Clock::now() >= end_; }
  /// Throws InputError("timeout") once the budget is spent.
  void check() const {
    if (expired()) throw InputError("timeout", "per-file decode time limit reached");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool limited_ = false;
  Clock::time_point end_{};
};

}  // namespace hashsieve::media::detail
