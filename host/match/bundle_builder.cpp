// Per-type list builders behind one entry sink.
#include "host/match/bundle_builder.hpp"

#include <functional>

#include "host/core/errors.hpp"
#include "host/match/list_set.hpp"

namespace hashsieve {

ListBuilder& BundleBuilder::builder(HashType type) {
  return builders_.try_emplace(type, type).first->second;
}

void BundleBuilder::reserve(HashType type, size_t entries, size_t idBytes) {
  builder(type).reserve(entries, idBytes);
}

void BundleBuilder::add(const ListEntryView& e) {
  ListBuilder& b = builder(e.type);
  if (e.frames.empty()) return b.add(e.hash, e.quality, e.id, e.meta);
  // A video entry: every frame is a list entry of its own, grouped under the video's name.
  for (const ListVideoFrame& f : e.frames) b.addVideoFrame(f.hash, f.quality, e.id, f.frame);
}

void BundleBuilder::remove(std::string_view id, bool deletion) {
  // Only ids seen before need the builders' removal (which remembers the id); a hash collision
  // costs a removal that finds nothing.
  const uint64_t h = std::hash<std::string_view>{}(id);
  const bool seen = !seen_.insert(h).second;
  if (!deletion && !seen) return;
  for (auto& [type, b] : builders_) b.removeId(id);
}

hsl::Image BundleBuilder::build(std::vector<TypeSummary>* summaries) {
  if (builders_.empty()) throw FormatError("no entries to build a list from");
  std::vector<hsl::Image> images;
  for (auto& [type, b] : builders_) {
    ListBuilder::Summary s;
    b.setPdqLuma(pdqLuma_);
    images.push_back(b.build(&s));
    if (summaries) summaries->push_back({type, s});
  }
  builders_.clear();
  seen_.clear();
  return hsl::bundleImages(images);
}

}  // namespace hashsieve
