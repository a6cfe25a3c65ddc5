// Record <-> canonical JSON.
#include "host/pipeline/record.hpp"

#include <cmath>

#include "host/core/errors.hpp"
#include "host/core/record_reader.hpp"
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
  // Strict: every field the record's kind has must be there and well-formed.
  const RecordFields f = readRecordFields(j);
  Record r;
  r.path = f.pathHex.present() ? hexToBytes(f.pathHex.required()) : f.path.required();
  r.archiveMember = f.archiveMember.optional().value_or(false);
  auto digests = [&f] {
    return FileDigests{f.md5.required(), f.sha1.required(), f.sha256.required()};
  };
  if (f.isError()) {
    r.kind = RecordKind::Error;
    r.error = f.error.required();
    r.detail = f.detail.required();
    if (f.md5.present()) r.digests = digests();
    return r;
  }
  const std::string& kind = f.kind.required();
  if (kind == "archive") {
    r.kind = RecordKind::Archive;
    r.digests = digests();
    r.archiveFormat = f.archiveFormat.required();
    r.archiveMembers = f.archiveMembers.required();
    return r;
  }
  if (kind != "image" && kind != "video") throw FormatError("record kind \"" + kind + "\"");
  r.kind = kind == "image" ? RecordKind::Image : RecordKind::Video;
  r.decoder = f.decoder.optional().value_or("");
  r.width = f.width.required();
  r.height = f.height.required();
  r.digests = digests();
  r.orientationDegrees = f.orientationDegrees.required();
  r.orientationApplied = f.orientationApplied.required();
  r.mirrored = f.mirrored.optional().value_or(false);
  if (r.kind == RecordKind::Image) {
    r.pdq = f.pdq.required();
    r.pdqQuality = f.pdqQuality.required();
    r.phash = f.phash.required();
    r.dihedral = f.dihedral.optional();
  } else {
    r.duration = f.duration.required();
    r.fps = f.fps.required();
  }
  // A video always lists its frames (maybe none); an image only when it has several.
  if (r.kind == RecordKind::Video) (void)f.frames.required();
  if (const auto& frames = f.frames.optional()) {
    for (const FrameFields& ff : *frames)
      r.frames.push_back({ff.frame.required(), ff.t.required(), ff.pdq.required(),
                          ff.quality.required(), ff.phash.required()});
  }
  return r;
}

}  // namespace hashsieve::pipeline
