// Per-lane bodies of the PDQ box-filter line passes: a warp owns 32 lines of one frame, loads
// them 32 samples at a time into a shared-memory tile ring, and each lane runs pdq::BoxPass on
// its line. nvcc compiles these for the kernel; g++ compiles them for the CPU emulation test,
// which replays the same warp decomposition on the host (no GPU needed to prove the math).
#pragma once

#include <cstdint>

#include "host/core/hd.hpp"
#include "host/core/pdq_math.hpp"
#include "kernels/pdq_plan.hpp"

namespace hashsieve::cuda::pdqbox {

inline constexpr int kTile = 32;              // samples per line per tile (one per lane on load)
inline constexpr int kTilePitch = kTile + 1;  // +1 float: lane l reading sample c hits bank l+c
inline constexpr int kTileFloats = kWarpLanes * kTilePitch;

/// Tiles a lane may still read while tile t is current: the outgoing sample of a step in tile t
/// is at most `window` behind, i.e. in tile t - ceil(window / 32) or later.
HS_HD inline int ringTilesNeeded(int window) { return (window + kTile - 1) / kTile + 1; }

/// Ring slots for `window`: ringTilesNeeded rounded up to a power of two, so a tile's slot is
/// t & (slots - 1); `t % slots` with a run-time divisor cost ~45 of the 88 SASS instructions
/// per step of pass 1's hot loop.
HS_HD inline int ringSlots(int window) {
  int slots = 1;
  while (slots < ringTilesNeeded(window)) slots *= 2;
  return slots;
}

/// One warp's tile ring in shared memory: slot t & (slots - 1) holds samples [32t, 32t + 32) of
/// the warp's 32 lines, lane-major (line k at row k). slots is a power of two (ringSlots).
struct Ring {
  float* base;
  int slots;
  HS_HD float* tile(int t) const { return base + (t & (slots - 1)) * kTileFloats; }
  HS_HD float at(int lane, int i) const { return tile(i / kTile)[lane * kTilePitch + i % kTile]; }
};

/// Luma of pixel rows: line = row, sample = column (pdq::luma in the requested rounding, as
/// pdq::lumaPlane; grey takes the sample).
struct LumaSource {
  const uint8_t* frame;  // packed rows, pitch n * channels
  int n;
  int channels;
  pdq::LumaMode mode;
  HS_HD float operator()(int line, int i) const {
    const uint8_t* p = frame + (int64_t(line) * n + i) * channels;
    return channels == 1 ? float(p[0]) : pdq::luma(mode, p[0], p[1], p[2]);
  }
};

/// Float lines stored contiguously: sample i of line l at frame[l * n + i].
struct FloatSource {
  const float* frame;
  int n;
  HS_HD float operator()(int line, int i) const { return frame[int64_t(line) * n + i]; }
};

/// Lane `lane`'s share of loading tile t: sample 32t + lane of each of the warp's 32 lines
/// (consecutive lanes read consecutive samples of one line: coalesced). Lines past the frame
/// and samples past the line are zero-filled and never read.
template <typename Source>
HS_HD inline void loadTileLane(const Source& src, const Ring& ring, int lane, int t, int line0,
                               int lines, int n) {
  float* tile = ring.tile(t);
  const int i = t * kTile + lane;
  for (int k = 0; k < kWarpLanes; ++k) {
    const int line = line0 + k;
    tile[k * kTilePitch + lane] = (line < lines && i < n) ? src(line, i) : 0.0f;
  }
}

/// Every output of the pass, line-adjacent: output i of line l -> dst[i * lines + l].
struct AllOutputs {
  float* dst;
  int lines;
  int line;
  bool active;
  HS_HD bool keep(int) const { return true; }
  HS_HD void store(int i, float v) const {
    if (active) dst[int64_t(i) * lines + line] = v;
  }
};

/// Only the outputs at the 64 decimation indices of the line (pdq::decimateIndex), as output
/// j -> dst[j * lines + l]. When n < 64 one sample feeds several j (nearest upsampling).
struct DecimatedOutputs {
  float* dst;
  int lines;
  int line;
  int n;
  bool active;
  int next = 0;  // next decimated index to fill; outputs arrive in increasing order
  HS_HD bool keep(int i) const { return next < pdq::kBufDim && pdq::decimateIndex(next, n) == i; }
  HS_HD void store(int i, float v) {
    for (; next < pdq::kBufDim && pdq::decimateIndex(next, n) == i; ++next)
      if (active) dst[int64_t(next) * lines + line] = v;
  }
};

/// Lane `lane`'s steps of chunk c (steps [32c, 32c + 32) of its BoxPass), reading the ring.
/// Needs tiles c - ringTilesNeeded(window) + 1 .. min(c, last) resident.
template <typename Outputs>
HS_HD inline void runChunkLane(pdq::BoxPass& box, const Ring& ring, int lane, int c, Outputs& out) {
  const int s0 = c * kTile;
  const int s1 = s0 + kTile < box.steps() ? s0 + kTile : box.steps();
  box.run(
      s0, s1, [&](int i) { return ring.at(lane, i); }, [&](int o) { return out.keep(o); },
      [&](int o, float v) { out.store(o, v); });
}

/// Chunks of a line of n samples and window w; tiles are loaded only for chunks c with 32c < n.
HS_HD inline int chunkCount(int n, int window) {
  return (n + (window + 2) / 2 - 1 + kTile - 1) / kTile;
}

}  // namespace hashsieve::cuda::pdqbox
