// Which decoded frames are hashed (vPDQ's rule) and the frame-count guard for animations.
#pragma once

#include <algorithm>
#include <cstdint>

#include "host/media/media.hpp"

namespace hashsieve::media::detail {

/// vPDQ: frameMod = (int)(secondsPerHash * avg_frame_rate), at least 1, with secondsPerHash =
/// 1 / videoFps (videoFps 0 = every frame); decoded frame n is hashed iff n % frameMod == 0.
inline int64_t vpdqFrameMod(double videoFps, double avgFrameRate) {
  const double secondsPerHash = videoFps > 0 ? 1.0 / videoFps : 0.0;
  const auto mod = static_cast<int64_t>(secondsPerHash * avgFrameRate);
  return std::max<int64_t>(1, mod);
}

/// Frames beyond maxVideoSeconds at this rate are refused (endless or bomb animations).
inline constexpr double kMaxFramesPerSecond = 1000.0;

inline int64_t maxAnimationFrames(const Limits& limits) {
  return std::max<int64_t>(1, static_cast<int64_t>(limits.maxVideoSeconds * kMaxFramesPerSecond));
}

}  // namespace hashsieve::media::detail
