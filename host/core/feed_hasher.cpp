// FeedHasher's synchronous form.
#include "host/core/feed_hasher.hpp"

#include <numeric>
#include <stdexcept>
#include <vector>

namespace hashsieve {

void FeedHasher::hash(std::span<const ImageView> frames, const HashRequest& req,
                      std::span<FrameHash> out) {
  if (out.size() != frames.size()) throw std::invalid_argument("FeedHasher::hash: out.size()");
  drain();  // earlier asynchronous outcomes go to their own callbacks first
  std::vector<uint64_t> tags(frames.size());
  std::iota(tags.begin(), tags.end(), uint64_t{0});
  std::exception_ptr first;
  enqueue(frames, tags, req, [&](uint64_t tag, const FrameHash* h, std::exception_ptr e) {
    if (h)
      out[tag] = *h;
    else if (!first)
      first = e;
  });
  drain();
  if (first) std::rethrow_exception(first);
}

}  // namespace hashsieve
