// A Hasher fed asynchronously (the CUDA backend): frames are enqueued with tags and their
// outcomes arrive later, in enqueue order, so batches stay in flight across calls; decode
// workers copy frames straight into the hasher's staging memory.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "host/core/feed_scheduler.hpp"
#include "host/core/hasher.hpp"
#include "host/core/staging_pool.hpp"

namespace hashsieve {

class DeviceFramePool;  // host/core/device_frames.hpp

class FeedHasher : public Hasher {
 public:
  /// Queues frames (tags[i] names frames[i]; the frames stay valid until their outcome) and
  /// returns with batches possibly still in flight; done() is called once per frame, in order,
  /// on the calling thread, during this call or a later enqueue()/drain().
  virtual void enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
                       const HashRequest& req, FeedDone done) = 0;
  /// Delivers every outcome still in flight.
  virtual void drain() = 0;
  /// Memory that frames should be staged in (read by DMA); null for ordinary host memory.
  virtual std::shared_ptr<StagingPool> staging() const { return nullptr; }
  /// The CUDA ordinal whose device frames (ImageView::onDevice) this feed reads; -1: none.
  virtual int deviceOrdinal() const { return -1; }
  /// Memory for frames decoded on this feed's device, which it hashes with no host round trip
  /// (nvImageCodec and NVDEC write there); null when the feed takes host frames only.
  virtual std::shared_ptr<DeviceFramePool> deviceFrames() const { return nullptr; }
  /// Pixel bytes that make a full batch on this device.
  virtual size_t batchBytes() const = 0;

  /// Synchronous form: enqueue + drain; throws the first frame's error after every frame is done.
  void hash(std::span<const ImageView> frames, const HashRequest& req,
            std::span<FrameHash> out) override;
};

}  // namespace hashsieve
