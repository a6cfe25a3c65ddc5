// The pipeline's hasher for a device: shared by the CLI's runs and the Python binding.
#pragma once

#include <memory>

#include "host/backend/device.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/core/device_frames.hpp"
#include "host/core/feed_hasher.hpp"
#include "host/pipeline/pipeline.hpp"

namespace hashsieve {

/// The CPU hasher runs inline in the decode workers (one per worker, no frame copies); any
/// other backend is one shared instance fed large batches: the probe itself is handed over.
/// Returns the device memory that hasher reads decoded frames from without a host round trip
/// (FeedHasher::deviceFrames), for the GPU decoders; null for the CPU hasher.
inline std::shared_ptr<DeviceFramePool> setPipelineHasher(pipeline::PipelineOptions& opts,
                                                          const DeviceSpec& device) {
  std::unique_ptr<Hasher> probe = makeHasher(device);
  if (probe->name() == "cpu") {
    opts.makeHasher = [] { return makeHasher(Device::Cpu); };
    return nullptr;
  }
  const auto* feed = dynamic_cast<const FeedHasher*>(probe.get());
  std::shared_ptr<DeviceFramePool> frames = feed ? feed->deviceFrames() : nullptr;
  auto shared = std::make_shared<std::unique_ptr<Hasher>>(std::move(probe));
  opts.makeHasher = [shared] { return std::move(*shared); };
  opts.batched = true;
  return frames;
}

inline std::shared_ptr<DeviceFramePool> setPipelineHasher(pipeline::PipelineOptions& opts,
                                                          Device device) {
  return setPipelineHasher(opts, DeviceSpec{device, false, {}});
}

}  // namespace hashsieve
