// Dealing frames over devices and putting their outcomes back in input order.
#include "host/backend/multi_device_hasher.hpp"

#include <algorithm>
#include <stdexcept>

namespace hashsieve {

MultiDeviceHasher::MultiDeviceHasher(std::vector<std::unique_ptr<FeedHasher>> devices)
    : devices_(std::move(devices)), load_(devices_.size(), 0), dealt_(devices_.size(), 0) {
  if (devices_.empty()) throw std::invalid_argument("MultiDeviceHasher: no device");
}

size_t MultiDeviceHasher::batchBytes() const {
  size_t sum = 0;
  for (const auto& d : devices_) sum += d->batchBytes();
  return sum;
}

void MultiDeviceHasher::enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
                                const HashRequest& req, FeedDone done) {
  if (tags.size() != frames.size()) throw std::invalid_argument("MultiDeviceHasher: tags.size()");
  auto shared = std::make_shared<FeedDone>(std::move(done));
  std::vector<std::vector<ImageView>> views(devices_.size());
  std::vector<std::vector<uint64_t>> seqs(devices_.size());
  std::vector<uint64_t> unreadable;  // device frames no feed here reads
  for (size_t i = 0; i < frames.size(); ++i) {
    // The least-loaded device (ties: the lowest index), counting what this call dealt too; a
    // device frame goes to the device whose memory holds it.
    size_t d = size_t(std::min_element(load_.begin(), load_.end()) - load_.begin());
    if (frames[i].onDevice()) {
      d = devices_.size();
      for (size_t k = 0; k < devices_.size(); ++k)
        if (devices_[k]->deviceOrdinal() == frames[i].device) d = k;
    }
    const size_t bytes =
        size_t(frames[i].width) * frames[i].height * bytesPerPixel(frames[i].format);
    const uint64_t seq = nextSeq_++;
    Pending& p = pending_[seq];
    p.tag = tags[i];
    p.done = shared;
    if (d == devices_.size()) {
      unreadable.push_back(seq);
      continue;
    }
    load_[d] += bytes;
    ++dealt_[d];
    p.device = d;
    p.bytes = bytes;
    views[d].push_back(frames[i]);
    seqs[d].push_back(seq);
  }
  for (uint64_t seq : unreadable)
    settle(seq, nullptr,
           std::make_exception_ptr(std::invalid_argument(
               "a frame in the memory of a device this hasher does not use")));
  for (size_t d = 0; d < devices_.size(); ++d) {
    if (views[d].empty()) continue;
    try {
      devices_[d]->enqueue(
          views[d], seqs[d], req,
          [this](uint64_t seq, const FrameHash* h, std::exception_ptr e) { settle(seq, h, e); });
    } catch (...) {
      // A device that failed outright: its frames of this call that got no outcome fail.
      const std::exception_ptr e = std::current_exception();
      for (uint64_t seq : seqs[d]) {
        auto it = pending_.find(seq);
        if (it != pending_.end() && !it->second.ready) settle(seq, nullptr, e);
      }
    }
  }
  flush();
}

void MultiDeviceHasher::drain() {
  for (auto& d : devices_) d->drain();
  flush();
}

void MultiDeviceHasher::settle(uint64_t seq, const FrameHash* h, std::exception_ptr e) {
  auto it = pending_.find(seq);
  if (it == pending_.end() || it->second.ready) return;  // never twice
  Pending& p = it->second;
  p.ready = true;
  if (h) p.hash = *h;
  p.error = h ? nullptr : e;
  load_[p.device] -= p.bytes;
  flush();
}

void MultiDeviceHasher::flush() {
  while (!pending_.empty() && pending_.begin()->first == nextOut_ &&
         pending_.begin()->second.ready) {
    auto node = pending_.extract(pending_.begin());
    ++nextOut_;
    Pending& p = node.mapped();
    (*p.done)(p.tag, p.error ? nullptr : &p.hash, p.error);
  }
}

}  // namespace hashsieve
