// One file in flight: its frames' hashes arrive from the decode worker (inline hashing) or the
// batcher thread, in any order; whichever finishes last turns the job into its Record.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/core/hasher.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/input_walker.hpp"
#include "host/pipeline/record.hpp"

namespace hashsieve::pipeline {

class FileJob {
 public:
  /// `wantDihedral`: keep the first frame's eight dihedral hashes (images with --dihedral).
  /// `archiveMember`: the record is marked as read from inside an archive.
  FileJob(uint64_t index, InputItem item, bool wantDihedral, bool archiveMember = false)
      : index_(index),
        item_(std::move(item)),
        wantDihedral_(wantDihedral),
        archiveMember_(archiveMember) {}

  uint64_t index() const { return index_; }
  const InputItem& item() const { return item_; }

  /// Registers a sampled frame (decode order) and returns its slot for setHash.
  size_t addFrame(const media::FrameInfo& info, int width, int height);
  /// Stores a frame's hash. True when this was the last thing the job waited for.
  bool setHash(size_t slot, const FrameHash& hash);
  /// The decoder returned. True when no frame hash is outstanding.
  bool decodeFinished(const media::MediaInfo& info);
  /// The decoder threw (with the file's digests when it could still read them). True when no
  /// frame hash is outstanding.
  bool decodeFailed(std::string reason, std::string detail, FileDigests digests = {});

  /// The record, once complete. Frames hashed = frameCount().
  Record record() const;
  size_t frameCount() const;
  /// Frames the decoder decoded, sampled or not (0 when decoding failed).
  int64_t framesDecoded() const;

 private:
  bool release();                 // under mutex_
  Record recordOfDecode() const;  // record() before the archive-member mark

  const uint64_t index_;
  const InputItem item_;
  const bool wantDihedral_;
  const bool archiveMember_;
  mutable std::mutex mutex_;
  int outstanding_ = 1;  // the decode itself plus each submitted frame
  std::vector<FrameRecord> frames_;
  int firstWidth_ = 0, firstHeight_ = 0;
  std::optional<std::array<Hash256, kDihedralCount>> firstDihedral_;
  media::MediaInfo info_;
  struct Failure {
    std::string reason, detail;
    FileDigests digests;  // empty unless the decoder could still read the whole file
  };
  std::optional<Failure> error_;
};

}  // namespace hashsieve::pipeline
