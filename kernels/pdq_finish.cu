// The PDQ finish stage: one 256-thread block per frame takes its 64x64 buffer to the quality,
// the 16x16 DCT (float sums in k order), the exact lower median and the 256 bits, for the
// original orientation and, on request, the seven other dihedral variants.
#include <cub/block/block_reduce.cuh>

#include "host/core/pdq_cpu.hpp"
#include "kernels/cuda_check.hpp"
#include "kernels/pdq_finish.cuh"
#include "kernels/pdq_finish_threads.hpp"

namespace hashsieve::cuda {
namespace {

using pdqfinish::kPitch;
using pdqfinish::kThreads;
constexpr int kBufCells = pdq::kBufDim * pdq::kBufDim;
constexpr int kWarps = kThreads / kWarpLanes;

__constant__ float cDct[pdq::kDctDim * pdq::kBufDim];

// Products and sums round one at a time (mulRn/addRn, and -fmad=false on the target): the
// CPU's float DCT has no contracted multiply-adds, so neither may this one.
__global__ void __launch_bounds__(kThreads)
    finishKernel(const FinishItem* items, const uint8_t* pixels, const float* aAll, bool dihedral,
                 PdqFrameResult* results, float* dctOut) {
  __shared__ float sA[kBufCells];
  __shared__ float sD[pdq::kDctDim * kPitch];
  __shared__ float sT[pdq::kDctDim * kPitch];
  __shared__ float sB[pdq::kDctCoefs];
  __shared__ float sV[pdq::kDctCoefs];
  __shared__ uint32_t sBits[kWarps];
  __shared__ int sMedianAt;
  using BlockReduce = cub::BlockReduce<int, kThreads>;
  __shared__ typename BlockReduce::TempStorage reduceStorage;

  const int f = blockIdx.x, t = threadIdx.x, lane = t % kWarpLanes, warp = t / kWarpLanes;
  const FinishItem it = items[f];
  PdqFrameResult& out = results[f];
  const bool tiny = it.mode == int32_t(PdqMode::Tiny);
  if (tiny || !dihedral) {  // unrequested variants (and every tiny-frame word) read as zero
    for (int k = t; k < kDihedralCount * Hash256::kWords; k += kThreads)
      out.dihedral[k / Hash256::kWords].w[k % Hash256::kWords] = 0;
  }
  if (tiny) {  // reference: sides under 5 give the zero hash, quality 0
    if (t < Hash256::kWords) out.hash.w[t] = 0;
    if (t == 0) out.quality = 0;
    if (dctOut) dctOut[size_t(f) * pdq::kDctCoefs + t] = 0.0f;
    return;  // uniform across the block: no barrier is skipped by part of it
  }

  if (it.mode == int32_t(PdqMode::Bypass64)) {  // 64x64 input: its luma is the buffer, unfiltered
    const uint8_t* px = pixels + it.pixelOffset;
    for (int k = t; k < kBufCells; k += kThreads)
      sA[k] = it.channels == 1
                  ? float(px[k])
                  : pdq::luma(pdq::LumaMode(it.lumaMode), px[3 * k], px[3 * k + 1], px[3 * k + 2]);
  } else {
    for (int k = t; k < kBufCells; k += kThreads) sA[k] = aAll[it.aOffset + k];
  }
  for (int k = t; k < pdq::kDctDim * pdq::kBufDim; k += kThreads)
    sD[(k / pdq::kBufDim) * kPitch + k % pdq::kBufDim] = cDct[k];
  __syncthreads();

  const int quality = pdq::qualityFromGradientSum(
      BlockReduce(reduceStorage).Sum(pdqfinish::qualityPartial(sA, t)));  // valid in thread 0
  pdqfinish::dctStage1(sD, sA, sT, t);
  __syncthreads();
  sB[t] = pdqfinish::dctStage2(sT, sD, t);
  __syncthreads();
  if (dctOut) dctOut[size_t(f) * pdq::kDctCoefs + t] = sB[t];

  const int variants = dihedral ? kDihedralCount : 1;
  for (int v = 0; v < variants; ++v) {
    const float x = pdqfinish::variantCoef(sB, v, t);
    sV[t] = x;
    if (t == 0) sMedianAt = pdq::kDctCoefs;
    __syncthreads();
    // Every holder of the lower median qualifies; the lowest index names it (no write race).
    if (pdq::isLowerMedian(sV, x)) atomicMin(&sMedianAt, t);
    __syncthreads();
    const float median = sV[sMedianAt];
    const uint32_t bits = __ballot_sync(0xffffffffu, x > median);  // bit k = coefficient k
    if (lane == 0) sBits[warp] = bits;
    __syncthreads();
    if (t < Hash256::kWords) {
      const uint64_t word = uint64_t(sBits[2 * t]) | (uint64_t(sBits[2 * t + 1]) << 32);
      if (v == 0) out.hash.w[t] = word;
      if (dihedral) out.dihedral[v].w[t] = word;
    }
    __syncthreads();  // sV, sBits and sMedianAt are reused by the next variant
  }
  if (t == 0) out.quality = quality;
}

}  // namespace

bool pdqKernelsLoadable() {
  cudaFuncAttributes attr{};
  if (cudaFuncGetAttributes(&attr, finishKernel) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return true;
}

void uploadPdqDctMatrix() {
  const auto& d = pdq::dctMatrix();
  HS_CUDA_CHECK(cudaMemcpyToSymbol(cDct, d.data(), sizeof(float) * d.size()));
  // Sync point (once per hasher): a pageable copy may return before its DMA lands, and the
  // kernels run on non-blocking streams that do not wait for the legacy stream.
  HS_CUDA_CHECK(cudaDeviceSynchronize());
}

void launchPdqFinish(const FinishItem* dItems, int nFrames, const uint8_t* dPixels, const float* dA,
                     bool dihedral, PdqFrameResult* dOut, float* dDct, cudaStream_t stream) {
  if (nFrames == 0) return;
  // one block per frame, one thread per DCT coefficient
  finishKernel<<<nFrames, kThreads, 0, stream>>>(dItems, dPixels, dA, dihedral, dOut, dDct);
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace hashsieve::cuda
