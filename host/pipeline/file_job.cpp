// Assembling a file's record from its decoded-frame hashes.
#include "host/pipeline/file_job.hpp"

#include "host/pipeline/pipeline.hpp"

namespace hashsieve::pipeline {

size_t FileJob::addFrame(const media::FrameInfo& info, int width, int height) {
  std::lock_guard lock(mutex_);
  if (frames_.empty()) {
    firstWidth_ = width;
    firstHeight_ = height;
  }
  FrameRecord f;
  f.index = info.index;
  f.t = roundMillis(info.timestamp);
  frames_.push_back(f);
  ++outstanding_;
  return frames_.size() - 1;
}

bool FileJob::setHash(size_t slot, const FrameHash& hash) {
  std::lock_guard lock(mutex_);
  FrameRecord& f = frames_[slot];
  f.pdq = hash.pdq;
  f.quality = hash.pdqQuality;
  f.phash = hash.phash;
  if (slot == 0 && wantDihedral_) firstDihedral_ = hash.pdqDihedral;
  return release();
}

bool FileJob::decodeFinished(const media::MediaInfo& info) {
  std::lock_guard lock(mutex_);
  info_ = info;
  return release();
}

bool FileJob::decodeFailed(std::string reason, std::string detail, FileDigests digests) {
  std::lock_guard lock(mutex_);
  error_.emplace(Failure{std::move(reason), std::move(detail), std::move(digests)});
  return release();
}

bool FileJob::release() { return --outstanding_ == 0; }

size_t FileJob::frameCount() const {
  std::lock_guard lock(mutex_);
  return frames_.size();
}

int64_t FileJob::framesDecoded() const {
  std::lock_guard lock(mutex_);
  return error_ ? 0 : info_.framesDecoded;
}

Record FileJob::record() const {
  Record r = recordOfDecode();
  r.archiveMember = archiveMember_;
  return r;
}

Record FileJob::recordOfDecode() const {
  std::lock_guard lock(mutex_);
  if (error_) {
    Record r = errorRecord(item_.path, error_->reason, error_->detail);
    r.digests = error_->digests;
    return r;
  }
  if (frames_.empty()) return errorRecord(item_.path, "no frames", "the decoder produced no frame");
  Record r;
  r.path = item_.path;
  r.kind = info_.kind == media::MediaKind::Image ? RecordKind::Image : RecordKind::Video;
  r.width = firstWidth_;
  r.height = firstHeight_;
  r.digests = info_.digests;
  r.orientationDegrees = info_.orientationDegrees;
  r.orientationApplied = info_.orientationApplied;
  r.mirrored = info_.mirrored;
  r.decoder = info_.decoder;
  if (r.kind == RecordKind::Image) {
    r.pdq = frames_.front().pdq;
    r.pdqQuality = frames_.front().quality;
    r.phash = frames_.front().phash;
    r.dihedral = firstDihedral_;
    if (frames_.size() > 1) r.frames = frames_;  // an animated image with --all-frames
  } else {
    r.duration = roundMillis(info_.duration);
    r.fps = info_.fps;  // exact: vPDQ timestamps are derived from it
    r.frames = frames_;
  }
  return r;
}

}  // namespace hashsieve::pipeline
