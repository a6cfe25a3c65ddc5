// Collects parsed list entries and writes the .hsl image: hashes sorted, exact duplicates merged
// into one entry that keeps every distinct id, the highest known quality kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {

class ListBuilder {
 public:
  explicit ListBuilder(HashType type) : type_(type) {}

  /// quality: 0..100, or -1 when the source has none. pHash lists use hash.w[0] only.
  /// meta: the entry's metadata as a compact JSON object (category, source, ...), or empty.
  void add(const Hash256& hash, int quality, std::string_view id, std::string_view meta = {});
  /// Drops every entry added so far under `id` (NCMEC deletions and updates: later pages
  /// replace earlier ones). Entries added afterwards under the same id stay.
  void removeId(std::string_view id);
  /// Frame `frame` (>= 0, the vPDQ frame number) of the video named `video`: an entry like any
  /// other (id = the video's name), and the list gets a video section grouping each video's
  /// frames (for vPDQ match percentages). Repeats of one hash in one video keep one id, the
  /// first frame number and the highest quality.
  void addVideoFrame(const Hash256& hash, int quality, std::string_view video, int64_t frame);
  size_t added() const { return pending_.size(); }
  /// Room for `entries` inputs and `idBytes` of ids (an estimate is fine).
  void reserve(size_t entries, size_t idBytes);
  HashType type() const { return type_; }
  /// Recorded in the header of a PDQ list (ignored for other types).
  void setPdqLuma(hsl::PdqLuma luma) { pdqLuma_ = luma; }

  struct Summary {
    size_t entries = 0;           // distinct hashes written
    size_t ids = 0;               // ids written
    size_t mergedDuplicates = 0;  // inputs folded into an earlier entry with the same hash
    size_t videos = 0;            // distinct video names among video frames
    size_t removed = 0;           // inputs dropped by removeId
  };
  /// Sorts, merges and serialises; the builder is left empty.
  hsl::Image build(Summary* summary = nullptr);

 private:
  struct Pending {
    Hash256 hash;
    uint64_t idOffset;  // into ids_
    uint32_t idLength;
    uint32_t meta;  // index into metaStrings_ (0: none)
    int16_t quality;
  };
  struct SortKey {
    Hash256 hash;
    uint32_t index;   // into pending_
    int16_t quality;  // copied: the merge then reads keys sequentially (fits the padding)
  };
  // The grouped entries: runs of equal hashes, each keeping its distinct ids.
  struct Grouped {
    std::vector<uint32_t> entryIdStart{0};
    std::vector<uint32_t> idRefs;  // index into pending_ of each id written
    std::vector<uint8_t> quality;
    std::vector<uint32_t> runStarts;  // position in keys of each entry's first input
    std::vector<int16_t> idQuality;   // lists with videos: per id, its frame quality
    size_t merged = 0;
  };
  Grouped group(const std::vector<SortKey>& keys) const;
  hsl::Header layout(const Grouped& g) const;
  void write(const std::vector<SortKey>& keys, const Grouped& g, hsl::Header& h,
             std::span<std::byte> file) const;
  std::string_view idOf(const Pending& p) const {
    return std::string_view(ids_).substr(p.idOffset, p.idLength);
  }
  std::vector<SortKey> sortedKeys() const;
  bool isFrame(uint32_t index) const { return !frames_.empty() && frames_[index] >= 0; }
  void writeVideoSection(std::span<const uint32_t> idRefs, std::span<const int16_t> idQuality,
                         hsl::Header& h, std::span<std::byte> file) const;

  HashType type_;
  hsl::PdqLuma pdqLuma_ = hsl::PdqLuma::Unknown;
  std::vector<Pending> pending_;
  std::string ids_;  // every id back to back: one allocation instead of millions
  // Frame number per input (-1: not a video frame); empty until the first video frame, so
  // image-only lists pay nothing.
  std::vector<int64_t> frames_;
  // Distinct metadata strings; index 0 is the empty one.
  std::vector<std::string> metaStrings_{std::string()};
  std::unordered_map<std::string, uint32_t> metaIndex_;
  // removeId: per id, how many inputs had been added when it was removed (inputs before that
  // position with this id are dropped).
  std::unordered_map<std::string, size_t> removedBefore_;
};

}  // namespace hashsieve
