// The device frame pool and the upload rule of device feeds.
#include "host/core/device_frames.hpp"

#include <stdexcept>
#include <string>

namespace hashsieve {

DeviceFramePool::DeviceFramePool(int device, SlabAllocator alloc, DeviceDownload download,
                                 std::function<void()> settle)
    : device_(device),
      pool_(std::move(alloc)),
      download_(std::move(download)),
      settle_(std::move(settle)) {
  if (!download_) throw std::invalid_argument("DeviceFramePool: download function required");
}

DeviceImage DeviceFramePool::take(int width, int height, PixelFormat format) {
  const size_t bytes = size_t(width) * size_t(height) * size_t(bytesPerPixel(format));
  return DeviceImage(FrameMemory{pool_.take(bytes)}, width, height, format, device_);
}

Image DeviceFramePool::download(const ImageView& v, int y0, int rows) const {
  if (rows < 0) rows = v.height - y0;
  if (y0 < 0 || rows < 0 || y0 + rows > v.height)
    throw std::invalid_argument("DeviceFramePool::download: rows outside the frame");
  Image out(v.width, rows, v.format);
  if (rows > 0) download_(v, y0, rows, out.pixels.data());
  return out;
}

FrameUpload uploadFor(const ImageView& f, int device, const StagingPool& staging) {
  const size_t rowBytes = size_t(f.width) * size_t(bytesPerPixel(f.format));
  if (f.onDevice()) {
    if (f.device != device)
      throw std::invalid_argument("frame in the memory of device " + std::to_string(f.device) +
                                  " sent to device " + std::to_string(device));
    return FrameUpload::DeviceCopy;
  }
  // Padded rows (swscale's targets) are packed by the 2D copy.
  if (f.height > 0 && f.stride >= std::ptrdiff_t(rowBytes) &&
      staging.owns(f.data, size_t(f.stride) * size_t(f.height - 1) + rowBytes))
    return FrameUpload::StagedDma;
  return FrameUpload::PackedDma;
}

}  // namespace hashsieve
