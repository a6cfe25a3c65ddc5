// Matching of freshly hashed records (pipeline::Record) against a list, many records per
// matcher call: what `hashsieve scan` attaches to each record. The semantics are `hashsieve
// match`'s (the same QueryRecord, built from the typed record), plus vPDQ video percentages.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/core/policy.hpp"
#include "host/match/exact_index.hpp"
#include "host/match/matcher.hpp"
#include "host/match/query_records.hpp"
#include "host/pipeline/record.hpp"
#include "host/scan/video_index.hpp"

namespace hashsieve::scan {

/// PDQ's quality floor (docs/ALGORITHMS.md §3; also vPDQ's frame floor).
inline constexpr int kDefaultMinQuality = policy::kPdqMinQuality;

struct ScanSettings {
  /// Range search: every entry with distance <= threshold. With topK > 0: applied to the top-k
  /// results when set, none otherwise.
  std::optional<int> threshold;
  int topK = 0;  // 0: range search
  int minQuality = kDefaultMinQuality;
  size_t degenerate = kDegenerateMatches;  // more matches than this: a warning
};

/// What one hashed frame (an image's hash, or one video frame) got.
struct FrameResult {
  std::optional<std::string> skip;  // why it was not matched
  std::vector<Match> matches;       // Match::query is meaningless here
};

/// An exact (file digest) match: the entry of a digest list holding one of the file's digests.
struct ExactHit {
  const HashList* list = nullptr;
  uint32_t entry = 0;
};

struct ScanResult {
  nlohmann::ordered_json record;    // the hash record, as `hashsieve hash` writes it
  std::vector<ExactHit> exact;      // digest-list matches, in list order (error records too)
  QueryRecord query;                // what was matched (frames as in `hashsieve match`)
  std::vector<FrameResult> frames;  // parallel to query.frames
  bool videoMatched = false;        // a video checked against the list's videos
  std::vector<VideoMatch> videos;   // when videoMatched
};

/// What `hashsieve match` reads from this record's JSON line (queryRecordFromJson(toJson(r),
/// type)), built from the typed record: scan matches without a JSON round trip.
QueryRecord queryRecordOf(const pipeline::Record& r, HashType type);

class ScanMatcher {
 public:
  /// `list` and `matcher` (over that list) must outlive this. Builds the list's video index.
  ScanMatcher(const HashList& list, Matcher& matcher, const ScanSettings& settings);
  /// A list file's lists: `perceptual` (with its `matcher`) may be null when the file holds
  /// only digest lists; `exact` indexes the digest lists. All must outlive this.
  ScanMatcher(const HashList* perceptual, Matcher* matcher, std::span<const ExactIndex> exact,
              const ScanSettings& settings);

  /// One result per record, in order; all their frames go to the matcher in one call, so a
  /// batch amortises a pass over the list (and a GPU launch). Deterministic: a record's result
  /// does not depend on the batch it came in.
  std::vector<ScanResult> match(std::span<const pipeline::Record> records);

  /// The perceptual list; only when hasPerceptual().
  const HashList& list() const { return *list_; }
  bool hasPerceptual() const { return list_ != nullptr; }
  const VideoIndex& videos() const { return videos_; }
  const ScanSettings& settings() const { return settings_; }

 private:
  void attachVideoMatches(ScanResult& result) const;
  void matchExact(std::span<const pipeline::Record> records,
                  std::vector<ScanResult>& results) const;

  const HashList* list_;
  Matcher* matcher_;
  std::span<const ExactIndex> exact_;
  ScanSettings settings_;
  VideoIndex videos_;
};

}  // namespace hashsieve::scan
