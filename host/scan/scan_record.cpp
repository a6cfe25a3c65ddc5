// Rendering scan results onto their hash records.
#include "host/scan/scan_record.hpp"

#include <algorithm>

#include "host/match/hash_list.hpp"

namespace hashsieve::scan {
namespace {

using Json = nlohmann::ordered_json;

std::string degenerateWarning(size_t matches) {
  return "degenerate query: " + std::to_string(matches) +
         " list entries within the threshold (e.g. a blank or flat image); all are reported";
}

Json videoMatchJson(const VideoMatch& v, const VideoIndex& videos) {
  Json j;
  j["list_id"] = std::string(videos.name(v.video));
  j["query_match_percent"] = v.queryPercent();
  j["compared_match_percent"] = v.comparedPercent();
  j["query_frames_matched"] = v.queryMatched;
  j["query_frames"] = v.queryFrames;
  j["list_frames_matched"] = v.listMatched;
  j["list_frames"] = v.listFrames;
  return j;
}

}  // namespace

Json scanRecordJson(ScanResult&& res, const ScanMatcher& matcher) {
  Json j = std::move(res.record);
  Json matches = Json::array();
  for (const ExactHit& hit : res.exact) matches.push_back(exactMatchFields(hit.entry, *hit.list));
  if (res.query.error || !matcher.hasPerceptual()) {
    // Error records carry digests when the file was read: exact copies still match.
    if (!matches.empty() || (matcher.hasPerceptual() == false && !j.contains("error")))
      j["matches"] = std::move(matches);
    return j;
  }
  const HashList& list = matcher.list();
  // A record with frames is matched frame by frame (videos, --all-frames images); a video
  // without any is matched like an image without a hash (skipped).
  const bool framed = j.contains("frames") && !j["frames"].empty();
  Json warnings = Json::array();
  size_t skippedFrames = 0;
  for (size_t f = 0; f < res.frames.size(); ++f) {
    const FrameResult& fr = res.frames[f];
    const QueryFrame& qf = res.query.frames[f];
    if (fr.skip) {
      ++skippedFrames;
      continue;
    }
    for (const Match& m : fr.matches) {
      if (!framed) {
        matches.push_back(matchFields(m, list));
        continue;
      }
      Json mj;
      if (qf.frame) mj["frame"] = *qf.frame;
      if (qf.t) mj["t"] = *qf.t;
      Json fields = matchFields(m, list);
      for (auto& el : fields.items()) mj[el.key()] = std::move(el.value());
      matches.push_back(std::move(mj));
    }
    if (fr.matches.size() > matcher.settings().degenerate)
      warnings.push_back(framed ? "frame " + std::to_string(qf.frame.value_or(int64_t(f))) + ": " +
                                      degenerateWarning(fr.matches.size())
                                : degenerateWarning(fr.matches.size()));
  }
  j["matches"] = std::move(matches);
  if (!framed && !res.frames.empty() && res.frames[0].skip) j["skipped"] = *res.frames[0].skip;
  if (framed && skippedFrames > 0) j["skipped_frames"] = skippedFrames;
  if (!warnings.empty()) j["warnings"] = std::move(warnings);
  if (res.videoMatched) {
    Json videos = Json::array();
    for (const VideoMatch& v : res.videos) videos.push_back(videoMatchJson(v, matcher.videos()));
    j["video_matches"] = std::move(videos);
  }
  return j;
}

std::pair<std::vector<std::string>, std::string> matchedCategories(const ScanResult& res,
                                                                   const ScanMatcher& matcher) {
  std::vector<std::string> categories;
  std::string comments;
  auto note = [&](const HashList& list, uint32_t entry) {
    for (size_t k = 0; k < list.idCountOf(entry); ++k) {
      std::string category;
      const auto meta = nlohmann::json::parse(list.meta(entry, k), nullptr, false);
      if (meta.is_object() && meta.contains("category"))
        category = meta["category"].is_string() ? meta["category"].get<std::string>()
                                                : meta["category"].dump();
      if (!category.empty() &&
          std::find(categories.begin(), categories.end(), category) == categories.end())
        categories.push_back(category);
      comments += (comments.empty() ? "" : "; ") + std::string(hashTypeName(list.type())) + " " +
                  std::string(list.id(entry, k)) + (category.empty() ? "" : " (" + category + ")");
    }
  };
  for (const ExactHit& hit : res.exact) note(*hit.list, hit.entry);
  if (matcher.hasPerceptual())
    for (const FrameResult& f : res.frames)
      for (const Match& m : f.matches) note(matcher.list(), m.entry);
  return {std::move(categories), std::move(comments)};
}

std::string scanRecordLine(ScanResult&& res, const ScanMatcher& matcher) {
  std::string line = scanRecordJson(std::move(res), matcher)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return line;
}

}  // namespace hashsieve::scan
