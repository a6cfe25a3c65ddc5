// Loading and validating .hsl lists. Every size and offset is checked against the file before
// any section is read, so a truncated or corrupted list is a FormatError, never a wild read.
#include "host/match/hash_list.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "host/core/errors.hpp"
#include "host/match/hash_keys.hpp"

namespace hashsieve {
namespace {

constexpr const char* kSectionNames[hsl::kSectionCount] = {"hashes", "quality", "entry-id-start",
                                                           "id-offsets", "id-data"};

[[noreturn]] void fail(const std::string& what) { throw FormatError("corrupt .hsl list: " + what); }

// a * b, or fail when it overflows 64 bits (a crafted count must not wrap a size check).
uint64_t mulChecked(uint64_t a, uint64_t b, const char* what) {
  if (b != 0 && a > std::numeric_limits<uint64_t>::max() / b)
    fail(std::string(what) + " overflows");
  return a * b;
}

template <typename T>
std::span<const T> sectionSpan(std::span<const std::byte> file, const hsl::SectionRef& s) {
  return {reinterpret_cast<const T*>(file.data() + s.offset),
          static_cast<size_t>(s.size / sizeof(T))};
}

}  // namespace

HashList HashList::open(const std::filesystem::path& path, const ListLoadOptions& opts) {
  HashList list;
  list.mapping_ = std::make_shared<MappedFile>(path);
  try {
    list.validate(list.mapping_->bytes(), opts);
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
  return list;
}

HashList HashList::fromMapping(std::shared_ptr<MappedFile> mapping, std::span<const std::byte> file,
                               const ListLoadOptions& opts) {
  HashList list;
  list.mapping_ = std::move(mapping);
  list.validate(file, opts);
  return list;
}

HashList HashList::fromImage(hsl::Image image, const ListLoadOptions& opts) {
  HashList list;
  list.image_ = std::move(image);
  list.validate(list.image_.view(), opts);
  return list;
}

void HashList::validate(std::span<const std::byte> file, const ListLoadOptions& opts) {
  // 1. Header fields, from the header bytes only.
  const hsl::Header h = hsl::decodeHeader(file);
  if (h.version != hsl::kVersion)
    throw FormatError("unsupported .hsl version " + std::to_string(h.version) +
                      " (this build reads " + std::to_string(hsl::kVersion) + ")");
  if (std::find(std::begin(kAllHashTypes), std::end(kAllHashTypes), h.type) ==
      std::end(kAllHashTypes))
    fail("unknown hash type " + std::to_string(static_cast<uint32_t>(h.type)));
  if (h.words != static_cast<uint32_t>(wordsPerHash(h.type))) fail("words per hash mismatch");
  if (h.blockEntries != hsl::kBlockEntries) fail("block size mismatch");
  if (h.fileSize != file.size())
    fail("header says " + std::to_string(h.fileSize) + " bytes, file has " +
         std::to_string(file.size()) + " (truncated?)");
  if (h.entryCount > std::numeric_limits<uint32_t>::max() ||
      h.idCount > std::numeric_limits<uint32_t>::max())
    fail("entry or id count beyond 2^32");
  if (h.idCount < h.entryCount) fail("fewer ids than entries");

  // 2. Section geometry: sizes implied by the counts, alignment, in bounds, in order.
  const uint64_t expected[hsl::kSectionCount] = {
      mulChecked(mulChecked(hsl::paddedEntries(h.entryCount), h.words, "hashes"), 8, "hashes"),
      h.entryCount, (h.entryCount + 1) * 4, (h.idCount + 1) * 8, 0};
  uint64_t prevEnd = hsl::kHeaderBytes;
  for (int s = 0; s < hsl::kSectionCount; ++s) {
    const auto& sec = h.sections[s];
    const std::string name = kSectionNames[s];
    if (s != hsl::kIdData && sec.size != expected[s]) fail(name + " section has the wrong size");
    if (sec.offset % hsl::kSectionAlign != 0) fail(name + " section is misaligned");
    if (sec.offset < prevEnd) fail(name + " section overlaps the previous one");
    if (sec.offset > file.size() || sec.size > file.size() - sec.offset)
      fail(name + " section runs past the end of the file");
    prevEnd = sec.offset + sec.size;
  }

  // The optional video section follows the id data (hsl_format.hpp, kOffVideoSection).
  const bool videos = h.videoSection.offset != 0 || h.videoSection.size != 0 || h.videoCount != 0;
  if (videos) {
    const auto& sec = h.videoSection;
    if (h.videoCount == 0 || h.videoCount > h.idCount) fail("video count out of range");
    if (sec.size != mulChecked(h.idCount, sizeof(hsl::IdVideo), "video section"))
      fail("video section has the wrong size");
    if (sec.offset % hsl::kSectionAlign != 0) fail("video section is misaligned");
    if (sec.offset < prevEnd) fail("video section overlaps the previous one");
    if (sec.offset > file.size() || sec.size > file.size() - sec.offset)
      fail("video section runs past the end of the file");
  }

  // The optional metadata sections follow (hsl_format.hpp, kOffMetaIndex).
  const bool meta = h.metaIndex.size != 0 || h.metaIndex.offset != 0 || h.metaCount != 0;
  if (meta) {
    // Strings of removed entries may stay in the table, so only the section sizes bound it.
    if (h.metaCount == 0 || h.metaCount == std::numeric_limits<uint64_t>::max())
      fail("metadata count out of range");
    if (h.metaIndex.size != mulChecked(h.idCount, 4, "metadata index"))
      fail("metadata index has the wrong size");
    if (h.metaOffsets.size != mulChecked(h.metaCount + 1, 8, "metadata offsets"))
      fail("metadata offsets have the wrong size");
    uint64_t end = videos ? h.videoSection.offset + h.videoSection.size : prevEnd;
    for (const auto* sec : {&h.metaIndex, &h.metaOffsets, &h.metaData}) {
      if (sec->offset % hsl::kSectionAlign != 0) fail("metadata section is misaligned");
      if (sec->offset < end) fail("metadata section overlaps the previous one");
      if (sec->offset > file.size() || sec->size > file.size() - sec->offset)
        fail("metadata section runs past the end of the file");
      end = sec->offset + sec->size;
    }
  }

  // 3. Content checksum (now known to read only inside the file).
  if (opts.verifyChecksum && hsl::fileChecksum(file) != h.checksum)
    fail("checksum mismatch (the file was modified or damaged)");

  // 4. The id index, which later lookups trust: monotone and ending at the section sizes.
  const auto idStart = sectionSpan<uint32_t>(file, h.sections[hsl::kEntryIdStart]);
  const auto idOffsets = sectionSpan<uint64_t>(file, h.sections[hsl::kIdOffsets]);
  if (idStart.front() != 0 || idStart.back() != h.idCount) fail("id index does not cover the ids");
  for (size_t i = 1; i < idStart.size(); ++i)
    if (idStart[i] <= idStart[i - 1]) fail("entry without ids or id index out of order");
  if (idOffsets.front() != 0 || idOffsets.back() != h.sections[hsl::kIdData].size)
    fail("id offsets do not cover the id data");
  for (size_t k = 1; k < idOffsets.size(); ++k)
    if (idOffsets[k] < idOffsets[k - 1]) fail("id offsets out of order");

  std::span<const hsl::IdVideo> idVideo;
  if (videos) {
    // Matching trusts these: every video ordinal in range, every quality a quality.
    idVideo = sectionSpan<hsl::IdVideo>(file, h.videoSection);
    for (const hsl::IdVideo& v : idVideo) {
      if (v.video != hsl::kNoVideo && v.video >= h.videoCount) fail("video ordinal out of range");
      if (v.quality > hsl::kQualityMax && v.quality != hsl::kQualityUnknown)
        fail("frame quality out of range");
    }
  }

  if (meta) {
    // Lookups trust these: indices within the table, offsets monotone and covering the data.
    const auto offsets = sectionSpan<uint64_t>(file, h.metaOffsets);
    if (offsets.front() != 0 || offsets.back() != h.metaData.size)
      fail("metadata offsets do not cover the metadata");
    for (size_t k = 1; k < offsets.size(); ++k)
      if (offsets[k] < offsets[k - 1]) fail("metadata offsets out of order");
    metaIndex_ = sectionSpan<uint32_t>(file, h.metaIndex);
    for (uint32_t k : metaIndex_)
      if (k >= h.metaCount) fail("metadata index out of range");
    metaOffsets_ = offsets;
    metaData_ = {reinterpret_cast<const char*>(file.data() + h.metaData.offset),
                 static_cast<size_t>(h.metaData.size)};
  }

  header_ = h;
  idVideo_ = idVideo;
  packed_ = sectionSpan<uint64_t>(file, h.sections[hsl::kHashes]);
  quality_ = sectionSpan<uint8_t>(file, h.sections[hsl::kQuality]);
  idStart_ = idStart;
  idOffsets_ = idOffsets;
  const auto& idData = h.sections[hsl::kIdData];
  idData_ = {reinterpret_cast<const char*>(file.data() + idData.offset),
             static_cast<size_t>(idData.size)};
}

Hash256 HashList::hash(size_t i) const {
  Hash256 h;
  for (int j = 0; j < words(); ++j) h.w[j] = packed_[hsl::wordIndex(i, j, words())];
  return h;
}

std::string HashList::hashHex(size_t i) const { return typedHashHex(hash(i), type()); }

std::string_view HashList::meta(size_t i, size_t j) const { return metaString(metaIndexOf(i, j)); }

std::string_view HashList::metaString(size_t k) const {
  if (metaIndex_.empty()) return {};
  return metaData_.substr(metaOffsets_[k], metaOffsets_[k + 1] - metaOffsets_[k]);
}

const hsl::IdVideo* HashList::idVideo(size_t i, size_t j) const {
  if (idVideo_.empty()) return nullptr;
  const hsl::IdVideo& v = idVideo_[idStart_[i] + j];
  return v.video == hsl::kNoVideo ? nullptr : &v;
}

std::string_view HashList::id(size_t i, size_t j) const {
  const size_t k = idStart_[i] + j;
  return idData_.substr(idOffsets_[k], idOffsets_[k + 1] - idOffsets_[k]);
}

}  // namespace hashsieve
