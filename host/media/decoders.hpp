// The decoders (libjpeg-turbo, libwebp, libtiff, FFmpeg) and what each receives from decodeFile.
#pragma once

#include <stdexcept>

#include "host/media/deadline.hpp"
#include "host/media/input_file.hpp"
#include "host/media/media.hpp"

struct AVInputFormat;

namespace hashsieve::media::detail {

/// A decoder fills `info` (kind, container, codec, size, orientation, frame counts, ...) before
/// its first emit, and calls `emit` for every frame it delivers (pixels as stored; decodeFile
/// applies orientation). Bad input throws InputError; `file` is left for decodeFile to digest.
struct DecodeJob {
  InputFile& file;
  const Options& opts;
  const Deadline& deadline;
  MediaInfo& info;
  const FrameCallback& emit;
};

/// JPEG through libjpeg-turbo (Pillow's and ImageMagick's decoder; see jpeg_decoder.cpp).
/// Throws JpegNeedsFFmpeg, before emitting anything, for JPEG processes libjpeg lacks.
void decodeJpeg(const DecodeJob& job);

struct JpegNeedsFFmpeg : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// WebP through libwebp (Pillow's decoder), animated files through its demuxer.
void decodeWebp(const DecodeJob& job);
/// TIFF through libtiff (Pillow's decoder); every page with --all-frames.
void decodeTiff(const DecodeJob& job);
struct Sniffed;
/// --decoder gpu (job.opts.batchDecoder set): a JPEG, PNG, TIFF or JPEG 2000 still through the
/// batch decoder. False, with `job.info` untouched and nothing emitted, when the file is not one
/// of those or the batch decoder did not decode it: the CPU decoders then decode it as always.
bool decodeBatchedStill(const DecodeJob& job, const Sniffed& sniffed);
/// Everything else FFmpeg demuxes and decodes: still images and videos.
void decodeWithFFmpeg(const DecodeJob& job, const AVInputFormat* format);

}  // namespace hashsieve::media::detail
