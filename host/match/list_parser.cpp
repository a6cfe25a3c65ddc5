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
#include "host/match/hex_words.hpp"
#include "host/match/mapped_file.hpp"

namespace hashsieve {
namespace {

using detail::CsvFields;
using detail::trimSpaces;

constexpr size_t kMalformedSamples = 5;
constexpr int kMaxQuality = policy::kPdqMaxQuality;

// Header names accepted for each CSV role, in order of preference.
constexpr std::array<std::string_view, 7> kPdqColumns = {
    "pdq", "pdq_hash", "pdqhash", "hash", "hash_value", "hashvalue", "signal_value"};
constexpr std::array<std::string_view, 5> kPhashColumns = {"phash", "hash", "hash_value",
                                                           "hashvalue", "signal_value"};
constexpr std::array<std::string_view, 8> kIdColumns = {"id",   "list_id",  "entry_id",  "name",
                                                        "path", "filename", "file_name", "file"};
constexpr std::array<std::string_view, 2> kQualityColumns = {"quality", "pdq_quality"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<Hash256> parseHash(std::string_view hex, HashType type) {
  Hash256 h;
  if (!detail::parseHexWords(hex, h.w, wordsPerHash(type))) return std::nullopt;
  return h;
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

// What one line produced.
struct LineResult {
  enum Kind { Entry, Ignored, Malformed } kind = Malformed;
  std::string reason;  // Malformed only
  Hash256 hash;
  int quality = -1;
  std::string_view id;                 // empty = use the default id
  std::string idStorage;               // backs `id` when it had to be built (JSON numbers)
  std::vector<ListVideoFrame> frames;  // a video entry (id = the video's name)
};

LineResult malformed(std::string reason) {
  LineResult r;
  r.reason = std::move(reason);
  return r;
}

// Column positions from a CSV header.
struct CsvColumns {
  size_t hash = 0;
  std::optional<size_t> id, quality;
};

template <size_t N>
std::optional<size_t> findColumn(const CsvFields& f, const std::array<std::string_view, N>& names) {
  for (std::string_view name : names)
    for (size_t i = 0; i < f.size(); ++i)
      if (lower(f[i]) == name) return i;
  return std::nullopt;
}

std::optional<CsvColumns> headerColumns(const CsvFields& f, HashType type) {
  const auto hash =
      type == HashType::Pdq ? findColumn(f, kPdqColumns) : findColumn(f, kPhashColumns);
  if (!hash) return std::nullopt;
  return CsvColumns{*hash, findColumn(f, kIdColumns), findColumn(f, kQualityColumns)};
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
    if (line.find(',') == std::string_view::npos) {
      const size_t sp = line.find_first_of(" \t");
      if (sp != std::string_view::npos && isWord(line.substr(0, sp)) &&
          !parseHash(line.substr(0, sp), opts_.type)) {
        format = ListTextFormat::ThreatExchange;
        return false;
      }
    }
    format = ListTextFormat::Plain;
    if (!fields_.split(line) || fields_.size() == 0 || parseHash(fields_[0], opts_.type))
      return false;
    if (isVpdqLine()) {
      format = ListTextFormat::VpdqFrames;
      return false;
    }
    if (auto cols = headerColumns(fields_, opts_.type)) {
      format = ListTextFormat::Csv;
      columns_ = *cols;
      return true;
    }
    if (fields_.size() > 1 && std::none_of(line.begin(), line.end(), ::isdigit))
      throw FormatError(std::string(source_) + ": CSV header names no " + hashTypeName(opts_.type) +
                        " hash column (expected one of: " + hashTypeName(opts_.type) +
                        ", hash, ...)");
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
    }
    return malformed("unknown format");
  }

 private:
  // frameNumber,quality,pdqHex,timestamp (the vPDQ C++ tool's file; PDQ lists only).
  bool isVpdqLine() const {
    return opts_.type == HashType::Pdq && fields_.size() == 4 && parseFrameNumber(fields_[0]) &&
           parseQuality(fields_[1]) && parseHash(fields_[2], opts_.type) && isTimestamp(fields_[3]);
  }

  LineResult parseVpdq(std::string_view line) {
    if (!fields_.split(line)) return malformed("unbalanced quotes");
    if (fields_.size() != 4) return malformed("expected frameNumber,quality,pdqHex,timestamp");
    const auto frame = parseFrameNumber(fields_[0]);
    if (!frame) return malformed("frame number is not a whole number >= 0");
    const auto q = parseQuality(fields_[1]);
    if (!q) return malformed("quality is not an integer 0..100");
    const auto hash = parseHash(fields_[2], opts_.type);
    if (!hash) return malformed(badHash(fields_[2]));
    if (!isTimestamp(fields_[3])) return malformed("timestamp is not a number of seconds >= 0");
    LineResult r;
    r.kind = LineResult::Entry;
    r.hash = *hash;
    r.quality = *q;
    r.frames.push_back({*hash, *q, *frame});
    r.id = source_;  // every frame of the file is a frame of one video, named by the file
    return r;
  }

  // A `hashsieve hash` video record: one frame entry per element of "frames".
  LineResult parseVideoRecord(const nlohmann::json& frames) {
    const char* typeName = hashTypeName(opts_.type);
    LineResult r;
    r.kind = LineResult::Entry;
    int64_t index = 0;
    for (const nlohmann::json& f : frames) {
      if (!f.is_object()) return malformed("a \"frames\" element is not an object");
      auto value = f.find(typeName);
      if (value == f.end() || !value->is_string())
        return malformed(std::string("a frame lacks a \"") + typeName + "\" string");
      const auto hash = parseHash(value->get_ref<const std::string&>(), opts_.type);
      if (!hash) return malformed(badHash(value->get_ref<const std::string&>()));
      ListVideoFrame e{*hash, -1, index++};
      if (auto q = f.find("quality"); q != f.end() && q->is_number_integer()) {
        const int v = q->get<int>();
        if (v < 0 || v > kMaxQuality) return malformed("quality is not an integer 0..100");
        e.quality = v;
      }
      if (auto n = f.find("frame"); n != f.end()) {
        if (!n->is_number_integer() || n->get<int64_t>() < 0)
          return malformed("frame number is not a whole number >= 0");
        e.frame = n->get<int64_t>();
      }
      r.frames.push_back(e);
    }
    if (r.frames.empty()) {
      r.kind = LineResult::Ignored;  // a video without sampled frames
      return r;
    }
    r.hash = r.frames.front().hash;
    r.quality = r.frames.front().quality;
    return r;
  }

  LineResult parsePlain(std::string_view line) {
    if (!fields_.split(line)) return malformed("unbalanced quotes");
    const auto hash = parseHash(fields_[0], opts_.type);
    if (!hash) return malformed(badHash(fields_[0]));
    LineResult r;
    r.kind = LineResult::Entry;
    r.hash = *hash;
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
    if (columns_.hash >= fields_.size()) return malformed("missing the hash column");
    const auto hash = parseHash(fields_[columns_.hash], opts_.type);
    if (!hash) return malformed(badHash(fields_[columns_.hash]));
    LineResult r;
    r.kind = LineResult::Entry;
    r.hash = *hash;
    if (columns_.quality && *columns_.quality < fields_.size() &&
        !fields_[*columns_.quality].empty()) {
      const auto q = parseQuality(fields_[*columns_.quality]);
      if (!q) return malformed("quality is not an integer 0..100");
      r.quality = *q;
    }
    if (columns_.id && *columns_.id < fields_.size()) r.id = fields_[*columns_.id];
    return r;
  }

  LineResult parseThreatExchange(std::string_view line) {
    const size_t sp = line.find_first_of(" \t");
    if (sp == std::string_view::npos) return malformed("expected `<signal_type> <value>`");
    const std::string type = lower(line.substr(0, sp));
    if (type != hashTypeName(opts_.type)) {
      LineResult r;
      r.kind = LineResult::Ignored;
      return r;
    }
    std::string_view rest = trimSpaces(line.substr(sp + 1));
    rest = rest.substr(0, rest.find_first_of(" \t"));
    const auto hash = parseHash(rest, opts_.type);
    if (!hash) return malformed(badHash(rest));
    LineResult r;
    r.kind = LineResult::Entry;
    r.hash = *hash;
    return r;
  }

  LineResult parseJson(std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return malformed("not a JSON object");
    LineResult r;
    if (j.contains("error")) {  // a `hashsieve hash` error record
      r.kind = LineResult::Ignored;
      return r;
    }
    const char* typeName = hashTypeName(opts_.type);
    if (auto frames = j.find("frames"); frames != j.end() && frames->is_array() &&
                                        (j.value("kind", "") == "video" || !j.contains(typeName))) {
      r = parseVideoRecord(*frames);
      if (r.kind == LineResult::Entry)
        for (const char* key : {"id", "path"})
          if (auto id = j.find(key); id != j.end() && !id->is_null()) {
            r.idStorage = id->is_string() ? id->get<std::string>() : id->dump();
            break;
          }
      return r;
    }
    const nlohmann::json* value = nullptr;
    if (auto it = j.find(typeName); it != j.end())
      value = &*it;
    else if (auto h = j.find("hash"); h != j.end())
      value = &*h;
    else if (auto hv = j.find("hashValue"); hv != j.end()) {
      // StopNCII: {"signalType": "ImagePDQ", "hashValue": ...}; other signal types are ignored.
      const std::string signal = lower(j.value("signalType", std::string(typeName)));
      if (signal != typeName && signal != std::string("image") + typeName) {
        r.kind = LineResult::Ignored;
        return r;
      }
      value = &*hv;
    }
    if (!value) {
      r.kind = LineResult::Ignored;  // e.g. a video record or another signal's record
      if (j.contains("pdq") || j.contains("phash")) return r;
      return malformed(std::string("no \"") + typeName + "\" field");
    }
    if (!value->is_string()) return malformed(std::string("\"") + typeName + "\" is not a string");
    const auto hash = parseHash(value->get_ref<const std::string&>(), opts_.type);
    if (!hash) return malformed(badHash(value->get_ref<const std::string&>()));
    r.kind = LineResult::Entry;
    r.hash = *hash;
    for (const char* key : {"quality", "pdq_quality"})
      if (auto q = j.find(key); q != j.end() && q->is_number_integer()) {
        const int v = q->get<int>();
        if (v < 0 || v > kMaxQuality) return malformed("quality is not an integer 0..100");
        r.quality = v;
        break;
      }
    for (const char* key : {"id", "path"})
      if (auto id = j.find(key); id != j.end() && !id->is_null()) {
        r.idStorage = id->is_string() ? id->get<std::string>() : id->dump();
        break;
      }
    return r;
  }

  std::string badHash(std::string_view s) const {
    return "not a " + std::to_string(hexCharsPerHash(opts_.type)) + "-hex " +
           hashTypeName(opts_.type) + " hash: \"" + std::string(s.substr(0, 80)) + "\"";
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
      std::string msg = std::string(source) + ":" + std::to_string(lineNo) + ": " + r.reason;
      if (opts.strict) throw FormatError(msg);
      ++stats.malformed;
      if (stats.malformedSamples.size() < kMalformedSamples)
        stats.malformedSamples.push_back(std::move(msg));
      continue;
    }
    std::string_view id = r.idStorage.empty() ? r.id : std::string_view(r.idStorage);
    if (id.empty()) {
      defaultId.resize(prefixLen);
      defaultId += std::to_string(lineNo);
      id = defaultId;
    }
    sink(ListEntryView{r.hash, r.quality, id, r.frames});
    ++stats.entries;
  }
  return stats;
}

ListParseStats parseListFile(const std::filesystem::path& path, const ListParseOptions& opts,
                             const ListEntrySink& sink) {
  MappedFile file(path);
  file.adviseSequential();
  return parseListText(file.text(), path.string(), opts, sink);
}

}  // namespace hashsieve
