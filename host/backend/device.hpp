// Device choice (`--device auto|cpu|cuda|cuda:all|cuda:0,2`): the one enum and the one parser
// that hashing, matching, scanning and the benchmark share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hashsieve {

enum class Device { Auto, Cpu, Cuda };

/// A device choice with the CUDA devices it names. Hashing runs one hasher per named device;
/// matching runs on the first one.
struct DeviceSpec {
  Device kind = Device::Auto;
  bool allDevices = false;    // "cuda:all": every device the runtime finds
  std::vector<int> ordinals;  // "cuda:0,2": these, in this order; empty: device 0 alone
};

/// "auto", "cpu", "cuda", "cuda:all" or "cuda:N[,N...]" (ordinals distinct, 0..255; the CLI's
/// spelling, case-sensitive); UsageError otherwise.
DeviceSpec parseDeviceSpec(std::string_view text);
/// Empty when parseDeviceSpec accepts `text`, else its message (for option validators).
std::string deviceSpecError(std::string_view text);
/// parseDeviceSpec(text).kind.
Device parseDevice(std::string_view text);
/// The CLI spelling of `d` (parseDevice's inverse).
const char* deviceName(Device d);
/// The CLI spelling of `spec` (parseDeviceSpec's inverse).
std::string deviceSpecName(const DeviceSpec& spec);

}  // namespace hashsieve
