// Decoded frames held in memory for the kernel workload and the frame peers: synthetic frames,
// or the first frames of corpus files (decoded pixels of user inputs stay in memory only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/core/image.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

struct FramePool {
  std::vector<Image> frames;  // distinct frames; work cycles through them
  int64_t count = 0;          // frames hashed per run (>= frames.size())
  std::string source;         // "synthetic 1080p:5000" or "corpus: first frames of N files"
  double pixelsPerRun() const;
};

/// Caps on the corpus frames kept (the pool is decoded once, before any timing).
inline constexpr size_t kMaxPoolFrames = 512;
inline constexpr int64_t kMaxPoolBytes = int64_t{1} << 30;

/// From cfg.synthetic when given, else from the corpus files (the first frame of each image or
/// video, in corpus order, up to the caps). Throws UsageError when neither gives a frame.
FramePool makeFramePool(const BenchConfig& cfg);

}  // namespace hashsieve::bench
