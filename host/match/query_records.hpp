// Queries for `hashsieve match`: the hash records `hashsieve hash` writes, read leniently (only
// what matching needs), and the JSON match / skip / warning records written back.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/matcher.hpp"

namespace hashsieve {

class HashList;

/// One hash to match: an image's, or one frame of a video (or animated image).
struct QueryFrame {
  std::optional<int64_t> frame;  // frame index (videos)
  std::optional<double> t;       // seconds (videos)
  std::optional<Hash256> hash;   // the list type's hash (pHash: w[0]); absent when missing
  int quality = -1;              // PDQ quality 0..100; -1 when the record has none
  std::optional<std::array<Hash256, kDihedralCount>> dihedral;  // pdq_dihedral, PDQ images only
  bool operator==(const QueryFrame&) const = default;
};

struct QueryRecord {
  std::string path;
  std::optional<std::string> pathHex;  // kept for paths that are not UTF-8
  bool error = false;                  // an error record: no perceptual hash to match
  std::vector<QueryFrame> frames;      // one for an image
  /// The file's MD5, SHA-1, SHA-256 ("md5", "sha1", "sha256"; error records of files that were
  /// read carry them too), in the list layout (hash_keys.hpp); matched against digest lists.
  std::optional<Hash256> md5, sha1, sha256;
  const std::optional<Hash256>& digest(HashType t) const {
    return t == HashType::Md5 ? md5 : t == HashType::Sha1 ? sha1 : sha256;
  }
  bool operator==(const QueryRecord&) const = default;
};

/// Parses one JSON line with the record format's reader (host/core/record_reader.hpp), leniently:
/// throws FormatError when it is not a JSON object, lacks a "path" string, or a hash field
/// ("pdq"/"phash", of the record or a frame, or "pdq_dihedral") or "frames" is present but
/// malformed. A record without the list type's hash gets frames whose `hash` is empty (reported
/// as skipped); malformed digests, qualities and frame numbers are left out.
QueryRecord parseQueryRecord(std::string_view line, HashType type);
/// The same from an already parsed record.
QueryRecord queryRecordFromJson(const nlohmann::ordered_json& j, HashType type);

/// Why a frame is not matched, or nullopt when it is.
std::optional<std::string> skipReason(const QueryFrame& f, HashType type, int minQuality);

/// The matcher query of a frame: the dihedral variants when `dihedral` and the frame has them,
/// else the plain hash alone.
MatchQuery toMatchQuery(const QueryFrame& f, bool dihedral);

/// The list side of a match: transform, distance, list_id (list_ids when the entry merged
/// several), list_hash. matchRecordJson and scan's embedded matches both write this.
nlohmann::ordered_json matchFields(const Match& m, const HashList& list);

/// The list side of an exact (file digest) match of `entry`: kind (md5/sha1/sha256), distance
/// 0, list_id, [list_ids], list_hash, and list_meta when the list has metadata.
nlohmann::ordered_json exactMatchFields(uint32_t entry, const HashList& list);
/// A match record of an exact match: path, [path_hex], then exactMatchFields, with '\n'.
std::string exactMatchRecordJson(const QueryRecord& r, uint32_t entry, const HashList& list);

/// JSON lines (with '\n'): a match, a skipped frame, and the degenerate-query warning.
std::string matchRecordJson(const QueryRecord& r, const QueryFrame& f, const Match& m,
                            const HashList& list);
std::string skipRecordJson(const QueryRecord& r, const QueryFrame& f, const std::string& reason);
std::string degenerateRecordJson(const QueryRecord& r, const QueryFrame& f, size_t matches);

}  // namespace hashsieve
