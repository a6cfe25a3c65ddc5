// A libavformat input over an InputFile: custom AVIOContext, deadline interrupt, no nested opens.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include "host/media/av_ptr.hpp"
#include "host/media/deadline.hpp"
#include "host/media/input_file.hpp"

namespace hashsieve::media::detail {

/// Owns the AVIOContext and the AVFormatContext reading through it. Reads are positional on
/// the InputFile (which digests them); the interrupt callback and every read check the
/// deadline; nested opens (playlists, references to other files or URLs) are refused, so a
/// file can never make the decoder touch another file or the network.
class AvioInput {
 public:
  AvioInput(InputFile& file, const Deadline& deadline);
  AvioInput(const AvioInput&) = delete;
  AvioInput& operator=(const AvioInput&) = delete;

  /// avformat_open_input with the demuxer chosen by content. Returns the FFmpeg status.
  int open(const AVInputFormat* format);
  AVFormatContext* context() const { return fmt_.get(); }

  bool timedOut() const { return timedOut_ || deadline_.expired(); }
  /// A read or seek went past the end of the file: the demuxer expected more bytes.
  bool ranPastEnd() const { return ranPastEnd_; }
  /// The demuxer read or sought to the end of the file (normal for many files; when opening
  /// failed, the sign of a file cut short).
  bool sawEof() const { return sawEof_; }
  int readError() const { return readError_; }  // last -errno from the file, 0 if none

 private:
  static int readPacket(void* opaque, uint8_t* buf, int size);
  static int64_t seek(void* opaque, int64_t offset, int whence);
  static int interrupt(void* opaque);

  InputFile& file_;
  const Deadline& deadline_;
  int64_t pos_ = 0;
  bool timedOut_ = false;
  bool ranPastEnd_ = false;
  bool sawEof_ = false;
  int readError_ = 0;
  AvioContextPtr avio_;
  FormatContextPtr fmt_;
};

}  // namespace hashsieve::media::detail
