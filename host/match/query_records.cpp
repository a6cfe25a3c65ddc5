// Reading hash records as match queries and writing match records.
#include "host/match/query_records.hpp"

#include <nlohmann/json.hpp>

#include "host/core/errors.hpp"
#include "host/match/hash_keys.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/record_hashes.hpp"

namespace hashsieve {
namespace {

using Json = nlohmann::ordered_json;

Json identity(const QueryRecord& r, const QueryFrame& f) {
  Json j;
  j["path"] = r.path;
  if (r.pathHex) j["path_hex"] = *r.pathHex;
  if (f.frame) j["frame"] = *f.frame;
  if (f.t) j["t"] = *f.t;
  return j;
}

std::string line(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

QueryRecord parseQueryRecord(std::string_view text, HashType type) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw FormatError("not a JSON object");
  return queryRecordFromJson(j, type);
}

QueryRecord queryRecordFromJson(const Json& j, HashType type) {
  // Lenient: only what matching needs. A malformed hash is refused (the record is malformed);
  // a missing hash leaves the frame without one (reported as skipped).
  const RecordFields f = readRecordFields(j);
  QueryRecord r;
  r.path = f.path.required();
  r.pathHex = f.pathHex.valid();
  // Digests that are not hex of their length are not matched (records from other tools may
  // carry placeholders); they never make the record malformed.
  for (HashType t : {HashType::Md5, HashType::Sha1, HashType::Sha256})
    if (const auto& hex = digestField(f, t).valid())
      (t == HashType::Md5    ? r.md5
       : t == HashType::Sha1 ? r.sha1
                             : r.sha256) = parseTypedHash(*hex, t);
  if (f.isError()) {
    r.error = true;
    return r;
  }
  // A digest list matches digests only; the frames then carry no hash (nothing is skipped).
  // An archive's own record has digests only: nothing to match by hash.
  if (!isPerceptual(type) || f.kind.valid() == "archive") return r;
  // Videos, and animated images hashed frame by frame, list their frames.
  if (const auto& frames = f.frames.optional(); frames && !frames->empty()) {
    for (size_t n = 0; n < frames->size(); ++n) {
      const FrameFields& ff = (*frames)[n];
      QueryFrame q;
      q.frame = ff.frame.valid().value_or(static_cast<int64_t>(n));
      q.t = ff.t.valid();
      q.hash = listHashField(ff.pdq, ff.phash, type).optional();
      if (type == HashType::Pdq) q.quality = ff.quality.valid().value_or(-1);
      r.frames.push_back(q);
    }
    return r;
  }
  QueryFrame q;
  q.hash = listHashField(f.pdq, f.phash, type).optional();
  if (type == HashType::Pdq) {
    q.quality = f.pdqQuality.valid().value_or(-1);
    q.dihedral = f.dihedral.optional();
  }
  r.frames.push_back(q);
  return r;
}

std::optional<std::string> skipReason(const QueryFrame& f, HashType type, int minQuality) {
  if (!f.hash) return std::string("no ") + hashTypeName(type) + " hash";
  // Quality gates PDQ only (pHash has none); a record without a quality is not gated.
  if (type == HashType::Pdq && f.quality >= 0 && f.quality < minQuality)
    return std::string("low quality");
  return std::nullopt;
}

MatchQuery toMatchQuery(const QueryFrame& f, bool dihedral) {
  MatchQuery q;
  if (dihedral && f.dihedral) {
    q.variants = *f.dihedral;
    q.variantMask = 0xff;
  } else {
    q.variants[0] = *f.hash;
    q.variantMask = 0x01;
  }
  return q;
}

namespace {

/// The entry's metadata: list_meta (id 0's), or list_metas parallel to list_ids when merged
/// ids carry different metadata. Stored strings that are not JSON objects are kept as strings.
void addMeta(Json& j, uint32_t entry, const HashList& list) {
  if (!list.hasMeta()) return;
  auto parsed = [](std::string_view s) {
    if (s.empty()) return Json();
    Json m = Json::parse(s, nullptr, /*allow_exceptions=*/false);
    return m.is_discarded() ? Json(std::string(s)) : m;
  };
  const size_t n = list.idCountOf(entry);
  bool same = true;
  for (size_t k = 1; k < n; ++k) same = same && list.meta(entry, k) == list.meta(entry, 0);
  if (same) {
    if (!list.meta(entry, 0).empty()) j["list_meta"] = parsed(list.meta(entry, 0));
    return;
  }
  Json all = Json::array();
  for (size_t k = 0; k < n; ++k) all.push_back(parsed(list.meta(entry, k)));
  j["list_metas"] = std::move(all);
}

Json listIds(uint32_t entry, const HashList& list) {
  Json ids = Json::array();
  for (size_t k = 0; k < list.idCountOf(entry); ++k) ids.push_back(std::string(list.id(entry, k)));
  return ids;
}

}  // namespace

Json exactMatchFields(uint32_t entry, const HashList& list) {
  Json j;
  j["kind"] = hashTypeName(list.type());
  j["distance"] = 0;
  j["list_id"] = std::string(list.id(entry, 0));
  if (list.idCountOf(entry) > 1) j["list_ids"] = listIds(entry, list);
  j["list_hash"] = list.hashHex(entry);
  addMeta(j, entry, list);
  return j;
}

std::string exactMatchRecordJson(const QueryRecord& r, uint32_t entry, const HashList& list) {
  Json j;
  j["path"] = r.path;
  if (r.pathHex) j["path_hex"] = *r.pathHex;
  Json fields = exactMatchFields(entry, list);  // named: items() does not extend a temporary
  for (auto& el : fields.items()) j[el.key()] = std::move(el.value());
  return line(j);
}

Json matchFields(const Match& m, const HashList& list) {
  Json j;
  j["transform"] = kDihedralNames[m.transform];
  j["distance"] = m.distance;
  j["list_id"] = std::string(list.id(m.entry, 0));
  if (list.idCountOf(m.entry) > 1) j["list_ids"] = listIds(m.entry, list);
  j["list_hash"] = list.hashHex(m.entry);
  addMeta(j, m.entry, list);
  return j;
}

std::string matchRecordJson(const QueryRecord& r, const QueryFrame& f, const Match& m,
                            const HashList& list) {
  Json j = identity(r, f);
  Json fields = matchFields(m, list);
  for (auto& el : fields.items()) j[el.key()] = std::move(el.value());
  return line(j);
}

std::string skipRecordJson(const QueryRecord& r, const QueryFrame& f, const std::string& reason) {
  Json j = identity(r, f);
  j["skipped"] = reason;
  if (f.quality >= 0) j["quality"] = f.quality;
  return line(j);
}

std::string degenerateRecordJson(const QueryRecord& r, const QueryFrame& f, size_t matches) {
  Json j = identity(r, f);
  j["warning"] = "degenerate query";
  j["matches"] = matches;
  j["detail"] =
      "unusually many list entries within the threshold (e.g. a blank or flat image); all are "
      "reported";
  return line(j);
}

}  // namespace hashsieve
