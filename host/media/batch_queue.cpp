// BatchQueue: concurrent per-file decode calls gathered into batches (group commit).
#include <algorithm>
#include <chrono>
#include <exception>

#include "host/media/batch_decoder.hpp"

namespace hashsieve::media {

BatchQueue::BatchQueue(std::unique_ptr<BatchImageDecoder> decoder, size_t maxBatch, size_t workers)
    : decoder_(std::move(decoder)),
      name_(decoder_->name()),
      maxBatch_(std::max<size_t>(1, maxBatch)),
      workers_(std::max<size_t>(1, workers)) {}

BatchDecoded BatchQueue::decode(const BatchInput& file) {
  Slot slot{file, {}, false};
  std::unique_lock lock(mutex_);
  pending_.push_back(&slot);
  arrived_.notify_one();
  while (!slot.done) {
    if (busy_) {
      finished_.wait(lock);
    } else {
      runBatch(lock);
    }
  }
  return std::move(slot.result);
}

// Called with the lock held and no batch running; returns with the lock held.
void BatchQueue::runBatch(std::unique_lock<std::mutex>& lock) {
  busy_ = true;
  const size_t want = std::min(maxBatch_, workers_);
  arrived_.wait_for(lock, std::chrono::microseconds(kGatherMicros),
                    [&] { return pending_.size() >= want; });
  const size_t n = std::min(maxBatch_, pending_.size());
  std::vector<Slot*> batch(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();

  std::vector<BatchInput> inputs;
  inputs.reserve(n);
  for (const Slot* s : batch) inputs.push_back(s->input);
  std::vector<BatchDecoded> results;
  std::string failure;
  try {
    results = decoder_->decode(inputs);
  } catch (const std::exception& e) {
    failure = e.what();  // every file of the batch goes back to the CPU decoders
  }
  if (results.size() != n) {
    results.clear();
    results.resize(n);  // move-only results (device frames): no copies of a prototype
    for (auto& r : results) r.detail = failure.empty() ? "batch decoder failed" : failure;
  }

  lock.lock();
  for (size_t i = 0; i < n; ++i) {
    batch[i]->result = std::move(results[i]);
    batch[i]->done = true;
  }
  ++batches_;
  largest_ = std::max(largest_, n);
  busy_ = false;
  finished_.notify_all();
}

size_t BatchQueue::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

size_t BatchQueue::largestBatch() const {
  std::lock_guard lock(mutex_);
  return largest_;
}

size_t BatchQueue::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace hashsieve::media
