// Per-thread bodies of the PDQ finish stage (one 256-thread block per frame: quality, DCT, lower
// median, bits). nvcc compiles them for the kernel, g++ for the CPU emulation test; the math is
// pdq_math.hpp's, the thread mapping lives here once.
#pragma once

#include "host/core/hd.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve::cuda::pdqfinish {

inline constexpr int kThreads = pdq::kDctCoefs;  // one thread per DCT coefficient (256)
inline constexpr int kPitch = pdq::kBufDim + 1;  // padded rows of T and D: 16 lanes with
                                                 // different rows hit 16 different banks
inline constexpr int kStage1PerThread = pdq::kDctDim * pdq::kBufDim / kThreads;  // 4 T entries

/// Thread t's share of the quality gradient sum (integers: any summation order is exact).
HS_HD inline int qualityPartial(const float* a, int t) {
  int sum = 0;
  for (int idx = t; idx < pdq::kQualityTerms; idx += kThreads) sum += pdq::qualityTermAt(a, idx);
  return sum;
}

/// Thread t's entries of T = D * A: entries t + 256m, so a warp shares one row of D (broadcast)
/// and reads 32 consecutive columns of A. d: 16 rows of pitch kPitch; t written with kPitch.
HS_HD inline void dctStage1(const float* d, const float* a, float* tOut, int t) {
  for (int m = 0; m < kStage1PerThread; ++m) {
    const int idx = t + m * kThreads;
    const int i = idx / pdq::kBufDim, j = idx % pdq::kBufDim;
    tOut[i * kPitch + j] = pdq::dctEntryDA(d, kPitch, a, pdq::kBufDim, i, j);
  }
}

/// Coefficient t = 16i + j of B = T * D^T.
HS_HD inline float dctStage2(const float* tIn, const float* d, int t) {
  return pdq::dctEntryTD(tIn, kPitch, d, kPitch, t / pdq::kDctDim, t % pdq::kDctDim);
}

/// Coefficient t of dihedral variant v of B.
HS_HD inline float variantCoef(const float* b, int variant, int t) {
  return pdq::dihedralCoef(b, variant, t / pdq::kDctDim, t % pdq::kDctDim);
}

}  // namespace hashsieve::cuda::pdqfinish
