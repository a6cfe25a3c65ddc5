// The device parser.
#include "host/backend/device.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "host/core/errors.hpp"

namespace hashsieve {
namespace {

constexpr int kMaxOrdinal = 255;  // well above any node's GPU count; bounds the parse
constexpr std::string_view kCudaPrefix = "cuda:";

[[noreturn]] void reject(std::string_view text) {
  throw UsageError("unknown device '" + std::string(text) +
                   "' (expected auto, cpu, cuda, cuda:all or cuda:N[,N...])");
}

}  // namespace

DeviceSpec parseDeviceSpec(std::string_view text) {
  DeviceSpec spec;
  for (Device d : {Device::Auto, Device::Cpu, Device::Cuda}) {
    if (text == deviceName(d)) {
      spec.kind = d;
      return spec;
    }
  }
  if (!text.starts_with(kCudaPrefix)) reject(text);
  spec.kind = Device::Cuda;
  std::string_view rest = text.substr(kCudaPrefix.size());
  if (rest == "all") {
    spec.allDevices = true;
    return spec;
  }
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    int ordinal = -1;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), ordinal);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || ordinal < 0 ||
        ordinal > kMaxOrdinal)
      reject(text);
    if (std::find(spec.ordinals.begin(), spec.ordinals.end(), ordinal) != spec.ordinals.end())
      throw UsageError("device '" + std::string(text) + "' names device " +
                       std::to_string(ordinal) + " twice");
    spec.ordinals.push_back(ordinal);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return spec;
}

std::string deviceSpecError(std::string_view text) {
  try {
    parseDeviceSpec(text);
    return {};
  } catch (const UsageError& e) {
    return e.what();
  }
}

Device parseDevice(std::string_view text) { return parseDeviceSpec(text).kind; }

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

std::string deviceSpecName(const DeviceSpec& spec) {
  std::string s = deviceName(spec.kind);
  if (spec.allDevices) return s + ":all";
  for (size_t i = 0; i < spec.ordinals.size(); ++i)
    s += (i == 0 ? ":" : ",") + std::to_string(spec.ordinals[i]);
  return s;
}

}  // namespace hashsieve
