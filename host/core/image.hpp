// Non-owning views of decoded frames (what hashers consume) and an owning frame buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hashsieve {

/// Rgb8: 3 bytes per pixel, R G B. Gray8: 1 byte per pixel (PDQ's grey path: luma = sample).
enum class PixelFormat : uint8_t { Rgb8, Gray8 };

inline int bytesPerPixel(PixelFormat f) { return f == PixelFormat::Rgb8 ? 3 : 1; }

/// Where a frame's pixels live: host memory, or the memory of a CUDA device (frames decoded
/// there by nvImageCodec or NVDEC, which only a device hasher reads).
enum class MemorySpace : uint8_t { Host, Device };

struct FrameMemory;  // host/core/device_frames.hpp

/// Row-major; `stride` is bytes between row starts (>= width * bytesPerPixel). Host memory
/// unless `space` says Device.
struct ImageView {
  const uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  std::ptrdiff_t stride = 0;
  PixelFormat format = PixelFormat::Rgb8;
  MemorySpace space = MemorySpace::Host;
  int device = 0;  // Device: the CUDA ordinal whose memory holds the pixels
  /// Device: the memory holding the pixels, which a consumer that keeps the frame past the call
  /// takes by moving from it (no copy); null when the producer keeps the frame.
  FrameMemory* memory = nullptr;

  bool onDevice() const { return space == MemorySpace::Device; }

  const uint8_t* row(int y) const { return data + static_cast<std::ptrdiff_t>(y) * stride; }
};

/// A tightly packed decoded frame.
struct Image {
  std::vector<uint8_t> pixels;
  int width = 0;
  int height = 0;
  PixelFormat format = PixelFormat::Rgb8;

  Image() = default;
  Image(int w, int h, PixelFormat f)
      : pixels(static_cast<size_t>(w) * h * bytesPerPixel(f)), width(w), height(h), format(f) {}
  std::ptrdiff_t stride() const {
    return static_cast<std::ptrdiff_t>(width) * bytesPerPixel(format);
  }
  uint8_t* row(int y) { return pixels.data() + y * stride(); }
  ImageView view() const { return ImageView{pixels.data(), width, height, stride(), format}; }
};

}  // namespace hashsieve
