// WebP through libwebp's animation decoder, the path Pillow takes for every WebP file, rather
// than FFmpeg: FFmpeg converts VP8's YUV to RGB with swscale, libwebp with its own fancy
// upsampler and fixed-point matrix (up to 53 levels apart on the refdata and corpus files), and
// FFmpeg 5.1 cannot decode animated WebP at all. Alpha is dropped, not composited.
#include <webp/decode.h>
#include <webp/demux.h>

#include <memory>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/exif.hpp"
#include "host/media/orientation.hpp"
#include "host/media/pillow_pixels.hpp"
#include "host/media/sampling.hpp"

namespace hashsieve::media::detail {
namespace {

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* d) const { WebPAnimDecoderDelete(d); }
};

constexpr size_t kRiffHeaderBytes = 8;  // "RIFF" + little-endian payload size

// A RIFF header promising more bytes than the file holds means the file was cut short.
bool riffTruncated(const std::vector<uint8_t>& b) {
  if (b.size() < kRiffHeaderBytes) return true;
  const uint64_t payload =
      uint64_t{b[4]} | uint64_t{b[5]} << 8 | uint64_t{b[6]} << 16 | uint64_t{b[7]} << 24;
  return payload + kRiffHeaderBytes > b.size();
}

[[noreturn]] void rejectDamaged(const std::vector<uint8_t>& bytes, const char* what) {
  if (riffTruncated(bytes)) throw InputError("truncated", what);
  throw InputError("corrupt", what);
}

}  // namespace

void decodeWebp(const DecodeJob& job) {
  const std::vector<uint8_t> bytes = job.file.readAll();
  job.deadline.check();

  WebPBitstreamFeatures features{};
  if (WebPGetFeatures(bytes.data(), bytes.size(), &features) != VP8_STATUS_OK)
    rejectDamaged(bytes, "WebP header unreadable");
  const int64_t w = features.width, h = features.height;
  if (w <= 0 || h <= 0) throw InputError("corrupt", "invalid WebP dimensions");
  if (w * h > job.opts.limits.maxPixels)
    throw InputError("too large",
                     std::to_string(w) + "x" + std::to_string(h) + " exceeds the pixel limit");

  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) throw InputError("corrupt", "libwebp init failed");
  options.color_mode = MODE_RGBA;  // as Pillow; alpha is dropped below
  options.use_threads = 0;
  const WebPData data{bytes.data(), bytes.size()};
  std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter> dec(WebPAnimDecoderNew(&data, &options));
  if (!dec) rejectDamaged(bytes, "WebP container unreadable");
  WebPAnimInfo anim{};
  if (!WebPAnimDecoderGetInfo(dec.get(), &anim)) rejectDamaged(bytes, "WebP container unreadable");
  const int64_t cw = anim.canvas_width, ch = anim.canvas_height;
  if (cw * ch > job.opts.limits.maxPixels)
    throw InputError("too large", "WebP canvas exceeds the pixel limit");

  MediaInfo& info = job.info;
  info.kind = MediaKind::Image;
  info.container = "webp";
  info.codec = features.format == 2 ? "webp-lossless" : "webp";
  info.pixelFormat = features.has_alpha ? "rgba" : "rgb";
  info.width = static_cast<int>(cw);
  info.height = static_cast<int>(ch);
  if (const WebPDemuxer* demux = WebPAnimDecoderGetDemuxer(dec.get())) {
    WebPChunkIterator it;
    if (WebPDemuxGetChunk(demux, "EXIF", 1, &it)) {
      const Orientation o =
          orientationFromExif(exifBlockOrientation({it.chunk.bytes, it.chunk.size}));
      info.orientationDegrees = o.degrees;
      info.mirrored = o.mirrored;
      WebPDemuxReleaseChunkIterator(&it);
    }
  }

  const int64_t maxFrames = maxAnimationFrames(job.opts.limits);
  // Uninitialised: each frame writes all of it from the canvas.
  const size_t pixels = static_cast<size_t>(cw) * ch;
  const auto rgb = std::make_unique_for_overwrite<uint8_t[]>(pixels * 3);
  const ImageView view{rgb.get(), static_cast<int>(cw), static_cast<int>(ch), cw * 3,
                       PixelFormat::Rgb8};
  int prevEndMs = 0;
  for (int64_t n = 0; WebPAnimDecoderHasMoreFrames(dec.get()); ++n) {
    job.deadline.check();
    if (n >= maxFrames) throw InputError("too large", "too many animation frames");
    uint8_t* rgba = nullptr;
    int endMs = 0;
    if (!WebPAnimDecoderGetNext(dec.get(), &rgba, &endMs))
      rejectDamaged(bytes, "WebP frame undecodable");
    rgbFromRgbx(rgba, rgb.get(), pixels);
    const double start = prevEndMs / 1000.0;
    prevEndMs = endMs;
    if (start > job.opts.limits.maxVideoSeconds)
      throw InputError("too large", "animation longer than the duration limit");
    info.framesDecoded = n + 1;
    info.framesEmitted = n + 1;
    job.emit(view, FrameInfo{n, start});
    if (!job.opts.allFrames) break;
  }
  if (info.framesDecoded == 0) throw InputError("no frames", "WebP without frames");
  if (anim.frame_count > 1) info.duration = prevEndMs / 1000.0;
}

}  // namespace hashsieve::media::detail
