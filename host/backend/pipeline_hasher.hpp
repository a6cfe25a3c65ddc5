// The pipeline's hasher for a device: shared by the CLI's runs and the Python binding.
#pragma once

#include <memory>

#include "host/backend/device.hpp"
#include "host/backend/hasher_factory.hpp"
#include "host/pipeline/pipeline.hpp"

namespace hashsieve {

/// The CPU hasher runs inline in the decode workers (one per worker, no frame copies); any
/// other backend is one shared instance fed large batches: the probe itself is handed over.
inline void setPipelineHasher(pipeline::PipelineOptions& opts, const DeviceSpec& device) {
  std::unique_ptr<Hasher> probe = makeHasher(device);
  if (probe->name() == "cpu") {
    opts.makeHasher = [] { return makeHasher(Device::Cpu); };
    return;
  }
  auto shared = std::make_shared<std::unique_ptr<Hasher>>(std::move(probe));
  opts.makeHasher = [shared] { return std::move(*shared); };
  opts.batched = true;
}

inline void setPipelineHasher(pipeline::PipelineOptions& opts, Device device) {
  setPipelineHasher(opts, DeviceSpec{device, false, {}});
}

}  // namespace hashsieve
