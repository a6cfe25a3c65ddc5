// Still images and videos through libavformat/libavcodec: stream choice, limits from headers
// before any decoding, the decode loop with vPDQ sampling, and damage detection.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "host/core/errors.hpp"
#include "host/media/av_ptr.hpp"
#include "host/media/avio_input.hpp"
#include "host/media/decoders.hpp"
#include "host/media/exif.hpp"
#include "host/media/ffmpeg_log.hpp"
#include "host/media/frame_convert.hpp"
#include "host/media/gif_header.hpp"
#include "host/media/nvdec.hpp"
#include "host/media/orientation.hpp"
#include "host/media/sampling.hpp"

namespace hashsieve::media::detail {
namespace {

/// Seconds of rounding tolerated when comparing presentation times with sample times.
constexpr double kTimeSlack = 1e-9;

constexpr size_t kHeaderPeekBytes = 32;

// PNG must not survive damage silently: CRC mismatches, and EXPLODE so the decoder returns
// errors (missing IEND, short IDAT) instead of concealing them. Not for every codec: with
// EXPLODE, FFmpeg's TIFF decoder refuses valid files over tags it does not know.
constexpr int kStrictPngErrorRecognition =
    AV_EF_CRCCHECK | AV_EF_BITSTREAM | AV_EF_BUFFER | AV_EF_EXPLODE;

// The codec's own pixel limit is a backstop for formats whose size we cannot read from the
// header: FFmpeg checks it against the width rounded up to its stride alignment, so it gets
// slack; our exact check runs on every header and frame size.
int64_t codecPixelBackstop(int64_t maxPixels) { return 2 * maxPixels + (int64_t{1} << 20); }

uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint32_t le32(const uint8_t* p) {
  return uint32_t{p[3]} << 24 | uint32_t{p[2]} << 16 | uint32_t{p[1]} << 8 | p[0];
}
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

/// Size claimed by a PNG, GIF or BMP header: checked before FFmpeg allocates anything, since
/// FFmpeg only learns an image pipe's size by decoding it.
std::optional<std::pair<int64_t, int64_t>> headerDimensions(const uint8_t* p, size_t n) {
  static constexpr uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (n >= 24 && std::memcmp(p, kPng, 8) == 0 && std::memcmp(p + 12, "IHDR", 4) == 0)
    return std::pair<int64_t, int64_t>{be32(p + 16), be32(p + 20)};
  if (n >= 10 && (std::memcmp(p, "GIF87a", 6) == 0 || std::memcmp(p, "GIF89a", 6) == 0))
    return std::pair<int64_t, int64_t>{le16(p + 6), le16(p + 8)};
  if (n >= 26 && p[0] == 'B' && p[1] == 'M') {
    const uint32_t infoSize = le32(p + 14);
    if (infoSize == 12) return std::pair<int64_t, int64_t>{le16(p + 18), le16(p + 20)};
    if (infoSize >= 40) {
      const auto w = static_cast<int32_t>(le32(p + 18)), h = static_cast<int32_t>(le32(p + 22));
      return std::pair<int64_t, int64_t>{std::abs(int64_t{w}), std::abs(int64_t{h})};
    }
  }
  return std::nullopt;
}

void checkPixels(int64_t w, int64_t h, const Limits& limits) {
  // Divide rather than multiply: header dimensions reach 2^32 - 1 each.
  if (w > 0 && h > 0 && w > limits.maxPixels / h)
    throw InputError("too large",
                     std::to_string(w) + "x" + std::to_string(h) + " exceeds the pixel limit");
}

/// Image demuxers: the image2 pipes ("png_pipe", "tiff_pipe", ...) and the few named otherwise.
bool isStillImageFormat(std::string_view name) {
  return name.ends_with("_pipe") || name == "gif" || name == "apng" || name == "ico" ||
         name == "alias_pix" || name == "brender_pix";
}

/// Formats whose end is recognisable: a missing end marker means the file was cut short.
bool missingEndMarker(InputFile& file, std::string_view format) {
  uint8_t tail[12] = {};
  const int64_t size = file.size();
  if (format == "png_pipe" || format == "apng") {
    static constexpr uint8_t kIend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    return size < 12 || file.readAt(size - 12, tail, 12) != 12 || std::memcmp(tail, kIend, 12) != 0;
  }
  if (format == "gif") {
    constexpr uint8_t kGifTrailer = 0x3B;
    return file.readAt(size - 1, tail, 1) != 1 || tail[0] != kGifTrailer;
  }
  return false;
}

class FFmpegDecode {
 public:
  FFmpegDecode(const DecodeJob& job, const AVInputFormat* format)
      : job_(job), limits_(job.opts.limits), input_(job.file, job.deadline), format_(format) {}

  /// What the caller already read of a GIF's first image: its LZW walk is not repeated.
  void setGifFirstImage(std::optional<GifFirstImage> first) { gifFirst_ = first; }

  void run() {
    uint8_t head[kHeaderPeekBytes] = {};
    const int64_t got = job_.file.readAt(0, head, sizeof head);
    if (got > 0) {
      if (auto dims = headerDimensions(head, static_cast<size_t>(got)))
        checkPixels(dims->first, dims->second, limits_);
    }
    if (const int ret = input_.open(format_); ret < 0) reject(ret, "cannot open container");
    fmt_ = input_.context();
    fmt_->opaque = &log_;
    formatName_ = fmt_->iformat->name;
    still_ = isStillImageFormat(formatName_);
    converter_.emplace(still_ ? FrameConverter::Mode::Still : FrameConverter::Mode::Video,
                       job_.opts.frameAllocator);
    if (!still_) findStreamInfo();
    selectStream();
    openDecoder();
    fillInfo();
    decodeLoop();
    finish();
  }

 private:
  [[noreturn]] void reject(int err, const std::string& what) {
    if (input_.timedOut()) throw InputError("timeout", "per-file decode time limit reached");
    if (input_.readError()) throw InputError("unreadable", std::strerror(input_.readError()));
    if (err == AVERROR_DECODER_NOT_FOUND || err == AVERROR_DEMUXER_NOT_FOUND ||
        err == AVERROR_PATCHWELCOME)
      throw InputError("unsupported format", what + ": " + avErrorText(err));
    // A demuxer that failed to open after reading to the end of the file wanted more of it.
    if (input_.ranPastEnd() || (opening_ && input_.sawEof()) || err == AVERROR_EOF ||
        missingEndMarker(job_.file, formatName_))
      throw InputError("truncated", what + ": " + avErrorText(err));
    throw InputError("corrupt", what + ": " + avErrorText(err));
  }

  void findStreamInfo() {
    for (unsigned i = 0; i < fmt_->nb_streams; ++i) {
      const AVCodecParameters* p = fmt_->streams[i]->codecpar;
      if (p->codec_type == AVMEDIA_TYPE_VIDEO) checkPixels(p->width, p->height, limits_);
    }
    // Codec options for the probing decodes too: one thread, and the pixel limit.
    StreamDictionaries opts(fmt_->nb_streams);
    for (AVDictionary*& d : opts.all()) {
      av_dict_set_int(&d, "threads", 1, 0);
      av_dict_set_int(&d, "max_pixels", codecPixelBackstop(limits_.maxPixels), 0);
    }
    const int ret = avformat_find_stream_info(fmt_, opts.data());
    if (ret < 0) reject(ret, "cannot read stream parameters");
  }

  void selectStream() {
    // The first video stream, as vPDQ picks it; cover art attached to audio files is no video.
    for (unsigned i = 0; i < fmt_->nb_streams; ++i) {
      const AVStream* s = fmt_->streams[i];
      if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
          !(s->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        stream_ = fmt_->streams[i];
        break;
      }
    }
    if (!stream_) {
      for (unsigned i = 0; i < fmt_->nb_streams; ++i)
        if (fmt_->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO)
          throw InputError("no frames", "audio only (" + formatName_ + ")");
      throw InputError("unsupported format", "no video or image stream (" + formatName_ + ")");
    }
    checkPixels(stream_->codecpar->width, stream_->codecpar->height, limits_);
  }

  void openDecoder() {
    const AVCodec* codec = avcodec_find_decoder(stream_->codecpar->codec_id);
    if (!codec)
      throw InputError("unsupported format", std::string("no decoder for ") +
                                                 avcodec_get_name(stream_->codecpar->codec_id));
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_) throw std::bad_alloc();
    if (const int ret = avcodec_parameters_to_context(codec_.get(), stream_->codecpar); ret < 0)
      reject(ret, "bad codec parameters");
    codec_->thread_count = job_.opts.decoderThreads;
    codec_->max_pixels = codecPixelBackstop(limits_.maxPixels);
    codec_->pkt_timebase = stream_->time_base;
    codec_->opaque = &log_;
    if (stream_->codecpar->codec_id == AV_CODEC_ID_PNG ||
        stream_->codecpar->codec_id == AV_CODEC_ID_APNG)
      codec_->err_recognition = kStrictPngErrorRecognition;
    if (stream_->codecpar->codec_id == AV_CODEC_ID_GIF) configureGif();
    // --decoder gpu: videos through NVDEC when the codec has a CUDA hwaccel and a device opens.
    if (!still_ && job_.opts.nvdecConvert) attachNvdec(codec_.get(), codec, nvdecDevice());
    if (const int ret = avcodec_open2(codec_.get(), codec, nullptr); ret < 0)
      reject(ret, "cannot open decoder");
  }

  // Transparent pixels of the first frame take their palette colour, as in Pillow's
  // convert("RGB") (FFmpeg's default is white). A GIF without any colour table got a grey
  // ramp before it came here (decodeGreyGif).
  void configureGif() {
    if (!gifFirst_) gifFirst_ = readGifFirstImage(job_.file);
    const std::optional<GifFirstImage>& first = gifFirst_;
    if (!first) return;
    if (!first->hasColourTable)
      throw InputError("unsupported format", "GIF without a colour table");
    if (first->decodablePixels && *first->decodablePixels < first->pixels)
      throw InputError("corrupt", "GIF image data ends after " +
                                      std::to_string(*first->decodablePixels) + " of " +
                                      std::to_string(first->pixels) + " pixels");
    if (first->transparentArgb)
      av_opt_set_int(codec_.get(), "trans_color", *first->transparentArgb, AV_OPT_SEARCH_CHILDREN);
  }

  // A first image smaller than the logical screen: Pillow shows the rest of the screen in the
  // image's colour 0 (or its transparent colour), FFmpeg in the background colour. Repainted in
  // a writable copy of the frame, so FFmpeg's canvas for the later frames stays as it was.
  void paintGifSurround(AVFrame& f) {
    const GifFirstImage& g = *gifFirst_;
    if (f.format != AV_PIX_FMT_RGB32) return;
    const int x0 = std::min(g.left, f.width), x1 = std::min(g.left + g.width, f.width);
    const int y0 = std::min(g.top, f.height), y1 = std::min(g.top + g.height, f.height);
    if (x0 == 0 && y0 == 0 && x1 == f.width && y1 == f.height) return;
    if (const int ret = av_frame_make_writable(&f); ret < 0) reject(ret, "out of memory");
    for (int y = 0; y < f.height; ++y) {
      auto* row =
          reinterpret_cast<uint32_t*>(f.data[0] + static_cast<ptrdiff_t>(y) * f.linesize[0]);
      const bool inside = y >= y0 && y < y1;
      for (int x = 0; x < f.width; ++x)
        if (!inside || x < x0 || x >= x1) row[x] = g.surroundArgb;
    }
  }

  void fillInfo() {
    MediaInfo& info = job_.info;
    info.kind = still_ ? MediaKind::Image : MediaKind::Video;
    info.container = formatName_;
    info.codec = codec_->codec->name;
    info.width = stream_->codecpar->width;
    info.height = stream_->codecpar->height;
    if (const char* pf = av_get_pix_fmt_name(static_cast<AVPixelFormat>(stream_->codecpar->format)))
      info.pixelFormat = pf;
    if (still_) {
      const ReadAtFn read = [this](uint64_t off, std::span<uint8_t> dst) {
        return job_.file.readAt(static_cast<int64_t>(off), dst.data(), dst.size()) ==
               static_cast<int64_t>(dst.size());
      };
      int code = 0;
      if (formatName_ == "png_pipe" || formatName_ == "apng")
        code = pngOrientation(read, static_cast<uint64_t>(job_.file.size()));
      else if (formatName_ == "tiff_pipe")
        code = tiffOrientation(read, 0);
      setOrientation(orientationFromExif(code));
      return;
    }
    // vPDQ's frame rate: avg_frame_rate, else r_frame_rate.
    AVRational rate = stream_->avg_frame_rate;
    if (rate.num == 0 || rate.den == 0) rate = stream_->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) info.fps = av_q2d(rate);
    if (fmt_->duration != AV_NOPTS_VALUE && fmt_->duration > 0)
      info.duration = static_cast<double>(fmt_->duration) / AV_TIME_BASE;
    else if (stream_->duration != AV_NOPTS_VALUE && stream_->duration > 0)
      info.duration = static_cast<double>(stream_->duration) * av_q2d(stream_->time_base);
    if (info.duration > limits_.maxVideoSeconds)
      throw InputError("too large", "duration " + std::to_string(info.duration) +
                                        " s exceeds the video duration limit");
    size_t size = 0;
    if (const uint8_t* m = av_stream_get_side_data(stream_, AV_PKT_DATA_DISPLAYMATRIX, &size);
        m && size >= 9 * sizeof(int32_t)) {
      int32_t matrix[9];
      std::memcpy(matrix, m, sizeof matrix);
      setOrientation(orientationFromDisplayMatrix(matrix));
    }
  }

  void setOrientation(Orientation o) {
    job_.info.orientationDegrees = o.degrees;
    job_.info.mirrored = o.mirrored;
    orientationKnown_ = !o.identity();
  }

  void decodeLoop() {
    opening_ = false;
    log_.arm();
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!packet_ || !frame_) throw std::bad_alloc();
    frameMod_ = vpdqFrameMod(job_.opts.videoFps, job_.info.fps);
    // Endless streams: no more frames than the duration limit allows at the stream's rate.
    maxFrames_ = (!still_ && job_.info.fps > 0)
                     ? static_cast<int64_t>((limits_.maxVideoSeconds + 1) * job_.info.fps) + 1
                     : maxAnimationFrames(limits_);
    while (!done_) {
      job_.deadline.check();
      const int ret = av_read_frame(fmt_, packet_.get());
      if (ret < 0) {
        if (input_.timedOut()) throw InputError("timeout", "per-file decode time limit reached");
        if (ret != AVERROR_EOF) {
          if (still_ || job_.info.framesDecoded == 0) reject(ret, "demuxing failed");
          ++job_.info.framesDamaged;  // the rest of the video is unreadable: keep what we have
        }
        break;
      }
      if (packet_->stream_index != stream_->index) {
        av_packet_unref(packet_.get());
        continue;
      }
      send(packet_.get());
      av_packet_unref(packet_.get());
    }
    if (!done_) send(nullptr);  // flush the decoder's delayed frames
    // Packets indexed past the end of the file: a video cut short after its index.
    if (!still_ && input_.ranPastEnd()) ++job_.info.framesDamaged;
  }

  void send(const AVPacket* pkt) {
    int ret;
    while ((ret = avcodec_send_packet(codec_.get(), pkt)) == AVERROR(EAGAIN)) {
      job_.deadline.check();
      receive();
      if (done_) return;
    }
    if (ret < 0 && ret != AVERROR_EOF) {
      if (still_) reject(ret, "decoding failed");
      ++job_.info.framesDamaged;  // concealed by the next keyframe; vPDQ would stop here
      return;
    }
    receive();
  }

  void receive() {
    while (!done_) {
      const int ret = avcodec_receive_frame(codec_.get(), frame_.get());
      if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
      if (ret < 0) {
        if (still_) reject(ret, "decoding failed");
        ++job_.info.framesDamaged;
        return;
      }
      if (gifFirst_ && job_.info.framesDecoded == 0) paintGifSurround(*frame_);
      onFrame(*frame_);
      av_frame_unref(frame_.get());
    }
  }

  void onFrame(const AVFrame& f) {
    MediaInfo& info = job_.info;
    const int64_t n = info.framesDecoded++;
    checkPixels(f.width, f.height, limits_);
    if (n == 0) {
      info.width = f.width;
      info.height = f.height;
      AVPixelFormat format = static_cast<AVPixelFormat>(f.format);
      if (format == AV_PIX_FMT_CUDA && f.hw_frames_ctx)  // the surface's format, as software has
        format = reinterpret_cast<const AVHWFramesContext*>(f.hw_frames_ctx->data)->sw_format;
      if (const char* pf = av_get_pix_fmt_name(format)) info.pixelFormat = pf;
      if (!orientationKnown_) {
        if (const AVFrameSideData* sd = av_frame_get_side_data(&f, AV_FRAME_DATA_DISPLAYMATRIX);
            sd && sd->size >= 9 * sizeof(int32_t)) {
          int32_t matrix[9];
          std::memcpy(matrix, sd->data, sizeof matrix);
          setOrientation(orientationFromDisplayMatrix(matrix));
        }
      }
    }
    if ((f.flags & AV_FRAME_FLAG_CORRUPT) || f.decode_error_flags) {
      if (still_) reject(AVERROR_INVALIDDATA, "damaged image data");
      ++info.framesDamaged;
    }
    // A warning while this frame was decoded: FFmpeg concealed damage it found (a short
    // image stream, bad codes) and returned the frame as if it were whole.
    if (const std::string warning = log_.first(); !warning.empty()) {
      if (still_) throw InputError("corrupt", "damaged image data (FFmpeg: " + warning + ")");
      ++info.framesDamaged;
      log_.arm();
    }
    if (n >= maxFrames_)
      throw InputError("too large", "more frames than the duration limit allows");

    double t;
    bool sample;
    if (!still_ && job_.opts.videoSampling == VideoSampling::Time) {
      const int64_t pts = f.best_effort_timestamp;
      t = pts == AV_NOPTS_VALUE
              ? static_cast<double>(n) / std::max(info.fps, 1.0)
              : static_cast<double>(pts - startPts(pts)) * av_q2d(stream_->time_base);
      // A fixed grid of sample times (k / videoFps), so a slow stretch does not shift the rest.
      // kTimeSlack absorbs the rounding of pts * time_base, so a frame at exactly k s counts.
      sample = job_.opts.videoFps <= 0 || t + kTimeSlack >= nextSampleTime_;
      if (sample && job_.opts.videoFps > 0)
        nextSampleTime_ =
            (std::floor(t * job_.opts.videoFps + kTimeSlack) + 1.0) / job_.opts.videoFps;
    } else if (!still_ && info.fps > 0) {
      t = static_cast<double>(n) / info.fps;  // vPDQ: frame number / frame rate, not PTS
      sample = n % frameMod_ == 0;
    } else {
      const int64_t pts = f.best_effort_timestamp;
      t = pts == AV_NOPTS_VALUE
              ? 0.0
              : static_cast<double>(pts - startPts(pts)) * av_q2d(stream_->time_base);
      sample = still_ || job_.opts.videoFps <= 0 || t >= nextSampleTime_;
      if (sample && !still_) nextSampleTime_ = t + 1.0 / job_.opts.videoFps;
    }
    if (t > limits_.maxVideoSeconds)
      throw InputError("too large", "longer than the video duration limit");
    if (sample) {
      job_.deadline.check();
      const ImageView view = convertFrame(f);
      ++info.framesEmitted;
      job_.emit(view, FrameInfo{n, t});
    }
    if (still_ && !job_.opts.allFrames) done_ = true;
  }

  // Software frames through the CPU converter; NVDEC surfaces through the device conversion
  // (NV12/P010), or downloaded and converted on the CPU (other surface formats).
  ImageView convertFrame(const AVFrame& f) {
    if (f.format != AV_PIX_FMT_CUDA) return converter_->convert(f);
    job_.info.decoder = "nvdec";
    if (std::optional<DeviceFrame> d = nvdecSurface(f)) {
      d->device = nvdecDevice();
      if (job_.opts.deviceFrames) {
        // Converted into the hasher's device memory: the frame never crosses PCIe.
        nvdecOnDevice_ = job_.opts.deviceFrames->take(d->width, d->height, PixelFormat::Rgb8);
        job_.opts.nvdecConvert(*d, nvdecOnDevice_.data(), nvdecOnDevice_.stride(),
                               MemorySpace::Device);
        return nvdecOnDevice_.view();
      }
      if (nvdecRgb_.width != d->width || nvdecRgb_.height != d->height)
        nvdecRgb_ = Image(d->width, d->height, PixelFormat::Rgb8);
      job_.opts.nvdecConvert(*d, nvdecRgb_.pixels.data(), nvdecRgb_.stride(), MemorySpace::Host);
      return nvdecRgb_.view();
    }
    if (!swFrame_) swFrame_.reset(av_frame_alloc());
    if (!swFrame_) throw std::bad_alloc();
    av_frame_unref(swFrame_.get());
    if (const int ret = av_hwframe_transfer_data(swFrame_.get(), &f, 0); ret < 0)
      reject(ret, "NVDEC frame download failed");
    return converter_->convert(*swFrame_);
  }

  // NVDEC decodes on the device whose memory the frames go to (device 0 for host frames).
  int nvdecDevice() const { return job_.opts.deviceFrames ? job_.opts.deviceFrames->device() : 0; }

  int64_t startPts(int64_t pts) {
    if (firstPts_ == AV_NOPTS_VALUE) firstPts_ = pts;
    return firstPts_;
  }

  void finish() {
    if (job_.info.framesDecoded == 0) {
      if (still_ && missingEndMarker(job_.file, formatName_))
        throw InputError("truncated", "no complete frame before the end of the file");
      throw InputError("no frames", "the stream holds no decodable frame");
    }
    if (still_ && formatName_ == "gif" && missingEndMarker(job_.file, formatName_))
      throw InputError("truncated", "GIF without its trailer");
  }

  const DecodeJob& job_;
  const Limits& limits_;
  FFmpegLogCapture log_;  // before input_ and codec_: their contexts point at it until freed
  AvioInput input_;
  const AVInputFormat* format_;
  AVFormatContext* fmt_ = nullptr;
  std::string formatName_;
  bool still_ = false;
  AVStream* stream_ = nullptr;
  CodecContextPtr codec_;
  PacketPtr packet_;
  FramePtr frame_;
  std::optional<FrameConverter> converter_;
  Image nvdecRgb_;             // NVDEC frames converted on the device, copied down ...
  DeviceImage nvdecOnDevice_;  // ... or left there (taken over by the hasher when it keeps it)
  FramePtr swFrame_;           // NVDEC frames downloaded for the CPU converter
  std::optional<GifFirstImage> gifFirst_;
  bool orientationKnown_ = false;
  bool opening_ = true;
  bool done_ = false;
  int64_t frameMod_ = 1;
  int64_t maxFrames_ = 0;
  int64_t firstPts_ = AV_NOPTS_VALUE;
  double nextSampleTime_ = 0.0;
};

/// A GIF decoded from a patched copy (the original bytes are digested as they are read): a
/// first image reaching past the logical screen gets a screen that holds it, as Pillow grows
/// the picture; a GIF without any colour table gets a grey ramp as its global table, since
/// Pillow decodes it as mode "L", the indices as grey levels, and each frame is delivered as
/// grey (channel R of the ramp's colours).
void decodePatchedGif(const DecodeJob& job, const AVInputFormat* format,
                      const GifFirstImage& first) {
  std::vector<uint8_t> bytes = job.file.readAll();
  if (!first.fitsScreen()) bytes = withScreenHolding(std::move(bytes), first);
  if (first.hasColourTable) {
    InputFile patched(bytes, job.opts.limits);
    FFmpegDecode(DecodeJob{patched, job.opts, job.deadline, job.info, job.emit}, format).run();
    return;
  }
  bytes = withGreyColourTable(bytes);
  InputFile patched(bytes, job.opts.limits);
  Image grey;
  const FrameCallback emitGrey = [&](const ImageView& view, const FrameInfo& frame) {
    if (view.format == PixelFormat::Gray8) return job.emit(view, frame);
    grey = Image(view.width, view.height, PixelFormat::Gray8);
    for (int y = 0; y < view.height; ++y) {
      const uint8_t* src = view.row(y);
      uint8_t* dst = grey.row(y);
      for (int x = 0; x < view.width; ++x) dst[x] = src[3 * x];
    }
    job.emit(grey.view(), frame);
  };
  FFmpegDecode(DecodeJob{patched, job.opts, job.deadline, job.info, emitGrey}, format).run();
}

}  // namespace

void decodeWithFFmpeg(const DecodeJob& job, const AVInputFormat* format) {
  const std::string_view name = format ? format->name : "";
  std::optional<GifFirstImage> gifFirst;
  if (name == "gif") {
    gifFirst = readGifFirstImage(job.file);
    // The patched copy is held in memory: larger files are decoded as they are (and refused).
    constexpr int64_t kMaxPatchedGifBytes = int64_t{256} << 20;
    if (gifFirst && (!gifFirst->hasColourTable || !gifFirst->fitsScreen()) &&
        job.file.size() <= kMaxPatchedGifBytes)
      return decodePatchedGif(job, format, *gifFirst);
  }
  // FFmpeg's APNG demuxer skips a default image (IDAT) that is not part of the animation;
  // Pillow, which the Python tools hash with, opens on the default image in both cases. The
  // PNG decoder reads IDAT alone, so the first picture is Pillow's. With --all-frames the
  // frames are the animation's as FFmpeg delivers them.
  if (name == "apng" && !job.opts.allFrames) format = av_find_input_format("png_pipe");
  FFmpegDecode decode(job, format);
  if (gifFirst) decode.setGifFirstImage(gifFirst);
  decode.run();
}

}  // namespace hashsieve::media::detail
