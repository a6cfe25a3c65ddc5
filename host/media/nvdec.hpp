// FFmpeg's cuda hwaccel (NVDEC) for video decoding under --decoder gpu: attaching it to a codec
// context, and describing the AV_PIX_FMT_CUDA frames it returns.
#pragma once

#include <optional>

#include "host/media/device_frame.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace hashsieve::media::detail {

/// Attaches CUDA device `device` (FFmpeg hwdevice on its primary context, created once per
/// device) to `ctx` before avcodec_open2, when `codec` has a CUDA hwaccel. False (ctx untouched)
/// when it has none or no CUDA device opens: the file decodes on the CPU. Streams the hardware
/// cannot decode are turned down by FFmpeg at get_format, which then picks a software format.
bool attachNvdec(AVCodecContext* ctx, const AVCodec* codec, int device);

/// `f` (AV_PIX_FMT_CUDA) as a DeviceFrame when its surface is NV12 or P010; nullopt otherwise
/// (the caller downloads it with av_hwframe_transfer_data and converts it on the CPU).
std::optional<DeviceFrame> nvdecSurface(const AVFrame& f);

}  // namespace hashsieve::media::detail
