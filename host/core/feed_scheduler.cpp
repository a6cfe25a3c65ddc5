// The device feed's scheduler. Slots are used round-robin and retired oldest first, so the
// slot a new batch needs is always the oldest one in flight.
#include "host/core/feed_scheduler.hpp"

#include <algorithm>
#include <utility>

namespace hashsieve {

FeedScheduler::FeedScheduler(FeedOps& ops, size_t maxBatchFrames)
    : ops_(ops), limit_(std::max<size_t>(1, maxBatchFrames)) {
  if (ops_.slotCount() < 2) throw std::invalid_argument("FeedScheduler: fewer than two slots");
}

FeedScheduler::~FeedScheduler() {
  for (const Batch& b : flight_) ops_.abandon(b.slot);
}

void FeedScheduler::enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
                            const HashRequest& req, FeedDone done) {
  if (tags.size() != frames.size()) throw std::invalid_argument("FeedScheduler: tags.size()");
  auto shared = std::make_shared<FeedDone>(std::move(done));
  size_t pos = 0;
  while (pos < frames.size()) {
    const size_t left = frames.size() - pos;
    const size_t n = std::clamp<size_t>(ops_.batchLength(frames.subspan(pos), limit_), 1,
                                        std::min(limit_, left));
    Batch b;
    b.frames.assign(frames.begin() + pos, frames.begin() + pos + n);
    b.tags.assign(tags.begin() + pos, tags.begin() + pos + n);
    b.req = req;
    b.done = shared;
    if (flight_.size() == size_t(ops_.slotCount())) collectOldest();
    b.slot = nextSlot_;
    try {
      ops_.launch(b.slot, b.frames, b.req);
    } catch (const OutOfDeviceMemory&) {
      // Back off: let the batches in flight finish, give memory back (or, when the ops have
      // nothing left to give, halve the batch) and cut the same frames again.
      ops_.abandon(b.slot);
      drain();
      if (!ops_.shrink()) {
        if (n == 1) {
          fail(b, std::current_exception());
          pos += n;
          continue;
        }
        limit_ = std::max<size_t>(1, n / 2);
      }
      continue;
    } catch (...) {
      // Outcomes leave in enqueue order: the older batches first, then this one's error.
      ops_.abandon(b.slot);
      drain();
      fail(b, std::current_exception());
      pos += n;
      continue;
    }
    nextSlot_ = (nextSlot_ + 1) % ops_.slotCount();
    ++launched_;
    flight_.push_back(std::move(b));
    pos += n;
  }
}

void FeedScheduler::drain() {
  while (!flight_.empty()) collectOldest();
}

void FeedScheduler::collectOldest() {
  Batch b = std::move(flight_.front());
  flight_.pop_front();  // before any outcome, so nothing can be collected twice
  out_.assign(b.frames.size(), FrameHash{});
  try {
    ops_.finish(b.slot, b.req, out_);
  } catch (...) {
    ops_.abandon(b.slot);
    fail(b, std::current_exception());
    return;
  }
  for (size_t i = 0; i < b.tags.size(); ++i) (*b.done)(b.tags[i], &out_[i], nullptr);
}

void FeedScheduler::fail(const Batch& b, std::exception_ptr e) {
  for (uint64_t tag : b.tags) (*b.done)(tag, nullptr, e);
}

}  // namespace hashsieve
