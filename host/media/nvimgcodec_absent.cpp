// Builds without nvImageCodec (its wheel was not found): --decoder gpu is refused.
#include "host/core/errors.hpp"
#include "host/media/batch_decoder.hpp"

namespace hashsieve::media {

std::unique_ptr<BatchImageDecoder> makeNvimgcodecDecoder(bool, int,
                                                         std::shared_ptr<DeviceFramePool>) {
  throw DeviceError(
      "this build has no nvImageCodec (install nvidia-nvimgcodec-cu13 with tools/setup and "
      "reconfigure)");
}

std::string nvimgcodecStatus() { return "unavailable: not built (nvImageCodec not found)"; }

}  // namespace hashsieve::media
