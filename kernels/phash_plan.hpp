// The layout of one ragged pHash batch on the device: per frame, Pillow's pass order, the
// Lanczos taps of both axes (computed on the host by pillow::lanczosTaps, exactly the CPU's) and
// where the intermediate and the 32x32 grey result live. CUDA-free, shared with the CPU replay.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "host/core/hd.hpp"
#include "host/core/phash_math.hpp"
#include "host/core/pillow_resample.hpp"
#include "kernels/pdq_plan.hpp"

namespace hashsieve::cuda {

inline constexpr int kPhashSide = phash::kImgSize;           // 32
inline constexpr int kPhashCells = kPhashSide * kPhashSide;  // 1024 grey samples per frame

/// One axis's taps inside the batch's tap buffer (int32 units): first[32], count[32], then
/// coef[32 * taps] (row i = output sample i).
struct TapRef {
  uint64_t offset = 0;
  int32_t taps = 0;
  int32_t pad_ = 0;
};

/// One frame of the pHash resample (docs/ALGORITHMS.md §5 steps 1-2, Pillow's rules):
///  horizontalFirst: pass 1 turns source rows [yFirst, yLast) into temp rows of tempW samples
///  (32 when the width changes, else the grey row itself); pass 2 filters temp's columns to 32.
///  otherwise (the height shrinks most): pass 1 filters each source column to 32 rows (temp is
///  32 x width); pass 2 filters temp's rows to 32 (or copies when the width is 32).
struct PhashItem {
  uint64_t pixelOffset = 0;  // bytes into the batch pixels (packed rows, width * channels)
  uint64_t tempOffset = 0;   // bytes into the batch temp buffer
  TapRef h, v;               // taps for width -> 32 and height -> 32 (unused axis: taps 0)
  int32_t width = 0, height = 0, channels = 0;
  int32_t horizontalFirst = 1;
  int32_t needH = 0, needV = 0;
  int32_t yFirst = 0, yLast = 0;  // horizontal-first: source rows pass 2 reads
  int32_t tempW = 0;              // samples per temp row
  int32_t firstWork = 0;          // prefix over frames of pass-1 work units (see below)
  int32_t pad_ = 0;
};

/// Pass-1 work units of a frame: one per source row read (horizontal-first) or one per
/// (output row, 128-column chunk) pair (vertical-first). The kernel finds its frame by prefix.
inline constexpr int kPhashColumnChunk = 128;

struct PhashBatchPlan {
  std::vector<PhashItem> items;
  std::vector<int32_t> taps;  // packed TapRef data of all frames
  int pass1Work = 0;
  int maxRowBytes = 0;  // widest grey row staged in shared memory (horizontal-first)
  uint64_t tempBytes = 0;
};

/// Pass-1 work units of a frame as planned.
inline int phashPass1Work(const PhashItem& it) {
  if (it.horizontalFirst) return it.yLast - it.yFirst;
  return kPhashSide * ((it.width + kPhashColumnChunk - 1) / kPhashColumnChunk);
}

/// Frame whose first work unit is <= w.
HS_HD inline int findPhashItem(const PhashItem* items, int n, int w) {
  int lo = 0, hi = n - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (items[mid].firstWork <= w)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

/// Lanczos taps by input size, computed once per size (video frames share a size).
class TapCache {
 public:
  const pillow::ResampleTaps& get(int inSize) {
    auto it = cache_.find(inSize);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxEntries) cache_.clear();  // photo sizes vary; stay bounded
    return cache_.emplace(inSize, pillow::lanczosTaps(inSize, kPhashSide)).first->second;
  }

 private:
  static constexpr size_t kMaxEntries = 512;
  std::map<int, pillow::ResampleTaps> cache_;
};

/// Plans frames whose packed pixels sit at `pixelOffsets` (the PDQ plan's offsets).
inline PhashBatchPlan planPhashBatch(std::span<const FrameGeom> frames,
                                     std::span<const uint64_t> pixelOffsets, TapCache& cache) {
  PhashBatchPlan p;
  auto addTaps = [&](int inSize) {
    const pillow::ResampleTaps& t = cache.get(inSize);
    TapRef ref{p.taps.size(), t.taps, 0};
    p.taps.insert(p.taps.end(), t.first.begin(), t.first.end());
    p.taps.insert(p.taps.end(), t.count.begin(), t.count.end());
    p.taps.insert(p.taps.end(), t.coef.begin(), t.coef.end());
    return ref;
  };
  for (size_t f = 0; f < frames.size(); ++f) {
    const FrameGeom& g = frames[f];
    PhashItem it;
    it.pixelOffset = pixelOffsets[f];
    it.width = g.width;
    it.height = g.height;
    it.channels = g.channels;
    it.needH = g.width != kPhashSide;
    it.needV = g.height != kPhashSide;
    it.horizontalFirst = phash::pillowHorizontalFirst(g.width, g.height, kPhashSide, kPhashSide);
    if (it.needH) it.h = addTaps(g.width);
    if (it.needV) it.v = addTaps(g.height);
    it.tempOffset = p.tempBytes;
    if (it.horizontalFirst) {
      const pillow::ResampleTaps* vt = it.needV ? &cache.get(g.height) : nullptr;
      it.yFirst = vt ? vt->first[0] : 0;
      it.yLast = vt ? vt->first[kPhashSide - 1] + vt->count[kPhashSide - 1] : g.height;
      it.tempW = it.needH ? kPhashSide : g.width;
      p.tempBytes += uint64_t(it.yLast - it.yFirst) * uint64_t(it.tempW);
      if (g.width > p.maxRowBytes) p.maxRowBytes = g.width;
    } else {
      it.tempW = g.width;
      p.tempBytes += uint64_t(kPhashSide) * uint64_t(g.width);
    }
    it.firstWork = p.pass1Work;
    p.pass1Work += phashPass1Work(it);
    p.items.push_back(it);
  }
  return p;
}

}  // namespace hashsieve::cuda
