// Decoded frames that stay in device memory (nvImageCodec's device output, NVDEC frames converted
// on the device): the pool they are carved from, the owning handle that travels with the frame
// to the device hasher, and how a feed gets each frame's pixels into its batch buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "host/core/image.hpp"
#include "host/core/staging_pool.hpp"

namespace hashsieve {

/// The memory of one device frame. Move-only: whoever holds it last gives it back, once.
struct FrameMemory {
  StagingPool::Block block;
};

/// A packed frame in device memory that owns its pixels.
class DeviceImage {
 public:
  DeviceImage() = default;
  DeviceImage(FrameMemory memory, int width, int height, PixelFormat format, int device)
      : memory_(std::move(memory)),
        width_(width),
        height_(height),
        format_(format),
        device_(device) {}
  /// The frame, with `memory` set so that a consumer may take the pixels over.
  ImageView view() {
    return ImageView{memory_.block.data(), width_,  height_, stride(), format_,
                     MemorySpace::Device,  device_, &memory_};
  }
  uint8_t* data() const { return memory_.block.data(); }
  std::ptrdiff_t stride() const { return std::ptrdiff_t(width_) * bytesPerPixel(format_); }
  /// False once a consumer took the pixels (or for an empty image).
  bool holdsMemory() const { return memory_.block.data() != nullptr; }

 private:
  FrameMemory memory_;
  int width_ = 0, height_ = 0;
  PixelFormat format_ = PixelFormat::Rgb8;
  int device_ = 0;
};

/// Copies rows [y0, y0 + rows) of device frame `v` to packed host rows at `dst`, and waits.
using DeviceDownload = std::function<void(const ImageView& v, int y0, int rows, uint8_t* dst)>;

/// Device memory for decoded frames on one device (made by the CUDA backend; tests use host
/// memory posing as a device). Thread-safe.
class DeviceFramePool {
 public:
  /// `settle`: waits until the producers' device work (decode, conversion) on the stream they
  /// share is done, so a frame handed on is complete; may be empty.
  DeviceFramePool(int device, SlabAllocator alloc, DeviceDownload download,
                  std::function<void()> settle = {});
  int device() const { return device_; }
  /// A packed frame of `width` x `height` (throws what the allocator throws).
  DeviceImage take(int width, int height, PixelFormat format);
  /// Host copy of rows [y0, y0 + rows) of device frame `v` (all rows when `rows` < 0).
  Image download(const ImageView& v, int y0 = 0, int rows = -1) const;
  void settle() const {
    if (settle_) settle_();
  }
  /// Frames taken whose memory is not yet given back.
  size_t framesOut() const { return pool_.blocksOut(); }

 private:
  int device_;
  StagingPool pool_;
  DeviceDownload download_;
  std::function<void()> settle_;
};

/// How a device feed gets a frame's pixels into its batch buffer.
enum class FrameUpload {
  DeviceCopy,  // already in this device's memory: copied on the device, nothing crosses PCIe
  StagedDma,   // packed in the feed's pinned staging pool: DMA from where it lies
  PackedDma,   // elsewhere on the host: packed into the batch's pinned buffer, then DMA
};

/// The upload for frame `f` on a feed for device `device` with staging pool `staging`. Throws
/// std::invalid_argument for a frame in another device's memory (the feed cannot read it).
FrameUpload uploadFor(const ImageView& f, int device, const StagingPool& staging);

}  // namespace hashsieve
