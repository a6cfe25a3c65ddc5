// PDQ per-frame math, one source of truth for the CPU path and the CUDA kernels.
// Operation order follows Meta's reference library (docs/ALGORITHMS.md §2.2); do not reorder sums.
#pragma once

#include <cstdint>

#include "host/core/hash_types.hpp"
#include "host/core/hd.hpp"
#include "host/core/policy.hpp"

namespace hashsieve::pdq {

inline constexpr int kBufDim = 64;  // decimated buffer is 64x64
inline constexpr int kDctDim = 16;  // DCT rows 1..16 kept (DC skipped)
inline constexpr int kDctCoefs = kDctDim * kDctDim;
inline constexpr int kMinDim = 5;        // smaller sides: all-zero hash, quality 0
inline constexpr int kJaroszPasses = 2;  // reference PDQ_NUM_JAROSZ_XY_PASSES
inline constexpr int kMatchThreshold = policy::kPdqMatchThreshold;
inline constexpr int kMinQuality = policy::kPdqMinQuality;
inline constexpr int kMaxQuality = policy::kPdqMaxQuality;
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

/// Luma rounding. Reference: Meta's C++ library (float products and sums, above); the source of
/// truth. Float64: the pdqhash Python binding (python-threatexchange, HMA), numpy float64 then one
/// cast to float; 1 ulp apart on ~31% of RGB triples, which flips bits only on near-flat images.
enum class LumaMode : uint8_t { Reference, Float64 };

HS_HD inline float lumaFromRgbF64(uint8_t r, uint8_t g, uint8_t b) {
  using namespace hashsieve::detail;
  return float(
      addRnD(addRnD(mulRnD(double(r), 0.299), mulRnD(double(g), 0.587)), mulRnD(double(b), 0.114)));
}

HS_HD inline float luma(LumaMode mode, uint8_t r, uint8_t g, uint8_t b) {
  return mode == LumaMode::Float64 ? lumaFromRgbF64(r, g, b) : lumaFromRgb(r, g, b);
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

/// boxLine as a resumable pass, for code that must interleave other work with the sweep (the CUDA
/// line kernels load 32-sample tiles between chunks of steps). The pass has n + lead steps, lead =
/// (window+2)/2 - 1: step s adds sample s (s < n), then subtracts sample s - window (s >= window),
/// then emits output s - lead (s >= lead) = sum / count. These are boxLine's float operations in
/// boxLine's order, phase for phase; running [0, steps()) in any chunking equals one boxLine call.
/// Requires 1 <= window <= n (true for boxWindow(n)). load(i) returns sample i; keep(o) says
/// whether output o is wanted (its division is skipped otherwise); store(o, v) receives it.
class BoxPass {
 public:
  HS_HD BoxPass(int n, int window) : n_(n), window_(window), lead_((window + 2) / 2 - 1) {}
  HS_HD int steps() const { return n_ + lead_; }

  template <typename Load, typename Keep, typename Store>
  HS_HD void run(int s0, int s1, Load&& load, Keep&& keep, Store&& store) {
    using namespace hashsieve::detail;
    const int a = s1 < lead_ ? s1 : lead_;  // phase 1: fill, no output
    for (int s = s0; s < a; ++s) {
      sum_ = addRn(sum_, load(s));
      ++count_;
    }
    const int b0 = s0 > lead_ ? s0 : lead_, b1 = s1 < window_ ? s1 : window_;  // phase 2: grow
    for (int s = b0; s < b1; ++s) {
      sum_ = addRn(sum_, load(s));
      ++count_;
      if (keep(s - lead_)) store(s - lead_, divRn(sum_, float(count_)));
    }
    const int c0 = s0 > window_ ? s0 : window_, c1 = s1 < n_ ? s1 : n_;  // phase 3: slide
    for (int s = c0; s < c1; ++s) {
      sum_ = addRn(sum_, load(s));
      sum_ = subRn(sum_, load(s - window_));
      if (keep(s - lead_)) store(s - lead_, divRn(sum_, float(count_)));
    }
    const int d0 = s0 > n_ ? s0 : n_, d1 = s1 < n_ + lead_ ? s1 : n_ + lead_;  // phase 4: shrink
    for (int s = d0; s < d1; ++s) {
      sum_ = subRn(sum_, load(s - window_));
      --count_;
      if (keep(s - lead_)) store(s - lead_, divRn(sum_, float(count_)));
    }
  }

 private:
  int n_, window_, lead_;
  float sum_ = 0.0f;
  int count_ = 0;
};

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

/// One entry of T = D * A (16x64): sum_k D[i][k] * A[k][j], products rounded, k in order.
/// d: 16 rows of 64 with row pitch dPitch; a: 64 x 64 with row pitch aPitch.
HS_HD inline float dctEntryDA(const float* d, int dPitch, const float* a, int aPitch, int i,
                              int j) {
  using namespace hashsieve::detail;
  float sum = 0.0f;
  for (int k = 0; k < kBufDim; ++k) sum = addRn(sum, mulRn(d[i * dPitch + k], a[k * aPitch + j]));
  return sum;
}

/// One entry of B = T * D^T (16x16): sum_k T[i][k] * D[j][k], products rounded, k in order.
/// t and d: 16 rows of 64 with row pitches tPitch and dPitch.
HS_HD inline float dctEntryTD(const float* t, int tPitch, const float* d, int dPitch, int i,
                              int j) {
  using namespace hashsieve::detail;
  float sum = 0.0f;
  for (int k = 0; k < kBufDim; ++k) sum = addRn(sum, mulRn(t[i * tPitch + k], d[j * dPitch + k]));
  return sum;
}

/// Term `idx` (0 <= idx < kQualityTerms) of the quality gradient sum: first the 63x64 vertical
/// pairs row by row, then the 64x63 horizontal pairs. a: 64x64, row pitch kBufDim.
inline constexpr int kQualityTerms = 2 * (kBufDim - 1) * kBufDim;
HS_HD inline int qualityTermAt(const float* a, int idx) {
  constexpr int kVertical = (kBufDim - 1) * kBufDim;
  if (idx < kVertical) {
    const int i = idx / kBufDim, j = idx % kBufDim;
    return qualityTerm(a[i * kBufDim + j], a[(i + 1) * kBufDim + j]);
  }
  idx -= kVertical;
  const int i = idx / (kBufDim - 1), j = idx % (kBufDim - 1);
  return qualityTerm(a[i * kBufDim + j], a[i * kBufDim + j + 1]);
}

/// Whether x is the lower median (sorted[127], the value nth_element and Torben return) of the
/// 256 coefficients: at most 127 values are smaller and at least 128 are smaller or equal.
/// Every element equal to the lower median answers true, so ties need no special case.
HS_HD inline bool isLowerMedian(const float* coefs, float x) {
  int less = 0, lessEq = 0;
  for (int k = 0; k < kDctCoefs; ++k) {
    less += coefs[k] < x;
    lessEq += coefs[k] <= x;
  }
  constexpr int kRank = (kDctCoefs - 1) / 2;  // 127: the lower of the two middle ranks
  return less <= kRank && lessEq > kRank;
}

/// Coefficient (r, c) of dihedral variant v of the 16x16 DCT `b` (row-major). Sign flips and
/// transposes are exact, so variants come from one DCT (docs/ALGORITHMS.md §2.3).
HS_HD inline float dihedralCoef(const float* b, int variant, int r, int c) {
  const bool transposed = variant == 1 || variant == 3 || variant == 6 || variant == 7;
  const int i = transposed ? c : r;
  const int j = transposed ? r : c;
  bool negate = false;
  switch (variant) {
    case 1:
      negate = (j & 1) == 0;
      break;  // rot90
    case 2:
      negate = ((i + j) & 1) != 0;
      break;  // rot180
    case 3:
      negate = (i & 1) == 0;
      break;  // rot270
    case 4:
      negate = (i & 1) == 0;
      break;  // flipx
    case 5:
      negate = (j & 1) == 0;
      break;  // flipy
    case 7:
      negate = ((i + j) & 1) != 0;
      break;  // flipm
    default:
      break;  // orig, flipp
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
