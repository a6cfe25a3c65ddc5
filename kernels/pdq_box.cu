// The PDQ Jarosz box filter as four batched line passes: one thread per row or column, each a
// sequential running sum (pdq::BoxPass, the CPU's operation order), warps streaming their 32
// lines through a shared-memory tile ring so that global loads and stores are coalesced.
#include <stdexcept>
#include <type_traits>

#include "kernels/cuda_check.hpp"
#include "kernels/cuda_resources.hpp"
#include "kernels/pdq_box.cuh"
#include "kernels/pdq_box_lanes.hpp"

namespace hashsieve::cuda {
namespace {

using pdqbox::kTileFloats;

constexpr int kMaxWarpsPerBlock = 4;  // 128 threads; the ring (2-4 tiles of 4.2 KB per warp for
                                      // 1080p..24 MP) keeps ~4-6 such blocks resident per H100 SM

size_t ringBytes(int slots) { return size_t(slots) * kTileFloats * sizeof(float); }

// Tiles hold floats; bit-exactness relies on -fmad=false (target option) and the explicit
// round-to-nearest ops inside pdq::BoxPass: each add, subtract and IEEE divide rounds alone.
// No minimum-blocks bound: capping registers for 5 or 6 blocks of 128 threads per SM (96 / 80
// registers) makes ptxas spill 24-132 bytes per thread (kernels/NOTES.md); whether that pays
// is for a device to measure.
template <bool kFromPixels, bool kDecimated>
__global__ void __launch_bounds__(kMaxWarpsPerBlock* kWarpLanes)
    boxPassKernel(const LinePassItem* items, int nItems, int totalWarps, int slots,
                  const uint8_t* pixels, const float* src, float* dst) {
  extern __shared__ float smem[];
  const int warpInBlock = threadIdx.x / kWarpLanes, lane = threadIdx.x % kWarpLanes;
  const int w = blockIdx.x * (blockDim.x / kWarpLanes) + warpInBlock;
  if (w >= totalWarps) return;  // whole warps only: no block-wide barrier below
  const LinePassItem it = items[findItem(items, nItems, w)];
  const int line0 = (w - it.firstWarp) * kWarpLanes;
  const int line = line0 + lane;
  const bool active = line < it.lines;  // idle lanes sum zeros and store nothing

  const pdqbox::Ring ring{smem + warpInBlock * slots * kTileFloats, slots};
  pdq::BoxPass box(it.n, it.window);
  using Outputs = std::conditional_t<kDecimated, pdqbox::DecimatedOutputs, pdqbox::AllOutputs>;
  Outputs out = [&] {
    if constexpr (kDecimated)
      return pdqbox::DecimatedOutputs{dst + it.dstOffset, it.lines, line, it.n, active};
    else
      return pdqbox::AllOutputs{dst + it.dstOffset, it.lines, line, active};
  }();

  const int chunks = pdqbox::chunkCount(it.n, it.window);
  const int loaded = (it.n + pdqbox::kTile - 1) / pdqbox::kTile;  // chunks that bring a tile
  for (int c = 0; c < chunks; ++c) {
    if (c < loaded) {
      __syncwarp();  // all lanes are past the tile this one overwrites (ringSlots' bound)
      if constexpr (kFromPixels)
        pdqbox::loadTileLane(pdqbox::LumaSource{pixels + it.srcOffset, it.n, it.channels,
                                                pdq::LumaMode(it.lumaMode)},
                             ring, lane, c, line0, it.lines, it.n);
      else
        pdqbox::loadTileLane(pdqbox::FloatSource{src + it.srcOffset, it.n}, ring, lane, c, line0,
                             it.lines, it.n);
      __syncwarp();  // the tile is complete before any lane reads it
    }
    pdqbox::runChunkLane(box, ring, lane, c, out);
  }
}

template <bool kFromPixels, bool kDecimated>
void launchBox(const LinePassItem* dItems, int nItems, int totalWarps, int maxWindow,
               const uint8_t* dPixels, const float* dSrc, float* dDst, cudaStream_t stream) {
  const int slots = pdqbox::ringSlots(maxWindow);
  const size_t optin = sharedMemOptinBytes();
  if (ringBytes(slots) > optin)
    throw std::invalid_argument("launchPdqLinePass: box window beyond maxSupportedBoxWindow");
  // Fewer warps per block when long windows make the ring large (huge frames).
  int warpsPerBlock = int(optin / ringBytes(slots));
  if (warpsPerBlock > kMaxWarpsPerBlock) warpsPerBlock = kMaxWarpsPerBlock;
  const size_t smem = size_t(warpsPerBlock) * ringBytes(slots);
  auto kernel = boxPassKernel<kFromPixels, kDecimated>;
  if (smem > 48 * 1024)  // above the default dynamic limit a kernel must opt in
    HS_CUDA_CHECK(
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  // one warp per 32 lines of one frame; warpsPerBlock independent warps per block
  const int blocks = (totalWarps + warpsPerBlock - 1) / warpsPerBlock;
  kernel<<<blocks, warpsPerBlock * kWarpLanes, smem, stream>>>(dItems, nItems, totalWarps, slots,
                                                               dPixels, dSrc, dDst);
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace

void launchPdqLinePass(int pass, const LinePassItem* dItems, int nItems, int totalWarps,
                       int maxWindow, const uint8_t* dPixels, const float* dSrc, float* dDst,
                       cudaStream_t stream) {
  if (nItems == 0 || totalWarps == 0) return;
  switch (pass) {
    case 0:
      launchBox<true, false>(dItems, nItems, totalWarps, maxWindow, dPixels, dSrc, dDst, stream);
      break;
    case 1:
      launchBox<false, false>(dItems, nItems, totalWarps, maxWindow, dPixels, dSrc, dDst, stream);
      break;
    case 2:
    case 3:
      launchBox<false, true>(dItems, nItems, totalWarps, maxWindow, dPixels, dSrc, dDst, stream);
      break;
    default:
      throw std::invalid_argument("launchPdqLinePass: pass must be 0..3");
  }
}

int maxSupportedBoxWindow(size_t sharedMemPerBlockOptin) {
  const size_t fit = sharedMemPerBlockOptin / ringBytes(1);  // one warp per block at worst
  size_t slots = 1;  // the largest power of two that fits (ringSlots rounds up to one)
  while (slots * 2 <= fit) slots *= 2;
  return slots < 2 ? 0 : int((slots - 1) * pdqbox::kTile);
}

}  // namespace hashsieve::cuda
