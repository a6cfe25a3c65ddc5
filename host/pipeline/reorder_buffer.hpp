// Puts results that finish out of order back into input order, within a fixed window: work on
// index i may start only once i < next + window, so at most `window` finished results wait here.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>

namespace hashsieve::pipeline {

template <typename T>
class ReorderBuffer {
 public:
  explicit ReorderBuffer(uint64_t window) : window_(window == 0 ? 1 : window) {}

  /// Blocks until `index` is inside the window. False once aborted.
  bool waitForSlot(uint64_t index) {
    std::unique_lock lock(mutex_);
    slotFree_.wait(lock, [&] { return aborted_ || index < next_ + window_; });
    return !aborted_;
  }

  /// Stores the result for `index` (each index exactly once).
  void put(uint64_t index, T value) {
    std::lock_guard lock(mutex_);
    if (aborted_) return;
    ready_.emplace(index, std::move(value));
    if (index == next_) readyNext_.notify_all();
  }

  /// No index at or above `total` will be put; takeNext() ends after total results.
  void setTotal(uint64_t total) {
    std::lock_guard lock(mutex_);
    total_ = total;
    readyNext_.notify_all();
  }

  /// Blocks for the result at the next index in order; nullopt when all `total` results have
  /// been taken, or on abort.
  std::optional<T> takeNext() {
    std::unique_lock lock(mutex_);
    readyNext_.wait(lock, [&] {
      return aborted_ || next_ >= total_ || (!ready_.empty() && ready_.begin()->first == next_);
    });
    if (aborted_ || next_ >= total_) return std::nullopt;
    auto node = ready_.extract(ready_.begin());
    ++next_;
    slotFree_.notify_all();
    return std::move(node.mapped());
  }

  void abort() {
    std::lock_guard lock(mutex_);
    aborted_ = true;
    ready_.clear();
    slotFree_.notify_all();
    readyNext_.notify_all();
  }

  /// Results waiting (for tests of the bound).
  size_t waiting() const {
    std::lock_guard lock(mutex_);
    return ready_.size();
  }
  uint64_t window() const { return window_; }

 private:
  const uint64_t window_;
  mutable std::mutex mutex_;
  std::condition_variable slotFree_, readyNext_;
  std::map<uint64_t, T> ready_;
  uint64_t next_ = 0;
  uint64_t total_ = std::numeric_limits<uint64_t>::max();
  bool aborted_ = false;
};

}  // namespace hashsieve::pipeline
