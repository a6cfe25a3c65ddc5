// Inline and batched hashing of decoded frames.
#include "host/pipeline/hash_stage.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "host/pipeline/fatal_error.hpp"

namespace hashsieve::pipeline {
void InlineHashStage::submit(const ImageView& frame, FrameDone done) {
  if (frame.onDevice()) throw std::logic_error("InlineHashStage: a device frame for a host hasher");
  hasher_->hash(std::span<const ImageView>(&frame, 1), request_, std::span<FrameHash>(&out_, 1));
  done(out_);
}

namespace {
// With a FeedHasher, a batch is at most this share of the queue bound: one batch filling while
// up to three are in flight (upload, kernels, download).
constexpr size_t kFeedBatchesInQueue = 4;
}  // namespace

FrameBatcher::FrameBatcher(std::unique_ptr<Hasher> hasher, HashRequest request,
                           BatcherConfig config, std::function<void(std::exception_ptr)> onFatal)
    : hasher_(std::move(hasher)),
      feed_(dynamic_cast<FeedHasher*>(hasher_.get())),
      staging_(feed_ ? feed_->staging() : nullptr),
      request_(request),
      config_(config),
      onFatal_(std::move(onFatal)) {
  batchFrames_ = config_.batchFrames ? config_.batchFrames
                 : feed_             ? BatcherConfig::kFeedBatchFrames
                                     : BatcherConfig::kBatchFrames;
  batchBytes_ = feed_ ? std::max<size_t>(1, std::min(feed_->batchBytes(),
                                                     config_.maxQueuedBytes / kFeedBatchesInQueue))
                      : SIZE_MAX;
  thread_ = std::thread([this] { run(); });
}

FrameBatcher::~FrameBatcher() { finish(); }

FrameBatcher::Pending FrameBatcher::copyFrame(const ImageView& v, size_t bytes, FrameDone done) {
  // A frame not decoded into staging memory is copied once, by the submitting (decode) thread:
  // into the hasher's staging memory when it has some, so the device reads it from there by DMA.
  Pending p;
  p.bytes = bytes;
  p.done = std::move(done);
  p.queuedAt = std::chrono::steady_clock::now();
  if (v.onDevice()) {
    // Decoded on the device: the pixels stay where they are and this batcher holds them until
    // the frame's outcome (the feed copies them on the device).
    if (!feed_ || !v.memory)
      throw std::logic_error("FrameBatcher: a device frame needs a device feed and its memory");
    p.device = std::move(*v.memory);
    p.view = v;
    p.view.memory = nullptr;
    return p;
  }
  uint8_t* dst = nullptr;
  if (staging_) {
    p.staged = staging_->take(bytes);
    dst = p.staged.data();
  } else {
    p.image = Image(v.width, v.height, v.format);
    dst = p.image.pixels.data();
  }
  const size_t rowBytes = static_cast<size_t>(v.width) * bytesPerPixel(v.format);
  for (int y = 0; y < v.height; ++y) std::memcpy(dst + y * rowBytes, v.row(y), rowBytes);
  p.view = ImageView{dst, v.width, v.height, static_cast<std::ptrdiff_t>(rowBytes), v.format};
  return p;
}

void FrameBatcher::submit(const ImageView& frame, FrameDone done, StagingPool::Block staged) {
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
  const bool copy = !staged.data();
  try {
    if (!copy) {  // decoded straight into staging memory: queued where it lies
      p.staged = std::move(staged);
      p.view = frame;
      p.bytes = bytes;
      p.done = std::move(done);
      p.queuedAt = std::chrono::steady_clock::now();
    } else {
      p = copyFrame(frame, bytes, std::move(done));
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    queuedBytes_ -= bytes;
    changed_.notify_all();
    throw;
  }
  std::lock_guard lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
  if (copy && !frame.onDevice()) ++framesCopied_;
  waitingBytes_ += bytes;
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

bool FrameBatcher::batchReady() const {
  return queue_.size() >= batchFrames_ || waitingBytes_ >= batchBytes_;
}

void FrameBatcher::run() {
  std::vector<Pending> batch;
  for (;;) {
    bool drainNow = false;
    {
      std::unique_lock lock(mutex_);
      for (;;) {
        if (failure_) return;
        if (batchReady() || (finishing_ && !queue_.empty())) break;
        if (queue_.empty()) {
          if (inFlight_.empty()) {
            if (finishing_) return;
            changed_.wait(lock);
            continue;
          }
          // Batches in flight and nothing new: collect them once no frame came for flushAfter.
          if (finishing_ ||
              (changed_.wait_for(lock, config_.flushAfter) == std::cv_status::timeout &&
               queue_.empty())) {
            drainNow = true;
            break;
          }
          continue;
        }
        // A partial batch waits for company, but not longer than flushAfter.
        const auto deadline = queue_.front().queuedAt + config_.flushAfter;
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) break;
      }
      batch.clear();
      size_t bytes = 0;
      while (!drainNow && !queue_.empty() && batch.size() < batchFrames_ &&
             (batch.empty() || bytes + queue_.front().bytes <= batchBytes_)) {
        bytes += queue_.front().bytes;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      waitingBytes_ -= bytes;
    }
    try {
      if (drainNow)
        feedDrain();
      else if (feed_)
        feedBatch(batch);
      else
        hashBatch(batch);
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

void FrameBatcher::hashBatch(std::vector<Pending>& batch) {
  std::vector<ImageView> views;
  for (const Pending& p : batch) views.push_back(p.view);
  std::vector<FrameHash> out(batch.size());
  const auto t0 = std::chrono::steady_clock::now();
  hasher_->hash(views, request_, out);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (size_t i = 0; i < batch.size(); ++i) batch[i].done(out[i]);
  size_t bytes = 0;
  for (const Pending& p : batch) bytes += p.bytes;
  batch.clear();  // free the pixels before admitting more
  released(bytes, secs, true);
}

void FrameBatcher::feedBatch(std::vector<Pending>& batch) {
  std::vector<ImageView> views;
  std::vector<uint64_t> tags;
  for (Pending& p : batch) {
    views.push_back(p.view);
    tags.push_back(nextTag_);
    inFlight_.emplace(nextTag_++, std::move(p));
  }
  batch.clear();
  const auto t0 = std::chrono::steady_clock::now();
  // Outcomes of this and earlier batches arrive during the call, in order; the frame's memory
  // goes back to the pool (and its bytes to the queue bound) as soon as its outcome is in.
  feed_->enqueue(views, tags, request_,
                 [this](uint64_t tag, const FrameHash* h, std::exception_ptr e) {
                   auto it = inFlight_.find(tag);
                   if (it == inFlight_.end()) return;
                   if (h) {
                     it->second.done(*h);
                   } else if (!feedError_) {
                     feedError_ = e;
                   }
                   const size_t bytes = it->second.bytes;
                   inFlight_.erase(it);
                   released(bytes, 0.0, false);
                 });
  released(0, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), true);
  if (feedError_) {
    try {
      feed_->drain();  // nothing may stay in flight over memory that is about to go
    } catch (...) {
    }
    std::rethrow_exception(feedError_);
  }
}

void FrameBatcher::feedDrain() {
  const auto t0 = std::chrono::steady_clock::now();
  feed_->drain();
  released(0, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), false);
  if (feedError_) std::rethrow_exception(feedError_);
}

void FrameBatcher::released(size_t bytes, double hashSecs, bool batchDone) {
  std::lock_guard lock(mutex_);
  hashSeconds_ += hashSecs;
  if (batchDone) ++batches_;
  queuedBytes_ -= bytes;
  changed_.notify_all();
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
uint64_t FrameBatcher::framesCopied() const {
  std::lock_guard lock(mutex_);
  return framesCopied_;
}

}  // namespace hashsieve::pipeline
