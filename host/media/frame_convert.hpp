// Decoded AVFrame -> the Rgb8/Gray8 frames hashers take.
#pragma once

extern "C" {
#include <libavutil/frame.h>
}

#include "host/core/image.hpp"
#include "host/media/av_ptr.hpp"

namespace hashsieve::media::detail {

/// Frame conversion with a reusable output buffer (one per decode).
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
  explicit FrameConverter(Mode mode) : mode_(mode) {}

  /// The converted frame; valid until the next call. Throws InputError("unsupported format")
  /// for pixel formats swscale cannot convert.
  ImageView convert(const AVFrame& frame);

 private:
  ImageView swscale(const AVFrame& frame, PixelFormat out);
  bool exact(const AVFrame& frame);

  Mode mode_;
  Image out_;        // exact conversions
  FramePtr swsOut_;  // swscale conversions
  SwsContextPtr sws_;
};

}  // namespace hashsieve::media::detail
