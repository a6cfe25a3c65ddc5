// Reading hash records as match queries and writing match records.
#include "host/match/query_records.hpp"

#include <nlohmann/json.hpp>

#include "host/core/errors.hpp"
#include "host/match/hash_keys.hpp"
#include "host/match/hash_list.hpp"

namespace hashsieve {
namespace {

using Json = nlohmann::ordered_json;

std::optional<Hash256> hashField(const Json& j, const char* key, HashType type) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw FormatError(std::string("\"") + key + "\" is not a string");
  const std::string& s = it->get_ref<const std::string&>();
  if (type == HashType::Pdq) {
    if (auto h = parseHash256(s)) return h;
  } else if (auto h = parseHash64(s)) {
    Hash256 out;
    out.w[0] = h->v;
    return out;
  }
  throw FormatError(std::string("\"") + key + "\" is not a " + hashTypeName(type) + " hash");
}

int qualityField(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return -1;
  return it->get<int>();
}

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
  if (!j.is_object()) throw FormatError("not a JSON object");
  QueryRecord r;
  auto path = j.find("path");
  if (path == j.end() || !path->is_string()) throw FormatError("record lacks a \"path\" string");
  r.path = path->get<std::string>();
  if (auto hex = j.find("path_hex"); hex != j.end() && hex->is_string())
    r.pathHex = hex->get<std::string>();
  // Digests that are not hex of their length are not matched (records from other tools may
  // carry placeholders); they never make the record malformed.
  for (HashType t : {HashType::Md5, HashType::Sha1, HashType::Sha256}) {
    auto it = j.find(hashTypeName(t));
    if (it == j.end() || !it->is_string()) continue;
    (t == HashType::Md5    ? r.md5
     : t == HashType::Sha1 ? r.sha1
                           : r.sha256) = parseTypedHash(it->get_ref<const std::string&>(), t);
  }
  if (j.contains("error")) {
    r.error = true;
    return r;
  }
  // A digest list matches digests only; the frames then carry no hash (nothing is skipped).
  // An archive's own record has digests only: nothing to match by hash.
  if (!isPerceptual(type)) return r;
  if (auto kind = j.find("kind"); kind != j.end() && *kind == "archive") return r;
  const char* key = hashTypeName(type);
  auto frames = j.find("frames");
  // Videos, and animated images hashed frame by frame, list their frames.
  if (frames != j.end() && frames->is_array() && !frames->empty()) {
    int64_t index = 0;
    for (const Json& fj : *frames) {
      if (!fj.is_object()) throw FormatError("a \"frames\" element is not an object");
      QueryFrame f;
      f.frame = fj.contains("frame") && fj["frame"].is_number_integer() ? fj["frame"].get<int64_t>()
                                                                        : index;
      if (auto t = fj.find("t"); t != fj.end() && t->is_number()) f.t = t->get<double>();
      f.hash = hashField(fj, key, type);
      if (type == HashType::Pdq) f.quality = qualityField(fj, "quality");
      r.frames.push_back(f);
      ++index;
    }
    return r;
  }
  QueryFrame f;
  f.hash = hashField(j, key, type);
  if (type == HashType::Pdq) {
    f.quality = qualityField(j, "pdq_quality");
    if (auto d = j.find("pdq_dihedral"); d != j.end() && d->is_object()) {
      std::array<Hash256, kDihedralCount> variants{};
      for (int v = 0; v < kDihedralCount; ++v) {
        auto h = hashField(*d, kDihedralNames[v], type);
        if (!h)
          throw FormatError(std::string("\"pdq_dihedral\" lacks \"") + kDihedralNames[v] + "\"");
        variants[v] = *h;
      }
      f.dihedral = variants;
    }
  }
  r.frames.push_back(f);
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
