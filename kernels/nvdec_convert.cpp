// makeNvdecConverter: NVDEC surfaces to RGB24 frames, converted on the device. For a device
// hasher the RGB frame is written straight into its device memory (no host round trip);
// otherwise it goes back over PCIe as RGB (3 bytes a pixel) into a host frame.
#include <cstddef>

#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/nv12_rgb.cuh"

namespace hashsieve::cuda {
namespace {

// One NVDEC device per process (the device frame pool's, or device 0), so the calling thread's
// stream and buffer belong to it.
struct ThreadState {
  // FFmpeg copies each NVDEC frame on the legacy default stream: a blocking stream orders the
  // conversion after that copy without a device-wide synchronisation.
  CudaStream stream{cudaStreamDefault};
  DeviceBuffer<uint8_t> dRgb;
};

void convert(const media::DeviceFrame& f, uint8_t* dst, std::ptrdiff_t pitch, MemorySpace space) {
  HS_CUDA_CHECK(cudaSetDevice(f.device));
  thread_local ThreadState state;
  const size_t rowBytes = static_cast<size_t>(f.width) * 3;
  if (space == MemorySpace::Device) {
    launchNv12ToRgb(f.luma, f.chroma, f.width, f.height, f.lumaPitch, f.chromaPitch, f.p010,
                    f.fullRange, dst, static_cast<int>(pitch), state.stream.get());
  } else {
    const size_t bytes = rowBytes * f.height;
    if (state.dRgb.size() < bytes) state.dRgb = DeviceBuffer<uint8_t>(bytes);
    launchNv12ToRgb(f.luma, f.chroma, f.width, f.height, f.lumaPitch, f.chromaPitch, f.p010,
                    f.fullRange, state.dRgb.data(), static_cast<int>(rowBytes), state.stream.get());
    HS_CUDA_CHECK(cudaMemcpy2DAsync(dst, static_cast<size_t>(pitch), state.dRgb.data(), rowBytes,
                                    rowBytes, f.height, cudaMemcpyDeviceToHost,
                                    state.stream.get()));
  }
  // Sync point: the surface goes back to FFmpeg's pool once the frame is unreferenced, and the
  // RGB frame is handed on (to the hasher's streams, or hashed on the host) when this returns.
  state.stream.synchronize();
}

}  // namespace

media::DeviceFrameConverter makeNvdecConverter() { return convert; }

}  // namespace hashsieve::cuda
