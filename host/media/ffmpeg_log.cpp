// The av_log callback: a message is routed by its context's class to that context's capture.
#include "host/media/ffmpeg_log.hpp"

#include <cstdarg>
#include <cstdio>
#include <string_view>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
}

namespace hashsieve::media::detail {
namespace {

constexpr size_t kMaxMessageBytes = 256;

// Warnings about metadata that does not change a single pixel: not damage. A PCX with 0 DPI
// (ImageMagick writes it) gives a 0/0 sample aspect ratio, which ff_set_sar ignores with this.
constexpr std::string_view kMetadataOnlyWarnings[] = {"ignoring invalid SAR"};

bool metadataOnly(std::string_view message) {
  for (const std::string_view w : kMetadataOnlyWarnings)
    if (message.find(w) != std::string_view::npos) return true;
  return false;
}

FFmpegLogCapture* captureOf(void* avcl) {
  if (!avcl) return nullptr;
  const AVClass* cls = *static_cast<const AVClass* const*>(avcl);
  if (cls == avcodec_get_class())
    return static_cast<FFmpegLogCapture*>(static_cast<AVCodecContext*>(avcl)->opaque);
  if (cls == avformat_get_class())
    return static_cast<FFmpegLogCapture*>(static_cast<AVFormatContext*>(avcl)->opaque);
  return nullptr;
}

void onLog(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_WARNING) return;
  FFmpegLogCapture* capture = captureOf(avcl);
  if (!capture) return;
  char text[kMaxMessageBytes];
  std::vsnprintf(text, sizeof text, fmt, args);
  std::string message(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (metadataOnly(message)) return;
  const AVClass* cls = *static_cast<const AVClass* const*>(avcl);
  capture->add(level, std::string(cls->item_name(avcl)) + ": " + message);
}

}  // namespace

void FFmpegLogCapture::arm() {
  const std::lock_guard lock(mutex_);
  armed_ = true;
  first_.clear();
}

std::string FFmpegLogCapture::first() const {
  const std::lock_guard lock(mutex_);
  return first_;
}

void FFmpegLogCapture::add(int level, const std::string& message) {
  (void)level;
  const std::lock_guard lock(mutex_);
  if (armed_ && first_.empty()) first_ = message;
}

void installFFmpegLogCallback() {
  static const bool once = [] {
    av_log_set_callback(onLog);
    return true;
  }();
  (void)once;
}

}  // namespace hashsieve::media::detail
