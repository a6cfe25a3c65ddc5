// The .hsl binary hash-list layout: a 256-byte little-endian header, then 64-byte-aligned
// sections (packed hashes, qualities, id index, id strings). Written by list_builder, mapped by
// hash_list. Layout and invariants are described in docs beside encodeHeader().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/core/policy.hpp"

namespace hashsieve {

/// What a list holds. The value is stored in the file; never renumber.
/// Md5/Sha1/Sha256 are cryptographic file digests, matched exactly (exact_index.hpp).
enum class HashType : uint32_t { Pdq = 1, Phash = 2, Md5 = 3, Sha1 = 4, Sha256 = 5 };
inline constexpr HashType kAllHashTypes[] = {HashType::Pdq, HashType::Phash, HashType::Md5,
                                             HashType::Sha1, HashType::Sha256};

/// Perceptual types are matched by Hamming distance; the others by equality.
constexpr bool isPerceptual(HashType t) { return t == HashType::Pdq || t == HashType::Phash; }
/// Hex digits per hash in text form (the digest's bytes, most significant first).
constexpr int hexCharsPerHash(HashType t) {
  switch (t) {
    case HashType::Pdq:
    case HashType::Sha256:
      return 64;
    case HashType::Phash:
      return 16;
    case HashType::Md5:
      return 32;
    case HashType::Sha1:
      return 40;
  }
  return 0;
}
/// 64-bit words per hash: PDQ 256 bits, pHash (imagehash variant) 64, MD5 128, SHA-1 160 in
/// three words (the last 32 bits zero), SHA-256 256. The first hex digits are the most
/// significant word (w[words-1]), so Hash256::operator< orders digests as their bytes.
constexpr int wordsPerHash(HashType t) { return (hexCharsPerHash(t) + 15) / 16; }
/// "pdq", "phash", "md5", "sha1", "sha256".
const char* hashTypeName(HashType t);
/// The type with that name (as hashTypeName writes it; case-insensitive), or false.
bool parseHashTypeName(std::string_view name, HashType& out);
/// Default match threshold (inclusive), host/core/policy.hpp; 0 (equality) for file digests.
constexpr int defaultThreshold(HashType t) {
  return t == HashType::Pdq     ? policy::kPdqMatchThreshold
         : t == HashType::Phash ? policy::kPhashMatchThreshold
                                : 0;
}

namespace hsl {

// "\x89HSL\r\n\x1a\n": the PNG trick, so text-mode transfers and truncation to 7 bits show.
inline constexpr std::array<uint8_t, 8> kMagic = {0x89, 'H', 'S', 'L', '\r', '\n', 0x1a, '\n'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderBytes = 256;
/// Section offsets are multiples of this: cache-line and AVX-512 aligned in an mmap.
inline constexpr size_t kSectionAlign = 64;
/// Hashes are stored in blocks of this many entries, word-major inside a block (word j of the
/// 8 entries is contiguous), so one SIMD load or one coalesced GPU read covers 8 entries.
inline constexpr int kBlockEntries = 8;
/// Quality byte for entries whose source gave none.
inline constexpr uint8_t kQualityUnknown = 255;
/// PDQ quality runs 0..100.
inline constexpr uint8_t kQualityMax = policy::kPdqMaxQuality;

/// Sections in file order.
///  Hashes:       ceil(count/8) blocks x words x 8 lanes, uint64; padding lanes are zero.
///  Quality:      count x uint8 (0..100, or kQualityUnknown).
///  EntryIdStart: (count+1) x uint32; entry i owns ids [start[i], start[i+1]), at least one.
///  IdOffsets:    (idCount+1) x uint64; id k is IdData[off[k], off[k+1]).
///  IdData:       the id strings (UTF-8, not terminated).
enum Section : int { kHashes, kQuality, kEntryIdStart, kIdOffsets, kIdData, kSectionCount };

struct SectionRef {
  uint64_t offset = 0;
  uint64_t size = 0;
};

/// Byte offsets inside the header; everything not listed is reserved and zero.
inline constexpr size_t kOffMagic = 0;        // 8 bytes
inline constexpr size_t kOffVersion = 8;      // uint32
inline constexpr size_t kOffType = 12;        // uint32 HashType
inline constexpr size_t kOffFileSize = 16;    // uint64, the whole file
inline constexpr size_t kOffEntryCount = 24;  // uint64, distinct hashes
inline constexpr size_t kOffIdCount = 32;     // uint64, ids over all entries
inline constexpr size_t kOffWords = 40;       // uint32, words per hash
inline constexpr size_t kOffBlock = 44;       // uint32, kBlockEntries
inline constexpr size_t kOffSections = 48;    // kSectionCount x (uint64 offset, uint64 size)
inline constexpr size_t kOffChecksum = 128;   // 32 bytes SHA-256, see fileChecksum()
inline constexpr size_t kChecksumBytes = 32;
/// Optional video section (lists with video frames): (uint64 offset, uint64 size), then the
/// uint64 number of videos. All zero in lists without videos, which keeps their bytes (and a
/// reader that predates the section still matches their frames, without video grouping).
inline constexpr size_t kOffVideoSection = 160;
inline constexpr size_t kOffVideoCount = 176;
/// Optional entry metadata (all zero when the list has none): per id a uint32 index into a
/// table of distinct metadata strings (0 = none), then the table as (count+1) uint64 offsets
/// and the string bytes. Each string is a compact JSON object (category, source, member,
/// timestamp, tags, ... as the source format gave them). Three (offset, size) pairs, then the
/// uint64 number of strings (index 0, the empty string, included).
inline constexpr size_t kOffMetaIndex = 184;
inline constexpr size_t kOffMetaOffsets = 200;
inline constexpr size_t kOffMetaData = 216;
inline constexpr size_t kOffMetaCount = 232;
/// uint32 PdqLuma: the luma rounding the list's PDQ hashes were made with, as its builder
/// declared it. Zero (unknown) in lists built without it, and in lists of other types.
inline constexpr size_t kOffPdqLuma = 240;

/// PDQ's two luma roundings give hashes a few bits apart on small pictures (README), so a
/// list says which one made it: `reference` (Meta's C++ library, hashsieve's default) or
/// `float64` (the pdqhash binding: python-threatexchange, HMA).
enum class PdqLuma : uint32_t { Unknown = 0, Reference = 1, Float64 = 2 };
/// "reference", "float64" or "unknown".
const char* pdqLumaName(PdqLuma l);

/// Per id of a list with videos, in the IdVideo section after IdData (64-byte aligned):
/// idCount records. A video-frame id's string is its video's name.
struct IdVideo {
  uint32_t video;   // 0..videoCount-1, or kNoVideo for ids that are not video frames
  uint8_t quality;  // the frame's PDQ quality 0..100 (max over repeats), or kQualityUnknown
  uint8_t reserved[3];
  int64_t frame;  // the frame number (vPDQ frameNumber); -1 for kNoVideo
};
static_assert(sizeof(IdVideo) == 16, "IdVideo is a 16-byte on-disk record");
inline constexpr uint32_t kNoVideo = 0xffffffffu;

struct Header {
  uint32_t version = kVersion;
  HashType type = HashType::Pdq;
  uint64_t fileSize = 0;
  uint64_t entryCount = 0;
  uint64_t idCount = 0;
  uint32_t words = 0;
  uint32_t blockEntries = kBlockEntries;
  std::array<SectionRef, kSectionCount> sections{};
  std::array<uint8_t, kChecksumBytes> checksum{};
  SectionRef videoSection;  // size 0: no videos
  uint64_t videoCount = 0;
  SectionRef metaIndex, metaOffsets, metaData;  // size 0: no metadata
  uint64_t metaCount = 0;
  PdqLuma pdqLuma = PdqLuma::Unknown;
};

using Checksum = std::array<uint8_t, kChecksumBytes>;

/// Writes `h` into out[0, kHeaderBytes) (reserved bytes zeroed).
void encodeHeader(const Header& h, std::span<std::byte> out);
/// Reads the header fields from the first kHeaderBytes of `file`; throws FormatError when the
/// file is shorter than a header or the magic differs. Does not validate sections.
Header decodeHeader(std::span<const std::byte> file);
/// SHA-256 of the whole file with the checksum field read as zeros: any changed byte, header
/// included, changes it. `file` must be at least kHeaderBytes long.
Checksum fileChecksum(std::span<const std::byte> file);
std::string checksumHex(const Checksum& c);

/// A whole .hsl file in memory, 8-byte aligned (the builder's output, tests' fixtures).
struct Image {
  std::vector<uint64_t> storage;
  size_t bytes = 0;  // file size; storage holds it rounded up to 8
  std::span<const std::byte> view() const {
    return {reinterpret_cast<const std::byte*>(storage.data()), bytes};
  }
  std::span<std::byte> view() { return {reinterpret_cast<std::byte*>(storage.data()), bytes}; }
};

/// Writes the image to `path` (through a temporary file renamed into place, so a reader never
/// sees half a list). Throws InputError("unwritable") on failure.
void writeImage(const Image& image, const std::filesystem::path& path);

/// Entries rounded up to whole blocks.
constexpr uint64_t paddedEntries(uint64_t count) {
  return (count + kBlockEntries - 1) / kBlockEntries * kBlockEntries;
}
/// Index of word `word` of entry `entry` in the Hashes section (as uint64 elements).
constexpr uint64_t wordIndex(uint64_t entry, int word, int words) {
  return (entry / kBlockEntries * words + static_cast<uint64_t>(word)) * kBlockEntries +
         entry % kBlockEntries;
}

}  // namespace hsl
}  // namespace hashsieve
