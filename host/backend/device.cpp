// The device parser.
#include "host/backend/device.hpp"

#include <string>

#include "host/core/errors.hpp"

namespace hashsieve {

Device parseDevice(std::string_view text) {
  for (Device d : {Device::Auto, Device::Cpu, Device::Cuda})
    if (text == deviceName(d)) return d;
  throw UsageError("unknown device '" + std::string(text) + "' (expected auto, cpu or cuda)");
}

const char* deviceName(Device d) {
  switch (d) {
    case Device::Auto:
      return "auto";
    case Device::Cpu:
      return "cpu";
    case Device::Cuda:
      return "cuda";
  }
  return "?";
}

}  // namespace hashsieve
