// decodeFile: regular-file checks, content sniffing, the decoder, orientation, digests.
#include <exception>

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/ffmpeg_log.hpp"
#include "host/media/media.hpp"
#include "host/media/orientation.hpp"
#include "host/media/plausibility.hpp"
#include "host/media/sniff.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

namespace hashsieve::media {
namespace {

// FFmpeg logs to stderr by default; library code stays quiet (errors come back as InputError,
// warnings reach the decode that caused them).
void silenceFFmpegOnce() { detail::installFFmpegLogCallback(); }

void decodeSniffed(const detail::DecodeJob& job) {
  const detail::Sniffed sniffed = detail::sniff(job.file);
  if (job.opts.batchDecoder && detail::decodeBatchedStill(job, sniffed)) return;
  switch (sniffed.decoder) {
    case detail::Decoder::Jpeg:
      try {
        detail::decodeJpeg(job);
      } catch (const detail::JpegNeedsFFmpeg&) {
        job.info = MediaInfo{};
        job.info.bytes = job.file.size();
        detail::decodeWithFFmpeg(job, av_find_input_format("jpeg_pipe"));
      }
      break;
    case detail::Decoder::Webp:
      detail::decodeWebp(job);
      break;
    case detail::Decoder::Tiff:
      detail::decodeTiff(job);
      break;
    case detail::Decoder::FFmpeg:
      detail::decodeWithFFmpeg(job, sniffed.format);
      break;
  }
}

MediaInfo decodeOpened(detail::InputFile& file, const Options& opts, const FrameCallback& onFrame,
                       const detail::Deadline& deadline) {
  MediaInfo info;
  info.bytes = file.size();

  const FrameCallback emit = [&](const ImageView& view, const FrameInfo& frame) {
    const detail::Orientation o{info.orientationDegrees, info.mirrored};
    const bool turn = opts.applyOrientation && !o.identity() && !info.orientedByDecoder;
    if (view.onDevice()) {
      // A device frame stays there unless a host-side step must read it: the plausibility
      // guard (its first row alone unless that row is one colour) and orientation (copied down).
      const DeviceFramePool& pool = *opts.deviceFrames;
      if (frame.index == 0 && detail::plausibilityReadsPixels(view, info) &&
          detail::singleColour(pool.download(view, 0, 1).view()))
        detail::checkPlausible(pool.download(view).view(), info);
      if (!turn) return onFrame(view, frame);
      const Image host = pool.download(view);
      const Image turned = detail::applyOrientation(host.view(), o);
      info.orientationApplied = true;
      return onFrame(turned.view(), frame);
    }
    if (frame.index == 0) detail::checkPlausible(view, info);
    if (turn) {
      const Image turned = detail::applyOrientation(view, o);
      info.orientationApplied = true;
      onFrame(turned.view(), frame);
    } else {
      onFrame(view, frame);
    }
  };
  const detail::DecodeJob job{file, opts, deadline, info, emit};
  try {
    decodeSniffed(job);
  } catch (const InputError& e) {
    FileDigests digests;
    try {
      digests = file.finishDigests();
    } catch (const InputError&) {
      // The failure already names the file; a second read error adds nothing.
    }
    throw UndecodableFile(e, std::move(digests));
  }
  info.digests = file.finishDigests();
  if ((opts.batchDecoder || opts.nvdecConvert) && info.decoder.empty()) info.decoder = "cpu";
  return info;
}

}  // namespace

MediaInfo decodeFile(const std::filesystem::path& path, const Options& opts,
                     const FrameCallback& onFrame) {
  silenceFFmpegOnce();
  const detail::Deadline deadline(opts.limits.timeoutSeconds);
  detail::InputFile file(path, opts.limits);
  return decodeOpened(file, opts, onFrame, deadline);
}

MediaInfo decodeMemory(std::span<const uint8_t> bytes, const Options& opts,
                       const FrameCallback& onFrame) {
  silenceFFmpegOnce();
  const detail::Deadline deadline(opts.limits.timeoutSeconds);
  detail::InputFile file(bytes, opts.limits);
  return decodeOpened(file, opts, onFrame, deadline);
}

}  // namespace hashsieve::media
