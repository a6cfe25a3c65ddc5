// NVDEC through FFmpeg's cuda hwaccel: device context, format negotiation, surface views.
#include "host/media/nvdec.hpp"

#include <map>
#include <mutex>
#include <string>

extern "C" {
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>
}

namespace hashsieve::media::detail {
namespace {

// AV_CUDA_USE_PRIMARY_CONTEXT (libavutil/hwcontext_cuda.h, which needs the driver API's cuda.h):
// FFmpeg then decodes in the CUDA runtime's primary context, so the conversion kernel can read
// its surfaces directly.
constexpr int kUsePrimaryContext = 1 << 0;

AVBufferRef* cudaDevice(int ordinal) {
  // One device context per device for the process (opened on first use; never freed: it lives
  // as long as the CUDA runtime itself). nullptr when the device does not open.
  static std::mutex mutex;
  static std::map<int, AVBufferRef*> devices;
  std::lock_guard lock(mutex);
  auto [it, fresh] = devices.try_emplace(ordinal, nullptr);
  if (fresh) {
    const std::string name = std::to_string(ordinal);
    if (av_hwdevice_ctx_create(&it->second, AV_HWDEVICE_TYPE_CUDA, name.c_str(), nullptr,
                               kUsePrimaryContext) < 0)
      it->second = nullptr;
  }
  return it->second;
}

AVPixelFormat pickCuda(AVCodecContext*, const AVPixelFormat* offered) {
  for (const AVPixelFormat* p = offered; *p != AV_PIX_FMT_NONE; ++p)
    if (*p == AV_PIX_FMT_CUDA) return *p;
  // No CUDA surface for this stream (profile or size NVDEC lacks): the first software format.
  for (const AVPixelFormat* p = offered; *p != AV_PIX_FMT_NONE; ++p) {
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(*p);
    if (d && !(d->flags & AV_PIX_FMT_FLAG_HWACCEL)) return *p;
  }
  return AV_PIX_FMT_NONE;
}

}  // namespace

bool attachNvdec(AVCodecContext* ctx, const AVCodec* codec, int device) {
  bool hasCuda = false;
  for (int i = 0;; ++i) {
    const AVCodecHWConfig* c = avcodec_get_hw_config(codec, i);
    if (!c) break;
    if (c->device_type == AV_HWDEVICE_TYPE_CUDA &&
        (c->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX))
      hasCuda = true;
  }
  if (!hasCuda) return false;
  AVBufferRef* ref = cudaDevice(device);
  if (!ref) return false;
  ctx->hw_device_ctx = av_buffer_ref(ref);
  if (!ctx->hw_device_ctx) return false;
  ctx->get_format = pickCuda;
  return true;
}

std::optional<DeviceFrame> nvdecSurface(const AVFrame& f) {
  if (f.format != AV_PIX_FMT_CUDA || !f.hw_frames_ctx) return std::nullopt;
  const auto* frames = reinterpret_cast<const AVHWFramesContext*>(f.hw_frames_ctx->data);
  if (frames->sw_format != AV_PIX_FMT_NV12 && frames->sw_format != AV_PIX_FMT_P010LE)
    return std::nullopt;
  DeviceFrame d;
  d.luma = f.data[0];
  d.chroma = f.data[1];
  d.width = f.width;
  d.height = f.height;
  d.lumaPitch = f.linesize[0];
  d.chromaPitch = f.linesize[1];
  d.p010 = frames->sw_format == AV_PIX_FMT_P010LE;
  // The CPU path's rule: swscale treats only yuvj (full-range) input as full range.
  d.fullRange = f.color_range == AVCOL_RANGE_JPEG;
  return d;
}

}  // namespace hashsieve::media::detail
