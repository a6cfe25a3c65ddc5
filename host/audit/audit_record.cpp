// The audit record's JSON form and its atomic write.
#include "host/audit/audit_record.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace hashsieve::audit {
namespace {

using Json = nlohmann::ordered_json;

// JSON strings must be UTF-8; let the JSON library itself decide what it can write.
bool isUtf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// Readable form of a byte string that is not UTF-8: invalid bytes become U+FFFD.
std::string replaceInvalid(const std::string& s) {
  const std::string quoted =
      nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

std::string toHexBytes(const std::string& s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (const unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

// Puts `key` (readable) and, when the bytes are not UTF-8, `key_hex` (exact) into `obj`.
void putPath(Json& obj, const std::string& key, const std::string& path) {
  if (isUtf8(path)) {
    obj[key] = path;
  } else {
    obj[key] = replaceInvalid(path);
    obj[key + "_hex"] = toHexBytes(path);
  }
}

Json thresholdsJson(const Thresholds& t) {
  Json j = Json::object();
  if (t.pdqDistance) j["pdq_distance"] = *t.pdqDistance;
  if (t.phashDistance) j["phash_distance"] = *t.phashDistance;
  if (t.minQuality) j["min_quality"] = *t.minQuality;
  return j;
}

}  // namespace

std::string isoUtc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  // Floor division so times before the epoch still get a 0..999 millisecond part.
  const auto secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // room for any int fields, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

Json toJson(const AuditRecord& r) {
  Json j = Json::object();
  j["audit_schema"] = kAuditSchemaVersion;
  j["tool"] = "hashsieve";
  j["version"] = r.version;
  j["commit"] = r.commit;
  j["command"] = r.command;
  j["backend"] = r.backend;
  j["device"] = r.device;
  if (!r.cuda.empty()) j["cuda"] = r.cuda;
  j["algorithms"] = r.algorithms;
  j["settings"] = r.settings;
  j["thresholds"] = thresholdsJson(r.thresholds);

  Json lists = Json::array();
  for (const ListInfo& l : r.lists) {
    Json e = Json::object();
    putPath(e, "path", l.path);
    e["hash_type"] = l.hashType;
    e["count"] = l.count;
    e["checksum"] = l.checksum;
    if (!l.pdqLuma.empty()) e["pdq_luma"] = l.pdqLuma;
    lists.push_back(std::move(e));
  }
  j["lists"] = std::move(lists);

  Json roots = Json::array();
  Json rootsHex = Json::array();
  bool anyHex = false;
  for (const std::string& p : r.inputRoots) {
    const bool ok = isUtf8(p);
    anyHex = anyHex || !ok;
    roots.push_back(ok ? p : replaceInvalid(p));
    rootsHex.push_back(ok ? Json(nullptr) : Json(toHexBytes(p)));
  }
  j["input_roots"] = std::move(roots);
  // Parallel to input_roots (null where the root is UTF-8); present only when needed.
  if (anyHex) j["input_roots_hex"] = std::move(rootsHex);
  putPath(j, "output", r.output);

  Json counts = Json::object();
  counts["hashed"] = r.counts.hashed;
  counts["failed"] = r.counts.failed;
  if (r.counts.matched) counts["matched"] = *r.counts.matched;
  j["counts"] = std::move(counts);

  j["start"] = isoUtc(r.start);
  j["end"] = isoUtc(r.end);
  j["elapsed_seconds"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(r.end - r.start).count() / 1000.0;
  j["exit_status"] = r.exitStatus;
  return j;
}

void writeAuditRecord(const AuditRecord& r, const std::filesystem::path& path) {
  const std::string text = toJson(r).dump(2) + "\n";
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw std::runtime_error("cannot write audit record " + path.string() + ": " +
                               std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error("cannot write audit record " + path.string() + ": " + ec.message());
  }
}

void probeWritable(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const bool ok = std::ofstream(tmp, std::ios::binary | std::ios::trunc).good();
  const int err = errno;  // what the open failed with
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  if (!ok)
    throw std::runtime_error("cannot write audit record " + path.string() + ": " +
                             std::strerror(err));
}

std::filesystem::path defaultAuditPath(const std::filesystem::path& output) {
  std::filesystem::path p = output;
  p += ".audit.json";
  return p;
}

}  // namespace hashsieve::audit
