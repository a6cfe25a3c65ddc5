// Text hash-list readers: format detection from the first significant line, one parser per
// format, and the line loop with strict / lenient handling of malformed lines.
#include "host/match/list_parser.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

#include "host/core/errors.hpp"
#include "host/core/policy.hpp"
#include "host/match/csv_fields.hpp"
#include "host/match/hash_keys.hpp"
#include "host/match/hex_words.hpp"
#include "host/match/mapped_file.hpp"
#include "host/match/record_hashes.hpp"

namespace hashsieve {
namespace {

using detail::CsvFields;
using detail::trimSpaces;
using Json = nlohmann::ordered_json;

constexpr size_t kMalformedSamples = 5;
constexpr int kMaxQuality = policy::kPdqMaxQuality;

// Header names accepted for the id and quality columns (hash columns: typedColumnNames).
constexpr std::array<std::string_view, 8> kIdColumns = {"id",   "list_id",  "entry_id",  "name",
                                                        "path", "filename", "file_name", "file"};
constexpr std::array<std::string_view, 2> kQualityColumns = {"quality", "pdq_quality"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// An integer 0..100 filling the whole field.
std::optional<int> parseQuality(std::string_view s) {
  int v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > kMaxQuality)
    return std::nullopt;
  return v;
}

bool isWord(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

/// A whole number >= 0 filling the field (vPDQ frame numbers).
std::optional<int64_t> parseFrameNumber(std::string_view s) {
  int64_t v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

/// A vPDQ timestamp: a decimal number of seconds >= 0.
bool isTimestamp(std::string_view s) {
  double v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v >= 0;
}

// One hash of a line: lines of bundles (hash records, CSVs with md5/sha1 columns) carry several.
struct TypedHash {
  HashType type;
  Hash256 hash;
};

// What one line produced.
struct LineResult {
  enum Kind { Entry, Ignored, Malformed } kind = Malformed;
  std::string reason;                  // Malformed only
  std::vector<TypedHash> keys;         // Entry: at least one
  int quality = -1;                    // of the perceptual hash
  std::string_view id;                 // empty = use the default id
  std::string idStorage;               // backs `id` when it had to be built (JSON numbers)
  std::vector<ListVideoFrame> frames;  // a video entry (id = the video's name)
  std::string meta;                    // compact JSON object, or empty
};

LineResult malformed(std::string reason) {
  LineResult r;
  r.reason = std::move(reason);
  return r;
}

LineResult ignored() {
  LineResult r;
  r.kind = LineResult::Ignored;
  return r;
}

// The hash type a ThreatExchange / python-threatexchange / StopNCII signal type names, if usable.
std::optional<HashType> signalType(std::string_view name) {
  const std::string n = lower(name);
  HashType t;
  if (parseHashTypeName(n, t)) return t;
  if (n == "video_md5" || n == "photo_md5" || n == "imagemd5" || n == "videomd5")
    return HashType::Md5;
  if (n == "imagepdq") return HashType::Pdq;
  return std::nullopt;
}

bool allHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return detail::kHexDigitValue[c] != 0xff; });
}

// Column positions from a CSV header.
struct CsvColumns {
  std::vector<std::pair<HashType, size_t>> typed;  // md5 / sha1 / pdq ... columns
  std::optional<size_t> generic;                   // hash / signal_str: typed per row
  std::optional<size_t> signal, id, quality;
  std::vector<std::pair<std::string, size_t>> meta;  // category, tags, ... (lower-case names)
};

constexpr std::array<std::string_view, 5> kGenericColumns = {"hash", "hash_value", "hashvalue",
                                                             "signal_value", "signal_str"};
constexpr std::array<std::string_view, 7> kMetaColumns = {
    "category", "classification", "tags", "collab", "source", "member", "timestamp"};

std::vector<std::string_view> typedColumnNames(HashType t) {
  switch (t) {
    case HashType::Pdq:
      return {"pdq", "pdq_hash", "pdqhash"};
    case HashType::Phash:
      return {"phash"};
    case HashType::Md5:
      return {"md5", "md5_hash", "md5hash"};
    case HashType::Sha1:
      return {"sha1", "sha-1", "sha1_hash"};
    case HashType::Sha256:
      return {"sha256", "sha-256", "sha256_hash"};
  }
  return {};
}

std::optional<size_t> findColumn(const CsvFields& f, std::span<const std::string_view> names) {
  for (std::string_view name : names)
    for (size_t i = 0; i < f.size(); ++i)
      if (lower(f[i]) == name) return i;
  return std::nullopt;
}

std::optional<CsvColumns> headerColumns(const CsvFields& f, const ListParseOptions& opts) {
  CsvColumns c;
  for (HashType t : kAllHashTypes)
    if (opts.autoType || t == opts.type)
      if (auto col = findColumn(f, typedColumnNames(t))) c.typed.emplace_back(t, *col);
  c.signal = findColumn(f, std::array<std::string_view, 2>{"signal_type", "signaltype"});
  if (c.typed.empty() || c.signal) c.generic = findColumn(f, kGenericColumns);
  if (c.typed.empty() && !c.generic) return std::nullopt;
  c.id = findColumn(f, kIdColumns);
  c.quality = findColumn(f, kQualityColumns);
  for (size_t i = 0; i < f.size(); ++i) {
    const std::string name = lower(f[i]);
    if (std::find(kMetaColumns.begin(), kMetaColumns.end(), name) != kMetaColumns.end())
      c.meta.emplace_back(name, i);
  }
  return c;
}

class LineParser {
 public:
  LineParser(const ListParseOptions& opts, std::string_view source)
      : opts_(opts), source_(source) {}

  // Decides the format from the first significant line. Returns true when that line was a
  // header (consumed, not an entry).
  bool detect(std::string_view line, ListTextFormat& format) {
    if (line.front() == '{') {
      format = ListTextFormat::Jsonl;
      return false;
    }
    const bool tsv = isTabSeparated(line);
    if (tsv) fields_.setSeparator('\t');
    if (!tsv && line.find(',') == std::string_view::npos) {
      const size_t sp = line.find_first_of(" \t");
      if (sp != std::string_view::npos && isWord(line.substr(0, sp)) &&
          !looksLikeHash(line.substr(0, sp))) {
        format = ListTextFormat::ThreatExchange;
        return false;
      }
    }
    format = ListTextFormat::Plain;
    if (!fields_.split(line) || fields_.size() == 0 || looksLikeHash(fields_[0])) return false;
    if (isVpdqLine()) {
      format = ListTextFormat::VpdqFrames;
      return false;
    }
    if (auto cols = headerColumns(fields_, opts_)) {
      format = ListTextFormat::Csv;
      columns_ = *cols;
      return true;
    }
    const char* name = opts_.autoType ? "hash" : hashTypeName(opts_.type);
    if (fields_.size() > 1 && std::none_of(line.begin(), line.end(), ::isdigit))
      throw FormatError(std::string(source_) + ": CSV header names no " + name +
                        " hash column (expected one of: pdq, phash, md5, sha1, sha256, hash, "
                        "signal_type + signal_str)");
    return false;  // a plain list whose first line is malformed
  }

  LineResult parse(std::string_view line, ListTextFormat format) {
    switch (format) {
      case ListTextFormat::Plain:
        return parsePlain(line);
      case ListTextFormat::Csv:
        return parseCsv(line);
      case ListTextFormat::ThreatExchange:
        return parseThreatExchange(line);
      case ListTextFormat::Jsonl:
        return parseJson(line);
      case ListTextFormat::VpdqFrames:
        return parseVpdq(line);
      case ListTextFormat::NcmecXml:
      case ListTextFormat::VicsJson:
        break;  // whole-document formats, not read line by line
    }
    return malformed("unknown format");
  }

 private:
  bool wants(HashType t) const { return opts_.autoType || t == opts_.type; }

  // TSV: tabs between fields, and either a hash first or a header (no commas) naming a hash
  // column; a ThreatExchange `pdq<TAB>hex` line has its hash second and stays ThreatExchange.
  bool isTabSeparated(std::string_view line) {
    if (line.find('\t') == std::string_view::npos) return false;
    CsvFields f;
    f.setSeparator('\t');
    if (!f.split(line) || f.size() < 2) return false;
    if (looksLikeHash(f[0])) return true;
    if (line.find(',') != std::string_view::npos) return false;
    for (size_t i = 0; i < f.size(); ++i)
      if (looksLikeHash(f[i])) return false;
    return headerColumns(f, opts_).has_value();
  }

  // Hex of a length some hash kind has: data, not a header or a signal type name.
  static bool looksLikeHash(std::string_view s) {
    return (s.size() == 16 || s.size() == 32 || s.size() == 40 || s.size() == 64) && allHex(s);
  }

  // A hash whose kind is not given by a column or key: the list's type, or by its length.
  std::optional<HashType> kindOf(std::string_view hex) const {
    if (!opts_.autoType) return opts_.type;
    return typeOfHexLength(hex.size(), opts_.hex64);
  }

  // Parses `hex` as `type` into r.keys, or returns the reason it is malformed.
  static std::optional<std::string> addKey(LineResult& r, std::string_view hex, HashType type) {
    if (auto h = parseTypedHash(hex, type)) {
      r.keys.push_back({type, *h});
      return std::nullopt;
    }
    return badHash(hex, type);
  }

  // frameNumber,quality,pdqHex,timestamp (the vPDQ C++ tool's file; PDQ lists only).
  bool isVpdqLine() const {
    return wants(HashType::Pdq) && fields_.size() == 4 && parseFrameNumber(fields_[0]) &&
           parseQuality(fields_[1]) && parseTypedHash(fields_[2], HashType::Pdq) &&
           isTimestamp(fields_[3]);
  }

  LineResult parseVpdq(std::string_view line) {
    if (!fields_.split(line)) return malformed("unbalanced quotes");
    if (fields_.size() != 4) return malformed("expected frameNumber,quality,pdqHex,timestamp");
    const auto frame = parseFrameNumber(fields_[0]);
    if (!frame) return malformed("frame number is not a whole number >= 0");
    const auto q = parseQuality(fields_[1]);
    if (!q) return malformed("quality is not an integer 0..100");
    const auto hash = parseTypedHash(fields_[2], HashType::Pdq);
    if (!hash) return malformed(badHash(fields_[2], HashType::Pdq));
    if (!isTimestamp(fields_[3])) return malformed("timestamp is not a number of seconds >= 0");
    LineResult r;
    r.kind = LineResult::Entry;
    r.keys.push_back({HashType::Pdq, *hash});
    r.quality = *q;
    r.frames.push_back({*hash, *q, *frame});
    r.id = source_;  // every frame of the file is a frame of one video, named by the file
    return r;
  }

  // A `hashsieve hash` video record: one frame entry per element of "frames".
  static LineResult parseVideoRecord(const std::vector<FrameFields>& frames, HashType type) {
    LineResult r;
    r.kind = LineResult::Entry;
    for (size_t n = 0; n < frames.size(); ++n) {
      const FrameFields& f = frames[n];
      const RecordField<Hash256> hash = listHashField(f.pdq, f.phash, type);
      if (!hash.valid()) return malformed(hash.message());
      if (f.quality.malformed()) return malformed(f.quality.message());
      if (f.frame.malformed()) return malformed(f.frame.message());
      r.frames.push_back({*hash.valid(), f.quality.valid().value_or(-1),
                          f.frame.valid().value_or(static_cast<int64_t>(n))});
    }
    if (r.frames.empty()) return ignored();  // a video without sampled frames
    r.keys.push_back({type, r.frames.front().hash});
    r.quality = r.frames.front().quality;
    return r;
  }

  LineResult parsePlain(std::string_view line) {
    if (!fields_.split(line)) return malformed("unbalanced quotes");
    LineResult r;
    const std::string_view hex = fields_[0];
    const auto type = kindOf(hex);
    if (!type)
      return malformed("not a hash (16, 32, 40 or 64 hex digits): \"" +
                       std::string(hex.substr(0, 80)) + "\"");
    if (auto bad = addKey(r, hex, *type)) {
      // Name the kind it is when it is another one (an MD5 list built as PDQ).
      if (const auto other = typeOfHexLength(hex.size(), HashType::Sha256);
          other && *other != *type && allHex(hex))
        return malformed("a " + std::to_string(hex.size()) + "-hex " + hashTypeName(*other) +
                         " hash, not " + hashTypeName(*type) + " (build with --type " +
                         hashTypeName(*other) + ", or without --type)");
      return malformed(*bad);
    }
    r.kind = LineResult::Entry;
    size_t next = 1;
    // A second column that is an integer 0..100 is a quality (hash,quality,path); else an id.
    if (fields_.size() > next)
      if (auto q = parseQuality(fields_[next])) {
        r.quality = *q;
        ++next;
      }
    if (fields_.size() > next) r.id = fields_[next];
    return r;
  }

  LineResult parseCsv(std::string_view line) {
    if (!fields_.split(line)) return malformed("unbalanced quotes");
    LineResult r;
    for (const auto& [type, col] : columns_.typed) {
      if (col >= fields_.size() || fields_[col].empty()) continue;
      if (auto bad = addKey(r, fields_[col], type)) return malformed(*bad);
    }
    if (columns_.generic && *columns_.generic < fields_.size() &&
        !fields_[*columns_.generic].empty()) {
      const std::string_view hex = fields_[*columns_.generic];
      std::optional<HashType> type;
      if (columns_.signal) {
        if (*columns_.signal >= fields_.size()) return malformed("missing the signal_type column");
        type = signalType(fields_[*columns_.signal]);
        if (!type || !wants(*type)) return r.keys.empty() ? ignored() : finishCsv(r);
      } else {
        type = kindOf(hex);
        if (!type) return malformed(badHash(hex, opts_.type));
      }
      if (auto bad = addKey(r, hex, *type)) return malformed(*bad);
    }
    if (r.keys.empty()) return malformed("no hash in the row");
    return finishCsv(r);
  }

  LineResult finishCsv(LineResult& r) {
    r.kind = LineResult::Entry;
    if (columns_.quality && *columns_.quality < fields_.size() &&
        !fields_[*columns_.quality].empty()) {
      const auto q = parseQuality(fields_[*columns_.quality]);
      if (!q) return malformed("quality is not an integer 0..100");
      r.quality = *q;
    }
    if (columns_.id && *columns_.id < fields_.size()) r.id = fields_[*columns_.id];
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [name, col] : columns_.meta)
      if (col < fields_.size() && !fields_[col].empty()) meta[name] = std::string(fields_[col]);
    if (!meta.empty()) r.meta = meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return std::move(r);
  }

  LineResult parseThreatExchange(std::string_view line) {
    const size_t sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return malformed("expected `<signal_type> <value>`");
    const auto type = signalType(line.substr(0, sp));
    if (!type || !wants(*type)) return ignored();
    std::string_view rest = trimSpaces(line.substr(sp + 1));
    rest = rest.substr(0, rest.find_first_of(" \t"));
    LineResult r;
    if (auto bad = addKey(r, rest, *type)) return malformed(*bad);
    r.kind = LineResult::Entry;
    return r;
  }

  // Fields of a JSON record kept as metadata.
  static std::string jsonMeta(const Json& j) {
    Json meta = Json::object();
    for (const char* key : {"category", "classification", "tags", "source", "member", "timestamp"})
      if (auto it = j.find(key); it != j.end() && !it->is_null()) meta[key] = *it;
    return meta.empty() ? std::string()
                        : meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  LineResult parseJson(std::string_view line) {
    const auto j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return malformed("not a JSON object");
    // The record format's fields (a `hashsieve hash` record, or any object using its names);
    // the list formats' own keys (id, hash, hashValue, quality, metadata) are read here.
    const RecordFields f = readRecordFields(j);
    LineResult r = parseJsonHashes(j, f);
    if (r.kind != LineResult::Entry) return r;
    if (auto id = j.find("id"); id != j.end() && !id->is_null())
      r.idStorage = id->is_string() ? id->get<std::string>() : id->dump();
    else if (const auto& path = f.path.valid())
      r.idStorage = *path;
    r.meta = jsonMeta(j);
    return r;
  }

  // The digests of a record (hash records, error records of files that were read, any object
  // with md5/sha1/sha256 keys) into r.keys.
  std::optional<std::string> addDigests(LineResult& r, const RecordFields& f) const {
    for (HashType t : {HashType::Md5, HashType::Sha1, HashType::Sha256}) {
      if (!wants(t)) continue;
      const RecordField<std::string>& d = digestField(f, t);
      if (!d.present()) continue;
      if (!d.valid()) return d.message();
      if (auto bad = addKey(r, *d.valid(), t)) return bad;
    }
    return std::nullopt;
  }

  LineResult parseJsonHashes(const Json& j, const RecordFields& f) {
    LineResult r;
    if (f.isError()) {  // a `hashsieve hash` error record: only its digests
      if (auto bad = addDigests(r, f)) return malformed(*bad);
      if (r.keys.empty()) return ignored();
      r.kind = LineResult::Entry;
      return r;
    }
    const HashType frameType = opts_.autoType ? HashType::Pdq : opts_.type;
    if (isPerceptual(frameType) && f.frames.present() &&
        (f.kind.valid() == "video" || !listHashField(f.pdq, f.phash, frameType).present())) {
      if (!f.frames.valid()) return malformed(f.frames.message());
      r = parseVideoRecord(*f.frames.valid(), frameType);
      if (r.kind == LineResult::Malformed) return r;
      if (auto bad = addDigests(r, f)) return malformed(*bad);
      if (r.keys.empty()) return ignored();
      r.kind = LineResult::Entry;
      return r;
    }
    for (HashType t : {HashType::Pdq, HashType::Phash}) {
      if (!wants(t)) continue;
      // One perceptual type per record when reading every type: scan and match use one
      // perceptual list per file (PDQ before pHash), so a hash record's pHash would be dead.
      if (opts_.autoType && t == HashType::Phash && !r.keys.empty()) continue;
      const RecordField<Hash256> hash = listHashField(f.pdq, f.phash, t);
      if (!hash.present()) continue;
      if (!hash.valid()) return malformed(hash.message());
      r.keys.push_back({t, *hash.valid()});
    }
    if (auto bad = addDigests(r, f)) return malformed(*bad);
    if (r.keys.empty()) {
      // {"hash": ...}: the list's type (or by length); StopNCII {"signalType", "hashValue"}.
      const Json* value = nullptr;
      std::optional<HashType> type;
      if (auto h = j.find("hash"); h != j.end()) {
        value = &*h;
        if (h->is_string()) type = kindOf(h->get_ref<const std::string&>());
      } else if (auto hv = j.find("hashValue"); hv != j.end()) {
        value = &*hv;
        type = signalType(j.value("signalType", std::string(hashTypeName(opts_.type))));
        if (!type || !wants(*type)) return ignored();
      }
      if (!value) {
        for (HashType t : kAllHashTypes)
          if (hasHash(f, t)) return ignored();  // another type's record
        return malformed(opts_.autoType
                             ? std::string("no hash field (pdq, phash, md5, sha1, sha256, hash)")
                             : std::string("no \"") + hashTypeName(opts_.type) + "\" field");
      }
      if (!value->is_string() || !type) return malformed("the hash is not a hex string");
      if (auto bad = addKey(r, value->get_ref<const std::string&>(), *type)) return malformed(*bad);
    }
    r.kind = LineResult::Entry;
    // The list formats' "quality", else the record's "pdq_quality".
    if (auto q = j.find("quality"); q != j.end() && q->is_number_integer()) {
      const int v = q->get<int>();
      if (v < 0 || v > kMaxQuality) return malformed("quality is not an integer 0..100");
      r.quality = v;
    } else if (f.pdqQuality.malformed()) {
      return malformed(f.pdqQuality.message());
    } else {
      r.quality = f.pdqQuality.valid().value_or(-1);
    }
    return r;
  }

  static bool hasHash(const RecordFields& f, HashType t) {
    return isPerceptual(t) ? listHashField(f.pdq, f.phash, t).present()
                           : digestField(f, t).present();
  }

  static std::string badHash(std::string_view s, HashType type) {
    return "not a " + std::to_string(hexCharsPerHash(type)) + "-hex " + hashTypeName(type) +
           " hash: \"" + std::string(s.substr(0, 80)) + "\"";
  }

  const ListParseOptions& opts_;
  std::string_view source_;
  CsvFields fields_;
  CsvColumns columns_;
};

}  // namespace

const char* listTextFormatName(ListTextFormat f) {
  switch (f) {
    case ListTextFormat::Plain:
      return "plain";
    case ListTextFormat::Csv:
      return "csv";
    case ListTextFormat::ThreatExchange:
      return "threatexchange";
    case ListTextFormat::Jsonl:
      return "jsonl";
    case ListTextFormat::VpdqFrames:
      return "vpdq";
    case ListTextFormat::NcmecXml:
      return "ncmec-xml";
    case ListTextFormat::VicsJson:
      return "vics-json";
  }
  return "?";
}

ListParseStats parseListText(std::string_view text, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  ListParseStats stats;
  LineParser parser(opts, source);
  bool detected = false;
  std::string defaultId = opts.defaultIdPrefix;
  const size_t prefixLen = defaultId.size();
  size_t lineNo = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trimSpaces(line);
    if (line.empty() || line.front() == '#') continue;
    ++stats.lines;
    if (!detected) {
      detected = true;
      if (parser.detect(line, stats.format)) continue;  // the CSV header
    }
    LineResult r = parser.parse(line, stats.format);
    if (r.kind == LineResult::Ignored) {
      ++stats.ignored;
      continue;
    }
    if (r.kind == LineResult::Malformed) {
      stats.addMalformed(std::string(source) + ":" + std::to_string(lineNo) + ": " + r.reason,
                         opts.strict);
      continue;
    }
    std::string_view id = r.idStorage.empty() ? r.id : std::string_view(r.idStorage);
    if (id.empty()) {
      defaultId.resize(prefixLen);
      defaultId += std::to_string(lineNo);
      id = defaultId;
    }
    for (const TypedHash& k : r.keys) {
      const bool perceptual = isPerceptual(k.type);
      sink(ListEntryView{k.hash, perceptual ? r.quality : -1, id,
                         perceptual ? std::span<const ListVideoFrame>(r.frames)
                                    : std::span<const ListVideoFrame>(),
                         k.type, r.meta, lineNo});
      ++stats.entries;
    }
  }
  return stats;
}

void ListParseStats::countUnusable(std::string_view kind) {
  for (auto& [name, n] : unusable)
    if (name == kind) {
      ++n;
      return;
    }
  unusable.emplace_back(std::string(kind), 1);
}

void ListParseStats::addMalformed(std::string message, bool strict) {
  if (strict) throw FormatError(message);
  ++malformed;
  if (malformedSamples.size() < kMalformedSamples) malformedSamples.push_back(std::move(message));
}

ListParseStats parseListFile(const std::filesystem::path& path, const ListParseOptions& opts,
                             const ListEntrySink& sink) {
  MappedFile file(path);
  file.adviseSequential();
  return parseListText(file.text(), path.string(), opts, sink);
}

}  // namespace hashsieve
