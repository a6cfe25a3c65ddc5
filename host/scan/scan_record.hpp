// The scan output record: the hash record `hashsieve hash` writes, with its matches attached.
// Key order is fixed (README "scan"), so output is byte-identical across runs and threads.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "host/scan/scan_matcher.hpp"

namespace hashsieve::scan {

/// Adds to the hash record (error records stay as they are):
///  "matches": [...]   always; each {transform, distance, list_id, [list_ids], list_hash}
///                     (matchFields), with "frame" and "t" first for frames of a video;
///  "skipped": reason  an image not matched (low quality, no hash);
///  "skipped_frames": n  frames of a video not matched, when n > 0;
///  "warnings": [...]  degenerate queries (more matches than ScanSettings::degenerate);
///  "video_matches": [{list_id, query_match_percent, compared_match_percent,
///                     query_frames_matched, query_frames, list_frames_matched, list_frames}]
///                     for videos, when the list has videos (range search only).
nlohmann::ordered_json scanRecordJson(ScanResult&& result, const ScanMatcher& matcher);

/// The categories (list metadata "category") of the entries a record matched, exact matches
/// first, without repeats; and a summary "md5 n-17 (A1); pdq n-3 (A2)" of every match.
std::pair<std::vector<std::string>, std::string> matchedCategories(const ScanResult& result,
                                                                   const ScanMatcher& matcher);

/// scanRecordJson as one compact line with '\n' (invalid UTF-8 replaced, never thrown on).
std::string scanRecordLine(ScanResult&& result, const ScanMatcher& matcher);

}  // namespace hashsieve::scan
