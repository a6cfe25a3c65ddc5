// --decoder gpu: JPEG, PNG, TIFF and JPEG 2000 stills through the batch decoder (nvImageCodec),
// described in MediaInfo exactly as the CPU decoders describe them; anything it does not take
// goes back to the CPU decoders, which then produce the same records (errors included) as ever.
#include <cstring>
#include <string>
#include <vector>

#include "host/media/batch_decoder.hpp"
#include "host/media/decoders.hpp"
#include "host/media/exif.hpp"
#include "host/media/orientation.hpp"
#include "host/media/sniff.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

namespace hashsieve::media::detail {
namespace {

// Larger files stay on the streaming CPU decoders rather than being read whole into memory.
constexpr int64_t kMaxBatchFileBytes = int64_t{256} << 20;

enum class Still { Jpeg, Png, Tiff, Jpeg2000, Other };

Still stillKind(const Sniffed& s, const Options& opts) {
  if (s.decoder == Decoder::Jpeg) return Still::Jpeg;
  // Every page with --all-frames is the CPU decoder's; nvImageCodec decodes the first image.
  if (s.decoder == Decoder::Tiff) return opts.allFrames ? Still::Other : Still::Tiff;
  if (s.decoder != Decoder::FFmpeg || !s.format) return Still::Other;
  if (std::strcmp(s.format->name, "png_pipe") == 0) return Still::Png;
  if (std::strcmp(s.format->name, "j2k_pipe") == 0) return Still::Jpeg2000;
  return Still::Other;
}

// The container/codec names and EXIF orientation the CPU decoders report for the same file.
void describe(Still kind, std::span<const uint8_t> bytes, MediaInfo& info) {
  const ReadAtFn read = [bytes](uint64_t off, std::span<uint8_t> dst) {
    if (off > bytes.size() || dst.size() > bytes.size() - off) return false;
    std::memcpy(dst.data(), bytes.data() + off, dst.size());
    return true;
  };
  int code = 0;
  switch (kind) {
    case Still::Jpeg:
      info.container = info.codec = "jpeg";
      code = jpegOrientation(bytes);
      break;
    case Still::Png:
      info.container = "png_pipe";
      info.codec = "png";
      code = pngOrientation(read, bytes.size());
      break;
    case Still::Tiff:
      info.container = info.codec = "tiff";
      code = tiffOrientation(read, 0);
      break;
    case Still::Jpeg2000:
      info.container = "j2k_pipe";
      info.codec = "jpeg2000";
      break;
    case Still::Other:
      break;
  }
  const Orientation o = orientationFromExif(code);
  info.orientationDegrees = o.degrees;
  info.mirrored = o.mirrored;
}

}  // namespace

bool decodeBatchedStill(const DecodeJob& job, const Sniffed& sniffed) {
  const Still kind = stillKind(sniffed, job.opts);
  if (kind == Still::Other || job.file.size() > kMaxBatchFileBytes) return false;
  const std::vector<uint8_t> bytes = job.file.readAll();
  job.deadline.check();
  // A TIFF with an Orientation tag is turned by the CPU decoder, as Pillow turns it on load.
  if (kind == Still::Tiff) {
    MediaInfo probe;
    describe(kind, bytes, probe);
    if (probe.orientationDegrees != 0 || probe.mirrored) return false;
  }
  BatchDecoded r = job.opts.batchDecoder->decode({bytes, job.opts.limits.maxPixels});
  // TooLarge goes back too: the CPU decoder refuses it from the header, with its usual record.
  if (r.status != BatchDecoded::Status::Ok) return false;
  job.deadline.check();

  MediaInfo& info = job.info;
  info.kind = MediaKind::Image;
  info.width = r.width;
  info.height = r.height;
  const ImageView view = r.view();  // host memory, or device memory a device hasher takes over
  info.pixelFormat = view.format == PixelFormat::Gray8 ? "gray" : "rgb24";
  describe(kind, bytes, info);
  info.framesDecoded = 1;
  info.framesEmitted = 1;
  info.decoder = r.decoder.empty() ? job.opts.batchDecoder->name() : r.decoder;
  job.emit(view, FrameInfo{0, 0.0});
  return true;
}

}  // namespace hashsieve::media::detail
