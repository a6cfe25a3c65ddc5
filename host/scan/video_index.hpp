// vPDQ video matching against a list's videos: which list entries are frames of which list
// video, and the two match percentages of a query video against each list video it touches.
//
// The rule is python-threatexchange's brute-force vPDQ matcher (docs/ALGORITHMS.md §4): on each
// side drop frames with quality < minQuality, then dedupe exact-duplicate frame hashes (the
// order of its prepare_vpdq_feature; the brute matcher dedupes first, which differs only when
// one hash occurs at qualities on both sides of the floor); a frame matches when some frame on
// the other side is within distance <= threshold (inclusive; the C++ matcher's strict `<` and
// missing dedupe are not what we implement). query % = matched distinct query hashes /
// distinct query hashes; compared % = the same for the list video.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "host/match/matcher.hpp"

namespace hashsieve {
class HashList;
}

namespace hashsieve::scan {

/// One list video that a query video matched at least one frame of.
struct VideoMatch {
  uint32_t video = 0;       // the list's video ordinal
  size_t queryFrames = 0;   // distinct query frame hashes of quality >= minQuality
  size_t queryMatched = 0;  // ... within the threshold of some frame of this video
  size_t listFrames = 0;    // distinct frame hashes of this video of quality >= minQuality
  size_t listMatched = 0;   // ... within the threshold of some query frame
  /// python-threatexchange's query_match_percent / compared_match_percent (count * 100 / n).
  double queryPercent() const { return double(queryMatched) * 100 / double(queryFrames); }
  double comparedPercent() const { return double(listMatched) * 100 / double(listFrames); }
  bool operator==(const VideoMatch&) const = default;
};

class VideoIndex {
 public:
  /// Groups the list's video-frame ids by video, keeping frames of quality >= minQuality (or of
  /// unknown quality). Empty (and free) for lists without videos.
  VideoIndex(const HashList& list, int minQuality);
  VideoIndex() = default;  // no list videos

  bool empty() const { return names_.empty(); }
  size_t videoCount() const { return names_.size(); }
  std::string_view name(uint32_t video) const { return names_[video]; }
  /// Distinct frame hashes (entries) of the video that pass the quality floor.
  size_t frameCount(uint32_t video) const { return frameCount_[video]; }
  /// The videos entry e is a (quality-passing) frame of, ascending, without repeats.
  std::span<const uint32_t> videosOf(uint32_t entry) const;

  /// Percentages of one query video. `queryFrames` distinct query hashes (already quality-
  /// filtered and deduped, numbered 0..queryFrames-1) and their range matches, Match::query
  /// being that number (distances within the threshold). One VideoMatch per list video with a
  /// matched frame, by descending query %, then compared %, then video ordinal.
  std::vector<VideoMatch> match(size_t queryFrames, std::span<const Match> matches) const;

 private:
  std::vector<std::string_view> names_;  // views into the list
  std::vector<size_t> frameCount_;
  std::vector<uint32_t> entryStart_;  // CSR over entries: size() + 1, or empty
  std::vector<uint32_t> entryVideos_;
};

}  // namespace hashsieve::scan
