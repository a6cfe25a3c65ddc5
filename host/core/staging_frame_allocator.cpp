// Staging blocks handed to a decoder, one frame at a time.
#include "host/core/staging_frame_allocator.hpp"

#include <cstdint>
#include <utility>

namespace hashsieve {

uint8_t* StagingFrameAllocator::frameMemory(size_t bytes) {
  if (current_.size() != StagingPool::blockSize(bytes)) {
    current_ = StagingPool::Block{};  // back to the pool before a block of another size
    current_ = pool_->take(bytes);
  }
  return current_.data();
}

StagingPool::Block StagingFrameAllocator::takeBlock(const ImageView& frame) {
  if (!current_.data() || !frame.data || frame.width <= 0 || frame.height <= 0 || frame.stride <= 0)
    return {};
  const auto start = reinterpret_cast<uintptr_t>(frame.data);
  const auto block = reinterpret_cast<uintptr_t>(current_.data());
  const size_t span = static_cast<size_t>(frame.stride) * (frame.height - 1) +
                      static_cast<size_t>(frame.width) * bytesPerPixel(frame.format);
  if (start < block || start - block + span > current_.size()) return {};
  return std::exchange(current_, StagingPool::Block{});
}

}  // namespace hashsieve
