// The CUDA side of DeviceFramePool: allocation, download and settling on the pool's device.
#include "kernels/device_frame_pool.hpp"

#include <cuda_runtime.h>

#include "kernels/cuda_check.hpp"

namespace hashsieve::cuda {
namespace {

// Decode workers call the pool from threads whose current device may be another one; each call
// selects the pool's device and puts the thread's choice back.
class OnDevice {
 public:
  explicit OnDevice(int device) {
    HS_CUDA_CHECK(cudaGetDevice(&previous_));
    if (previous_ != device) HS_CUDA_CHECK(cudaSetDevice(device));
  }
  ~OnDevice() { HS_CUDA_CHECK_NOTHROW(cudaSetDevice(previous_)); }
  OnDevice(const OnDevice&) = delete;
  OnDevice& operator=(const OnDevice&) = delete;

 private:
  int previous_ = 0;
};

}  // namespace

std::shared_ptr<DeviceFramePool> makeDeviceFramePool(int device) {
  SlabAllocator alloc{[device](size_t bytes) {
                        const OnDevice on(device);
                        void* p = nullptr;
                        HS_CUDA_CHECK(cudaMalloc(&p, bytes));
                        return p;
                      },
                      [device](void* p) {
                        int previous = 0;
                        if (cudaGetDevice(&previous) != cudaSuccess) return;
                        HS_CUDA_CHECK_NOTHROW(cudaSetDevice(device));
                        HS_CUDA_CHECK_NOTHROW(cudaFree(p));
                        HS_CUDA_CHECK_NOTHROW(cudaSetDevice(previous));
                      }};
  DeviceDownload download = [device](const ImageView& v, int y0, int rows, uint8_t* dst) {
    const OnDevice on(device);
    const size_t rowBytes = size_t(v.width) * size_t(bytesPerPixel(v.format));
    // Synchronous copy: the few host-side checks that read a device frame need it now.
    HS_CUDA_CHECK(cudaMemcpy2D(dst, rowBytes, v.row(y0), size_t(v.stride), rowBytes, size_t(rows),
                               cudaMemcpyDeviceToHost));
  };
  auto settle = [device] {
    const OnDevice on(device);
    // Sync point: a decoded frame is complete before the hasher's own streams read it.
    HS_CUDA_CHECK(cudaStreamSynchronize(cudaStreamLegacy));
  };
  return std::make_shared<DeviceFramePool>(device, std::move(alloc), std::move(download),
                                           std::move(settle));
}

}  // namespace hashsieve::cuda
