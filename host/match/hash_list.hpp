// A loaded hash list: the .hsl image (memory-mapped file or an in-memory buffer) validated once,
// then read in place. Matchers scan packedWords(); match output reads hashes, ids and qualities.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/mapped_file.hpp"

namespace hashsieve {

struct ListLoadOptions {
  /// Verify the whole-file SHA-256 on load (reads every byte once; about 0.4 s per 10M PDQ
  /// entries here). Structure and bounds are validated either way.
  bool verifyChecksum = true;
};

class HashList {
 public:
  /// Maps and validates an .hsl file. Throws FormatError for anything malformed (truncated,
  /// corrupted, wrong magic/version) and InputError when it cannot be read.
  static HashList open(const std::filesystem::path& path, const ListLoadOptions& opts = {});
  /// Validates an in-memory .hsl image (what ListBuilder::build() returns) and takes it over.
  static HashList fromImage(hsl::Image image, const ListLoadOptions& opts = {});

  HashList(HashList&&) noexcept = default;
  HashList& operator=(HashList&&) noexcept = default;

  HashType type() const { return header_.type; }
  int words() const { return static_cast<int>(header_.words); }
  /// Distinct hashes (entries).
  size_t size() const { return static_cast<size_t>(header_.entryCount); }
  /// Ids over all entries (>= size(): merged duplicates keep every id).
  size_t idCount() const { return static_cast<size_t>(header_.idCount); }
  const hsl::Checksum& checksum() const { return header_.checksum; }
  uint64_t fileBytes() const { return header_.fileSize; }
  /// The luma rounding the builder declared for the PDQ hashes (Unknown when it did not).
  hsl::PdqLuma pdqLuma() const { return header_.pdqLuma; }

  /// Hashes in the block layout of hsl_format.hpp: paddedEntries(size()) x words() uint64.
  std::span<const uint64_t> packedWords() const { return packed_; }
  /// Entry i as a Hash256 (pHash lists fill w[0] only).
  Hash256 hash(size_t i) const;
  std::string hashHex(size_t i) const;
  /// 0..100, or hsl::kQualityUnknown.
  uint8_t quality(size_t i) const { return quality_[i]; }
  size_t idCountOf(size_t i) const { return idStart_[i + 1] - idStart_[i]; }
  /// j-th id of entry i (j < idCountOf(i)); views into the mapping, valid while this lives.
  std::string_view id(size_t i, size_t j = 0) const;

  /// Lists built from video frames (vPDQ frame files, `hashsieve hash` video records) say, per
  /// id, which video it is a frame of; the id string is then the video's name.
  bool hasVideos() const { return !idVideo_.empty(); }
  size_t videoCount() const { return static_cast<size_t>(header_.videoCount); }
  /// The video membership of id j of entry i; nullptr when that id is not a video frame.
  const hsl::IdVideo* idVideo(size_t i, size_t j) const;

  /// Entry metadata (hsl_format.hpp, kOffMetaIndex): the compact JSON object of id j of entry
  /// i, or empty when it has none (and for lists without metadata).
  std::string_view meta(size_t i, size_t j = 0) const;
  bool hasMeta() const { return !metaIndex_.empty(); }
  /// The distinct metadata strings (index 0 is the empty one) and the table index of an id.
  size_t metaCount() const { return metaIndex_.empty() ? 0 : metaOffsets_.size() - 1; }
  std::string_view metaString(size_t k) const;
  uint32_t metaIndexOf(size_t i, size_t j) const {
    return metaIndex_.empty() ? 0 : metaIndex_[idStart_[i] + j];
  }

 private:
  HashList() = default;
  void validate(std::span<const std::byte> file, const ListLoadOptions& opts);

  friend class ListSet;  // opens the lists of a bundle over one shared mapping
  static HashList fromMapping(std::shared_ptr<MappedFile> mapping, std::span<const std::byte> file,
                              const ListLoadOptions& opts);

  std::shared_ptr<MappedFile> mapping_;  // one of mapping_ / image_ backs the spans below
  hsl::Image image_;
  hsl::Header header_;
  std::span<const uint64_t> packed_;
  std::span<const uint8_t> quality_;
  std::span<const uint32_t> idStart_;
  std::span<const uint64_t> idOffsets_;
  std::string_view idData_;
  std::span<const hsl::IdVideo> idVideo_;  // empty, or idCount() records
  std::span<const uint32_t> metaIndex_;    // empty, or idCount() table indices
  std::span<const uint64_t> metaOffsets_;
  std::string_view metaData_;
};

}  // namespace hashsieve
