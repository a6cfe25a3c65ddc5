// FFmpeg media layer: one file in (format found by content), sampled RGB/grey frames out.
// API contract shared by the pipeline; implementation in host/media/*.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "host/core/device_frames.hpp"
#include "host/core/errors.hpp"
#include "host/core/file_digests.hpp"
#include "host/core/frame_allocator.hpp"
#include "host/core/image.hpp"
#include "host/core/policy.hpp"
#include "host/media/device_frame.hpp"

namespace hashsieve::media {

/// Checked before any large allocation (from container/codec headers where possible).
struct Limits {
  int64_t maxPixels = 200'000'000;      // per frame (width * height)
  int64_t maxFileBytes = 64LL << 30;    // 64 GiB
  double maxVideoSeconds = 6 * 3600.0;  // media duration
  double timeoutSeconds = 300.0;        // wall clock per file, checked during decode
};

/// Which video frames are hashed. FrameNumber is vPDQ's rule (frame n when n % int(avg fps /
/// videoFps) == 0, t = n / avg fps): the default, compatible with vPDQ lists, but on a
/// variable-frame-rate video frame numbers drift from media time. Time samples by presentation
/// timestamp: the first frame at or after each multiple of 1 / videoFps, t = its PTS.
enum class VideoSampling { FrameNumber, Time };

class BatchQueue;  // host/media/batch_decoder.hpp

struct Options {
  Limits limits;
  bool applyOrientation = false;  // rotate by EXIF orientation / display matrix first
  bool allFrames = false;         // animated images (GIF, APNG, WebP): every frame, not the first
  VideoSampling videoSampling = VideoSampling::FrameNumber;
  double videoFps = policy::kVideoFps;  // frames hashed per second of media time; 0 = every frame
  int decoderThreads = 1;  // FFmpeg decoder threads per file (callers parallelise across
                           // files); 0 = FFmpeg's choice
  /// --decoder gpu: JPEG, PNG, TIFF and JPEG 2000 stills go through this batch decoder
  /// (nvImageCodec) first and fall back to the CPU decoders per file; null = CPU decoders only.
  std::shared_ptr<BatchQueue> batchDecoder;
  /// --decoder gpu with a device: videos decode on NVDEC (FFmpeg's cuda hwaccel) and their
  /// frames are converted by this; empty = CPU video decoding.
  DeviceFrameConverter nvdecConvert;
  /// Where FFmpeg's converted frames and libjpeg's frames are written (the GPU feed's pinned
  /// staging, one allocator per decode worker); null = the decoder's own buffer.
  FrameAllocator* frameAllocator = nullptr;
  /// --decoder gpu with a device hasher: the hasher's device memory, where the batch decoder
  /// and the NVDEC conversion leave frames (emitted with ImageView::onDevice(), for the hasher
  /// to take over); null = frames are delivered in host memory.
  std::shared_ptr<DeviceFramePool> deviceFrames;
};

enum class MediaKind { Image, Video };

/// One sampled frame: `index` is the 0-based count of decoded frames (vPDQ frameNumber),
/// `timestamp` = index / average frame rate in seconds (vPDQ convention), or the frame's PTS
/// from the first frame's with VideoSampling::Time (and for videos without a frame rate).
struct FrameInfo {
  int64_t index = 0;
  double timestamp = 0.0;
};

struct MediaInfo {
  MediaKind kind = MediaKind::Image;
  std::string container;       // FFmpeg demuxer name, e.g. "png_pipe", "mov,mp4,m4a,3gp,3g2,mj2"
  std::string codec;           // e.g. "mjpeg", "h264"
  int width = 0, height = 0;   // stored size of the first frame (before orientation)
  int orientationDegrees = 0;  // clockwise rotation that display needs (EXIF / display matrix)
  bool orientationApplied = false;
  bool mirrored = false;      // EXIF orientations 2,4,5,7; display = mirror left<->right
                              // first, then rotate orientationDegrees clockwise
  double duration = 0.0;      // seconds; 0 for still images
  double fps = 0.0;           // average frame rate; 0 for still images
  int64_t framesDecoded = 0;  // all decoded frames, sampled or not
  int64_t framesEmitted = 0;  // frames passed to the callback
  int64_t framesDamaged = 0;  // videos: frames/packets FFmpeg reported damaged (concealed and
                              // kept, as vPDQ keeps them); damaged still images are rejected
  std::string pixelFormat;    // source pixel format, e.g. "yuv420p", "rgba", "cmyk", "gray"
  int64_t bytes = 0;          // file size
  FileDigests digests;        // MD5/SHA-1/SHA-256 of the file's bytes
  std::string decoder;        // under --decoder gpu: what produced the pixels ("nvimgcodec-cpu",
                              // "nvimgcodec-gpu", "nvdec", or "cpu"); else empty
  // The decoder turned the pixels itself (TIFF, as Pillow does): orientationApplied is set and
  // --apply-orientation must not turn them again.
  bool orientedByDecoder = false;
};

/// Receives each sampled frame; the view is valid only during the call. With
/// Options::deviceFrames a frame may lie in device memory (view.onDevice()): the receiver
/// takes it over by moving from *view.memory, or leaves it to be given back after the call.
using FrameCallback = std::function<void(const ImageView&, const FrameInfo&)>;

/// A file that opened but did not decode: the InputError plus the digests of all its bytes, so
/// an undecodable file can still be matched against cryptographic-hash lists. `digests` is empty
/// when the rest of the file could not be read.
class UndecodableFile : public InputError {
 public:
  UndecodableFile(const InputError& e, FileDigests d) : InputError(e), digests(std::move(d)) {}
  FileDigests digests;
};

/// Decodes `path`, calling `onFrame` for each sampled frame in decode order.
/// Throws InputError (host/core/errors.hpp) with a stable reason tag for bad input: before any
/// read "not a regular file", "unreadable", "empty file", "too large" (file bytes); once the file
/// is open, UndecodableFile with "unsupported format", "truncated", "corrupt", "no frames",
/// "timeout", "too large" (pixels, duration), "unreadable" or "suspect" (a still picture the
/// decoder delivered but that cannot be the file's: host/media/plausibility.hpp).
MediaInfo decodeFile(const std::filesystem::path& path, const Options& opts,
                     const FrameCallback& onFrame);

/// decodeFile for bytes already in memory (an archive member), through the same decoders
/// (FFmpeg custom AVIO, libjpeg memory source); nothing is written to disk. Same errors, less
/// those about opening a file.
MediaInfo decodeMemory(std::span<const uint8_t> bytes, const Options& opts,
                       const FrameCallback& onFrame);

}  // namespace hashsieve::media
