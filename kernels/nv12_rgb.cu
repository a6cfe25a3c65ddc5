// NVDEC frames (NV12 / P010 surfaces) to packed RGB24, with the CPU video path's colour rules
// (nv12_rgb_lanes.hpp). Integer arithmetic only, so the FMA rule of the hashing kernels does not
// arise here.
#include <stdexcept>

#include "kernels/cuda_check.hpp"
#include "kernels/nv12_rgb.cuh"
#include "kernels/nv12_rgb_lanes.hpp"

namespace hashsieve::cuda {
namespace {

constexpr int kBlockX = 32, kBlockY = 8;  // one thread per pixel; a warp spans 32 columns

template <typename T>
__global__ void __launch_bounds__(kBlockX* kBlockY)
    nv12ToRgbKernel(nv12::SemiPlanar<T> f, nv12::Coeffs c, uint8_t* rgb, int rgbPitch) {
  const int x = blockIdx.x * kBlockX + threadIdx.x;
  const int y = blockIdx.y * kBlockY + threadIdx.y;
  if (x >= f.width || y >= f.height) return;
  nv12::pixel(f, c, x, y, rgb + static_cast<int64_t>(y) * rgbPitch + 3 * x);
}

}  // namespace

void launchNv12ToRgb(const uint8_t* dLuma, const uint8_t* dChroma, int width, int height,
                     int lumaPitch, int chromaPitch, bool p010, bool fullRange, uint8_t* dRgb,
                     int rgbPitch, cudaStream_t stream) {
  if (width <= 0 || height <= 0) return;
  if (rgbPitch < 3 * width) throw std::invalid_argument("launchNv12ToRgb: rgbPitch < 3 * width");
  const dim3 block(kBlockX, kBlockY);
  const dim3 grid((width + kBlockX - 1) / kBlockX, (height + kBlockY - 1) / kBlockY);
  const nv12::Coeffs c = nv12::coeffsFor(fullRange);
  if (p010) {
    const nv12::SemiPlanar<uint16_t> f{dLuma,     dChroma,     width,    height,
                                       lumaPitch, chromaPitch, fullRange};
    nv12ToRgbKernel<<<grid, block, 0, stream>>>(f, c, dRgb, rgbPitch);
  } else {
    const nv12::SemiPlanar<uint8_t> f{dLuma,     dChroma,     width,    height,
                                      lumaPitch, chromaPitch, fullRange};
    nv12ToRgbKernel<<<grid, block, 0, stream>>>(f, c, dRgb, rgbPitch);
  }
  HS_CUDA_CHECK_LAUNCH();
}

}  // namespace hashsieve::cuda
