// The lists of one .hsl file: a single list (every .hsl written before bundles), or a bundle of
// several lists of different types built from one source (PDQ + MD5 + SHA-1 entries sharing ids
// and metadata), so an operator loads one file per source.
//
// Bundle layout (little-endian): a 256-byte header, magic "\x89HSB\r\n\x1a\n", uint32 version
// at 8, uint32 list count at 12, uint64 file size at 16, then at 64 up to kMaxBundleLists
// (uint64 offset, uint64 size) pairs, one per embedded list, and at 192 the SHA-256 of the
// header with that field read as zeros. Each embedded list is a complete .hsl image (its own
// header and whole-image checksum) at a 64-byte-aligned offset, in ascending type order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "host/match/hash_list.hpp"

namespace hashsieve {

namespace hsl {
inline constexpr std::array<uint8_t, 8> kBundleMagic = {0x89, 'H',  'S',  'B',
                                                        '\r', '\n', 0x1a, '\n'};
inline constexpr uint32_t kBundleVersion = 1;
inline constexpr size_t kMaxBundleLists = 8;
inline constexpr size_t kOffBundleLists = 64;
inline constexpr size_t kOffBundleChecksum = 192;

/// One file holding `images` (one plain .hsl image when there is exactly one; a bundle
/// otherwise). Throws std::logic_error on zero or more than kMaxBundleLists images.
Image bundleImages(std::span<const Image> images);
}  // namespace hsl

class ListSet {
 public:
  /// Maps a .hsl list or bundle and validates every list in it (ListLoadOptions as for
  /// HashList::open). Throws FormatError naming the file for anything malformed.
  static ListSet open(const std::filesystem::path& path, const ListLoadOptions& opts = {});
  /// From an in-memory image (a list or a bundle).
  static ListSet fromImage(hsl::Image image, const ListLoadOptions& opts = {});

  ListSet(ListSet&&) noexcept = default;
  ListSet& operator=(ListSet&&) noexcept = default;

  bool isBundle() const { return bundle_; }
  std::span<const HashList> lists() const { return lists_; }
  /// Entries over all lists.
  size_t totalEntries() const {
    size_t n = 0;
    for (const HashList& l : lists_) n += l.size();
    return n;
  }
  /// The list of that type, or nullptr.
  const HashList* find(HashType type) const;
  /// The first perceptual (PDQ, then pHash) list, or nullptr: what the Hamming matchers run on.
  const HashList* perceptual() const;
  /// Bytes of the whole file; for a single list, its checksum (a bundle: of its header).
  uint64_t fileBytes() const { return fileBytes_; }
  const hsl::Checksum& checksum() const { return checksum_; }

 private:
  ListSet() = default;
  void openBundle(const std::shared_ptr<MappedFile>& mapping, std::span<const std::byte> file,
                  const ListLoadOptions& opts);

  std::vector<HashList> lists_;
  hsl::Image image_;  // backs an in-memory bundle
  bool bundle_ = false;
  uint64_t fileBytes_ = 0;
  hsl::Checksum checksum_{};
};

}  // namespace hashsieve
