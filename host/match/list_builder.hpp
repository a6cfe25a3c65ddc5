// Collects parsed list entries and writes the .hsl image: hashes sorted, exact duplicates merged
// into one entry that keeps every distinct id, the highest known quality kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {

class ListBuilder {
 public:
  explicit ListBuilder(HashType type) : type_(type) {}

  /// quality: 0..100, or -1 when the source has none. pHash lists use hash.w[0] only.
  void add(const Hash256& hash, int quality, std::string_view id);
  /// Frame `frame` (>= 0, the vPDQ frame number) of the video named `video`: an entry like any
  /// other (id = the video's name), and the list gets a video section grouping each video's
  /// frames (for vPDQ match percentages). Repeats of one hash in one video keep one id, the
  /// first frame number and the highest quality.
  void addVideoFrame(const Hash256& hash, int quality, std::string_view video, int64_t frame);
  size_t added() const { return pending_.size(); }
  /// Room for `entries` inputs and `idBytes` of ids (an estimate is fine).
  void reserve(size_t entries, size_t idBytes);
  HashType type() const { return type_; }

  struct Summary {
    size_t entries = 0;           // distinct hashes written
    size_t ids = 0;               // ids written
    size_t mergedDuplicates = 0;  // inputs folded into an earlier entry with the same hash
    size_t videos = 0;            // distinct video names among video frames
  };
  /// Sorts, merges and serialises; the builder is left empty.
  hsl::Image build(Summary* summary = nullptr);

 private:
  struct Pending {
    Hash256 hash;
    uint64_t idOffset;  // into ids_
    uint32_t idLength;
    int16_t quality;
  };
  struct SortKey {
    Hash256 hash;
    uint32_t index;   // into pending_
    int16_t quality;  // copied: the merge then reads keys sequentially (fits the padding)
  };
  std::vector<SortKey> sortedKeys() const;
  bool isFrame(uint32_t index) const { return !frames_.empty() && frames_[index] >= 0; }
  void writeVideoSection(std::span<const uint32_t> idRefs, std::span<const int16_t> idQuality,
                         hsl::Header& h, std::span<std::byte> file) const;

  HashType type_;
  std::vector<Pending> pending_;
  std::string ids_;  // every id back to back: one allocation instead of millions
  // Frame number per input (-1: not a video frame); empty until the first video frame, so
  // image-only lists pay nothing.
  std::vector<int64_t> frames_;
};

}  // namespace hashsieve
