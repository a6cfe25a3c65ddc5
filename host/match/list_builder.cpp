// Sorting, duplicate merging and serialisation of hash lists into the .hsl layout.
#include "host/match/list_builder.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "host/core/errors.hpp"

namespace hashsieve {
namespace {

uint64_t alignUp(uint64_t v) { return (v + hsl::kSectionAlign - 1) / hsl::kSectionAlign * hsl::kSectionAlign; }

}  // namespace

void ListBuilder::add(const Hash256& hash, int quality, std::string_view id) {
  if (id.size() > std::numeric_limits<uint32_t>::max()) throw FormatError("list id too long");
  if (pending_.size() >= std::numeric_limits<uint32_t>::max())
    throw FormatError("more than 2^32 list entries");
  Hash256 h = hash;
  if (type_ == HashType::Phash) h.w[1] = h.w[2] = h.w[3] = 0;
  const int16_t q = (quality >= 0 && quality <= 100) ? static_cast<int16_t>(quality) : int16_t{-1};
  pending_.push_back({h, ids_.size(), static_cast<uint32_t>(id.size()), q});
  ids_.append(id);
}

hsl::Image ListBuilder::build(Summary* summary) {
  // Stable on equal hashes, so merged ids keep their input order (deterministic output).
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const Pending& a, const Pending& b) { return a.hash < b.hash; });

  // Group runs of equal hashes; within a run drop ids already seen (a list read twice).
  std::vector<uint32_t> entryIdStart{0};
  std::vector<uint32_t> idRefs;  // index into pending_ of each id written
  std::vector<uint8_t> quality;
  std::vector<size_t> runStarts;
  idRefs.reserve(pending_.size());
  std::unordered_set<std::string_view> seen;
  auto idOf = [&](const Pending& p) { return std::string_view(ids_).substr(p.idOffset, p.idLength); };
  size_t merged = 0;
  for (size_t i = 0; i < pending_.size();) {
    size_t j = i + 1;
    while (j < pending_.size() && pending_[j].hash == pending_[i].hash) ++j;
    int q = -1;
    seen.clear();
    for (size_t r = i; r < j; ++r) {
      q = std::max<int>(q, pending_[r].quality);
      // The set is only needed for real duplicates (most runs have one member).
      if (j - i == 1 || seen.insert(idOf(pending_[r])).second) idRefs.push_back(static_cast<uint32_t>(r));
    }
    if (idRefs.size() > std::numeric_limits<uint32_t>::max()) throw FormatError("more than 2^32 list ids");
    merged += j - i - 1;
    runStarts.push_back(i);
    quality.push_back(q < 0 ? hsl::kQualityUnknown : static_cast<uint8_t>(q));
    entryIdStart.push_back(static_cast<uint32_t>(idRefs.size()));
    i = j;
  }
  const uint64_t count = runStarts.size();
  const uint64_t idCount = idRefs.size();
  uint64_t idBytes = 0;
  for (uint32_t r : idRefs) idBytes += pending_[r].idLength;

  hsl::Header h;
  h.type = type_;
  h.words = static_cast<uint32_t>(wordsPerHash(type_));
  h.entryCount = count;
  h.idCount = idCount;
  const uint64_t sizes[hsl::kSectionCount] = {hsl::paddedEntries(count) * h.words * 8, count,
                                              (count + 1) * 4, (idCount + 1) * 8, idBytes};
  uint64_t offset = hsl::kHeaderBytes;
  for (int s = 0; s < hsl::kSectionCount; ++s) {
    offset = alignUp(offset);
    h.sections[s] = {offset, sizes[s]};
    offset += sizes[s];
  }
  h.fileSize = offset;

  hsl::Image image;
  image.bytes = offset;
  image.storage.assign((offset + 7) / 8, 0);  // zero: padding lanes and gaps are defined
  std::byte* base = image.view().data();

  auto* words = reinterpret_cast<uint64_t*>(base + h.sections[hsl::kHashes].offset);
  for (uint64_t e = 0; e < count; ++e)
    for (uint32_t w = 0; w < h.words; ++w)
      words[hsl::wordIndex(e, static_cast<int>(w), static_cast<int>(h.words))] =
          pending_[runStarts[e]].hash.w[w];
  std::memcpy(base + h.sections[hsl::kQuality].offset, quality.data(), quality.size());
  std::memcpy(base + h.sections[hsl::kEntryIdStart].offset, entryIdStart.data(),
              entryIdStart.size() * sizeof(uint32_t));
  auto* idOffsets = reinterpret_cast<uint64_t*>(base + h.sections[hsl::kIdOffsets].offset);
  char* idData = reinterpret_cast<char*>(base + h.sections[hsl::kIdData].offset);
  uint64_t pos = 0;
  for (uint64_t k = 0; k < idCount; ++k) {
    const Pending& p = pending_[idRefs[k]];
    idOffsets[k] = pos;
    std::memcpy(idData + pos, ids_.data() + p.idOffset, p.idLength);
    pos += p.idLength;
  }
  idOffsets[idCount] = pos;

  hsl::encodeHeader(h, image.view());
  h.checksum = hsl::fileChecksum(image.view());
  hsl::encodeHeader(h, image.view());

  if (summary) *summary = {count, idCount, merged};
  pending_.clear();
  pending_.shrink_to_fit();
  ids_.clear();
  ids_.shrink_to_fit();
  return image;
}

}  // namespace hashsieve
