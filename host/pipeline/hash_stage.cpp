// Inline and batched hashing of decoded frames.
#include "host/pipeline/hash_stage.hpp"

#include <cstring>
#include <vector>

#include "host/pipeline/fatal_error.hpp"

namespace hashsieve::pipeline {
namespace {

Image copyFrame(const ImageView& v) {
  Image img(v.width, v.height, v.format);
  const size_t rowBytes = static_cast<size_t>(v.width) * bytesPerPixel(v.format);
  for (int y = 0; y < v.height; ++y) std::memcpy(img.row(y), v.row(y), rowBytes);
  return img;
}

}  // namespace

void InlineHashStage::submit(const ImageView& frame, FrameDone done) {
  hasher_->hash(std::span<const ImageView>(&frame, 1), request_, std::span<FrameHash>(&out_, 1));
  done(out_);
}

FrameBatcher::FrameBatcher(std::unique_ptr<Hasher> hasher, HashRequest request,
                           BatcherConfig config, std::function<void(std::exception_ptr)> onFatal)
    : hasher_(std::move(hasher)),
      request_(request),
      config_(config),
      onFatal_(std::move(onFatal)),
      thread_([this] { run(); }) {}

FrameBatcher::~FrameBatcher() { finish(); }

void FrameBatcher::submit(const ImageView& frame, FrameDone done) {
  const size_t bytes =
      static_cast<size_t>(frame.width) * frame.height * bytesPerPixel(frame.format);
  {
    // Reserve the bytes before copying, so concurrent submitters cannot overshoot the bound.
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      return failure_ || queuedBytes_ == 0 || queuedBytes_ + bytes <= config_.maxQueuedBytes;
    });
    if (failure_) std::rethrow_exception(failure_);
    queuedBytes_ += bytes;
    peakQueuedBytes_ = std::max(peakQueuedBytes_, queuedBytes_);
  }
  Pending p;
  try {
    p = Pending{copyFrame(frame), std::move(done), std::chrono::steady_clock::now()};
  } catch (...) {
    std::lock_guard lock(mutex_);
    queuedBytes_ -= bytes;
    changed_.notify_all();
    throw;
  }
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
  queue_.push_back(std::move(p));
  changed_.notify_all();
}

void FrameBatcher::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void FrameBatcher::run() {
  std::vector<Pending> batch;
  std::vector<ImageView> views;
  std::vector<FrameHash> out;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (failure_) return;
        if (queue_.size() >= config_.batchFrames || (finishing_ && !queue_.empty())) break;
        if (finishing_) return;
        if (queue_.empty()) {
          changed_.wait(lock);
          continue;
        }
        // A partial batch waits for company, but not longer than flushAfter.
        const auto deadline = queue_.front().queuedAt + config_.flushAfter;
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) break;
      }
      const size_t n = std::min(queue_.size(), config_.batchFrames);
      batch.clear();
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    views.clear();
    for (const Pending& p : batch) views.push_back(p.image.view());
    out.resize(batch.size());
    try {
      const auto t0 = std::chrono::steady_clock::now();
      hasher_->hash(views, request_, out);
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (size_t i = 0; i < batch.size(); ++i) batch[i].done(out[i]);
      size_t bytes = 0;
      for (const Pending& p : batch) bytes += p.image.pixels.size();
      batch.clear();  // free the pixels before admitting more
      std::lock_guard lock(mutex_);
      hashSeconds_ += secs;
      ++batches_;
      queuedBytes_ -= bytes;
      changed_.notify_all();
    } catch (...) {
      std::exception_ptr e = std::current_exception();
      {
        std::lock_guard lock(mutex_);
        failure_ = e;
        changed_.notify_all();
      }
      if (onFatal_) onFatal_(e);
      return;
    }
  }
}

double FrameBatcher::hashSeconds() const {
  std::lock_guard lock(mutex_);
  return hashSeconds_;
}
uint64_t FrameBatcher::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}
size_t FrameBatcher::peakQueuedBytes() const {
  std::lock_guard lock(mutex_);
  return peakQueuedBytes_;
}

}  // namespace hashsieve::pipeline
