// Grouping a list's video frames by video, and vPDQ match percentages.
#include "host/scan/video_index.hpp"

#include <algorithm>
#include <tuple>

#include "host/match/hash_list.hpp"

namespace hashsieve::scan {

VideoIndex::VideoIndex(const HashList& list, int minQuality) {
  if (!list.hasVideos()) return;
  names_.resize(list.videoCount());
  frameCount_.assign(list.videoCount(), 0);
  entryStart_.reserve(list.size() + 1);
  entryStart_.push_back(0);
  std::vector<uint32_t> videos;
  for (size_t e = 0; e < list.size(); ++e) {
    videos.clear();
    for (size_t j = 0; j < list.idCountOf(e); ++j) {
      const hsl::IdVideo* v = list.idVideo(e, j);
      if (!v) continue;
      names_[v->video] = list.id(e, j);  // every frame id of a video carries its name
      const bool known = v->quality != hsl::kQualityUnknown;
      if (known && v->quality < minQuality) continue;
      videos.push_back(v->video);
    }
    // The builder keeps one id per (hash, video); a crafted list may repeat one: count once.
    std::sort(videos.begin(), videos.end());
    videos.erase(std::unique(videos.begin(), videos.end()), videos.end());
    for (uint32_t v : videos) ++frameCount_[v];
    entryVideos_.insert(entryVideos_.end(), videos.begin(), videos.end());
    entryStart_.push_back(static_cast<uint32_t>(entryVideos_.size()));
  }
}

std::span<const uint32_t> VideoIndex::videosOf(uint32_t entry) const {
  if (entryStart_.empty()) return {};
  return std::span<const uint32_t>(entryVideos_)
      .subspan(entryStart_[entry], entryStart_[entry + 1] - entryStart_[entry]);
}

std::vector<VideoMatch> VideoIndex::match(size_t queryFrames,
                                          std::span<const Match> matches) const {
  if (empty() || queryFrames == 0) return {};
  // (video, query frame) and (video, entry) pairs, each counted once.
  std::vector<std::pair<uint32_t, uint32_t>> byQuery, byEntry;
  for (const Match& m : matches)
    for (uint32_t v : videosOf(m.entry)) {
      byQuery.emplace_back(v, m.query);
      byEntry.emplace_back(v, m.entry);
    }
  auto distinct = [](auto& pairs) {
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  };
  distinct(byQuery);
  distinct(byEntry);
  std::vector<VideoMatch> out;
  for (size_t i = 0, k = 0; i < byQuery.size();) {
    VideoMatch vm;
    vm.video = byQuery[i].first;
    vm.queryFrames = queryFrames;
    vm.listFrames = frameCount_[vm.video];
    for (; i < byQuery.size() && byQuery[i].first == vm.video; ++i) ++vm.queryMatched;
    while (k < byEntry.size() && byEntry[k].first < vm.video) ++k;
    for (; k < byEntry.size() && byEntry[k].first == vm.video; ++k) ++vm.listMatched;
    out.push_back(vm);
  }
  // Compare counts by cross-multiplication, not the rounded percentages.
  std::sort(out.begin(), out.end(), [](const VideoMatch& a, const VideoMatch& b) {
    const auto qa = a.queryMatched * b.queryFrames, qb = b.queryMatched * a.queryFrames;
    if (qa != qb) return qa > qb;
    const auto ca = a.listMatched * b.listFrames, cb = b.listMatched * a.listFrames;
    if (ca != cb) return ca > cb;
    return a.video < b.video;
  });
  return out;
}

}  // namespace hashsieve::scan
