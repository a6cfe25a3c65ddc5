// pHash's Pillow resample on the GPU: pass 1 reduces one axis of every frame (a block per source
// row, or per output row and column chunk), pass 2 the other (a block per frame, a thread per
// output cell). Integer fixed point, so any split of a dot product is exact.
#include <stdexcept>

#include "kernels/cuda_check.hpp"
#include "kernels/cuda_resources.hpp"
#include "kernels/phash_resample.cuh"
#include "kernels/phash_threads.hpp"

namespace hashsieve::cuda {
namespace {

constexpr int kPass1Threads = 128;  // horizontal-first: 4 warps, 8 output samples each
constexpr int kPass1Warps = kPass1Threads / kWarpLanes;
static_assert(kPhashColumnChunk == kPass1Threads, "vertical-first: one thread per column");
constexpr int kPass2Threads = kPhashCells;  // one thread per output cell

__global__ void __launch_bounds__(kPass1Threads)
    pass1Kernel(const PhashItem* items, int nItems, int totalWork, const int32_t* taps,
                const uint8_t* pixels, uint8_t* temp) {
  extern __shared__ uint8_t sRow[];
  const int w = blockIdx.x;
  if (w >= totalWork) return;
  const PhashItem it = items[findPhashItem(items, nItems, w)];
  const int unit = w - it.firstWork;
  const uint8_t* frame = pixels + it.pixelOffset;
  uint8_t* out = temp + it.tempOffset;
  if (it.horizontalFirst) {
    // Source row y -> temp row: stage its grey once, then one warp per output sample with the
    // lanes splitting the taps (consecutive lanes read consecutive samples).
    const int y = it.yFirst + unit;
    for (int x = threadIdx.x; x < it.width; x += kPass1Threads)
      sRow[x] = phashk::greyAt(frame, it, y, x);
    __syncthreads();
    uint8_t* dst = out + int64_t(unit) * it.tempW;
    if (!it.needH) {
      for (int x = threadIdx.x; x < it.width; x += kPass1Threads) dst[x] = sRow[x];
      return;
    }
    const phashk::Taps h = phashk::Taps::at(taps, it.h);
    const int lane = threadIdx.x % kWarpLanes, warp = threadIdx.x / kWarpLanes;
    auto sample = [&](int c) { return sRow[c]; };
    for (int x = warp; x < kPhashSide; x += kPass1Warps) {
      const int32_t dot =
          __reduce_add_sync(0xffffffffu, phashk::tapPartial(h, x, sample, lane, kWarpLanes));
      if (lane == 0) dst[x] = phashk::finishTap(dot);
    }
    return;
  }
  // Vertical-first: output row y, columns [chunk * 128, +128): one thread per column, taps down
  // the column (a warp reads 32 consecutive samples of a row per tap).
  const int chunks = (it.width + kPhashColumnChunk - 1) / kPhashColumnChunk;
  const int y = unit / chunks, x = (unit % chunks) * kPhashColumnChunk + threadIdx.x;
  if (x >= it.width) return;
  const phashk::Taps v = phashk::Taps::at(taps, it.v);
  auto sample = [&](int r) { return phashk::greyAt(frame, it, r, x); };
  out[int64_t(y) * it.width + x] = phashk::finishTap(phashk::tapPartial(v, y, sample, 0, 1));
}

__global__ void __launch_bounds__(kPass2Threads)
    pass2Kernel(const PhashItem* items, const int32_t* taps, const uint8_t* temp, uint8_t* grey) {
  const PhashItem it = items[blockIdx.x];
  const int y = threadIdx.x / kPhashSide, x = threadIdx.x % kPhashSide;
  grey[int64_t(blockIdx.x) * kPhashCells + threadIdx.x] =
      phashk::pass2Cell(it, temp + it.tempOffset, taps, y, x);
}

}  // namespace

void launchPhashPass1(const PhashItem* dItems, int nItems, int totalWork, int maxRowBytes,
                      const int32_t* dTaps, const uint8_t* dPixels, uint8_t* dTemp,
                      cudaStream_t stream) {
  if (nItems == 0 || totalWork == 0) return;
  const size_t smem = size_t(maxRowBytes);
  if (smem > sharedMemOptinBytes())
    throw std::invalid_argument("launchPhashPass1: row wider than maxPhashRowBytes");
  if (smem > 48 * 1024)  // above the default dynamic limit a kernel must opt in
    HS_CUDA_CHECK(
        cudaFuncSetAttribute(pass1Kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
  // one block per work unit: a source row, or an (output row, 128-column chunk)
  pass1Kernel<<<totalWork, kPass1Threads, smem, stream>>>(dItems, nItems, totalWork, dTaps, dPixels,
                                                          dTemp);
  HS_CUDA_CHECK_LAUNCH();
}

void launchPhashPass2(const PhashItem* dItems, int nItems, const int32_t* dTaps,
                      const uint8_t* dTemp, uint8_t* dGrey, cudaStream_t stream) {
  if (nItems == 0) return;
  // one block per frame, one thread per 32x32 output cell
  pass2Kernel<<<nItems, kPass2Threads, 0, stream>>>(dItems, dTaps, dTemp, dGrey);
  HS_CUDA_CHECK_LAUNCH();
}

int maxPhashRowBytes(size_t sharedMemPerBlockOptin) { return int(sharedMemPerBlockOptin); }

}  // namespace hashsieve::cuda
