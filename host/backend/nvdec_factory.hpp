// --decoder gpu's video side: the NVDEC frame converter of the CUDA backend, when there is one.
#pragma once

#include "host/media/device_frame.hpp"

namespace hashsieve {

/// The device-frame converter (kernels/nvdec_convert.cpp) when this build has CUDA and a device
/// is usable; empty otherwise (videos then decode on the CPU).
media::DeviceFrameConverter makeNvdecFrameConverter();

}  // namespace hashsieve
