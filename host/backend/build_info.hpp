// Lines for `hashsieve info`: which devices this build supports and can use here, and the build
// flags that bit-exactness depends on.
#pragma once

#include <string>

namespace hashsieve {

/// "devices: cpu, cuda (...)" plus, when CUDA is compiled in, the runtime/driver/device lines and
/// the reason CUDA is not used (gpuStatus).
std::string describeDeviceSupport();
/// Build type, compilers and the flags that bit-exactness depends on.
std::string describeBuild();

}  // namespace hashsieve
