// Reading the record format's fields, each checked for its type, range and hex width.
#include "host/core/record_reader.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include "host/core/policy.hpp"

namespace hashsieve {
namespace {

using Json = nlohmann::ordered_json;

// The value at `key`, or null when absent or JSON null.
const Json* find(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

bool isHex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// Quoted and cut, for messages about hostile values.
std::string quoted(const std::string& s) {
  constexpr size_t kShown = 80;
  return "\"" + s.substr(0, kShown) + "\"";
}

void readString(const Json& j, const char* key, RecordField<std::string>& f) {
  const Json* v = find(j, key);
  if (!v) return;
  if (!v->is_string()) return f.fail("not a string");
  f.set(v->get<std::string>());
}

void readBool(const Json& j, const char* key, RecordField<bool>& f) {
  const Json* v = find(j, key);
  if (!v) return;
  if (!v->is_boolean()) return f.fail("not true or false");
  f.set(v->get<bool>());
}

void readNumber(const Json& j, const char* key, RecordField<double>& f) {
  const Json* v = find(j, key);
  if (!v) return;
  if (!v->is_number()) return f.fail("not a number");
  f.set(v->get<double>());
}

// A whole number in [lo, hi] (every range here has hi >= 0).
template <typename Int>
void readInteger(const Json& j, const char* key, RecordField<Int>& f, Int lo, Int hi) {
  const Json* v = find(j, key);
  if (!v) return;
  std::string want = "not a whole number";
  if (hi != std::numeric_limits<Int>::max())
    want += " " + std::to_string(lo) + ".." + std::to_string(hi);
  else if (lo != std::numeric_limits<Int>::min())
    want += " >= " + std::to_string(lo);
  if (v->is_number_unsigned()) {
    const auto u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(hi)) return f.fail(want);
    return f.set(static_cast<Int>(u));
  }
  if (!v->is_number_integer()) return f.fail(want);
  const auto i = v->get<int64_t>();
  if (i < static_cast<int64_t>(lo) ||
      (i >= 0 && static_cast<uint64_t>(i) > static_cast<uint64_t>(hi)))
    return f.fail(want);
  f.set(static_cast<Int>(i));
}

template <typename Int>
void readInteger(const Json& j, const char* key, RecordField<Int>& f) {
  readInteger(j, key, f, std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max());
}

void readQuality(const Json& j, const char* key, RecordField<int>& f) {
  readInteger(j, key, f, 0, policy::kPdqMaxQuality);
}

// A perceptual hash: parse(hex) accepts exactly its width in hex digits.
template <typename Hash, typename Parse>
void readHash(const Json& j, const char* key, RecordField<Hash>& f, Parse parse, int hexChars) {
  const Json* v = find(j, key);
  if (!v) return;
  if (!v->is_string()) return f.fail("not a string");
  const auto& s = v->get_ref<const std::string&>();
  if (auto h = parse(s)) return f.set(*h);
  f.fail("not a " + std::to_string(hexChars) + "-hex " + key + " hash: " + quoted(s));
}

void readPdq(const Json& j, const char* key, RecordField<Hash256>& f) {
  constexpr int kPdqHexChars = 64;
  readHash(j, key, f, parseHash256, kPdqHexChars);
}

void readPhash(const Json& j, const char* key, RecordField<Hash64>& f) {
  constexpr int kPhashHexChars = 16;
  readHash(j, key, f, parseHash64, kPhashHexChars);
}

// A file digest: exactly `hexChars` hex digits (MD5 32, SHA-1 40, SHA-256 64).
void readDigest(const Json& j, const char* key, RecordField<std::string>& f, size_t hexChars) {
  readString(j, key, f);
  if (!f.valid()) return;
  const std::string s = *f.valid();
  if (s.size() != hexChars || !isHex(s)) {
    f = RecordField<std::string>(f.name());
    f.fail("not a " + std::to_string(hexChars) + "-hex " + key + " digest: " + quoted(s));
  }
}

void readPathHex(const Json& j, RecordField<std::string>& f) {
  readString(j, "path_hex", f);
  if (!f.valid()) return;
  const std::string s = *f.valid();
  if (s.size() % 2 != 0 || !isHex(s)) {
    f = RecordField<std::string>(f.name());
    f.fail("not hex of the path's bytes: " + quoted(s));
  }
}

void readOrientation(const Json& j, RecordFields& r) {
  const Json* o = find(j, "orientation");
  if (!o) return;
  if (!o->is_object()) {
    r.orientationDegrees.fail("\"orientation\" is not an object");
    r.orientationApplied.fail("\"orientation\" is not an object");
    return;
  }
  readInteger(*o, "degrees", r.orientationDegrees);
  readBool(*o, "applied", r.orientationApplied);
  readBool(*o, "mirrored", r.mirrored);
}

void readDihedral(const Json& j, RecordField<std::array<Hash256, kDihedralCount>>& f) {
  const Json* d = find(j, "pdq_dihedral");
  if (!d) return;
  if (!d->is_object()) return f.fail("not an object");
  std::array<Hash256, kDihedralCount> variants{};
  for (int v = 0; v < kDihedralCount; ++v) {
    RecordField<Hash256> variant(kDihedralNames[v]);
    readPdq(*d, kDihedralNames[v], variant);
    if (!variant.valid()) return f.fail(variant.message());
    variants[v] = *variant.valid();
  }
  f.set(variants);
}

FrameFields readFrame(const Json& fj, size_t n) {
  const std::string at = "frames[" + std::to_string(n) + "].";
  FrameFields f{RecordField<int64_t>(at + "frame"), RecordField<double>(at + "t"),
                RecordField<Hash256>(at + "pdq"), RecordField<int>(at + "quality"),
                RecordField<Hash64>(at + "phash")};
  readInteger(fj, "frame", f.frame, int64_t{0}, std::numeric_limits<int64_t>::max());
  readNumber(fj, "t", f.t);
  readPdq(fj, "pdq", f.pdq);
  readQuality(fj, "quality", f.quality);
  readPhash(fj, "phash", f.phash);
  return f;
}

void readFrames(const Json& j, RecordField<std::vector<FrameFields>>& f) {
  const Json* a = find(j, "frames");
  if (!a) return;
  if (!a->is_array()) return f.fail("not an array");
  std::vector<FrameFields> frames;
  frames.reserve(a->size());
  for (const Json& fj : *a) {
    if (!fj.is_object())
      return f.fail("element " + std::to_string(frames.size()) + " is not an object");
    frames.push_back(readFrame(fj, frames.size()));
  }
  f.set(std::move(frames));
}

}  // namespace

RecordFields readRecordFields(const Json& j) {
  if (!j.is_object()) throw FormatError("record is not a JSON object");
  constexpr size_t kMd5HexChars = 32, kSha1HexChars = 40, kSha256HexChars = 64;
  RecordFields r;
  readString(j, "path", r.path);
  readPathHex(j, r.pathHex);
  readBool(j, "archive_member", r.archiveMember);
  readString(j, "error", r.error);
  readString(j, "detail", r.detail);
  readDigest(j, "md5", r.md5, kMd5HexChars);
  readDigest(j, "sha1", r.sha1, kSha1HexChars);
  readDigest(j, "sha256", r.sha256, kSha256HexChars);
  readString(j, "kind", r.kind);
  readString(j, "decoder", r.decoder);
  readInteger(j, "width", r.width);
  readInteger(j, "height", r.height);
  readOrientation(j, r);
  readPdq(j, "pdq", r.pdq);
  readQuality(j, "pdq_quality", r.pdqQuality);
  readPhash(j, "phash", r.phash);
  readDihedral(j, r.dihedral);
  readNumber(j, "duration", r.duration);
  readNumber(j, "fps", r.fps);
  readFrames(j, r.frames);
  readString(j, "format", r.archiveFormat);
  readInteger(j, "members", r.archiveMembers);
  return r;
}

}  // namespace hashsieve
