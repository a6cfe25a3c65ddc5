// PDQ per-frame math, one source of truth for the CPU path and the CUDA kernels.
// Operation order follows Meta's reference library (ALGORITHMS.md 2.2); do not reorder sums.
#pragma once

#include <cstdint>

#include "host/core/hash_types.hpp"
#include "host/core/hd.hpp"

namespace hashsieve::pdq {

inline constexpr int kBufDim = 64;        // decimated buffer is 64x64
inline constexpr int kDctDim = 16;        // DCT rows 1..16 kept (DC skipped)
inline constexpr int kDctCoefs = kDctDim * kDctDim;
inline constexpr int kMinDim = 5;         // smaller sides: all-zero hash, quality 0
inline constexpr int kJaroszPasses = 2;   // reference PDQ_NUM_JAROSZ_XY_PASSES
inline constexpr int kMatchThreshold = 31;
inline constexpr int kMinQuality = 50;
inline constexpr int kMaxQuality = 100;
inline constexpr int kQualityDivisor = 90;

// Luma weights as float constants (0.2989999950, 0.5870000124, 0.1140000001).
inline constexpr float kLumaR = 0.299f;
inline constexpr float kLumaG = 0.587f;
inline constexpr float kLumaB = 0.114f;

/// Y = (R*wr + G*wg) + B*wb, each product rounded, left-to-right adds.
HS_HD inline float lumaFromRgb(uint8_t r, uint8_t g, uint8_t b) {
  using namespace hashsieve::detail;
  return addRn(addRn(mulRn(kLumaR, float(r)), mulRn(kLumaG, float(g))), mulRn(kLumaB, float(b)));
}

/// Tent filter window for a dimension: ceil(dim / 128).
HS_HD inline int boxWindow(int dim) { return (dim + 2 * kBufDim - 1) / (2 * kBufDim); }

/// One 1-D box pass over n samples at `stride`, as a running float sum: add the incoming sample,
/// subtract the outgoing one, divide by the (clipped) count. Sequential by design.
HS_HD inline void boxLine(const float* in, float* out, int n, int stride, int window) {
  using namespace hashsieve::detail;
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = n - window;
  const int phase4 = half - 1;
  long li = 0, ri = 0, oi = 0;
  float sum = 0.0f;
  int count = 0;
  for (int i = 0; i < phase1; ++i, ri += stride) {
    sum = addRn(sum, in[ri]);
    ++count;
  }
  for (int i = 0; i < phase2; ++i, ri += stride, oi += stride) {
    sum = addRn(sum, in[ri]);
    ++count;
    out[oi] = divRn(sum, float(count));
  }
  for (int i = 0; i < phase3; ++i, li += stride, ri += stride, oi += stride) {
    sum = addRn(sum, in[ri]);
    sum = subRn(sum, in[li]);
    out[oi] = divRn(sum, float(count));
  }
  for (int i = 0; i < phase4; ++i, li += stride, oi += stride) {
    sum = subRn(sum, in[li]);
    --count;
    out[oi] = divRn(sum, float(count));
  }
}

/// Centre-sample index of decimated cell i along a dimension of `dim` samples.
HS_HD inline int decimateIndex(int i, int dim) {
  return int(((2 * long(i) + 1) * long(dim)) / (2 * kBufDim));
}

/// Gradient term of the quality metric for one neighbour pair: (int)(((u-v)*100)/255), |.|.
HS_HD inline int qualityTerm(float u, float v) {
  using namespace hashsieve::detail;
  const int d = int(divRn(mulRn(subRn(u, v), 100.0f), 255.0f));
  return d < 0 ? -d : d;
}

HS_HD inline int qualityFromGradientSum(int gradientSum) {
  const int q = gradientSum / kQualityDivisor;
  return q > kMaxQuality ? kMaxQuality : q;
}

/// Coefficient (r, c) of dihedral variant v of the 16x16 DCT `b` (row-major). Sign flips and
/// transposes are exact, so variants come from one DCT (ALGORITHMS.md 2.3).
HS_HD inline float dihedralCoef(const float* b, int variant, int r, int c) {
  const bool transposed = variant == 1 || variant == 3 || variant == 6 || variant == 7;
  const int i = transposed ? c : r;
  const int j = transposed ? r : c;
  bool negate = false;
  switch (variant) {
    case 1: negate = (j & 1) == 0; break;        // rot90
    case 2: negate = ((i + j) & 1) != 0; break;  // rot180
    case 3: negate = (i & 1) == 0; break;        // rot270
    case 4: negate = (i & 1) == 0; break;        // flipx
    case 5: negate = (j & 1) == 0; break;        // flipy
    case 7: negate = ((i + j) & 1) != 0; break;  // flipm
    default: break;                              // orig, flipp
  }
  const float v = b[i * kDctDim + j];
  return negate ? -v : v;
}

/// Bits of a 16x16 coefficient block: bit k set iff coef[k] > median (strict).
HS_HD inline Hash256 thresholdBits(const float* coefs, float median) {
  Hash256 h;
  for (int k = 0; k < kDctCoefs; ++k)
    if (coefs[k] > median) h.setBit(k);
  return h;
}

}  // namespace hashsieve::pdq
