// A FrameAllocator over a StagingPool: the decoder writes each frame straight into a staging
// block (pinned memory for CUDA) and the hash stage takes that block over instead of copying.
#pragma once

#include <memory>

#include "host/core/frame_allocator.hpp"
#include "host/core/image.hpp"
#include "host/core/staging_pool.hpp"

namespace hashsieve {

class StagingFrameAllocator final : public FrameAllocator {
 public:
  explicit StagingFrameAllocator(std::shared_ptr<StagingPool> pool) : pool_(std::move(pool)) {}
  /// The block handed out last when it is of the size `bytes` needs (its frame was not taken
  /// over), else a new one.
  uint8_t* frameMemory(size_t bytes) override;
  /// The block handed out last when `frame` lies inside it; the next frame then gets a new
  /// one. Empty when the frame is elsewhere (a rotated copy, another decoder's buffer).
  StagingPool::Block takeBlock(const ImageView& frame);

 private:
  std::shared_ptr<StagingPool> pool_;
  StagingPool::Block current_;
};

}  // namespace hashsieve
