// Batch matching of hashed records: one matcher call per batch, results split back per frame,
// degenerate and skip rules as in `hashsieve match`, vPDQ percentages for videos.
#include "host/scan/scan_matcher.hpp"

#include <algorithm>

#include "host/match/hash_keys.hpp"
#include "host/match/hash_list.hpp"
#include "host/pipeline/path_text.hpp"

namespace hashsieve::scan {
namespace {

using pipeline::RecordKind;

/// The matched hash of a frame as a list of `type` stores it (pHash: in w[0]).
Hash256 listHash(const Hash256& pdq, Hash64 phash, HashType type) {
  if (type == HashType::Pdq) return pdq;
  Hash256 h;
  h.w[0] = phash.v;
  return h;
}

}  // namespace

QueryRecord queryRecordOf(const pipeline::Record& r, HashType type) {
  QueryRecord q;
  // The JSON form's path: display text, with the exact bytes in path_hex when not UTF-8.
  if (pipeline::isValidUtf8(r.path)) {
    q.path = r.path;
  } else {
    q.path = pipeline::utf8Display(r.path);
    q.pathHex = pipeline::bytesToHex(r.path);
  }
  // Error records carry digests only when the file was read (md5 set).
  if (r.kind != RecordKind::Error || !r.digests.md5.empty()) {
    q.md5 = parseTypedHash(r.digests.md5, HashType::Md5);
    q.sha1 = parseTypedHash(r.digests.sha1, HashType::Sha1);
    q.sha256 = parseTypedHash(r.digests.sha256, HashType::Sha256);
  }
  if (r.kind == RecordKind::Error) {
    q.error = true;
    return q;
  }
  if (!isPerceptual(type) || r.kind == RecordKind::Archive) return q;
  // Videos, and animated images hashed frame by frame, are matched frame by frame.
  if (!r.frames.empty() && (r.kind == RecordKind::Video || r.frames.size() > 1)) {
    for (const pipeline::FrameRecord& f : r.frames) {
      QueryFrame qf;
      qf.frame = f.index;
      qf.t = f.t;
      qf.hash = listHash(f.pdq, f.phash, type);
      if (type == HashType::Pdq) qf.quality = f.quality;
      q.frames.push_back(qf);
    }
    return q;
  }
  QueryFrame qf;
  // A video without sampled frames has no hash: it is reported as skipped.
  if (r.kind == RecordKind::Image) {
    qf.hash = listHash(r.pdq, r.phash, type);
    if (type == HashType::Pdq) {
      qf.quality = r.pdqQuality;
      qf.dihedral = r.dihedral;
    }
  }
  q.frames.push_back(qf);
  return q;
}

ScanMatcher::ScanMatcher(const HashList& list, Matcher& matcher, const ScanSettings& settings)
    : ScanMatcher(&list, &matcher, {}, settings) {}

ScanMatcher::ScanMatcher(const HashList* perceptual, Matcher* matcher,
                         std::span<const ExactIndex> exact, const ScanSettings& settings)
    : list_(perceptual),
      matcher_(matcher),
      exact_(exact),
      settings_(settings),
      videos_(perceptual ? VideoIndex(*perceptual, settings.minQuality) : VideoIndex()) {}

void ScanMatcher::matchExact(std::span<const pipeline::Record> records,
                             std::vector<ScanResult>& results) const {
  for (const ExactIndex& index : exact_) {
    const HashType type = index.list().type();
    std::vector<Hash256> keys;
    std::vector<size_t> owner;
    for (size_t i = 0; i < records.size(); ++i) {
      const FileDigests& d = records[i].digests;
      const std::string& hex = type == HashType::Md5    ? d.md5
                               : type == HashType::Sha1 ? d.sha1
                                                        : d.sha256;
      if (auto key = parseTypedHash(hex, type)) {
        keys.push_back(*key);
        owner.push_back(i);
      }
    }
    std::vector<int64_t> found(keys.size());
    index.findBatch(keys, found);
    for (size_t k = 0; k < keys.size(); ++k)
      if (found[k] >= 0)
        results[owner[k]].exact.push_back({&index.list(), static_cast<uint32_t>(found[k])});
  }
}

std::vector<ScanResult> ScanMatcher::match(std::span<const pipeline::Record> records) {
  std::vector<ScanResult> results(records.size());
  std::vector<MatchQuery> queries;
  std::vector<std::pair<size_t, size_t>> owner;  // per query: (result, frame)
  for (size_t i = 0; i < records.size(); ++i) {
    ScanResult& res = results[i];
    res.record = pipeline::toJson(records[i]);
    if (!list_) continue;  // digest lists only
    // The QueryRecord `hashsieve match` reads from this record's line: one set of semantics.
    res.query = queryRecordOf(records[i], list_->type());
    res.frames.resize(res.query.frames.size());
    for (size_t f = 0; f < res.query.frames.size(); ++f) {
      const QueryFrame& frame = res.query.frames[f];
      res.frames[f].skip = skipReason(frame, list_->type(), settings_.minQuality);
      if (res.frames[f].skip) continue;
      // Scan hashes images with their dihedral variants, so all eight take part.
      queries.push_back(toMatchQuery(frame, /*dihedral=*/true));
      owner.emplace_back(i, f);
    }
  }

  matchExact(records, results);
  std::vector<Match> matches;
  if (!queries.empty())
    matches = settings_.topK > 0 ? matcher_->topK(queries, settings_.topK)
                                 : matcher_->range(queries, *settings_.threshold);
  // Sorted by query, then distance, then entry: hand each run to its frame.
  for (const Match& m : matches) {
    if (settings_.topK > 0 && settings_.threshold && m.distance > *settings_.threshold) continue;
    const auto [r, f] = owner[m.query];
    results[r].frames[f].matches.push_back(m);
  }
  for (size_t i = 0; i < records.size(); ++i)
    if (records[i].kind == pipeline::RecordKind::Video && settings_.topK == 0 && !videos_.empty())
      attachVideoMatches(results[i]);
  return results;
}

void ScanMatcher::attachVideoMatches(ScanResult& res) const {
  // Distinct query hashes among the matched (quality-passing) frames, numbered in hash order.
  std::vector<Hash256> distinct;
  for (size_t f = 0; f < res.frames.size(); ++f)
    if (!res.frames[f].skip) distinct.push_back(*res.query.frames[f].hash);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<Match> byDistinct;
  for (size_t f = 0; f < res.frames.size(); ++f) {
    if (res.frames[f].skip) continue;
    const auto at = std::lower_bound(distinct.begin(), distinct.end(), *res.query.frames[f].hash);
    const auto q = static_cast<uint32_t>(at - distinct.begin());
    for (Match m : res.frames[f].matches) {
      m.query = q;
      byDistinct.push_back(m);
    }
  }
  res.videoMatched = true;
  res.videos = videos_.match(distinct.size(), byDistinct);
}

}  // namespace hashsieve::scan
