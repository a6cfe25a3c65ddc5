// FFmpeg's own warnings for one decode: FFmpeg conceals much damage (a short LZW stream, a
// missing block) and only says so through av_log; those messages reach the decode that caused
// them, so a picture FFmpeg warned about is not hashed as if it were intact.
#pragma once

#include <mutex>
#include <string>

namespace hashsieve::media::detail {

/// The first warning or error FFmpeg logged through a codec or format context whose `opaque`
/// points at this capture (frame threads copy `opaque` into their own contexts, so messages
/// from any of the decoder's threads arrive here). Thread-safe.
class FFmpegLogCapture {
 public:
  /// Starts counting: messages logged before (probing, container headers) are not kept.
  void arm();
  /// Empty when nothing was logged at warning level or above since arm().
  std::string first() const;

  /// The av_log callback's entry; ignores messages below warning level.
  void add(int level, const std::string& message);

 private:
  mutable std::mutex mutex_;
  bool armed_ = false;
  std::string first_;
};

/// Installs the process-wide av_log callback once: messages go to the capture of their
/// context (none are printed; library code stays quiet).
void installFFmpegLogCallback();

}  // namespace hashsieve::media::detail
