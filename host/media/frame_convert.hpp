// Decoded AVFrame -> the Rgb8/Gray8 frames hashers take.
#pragma once

extern "C" {
#include <libavutil/frame.h>
}

#include "host/core/frame_allocator.hpp"
#include "host/core/image.hpp"
#include "host/media/av_ptr.hpp"

namespace hashsieve::media::detail {

/// Where one conversion writes: `height` rows of `stride` bytes from `data`.
struct FrameTarget {
  uint8_t* data = nullptr;
  std::ptrdiff_t stride = 0;
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::Rgb8;
  uint8_t* row(int y) const { return data + static_cast<std::ptrdiff_t>(y) * stride; }
  ImageView view() const { return ImageView{data, width, height, stride, format}; }
};

/// Frame conversion into a reusable output buffer (one per decode), or into memory from a
/// FrameAllocator (a fresh buffer per frame).
class FrameConverter {
 public:
  enum class Mode {
    /// Still images: exact conversions that match Pillow (alpha dropped, palette expanded,
    /// 16-bit samples reduced to their high byte, grey kept grey); swscale only for
    /// formats without an exact rule (YUV stills).
    Still,
    /// Videos: swscale to RGB24 with SWS_AREA at native size and swscale's default colour
    /// handling (BT.601 matrix; full range only for yuvj formats), exactly as vPDQ does.
    Video,
  };
  /// `alloc` (optional, not owned): where each converted frame is written.
  explicit FrameConverter(Mode mode, FrameAllocator* alloc = nullptr)
      : mode_(mode), alloc_(alloc) {}

  /// The converted frame; valid until the next call. Throws InputError("unsupported format")
  /// for pixel formats swscale cannot convert.
  ImageView convert(const AVFrame& frame);

 private:
  ImageView swscale(const AVFrame& frame, PixelFormat out);
  bool exact(const AVFrame& frame, ImageView& view);
  FrameTarget packed(const AVFrame& frame, PixelFormat out);

  Mode mode_;
  FrameAllocator* alloc_;
  Image out_;        // exact conversions
  FramePtr swsOut_;  // swscale conversions
  SwsContextPtr sws_;
};

}  // namespace hashsieve::media::detail
