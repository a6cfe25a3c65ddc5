// RAII owners for the FFmpeg objects the media layer holds, and FFmpeg error text.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>
#include <vector>

namespace hashsieve::media::detail {

struct FormatContextDeleter {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};
/// A custom AVIOContext and its buffer (FFmpeg may have replaced the buffer, so free pb->buffer).
struct AvioContextDeleter {
  void operator()(AVIOContext* p) const {
    if (p) av_freep(&p->buffer);
    avio_context_free(&p);
  }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameDeleter {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsContextDeleter {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};

using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextDeleter>;
using AvioContextPtr = std::unique_ptr<AVIOContext, AvioContextDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;

/// One option dictionary per stream, laid out as avformat_find_stream_info takes them (it may
/// replace entries); every one is freed on destruction, whatever threw in between.
class StreamDictionaries {
 public:
  explicit StreamDictionaries(unsigned streams) : dicts_(streams, nullptr) {}
  ~StreamDictionaries() {
    for (AVDictionary*& d : dicts_) av_dict_free(&d);
  }
  StreamDictionaries(const StreamDictionaries&) = delete;
  StreamDictionaries& operator=(const StreamDictionaries&) = delete;

  std::vector<AVDictionary*>& all() { return dicts_; }
  /// nullptr when there are no streams, as FFmpeg expects.
  AVDictionary** data() { return dicts_.empty() ? nullptr : dicts_.data(); }

 private:
  std::vector<AVDictionary*> dicts_;
};

inline std::string avErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

}  // namespace hashsieve::media::detail
