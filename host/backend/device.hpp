// Device choice (`--device auto|cpu|cuda`): the one enum and the one parser that hashing,
// matching, scanning and the benchmark share.
#pragma once

#include <string_view>

namespace hashsieve {

enum class Device { Auto, Cpu, Cuda };

/// "auto", "cpu" or "cuda" (case-sensitive, the CLI's spelling); UsageError otherwise.
Device parseDevice(std::string_view text);
/// The CLI spelling of `d` (parseDevice's inverse).
const char* deviceName(Device d);

}  // namespace hashsieve
