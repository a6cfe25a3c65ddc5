// The layout of one ragged PDQ batch on the device: where each frame's pixels and intermediate
// planes live and which warps of each line pass serve it. CUDA-free: the CUDA backend and the CPU
// emulation test (which replays the kernels' decomposition on the host) build the same plan.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "host/core/hd.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve::cuda {

inline constexpr int kWarpLanes = 32;  // lines per warp: one lane per row or column
inline constexpr int kLinePasses = 4;  // rows, columns, rows (decimated), columns (decimated)

/// What the finish stage does with a frame (docs/ALGORITHMS.md §2.2 stages 1 and 3).
enum class PdqMode : int32_t { Tiny = 0, Bypass64 = 1, Filtered = 2 };

/// One frame's lines in one line pass. Line l, sample i of the source is read from a line-
/// contiguous layout (element l * n + i of the frame's source); outputs go to a line-adjacent
/// layout (element i * lines + l, or j * lines + l for kept decimated outputs j).
struct LinePassItem {
  uint64_t srcOffset = 0;  // into the pass source: bytes for pixel sources, floats otherwise
  uint64_t dstOffset = 0;  // floats into the pass destination
  int32_t lines = 0;       // lines (threads) of this frame
  int32_t n = 0;           // samples per line
  int32_t window = 1;      // box length, boxWindow(n)
  int32_t channels = 0;    // pixel sources only: 3 (RGB) or 1 (grey)
  int32_t firstWarp = 0;   // this frame's first warp in the launch (prefix over items)
  int32_t lumaMode = 0;    // pixel sources only: pdq::LumaMode
};

/// One frame of the finish stage (quality, DCT, median, bits), one thread block per frame.
struct FinishItem {
  uint64_t pixelOffset = 0;  // bytes into the batch pixels (Bypass64 reads the frame itself)
  uint64_t aOffset = 0;      // floats into the 64x64 decimated buffers
  int32_t mode = 0;          // PdqMode
  int32_t channels = 0;
  int32_t lumaMode = 0;  // pdq::LumaMode (Bypass64 computes luma itself)
  int32_t pad_ = 0;
};

/// PDQ outputs of one frame, written by the finish kernel (dihedral[v] is zero unless asked for).
struct PdqFrameResult {
  Hash256 hash;
  Hash256 dihedral[kDihedralCount];
  int32_t quality = 0;
  int32_t pad_[7] = {};
};

/// A frame as the planner sees it.
struct FrameGeom {
  int width = 0;
  int height = 0;
  int channels = 3;
};

/// Sizes and tables of one batch. Frames keep their order; the pixels of frame f are packed
/// (row pitch width * channels) at finish[f].pixelOffset.
struct PdqBatchPlan {  // NOLINT(bugprone-reserved-identifier): the implicit copy's __i0
  std::vector<LinePassItem> pass[kLinePasses];  // items only for Filtered frames
  int passWarps[kLinePasses] = {0, 0, 0, 0};
  std::vector<FinishItem> finish;             // one per frame
  int maxWindow[kLinePasses] = {1, 1, 1, 1};  // largest box window per pass (sizes the ring)
  uint64_t pixelBytes = 0;                    // packed pixels of all frames
  uint64_t planeFloats = 0;                   // each of the two full-size float planes
  uint64_t compactFloats = 0;                 // 64 x rows per Filtered frame (row pass 2 output)
  uint64_t aFloats = 0;                       // 64 x 64 per frame
};

/// Frame whose first warp is <= w, by binary search over the items' prefix (w < total warps).
HS_HD inline int findItem(const LinePassItem* items, int nItems, int w) {
  int lo = 0, hi = nItems - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (items[mid].firstWarp <= w)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

inline PdqMode pdqMode(int width, int height) {
  if (width < pdq::kMinDim || height < pdq::kMinDim) return PdqMode::Tiny;
  if (width == pdq::kBufDim && height == pdq::kBufDim) return PdqMode::Bypass64;
  return PdqMode::Filtered;
}

/// Device floats a frame needs beyond its pixels (both planes, the compact buffer, A).
inline uint64_t pdqWorkspaceFloats(int width, int height) {
  const uint64_t px = uint64_t(width) * uint64_t(height);
  return 2 * px + uint64_t(pdq::kBufDim) * uint64_t(height) + pdq::kBufDim * pdq::kBufDim;
}

/// The passes of a Filtered W x H frame (same order as the CPU's jaroszFilter + decimate):
///  0: rows of luma (computed from the pixels)  -> P1, column-major (element c * H + r)
///  1: columns of P1                            -> P2, row-major    (element r * W + c)
///  2: rows of P2, kept at the 64 decimated columns -> C, 64 x H    (element j * H + r)
///  3: the 64 columns of C, kept at the 64 decimated rows -> A, 64x64 (element i * 64 + j)
/// Every pass reads a line-contiguous layout and writes a line-adjacent one, which is what lets
/// the kernel read through a shared-memory tile and store coalesced.
inline PdqBatchPlan planPdqBatch(std::span<const FrameGeom> frames,
                                 pdq::LumaMode luma = pdq::LumaMode::Reference) {
  PdqBatchPlan p;
  p.finish.reserve(frames.size());
  for (const FrameGeom& g : frames) {
    const uint64_t px = uint64_t(g.width) * uint64_t(g.height);
    FinishItem fi;
    fi.pixelOffset = p.pixelBytes;
    fi.aOffset = p.aFloats;
    fi.mode = static_cast<int32_t>(pdqMode(g.width, g.height));
    fi.channels = g.channels;
    fi.lumaMode = int32_t(luma);
    if (fi.mode == static_cast<int32_t>(PdqMode::Filtered)) {
      const int wRows = pdq::boxWindow(g.width), wCols = pdq::boxWindow(g.height);
      const uint64_t plane = p.planeFloats, compact = p.compactFloats;
      auto add = [&](int pass, uint64_t src, uint64_t dst, int lines, int n, int window) {
        LinePassItem it;
        it.srcOffset = src;
        it.dstOffset = dst;
        it.lines = lines;
        it.n = n;
        it.window = window;
        it.channels = pass == 0 ? g.channels : 0;
        it.lumaMode = pass == 0 ? int32_t(luma) : 0;
        it.firstWarp = p.passWarps[pass];
        p.pass[pass].push_back(it);
        p.passWarps[pass] += (lines + kWarpLanes - 1) / kWarpLanes;
        if (window > p.maxWindow[pass]) p.maxWindow[pass] = window;
      };
      add(0, p.pixelBytes, plane, g.height, g.width, wRows);
      add(1, plane, plane, g.width, g.height, wCols);
      add(2, plane, compact, g.height, g.width, wRows);
      add(3, compact, p.aFloats, pdq::kBufDim, g.height, wCols);
      p.planeFloats += px;
      p.compactFloats += uint64_t(pdq::kBufDim) * uint64_t(g.height);
    }
    p.finish.push_back(fi);
    p.pixelBytes += px * uint64_t(g.channels);
    p.aFloats += pdq::kBufDim * pdq::kBufDim;
  }
  return p;
}

}  // namespace hashsieve::cuda
