// Record <-> canonical JSON.
#include "host/pipeline/record.hpp"

#include <cmath>
#include <stdexcept>

#include "host/core/errors.hpp"
#include "host/pipeline/path_text.hpp"

namespace hashsieve::pipeline {
namespace {

using Json = nlohmann::ordered_json;

void putPath(Json& j, const std::string& path) {
  if (isValidUtf8(path)) {
    j["path"] = path;
  } else {
    j["path"] = utf8Display(path);
    j["path_hex"] = bytesToHex(path);
  }
}

void putDigests(Json& j, const FileDigests& d) {
  j["md5"] = d.md5;
  j["sha1"] = d.sha1;
  j["sha256"] = d.sha256;
}

void putFileFields(Json& j, const Record& r) {
  j["width"] = r.width;
  j["height"] = r.height;
  putDigests(j, r.digests);
}

Json orientationJson(const Record& r) {
  Json o;
  o["degrees"] = r.orientationDegrees;
  o["applied"] = r.orientationApplied;
  if (r.mirrored) o["mirrored"] = true;
  return o;
}

Json framesJson(const std::vector<FrameRecord>& frames) {
  Json arr = Json::array();
  for (const FrameRecord& f : frames) {
    Json fj;
    fj["frame"] = f.index;
    fj["t"] = f.t;
    fj["pdq"] = toHex(f.pdq);
    fj["quality"] = f.quality;
    fj["phash"] = toHex(f.phash);
    arr.push_back(std::move(fj));
  }
  return arr;
}

template <typename T>
T field(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw FormatError(std::string("record lacks \"") + key + "\"");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("record field \"") + key + "\": " + e.what());
  }
}

Hash256 hash256Field(const Json& j, const char* key) {
  auto h = parseHash256(field<std::string>(j, key));
  if (!h) throw FormatError(std::string("record field \"") + key + "\" is not a PDQ hash");
  return *h;
}

Hash64 hash64Field(const Json& j, const char* key) {
  auto h = parseHash64(field<std::string>(j, key));
  if (!h) throw FormatError(std::string("record field \"") + key + "\" is not a pHash");
  return *h;
}

FileDigests digestFields(const Json& j) {
  return {field<std::string>(j, "md5"), field<std::string>(j, "sha1"),
          field<std::string>(j, "sha256")};
}

}  // namespace

double roundMillis(double seconds) { return std::round(seconds * 1e3) / 1e3; }
double roundMicros(double value) { return std::round(value * 1e6) / 1e6; }

Json toJson(const Record& r) {
  Json j;
  putPath(j, r.path);
  if (r.archiveMember) j["archive_member"] = true;
  if (r.kind == RecordKind::Error) {
    j["error"] = r.error;
    j["detail"] = r.detail;
    if (!r.digests.md5.empty()) putDigests(j, r.digests);
    return j;
  }
  if (r.kind == RecordKind::Archive) {
    j["kind"] = "archive";
    putDigests(j, r.digests);
    j["format"] = r.archiveFormat;
    j["members"] = r.archiveMembers;
    return j;
  }
  j["kind"] = r.kind == RecordKind::Image ? "image" : "video";
  if (!r.decoder.empty()) j["decoder"] = r.decoder;
  putFileFields(j, r);
  if (r.kind == RecordKind::Image) {
    j["pdq"] = toHex(r.pdq);
    j["pdq_quality"] = r.pdqQuality;
    j["phash"] = toHex(r.phash);
    if (r.dihedral) {
      Json d;
      for (int v = 0; v < kDihedralCount; ++v) d[kDihedralNames[v]] = toHex((*r.dihedral)[v]);
      j["pdq_dihedral"] = std::move(d);
    }
    j["orientation"] = orientationJson(r);
    if (r.frames.size() > 1) j["frames"] = framesJson(r.frames);
  } else {
    j["duration"] = r.duration;
    j["fps"] = r.fps;
    j["orientation"] = orientationJson(r);
    j["frames"] = framesJson(r.frames);
  }
  return j;
}

std::string toJsonLine(const Record& r) {
  std::string line = toJson(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return line;
}

Record recordFromJson(const Json& j) {
  if (!j.is_object()) throw FormatError("record is not a JSON object");
  Record r;
  if (j.contains("path_hex")) {
    try {
      r.path = hexToBytes(field<std::string>(j, "path_hex"));
    } catch (const std::invalid_argument& e) {
      throw FormatError(std::string("record field \"path_hex\": ") + e.what());
    }
  } else {
    r.path = field<std::string>(j, "path");
  }
  r.archiveMember = j.contains("archive_member") && field<bool>(j, "archive_member");
  if (j.contains("error")) {
    r.kind = RecordKind::Error;
    r.error = field<std::string>(j, "error");
    r.detail = field<std::string>(j, "detail");
    if (j.contains("md5")) r.digests = digestFields(j);
    return r;
  }
  const auto kind = field<std::string>(j, "kind");
  if (kind == "archive") {
    r.kind = RecordKind::Archive;
    r.digests = digestFields(j);
    r.archiveFormat = field<std::string>(j, "format");
    r.archiveMembers = field<uint64_t>(j, "members");
    return r;
  }
  if (kind != "image" && kind != "video") throw FormatError("record kind \"" + kind + "\"");
  r.kind = kind == "image" ? RecordKind::Image : RecordKind::Video;
  if (j.contains("decoder")) r.decoder = field<std::string>(j, "decoder");
  r.width = field<int>(j, "width");
  r.height = field<int>(j, "height");
  r.digests = digestFields(j);
  const Json& o = field<Json>(j, "orientation");
  r.orientationDegrees = field<int>(o, "degrees");
  r.orientationApplied = field<bool>(o, "applied");
  r.mirrored = o.contains("mirrored") && field<bool>(o, "mirrored");
  if (r.kind == RecordKind::Image) {
    r.pdq = hash256Field(j, "pdq");
    r.pdqQuality = field<int>(j, "pdq_quality");
    r.phash = hash64Field(j, "phash");
    if (j.contains("pdq_dihedral")) {
      const Json& d = j["pdq_dihedral"];
      std::array<Hash256, kDihedralCount> hashes{};
      for (int v = 0; v < kDihedralCount; ++v) hashes[v] = hash256Field(d, kDihedralNames[v]);
      r.dihedral = hashes;
    }
  } else {
    r.duration = field<double>(j, "duration");
    r.fps = field<double>(j, "fps");
  }
  if (j.contains("frames")) {
    for (const Json& fj : j["frames"]) {
      FrameRecord f;
      f.index = field<int64_t>(fj, "frame");
      f.t = field<double>(fj, "t");
      f.pdq = hash256Field(fj, "pdq");
      f.quality = field<int>(fj, "quality");
      f.phash = hash64Field(fj, "phash");
      r.frames.push_back(f);
    }
  }
  return r;
}

}  // namespace hashsieve::pipeline
