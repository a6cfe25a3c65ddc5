// makeNvdecConverter: NVDEC surfaces to the host RGB frames the hashers take. The frame goes
// back over PCIe as RGB (3 bytes a pixel); handing device frames to the hashing kernels
// directly is owed (bench/gpu_checks.sh measures what this path gives).
#include <cstddef>

#include "kernels/cuda_backend.hpp"
#include "kernels/cuda_raii.hpp"
#include "kernels/nv12_rgb.cuh"

namespace hashsieve::cuda {
namespace {

struct ThreadState {
  // FFmpeg copies each NVDEC frame on the legacy default stream: a blocking stream orders the
  // conversion after that copy without a device-wide synchronisation.
  CudaStream stream{cudaStreamDefault};
  DeviceBuffer<uint8_t> dRgb;
};

void convert(const media::DeviceFrame& f, Image& out) {
  thread_local ThreadState state;
  const size_t bytes = static_cast<size_t>(f.width) * f.height * 3;
  if (state.dRgb.size() < bytes) state.dRgb = DeviceBuffer<uint8_t>(bytes);
  launchNv12ToRgb(f.luma, f.chroma, f.width, f.height, f.lumaPitch, f.chromaPitch, f.p010,
                  f.fullRange, state.dRgb.data(), 3 * f.width, state.stream.get());
  if (out.width != f.width || out.height != f.height || out.format != PixelFormat::Rgb8)
    out = Image(f.width, f.height, PixelFormat::Rgb8);
  HS_CUDA_CHECK(cudaMemcpyAsync(out.pixels.data(), state.dRgb.data(), bytes, cudaMemcpyDeviceToHost,
                                state.stream.get()));
  // Sync point: the host frame is hashed as soon as this returns.
  state.stream.synchronize();
}

}  // namespace

media::DeviceFrameConverter makeNvdecConverter() { return convert; }

}  // namespace hashsieve::cuda
