// Several devices as one FeedHasher (`--device cuda:all`, `cuda:0,2`): each frame goes to the
// device with the fewest pixel bytes in flight (a frame already in one device's memory goes to
// that device), and outcomes leave in input order.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/core/feed_hasher.hpp"

namespace hashsieve {

class MultiDeviceHasher final : public FeedHasher {
 public:
  /// One hasher per device (at least one); they share devices[0]'s staging pool when the
  /// backend built them so (the CUDA factory does).
  explicit MultiDeviceHasher(std::vector<std::unique_ptr<FeedHasher>> devices);
  std::string name() const override { return devices_.front()->name(); }
  void enqueue(std::span<const ImageView> frames, std::span<const uint64_t> tags,
               const HashRequest& req, FeedDone done) override;
  void drain() override;
  std::shared_ptr<StagingPool> staging() const override { return devices_.front()->staging(); }
  /// Frames are decoded on the first device; a device frame goes to the feed that reads it.
  int deviceOrdinal() const override { return devices_.front()->deviceOrdinal(); }
  std::shared_ptr<DeviceFramePool> deviceFrames() const override {
    return devices_.front()->deviceFrames();
  }
  /// Enough for a full batch on every device.
  size_t batchBytes() const override;

  size_t deviceCount() const { return devices_.size(); }
  /// Frames dealt to device `d` so far.
  uint64_t framesDealt(size_t d) const { return dealt_[d]; }

 private:
  struct Pending {
    uint64_t tag = 0;
    std::shared_ptr<FeedDone> done;
    size_t device = 0, bytes = 0;
    bool ready = false;
    FrameHash hash;
    std::exception_ptr error;
  };
  void settle(uint64_t seq, const FrameHash* h, std::exception_ptr e);
  void flush();

  std::vector<std::unique_ptr<FeedHasher>> devices_;
  std::vector<size_t> load_;  // pixel bytes in flight per device
  std::vector<uint64_t> dealt_;
  std::map<uint64_t, Pending> pending_;  // by sequence number, in input order
  uint64_t nextSeq_ = 0, nextOut_ = 0;
};

}  // namespace hashsieve
