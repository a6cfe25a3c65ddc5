// Sorting, duplicate merging and serialisation of hash lists into the .hsl layout.
#include "host/match/list_builder.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "host/core/errors.hpp"

namespace hashsieve {
namespace {

/// memcpy that accepts an empty source (an empty list's vectors have null data()).
void copyBytes(void* dst, const void* src, size_t n) {
  if (n > 0) std::memcpy(dst, src, n);
}

uint64_t alignUp(uint64_t v) {
  return (v + hsl::kSectionAlign - 1) / hsl::kSectionAlign * hsl::kSectionAlign;
}

}  // namespace

void ListBuilder::add(const Hash256& hash, int quality, std::string_view id,
                      std::string_view meta) {
  if (id.size() > std::numeric_limits<uint32_t>::max()) throw FormatError("list id too long");
  if (pending_.size() >= std::numeric_limits<uint32_t>::max())
    throw FormatError("more than 2^32 list entries");
  Hash256 h = hash;
  if (type_ == HashType::Phash) h.w[1] = h.w[2] = h.w[3] = 0;
  const int16_t q = (quality >= 0 && quality <= 100) ? static_cast<int16_t>(quality) : int16_t{-1};
  uint32_t metaRef = 0;
  if (!meta.empty()) {
    const auto [it, fresh] =
        metaIndex_.try_emplace(std::string(meta), static_cast<uint32_t>(metaStrings_.size()));
    if (fresh) metaStrings_.emplace_back(meta);
    metaRef = it->second;
  }
  pending_.push_back({h, ids_.size(), static_cast<uint32_t>(id.size()), metaRef, q});
  ids_.append(id);
  if (!frames_.empty()) frames_.push_back(-1);
}

void ListBuilder::removeId(std::string_view id) {
  size_t& before = removedBefore_[std::string(id)];
  before = pending_.size();
}

void ListBuilder::addVideoFrame(const Hash256& hash, int quality, std::string_view video,
                                int64_t frame) {
  if (frame < 0) throw FormatError("negative video frame number");
  add(hash, quality, video);
  frames_.resize(pending_.size(), -1);  // the first frame fills in the inputs before it
  frames_.back() = frame;
}

void ListBuilder::writeVideoSection(std::span<const uint32_t> idRefs,
                                    std::span<const int16_t> idQuality, hsl::Header& h,
                                    std::span<std::byte> file) const {
  // Videos are numbered by first appearance in the input, so the file does not depend on
  // hash order or hashing of names.
  std::unordered_map<std::string_view, uint32_t> ordinal;
  for (uint32_t i = 0; i < pending_.size(); ++i)
    if (isFrame(i))
      ordinal.try_emplace(std::string_view(ids_).substr(pending_[i].idOffset, pending_[i].idLength),
                          static_cast<uint32_t>(ordinal.size()));
  auto* out = reinterpret_cast<hsl::IdVideo*>(file.data() + h.videoSection.offset);
  for (size_t k = 0; k < idRefs.size(); ++k) {
    const uint32_t i = idRefs[k];
    hsl::IdVideo v{hsl::kNoVideo, hsl::kQualityUnknown, {0, 0, 0}, -1};
    if (isFrame(i)) {
      v.video =
          ordinal.at(std::string_view(ids_).substr(pending_[i].idOffset, pending_[i].idLength));
      v.quality = idQuality[k] < 0 ? hsl::kQualityUnknown : static_cast<uint8_t>(idQuality[k]);
      v.frame = frames_[i];
    }
    std::memcpy(out + k, &v, sizeof v);
  }
  h.videoCount = ordinal.size();
}

std::vector<ListBuilder::SortKey> ListBuilder::sortedKeys() const {
  // A counting sort on the top kBucketBits of the most significant word (256 write streams:
  // few enough to stay cache- and TLB-friendly while scattering), then the buckets sorted by
  // (hash, input index), shared between threads. Equal hashes keep their input order, so
  // merged ids do too.
  constexpr int kBucketBits = 8;
  constexpr size_t kBuckets = size_t{1} << kBucketBits;
  const int top = wordsPerHash(type_) - 1;
  auto bucketOf = [&](const Hash256& h) {
    return static_cast<size_t>(h.w[top] >> (64 - kBucketBits));
  };
  // Inputs dropped by removeId take no part.
  std::vector<char> dropped;
  if (!removedBefore_.empty()) {
    dropped.assign(pending_.size(), 0);
    for (size_t i = 0; i < pending_.size(); ++i) {
      const auto it = removedBefore_.find(std::string(idOf(pending_[i])));
      dropped[i] = it != removedBefore_.end() && i < it->second;
    }
  }
  auto live = [&](size_t i) { return dropped.empty() || !dropped[i]; };
  std::vector<size_t> start(kBuckets + 1, 0);
  for (size_t i = 0; i < pending_.size(); ++i)
    if (live(i)) ++start[bucketOf(pending_[i].hash) + 1];
  for (size_t b = 0; b < kBuckets; ++b) start[b + 1] += start[b];
  std::vector<SortKey> keys(start[kBuckets]);
  {
    std::vector<size_t> next(start.begin(), start.end() - 1);
    for (size_t i = 0; i < pending_.size(); ++i)
      if (live(i))
        keys[next[bucketOf(pending_[i].hash)]++] = {pending_[i].hash, static_cast<uint32_t>(i),
                                                    pending_[i].quality};
  }
  const size_t parts = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  auto sortBuckets = [&](size_t part) {
    // This part sorts the buckets that begin in its share of the keys.
    const size_t lo = keys.size() * part / parts, hi = keys.size() * (part + 1) / parts;
    const auto sentinel = start.begin() + static_cast<std::ptrdiff_t>(kBuckets);
    for (size_t b =
             static_cast<size_t>(std::lower_bound(start.begin(), sentinel, lo) - start.begin());
         b < kBuckets && start[b] < hi; ++b)
      std::sort(keys.begin() + static_cast<std::ptrdiff_t>(start[b]),
                keys.begin() + static_cast<std::ptrdiff_t>(start[b + 1]),
                [](const SortKey& a, const SortKey& c) {
                  return a.hash != c.hash ? a.hash < c.hash : a.index < c.index;
                });
  };
  {
    std::vector<std::jthread> workers;
    for (size_t p = 1; p < parts; ++p) workers.emplace_back(sortBuckets, p);
    sortBuckets(0);
  }
  return keys;
}

void ListBuilder::reserve(size_t entries, size_t idBytes) {
  pending_.reserve(entries);
  ids_.reserve(idBytes);
}

ListBuilder::Grouped ListBuilder::group(const std::vector<SortKey>& keys) const {
  // Runs of equal hashes become one entry; within a run drop ids already seen (a list read
  // twice). Lists with video frames keep, per id written, its frame quality (max over repeats
  // of one hash in one video, which keep one id).
  Grouped g;
  g.idRefs.reserve(keys.size());
  g.quality.reserve(keys.size());
  g.runStarts.reserve(keys.size());
  g.entryIdStart.reserve(keys.size() + 1);
  std::unordered_set<std::string_view> seen;
  const bool videos = !frames_.empty();
  std::unordered_map<std::string_view, size_t> seenFrames;  // a repeated frame id's position
  auto keep = [&](uint32_t index) {
    g.idRefs.push_back(index);
    if (videos) g.idQuality.push_back(pending_[index].quality);
  };
  for (size_t i = 0; i < keys.size();) {
    size_t j = i + 1;
    while (j < keys.size() && keys[j].hash == keys[i].hash) ++j;
    int q = -1;
    seen.clear();
    seenFrames.clear();
    for (size_t r = i; r < j; ++r) {
      const uint32_t index = keys[r].index;
      q = std::max<int>(q, keys[r].quality);
      // The sets are only needed for real duplicates (most runs have one member).
      if (j - i == 1) {
        keep(index);
      } else if (isFrame(index)) {
        const auto [at, fresh] = seenFrames.try_emplace(idOf(pending_[index]), g.idRefs.size());
        if (fresh)
          keep(index);
        else
          g.idQuality[at->second] = std::max(g.idQuality[at->second], keys[r].quality);
      } else if (seen.insert(idOf(pending_[index])).second) {
        keep(index);
      }
    }
    if (g.idRefs.size() > std::numeric_limits<uint32_t>::max())
      throw FormatError("more than 2^32 list ids");
    g.merged += j - i - 1;
    g.runStarts.push_back(static_cast<uint32_t>(i));
    g.quality.push_back(q < 0 ? hsl::kQualityUnknown : static_cast<uint8_t>(q));
    g.entryIdStart.push_back(static_cast<uint32_t>(g.idRefs.size()));
    i = j;
  }
  return g;
}

hsl::Header ListBuilder::layout(const Grouped& g) const {
  const uint64_t count = g.runStarts.size();
  const uint64_t idCount = g.idRefs.size();
  uint64_t idBytes = 0;
  for (uint32_t r : g.idRefs) idBytes += pending_[r].idLength;
  hsl::Header h;
  h.type = type_;
  if (type_ == HashType::Pdq) h.pdqLuma = pdqLuma_;
  h.words = static_cast<uint32_t>(wordsPerHash(type_));
  h.entryCount = count;
  h.idCount = idCount;
  const uint64_t sizes[hsl::kSectionCount] = {hsl::paddedEntries(count) * h.words * 8, count,
                                              (count + 1) * 4, (idCount + 1) * 8, idBytes};
  uint64_t offset = hsl::kHeaderBytes;
  auto place = [&](uint64_t size) {
    offset = alignUp(offset);
    const hsl::SectionRef s{offset, size};
    offset += size;
    return s;
  };
  for (int s = 0; s < hsl::kSectionCount; ++s) h.sections[s] = place(sizes[s]);
  if (!frames_.empty()) h.videoSection = place(idCount * sizeof(hsl::IdVideo));
  if (metaStrings_.size() > 1) {
    uint64_t metaBytes = 0;
    for (const std::string& m : metaStrings_) metaBytes += m.size();
    h.metaCount = metaStrings_.size();
    h.metaIndex = place(idCount * 4);
    h.metaOffsets = place((h.metaCount + 1) * 8);
    h.metaData = place(metaBytes);
  }
  h.fileSize = offset;
  return h;
}

void ListBuilder::write(const std::vector<SortKey>& keys, const Grouped& g, hsl::Header& h,
                        std::span<std::byte> file) const {
  std::byte* base = file.data();
  const uint64_t count = h.entryCount, idCount = h.idCount;
  auto* words = reinterpret_cast<uint64_t*>(base + h.sections[hsl::kHashes].offset);
  for (uint64_t e = 0; e < count; ++e)
    for (uint32_t w = 0; w < h.words; ++w)
      words[hsl::wordIndex(e, static_cast<int>(w), static_cast<int>(h.words))] =
          keys[g.runStarts[e]].hash.w[w];
  copyBytes(base + h.sections[hsl::kQuality].offset, g.quality.data(), g.quality.size());
  copyBytes(base + h.sections[hsl::kEntryIdStart].offset, g.entryIdStart.data(),
            g.entryIdStart.size() * sizeof(uint32_t));
  auto* idOffsets = reinterpret_cast<uint64_t*>(base + h.sections[hsl::kIdOffsets].offset);
  char* idData = reinterpret_cast<char*>(base + h.sections[hsl::kIdData].offset);
  uint64_t pos = 0;
  for (uint64_t k = 0; k < idCount; ++k) {
    const Pending& p = pending_[g.idRefs[k]];
    idOffsets[k] = pos;
    copyBytes(idData + pos, ids_.data() + p.idOffset, p.idLength);
    pos += p.idLength;
  }
  idOffsets[idCount] = pos;
  if (!frames_.empty()) writeVideoSection(g.idRefs, g.idQuality, h, file);
  if (h.metaCount > 0) {
    auto* index = reinterpret_cast<uint32_t*>(base + h.metaIndex.offset);
    for (uint64_t k = 0; k < idCount; ++k) index[k] = pending_[g.idRefs[k]].meta;
    auto* offsets = reinterpret_cast<uint64_t*>(base + h.metaOffsets.offset);
    char* data = reinterpret_cast<char*>(base + h.metaData.offset);
    uint64_t at = 0;
    for (size_t k = 0; k < metaStrings_.size(); ++k) {
      offsets[k] = at;
      copyBytes(data + at, metaStrings_[k].data(), metaStrings_[k].size());
      at += metaStrings_[k].size();
    }
    offsets[metaStrings_.size()] = at;
  }
}

hsl::Image ListBuilder::build(Summary* summary) {
  const std::vector<SortKey> keys = sortedKeys();
  const Grouped grouped = group(keys);
  hsl::Header h = layout(grouped);
  hsl::Image image;
  image.bytes = h.fileSize;
  image.storage.assign((h.fileSize + 7) / 8, 0);  // zero: padding lanes and gaps are defined
  write(keys, grouped, h, image.view());
  hsl::encodeHeader(h, image.view());
  h.checksum = hsl::fileChecksum(image.view());
  hsl::encodeHeader(h, image.view());

  if (summary)
    *summary = {static_cast<size_t>(h.entryCount), static_cast<size_t>(h.idCount), grouped.merged,
                static_cast<size_t>(h.videoCount), pending_.size() - keys.size()};
  pending_.clear();
  pending_.shrink_to_fit();
  ids_.clear();
  ids_.shrink_to_fit();
  frames_.clear();
  frames_.shrink_to_fit();
  metaStrings_.assign(1, std::string());
  metaIndex_.clear();
  removedBefore_.clear();
  return image;
}

}  // namespace hashsieve
