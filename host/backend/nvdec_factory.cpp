#include "host/backend/nvdec_factory.hpp"

#include "host/backend/gpu_status.hpp"
#ifdef HASHSIEVE_HAVE_CUDA
#include "kernels/cuda_backend.hpp"
#endif

namespace hashsieve {

media::DeviceFrameConverter makeNvdecFrameConverter() {
#ifdef HASHSIEVE_HAVE_CUDA
  if (gpuStatus().usable()) return cuda::makeNvdecConverter();
#endif
  return {};
}

}  // namespace hashsieve
