// Streaming NCMEC hash-sharing XML reader (expat, namespace-aware, entity declarations refused).
#include "host/match/ncmec_xml.hpp"

#include <expat.h>

#include <array>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_keys.hpp"

namespace hashsieve {
namespace {

/// Bytes handed to expat per call: the document is never held whole.
constexpr size_t kChunkBytes = 64 * 1024;
/// Deeper than any hash-sharing page nests (queryResult/images/image/feedback/.../member is 7).
constexpr int kMaxDepth = 64;
/// Text kept per element: fingerprints are at most a few hundred hex digits (PhotoDNA).
constexpr size_t kMaxText = 4096;
/// The namespace of the hash-sharing API (v2; earlier versions share the prefix).
constexpr std::string_view kNamespacePrefix = "https://hashsharing.ncmec.org/";

// One image/video (or deleted one) being read.
struct Entry {
  bool deleted = false;
  std::string media;  // "image" / "video"
  std::string id, classification, timestamp, member, memberId;
  std::vector<std::pair<std::string, std::string>> fingerprints;  // (element, text)
  std::vector<std::string> unusable;                              // elements with href, ...
};

class Reader {
 public:
  Reader(std::string_view source, const ListParseOptions& opts, const ListEntrySink& sink,
         const ListRemoveSink& remove)
      : source_(source), opts_(opts), sink_(sink), remove_(remove) {
    stats_.format = ListTextFormat::NcmecXml;
  }

  void start(const char* qname, const char** attrs) {
    if (++depth_ > kMaxDepth)
      return fail("elements nested deeper than " + std::to_string(kMaxDepth));
    const auto name = localName(qname);
    path_.push_back(name ? *name : std::string());  // "" = another namespace: ignored
    text_.clear();
    if (depth_ == 1) {
      if (name != "queryResult")
        return fail(std::string("not an NCMEC hash-sharing queryResult (root element ") + qname +
                    ")");
      return;
    }
    if (!name) return;
    if (depth_ == 3 && (parent(1) == "images" || parent(1) == "videos")) {
      if (*name == "image" || *name == "video" || *name == "deletedImage" ||
          *name == "deletedVideo") {
        entry_.emplace();
        entry_->deleted = name->starts_with("deleted");
        entry_->media = (*name == "image" || *name == "deletedImage") ? "image" : "video";
        entryLine_ = XML_GetCurrentLineNumber(parser_);
      }
      return;
    }
    if (!entry_) return;
    if (depth_ == 4 && *name == "member")
      for (const char** a = attrs; a[0]; a += 2)
        if (std::string_view(a[0]) == "id") entry_->memberId = a[1];
    if (depth_ == 5 && parent(1) == "fingerprints")
      for (const char** a = attrs; a[0]; a += 2)
        if (std::string_view(a[0]) == "href") entry_->unusable.push_back(*name);  // a link only
  }

  void end() {
    const std::string name = path_.back();
    if (entry_ && !name.empty()) {
      if (depth_ == 4) {
        if (name == "id") entry_->id = trimmed();
        if (name == "classification") entry_->classification = trimmed();
        if (name == "timestamp") entry_->timestamp = trimmed();
        if (name == "member") entry_->member = trimmed();
      }
      if (depth_ == 5 && parent(1) == "fingerprints" &&
          (entry_->unusable.empty() || entry_->unusable.back() != name))
        entry_->fingerprints.emplace_back(name, trimmed());
      if (depth_ == 3) finishEntry();
    }
    path_.pop_back();
    --depth_;
    text_.clear();
  }

  void text(const char* s, int len) {
    if (text_.size() + static_cast<size_t>(len) > kMaxText) {
      textTooLong_ = true;
      return;
    }
    text_.append(s, static_cast<size_t>(len));
  }

  void fail(std::string message) {
    if (!error_) error_ = std::move(message);
    XML_StopParser(parser_, XML_FALSE);
  }

  XML_Parser parser_ = nullptr;
  std::optional<std::string> error_;
  std::exception_ptr thrown_;
  ListParseStats stats_;

 private:
  // The local name of an element of the hash-sharing namespace (or none); nullopt otherwise.
  static std::optional<std::string> localName(std::string_view qname) {
    const size_t bar = qname.find('|');
    if (bar == std::string_view::npos) return std::string(qname);
    if (!qname.substr(0, bar).starts_with(kNamespacePrefix)) return std::nullopt;
    return std::string(qname.substr(bar + 1));
  }

  const std::string& parent(size_t up) const { return path_[path_.size() - 1 - up]; }

  std::string trimmed() const {
    const size_t b = text_.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return text_.substr(b, text_.find_last_not_of(" \t\r\n") - b + 1);
  }

  void malformed(const std::string& reason) {
    stats_.addMalformed(std::string(source_) + ":" + std::to_string(entryLine_) + ": " + reason,
                        opts_.strict);
  }

  void finishEntry() {
    Entry e = std::move(*entry_);
    entry_.reset();
    ++stats_.lines;
    if (textTooLong_) {
      textTooLong_ = false;
      return malformed("an element's text is longer than " + std::to_string(kMaxText) + " bytes");
    }
    if (e.id.empty()) return malformed(e.media + " entry without an <id>");
    if (e.deleted) {
      ++stats_.removed;
      if (remove_) remove_(e.id, true);
      return;
    }
    std::vector<std::pair<HashType, Hash256>> keys;
    for (const auto& [kind, value] : e.fingerprints) {
      HashType type;
      if (!parseHashTypeName(kind, type)) {
        stats_.countUnusable(kind);
        continue;
      }
      const auto h = parseTypedHash(value, type);
      if (!h)
        return malformed("entry " + e.id + ": <" + kind + "> is not a " +
                         std::to_string(hexCharsPerHash(type)) + "-hex digest");
      if (opts_.autoType || type == opts_.type)
        keys.emplace_back(type, *h);
      else
        ++stats_.ignored;
    }
    for (const std::string& kind : e.unusable) stats_.countUnusable(kind);
    if (remove_) remove_(e.id, false);
    if (keys.empty()) return;
    nlohmann::ordered_json meta;
    if (!e.classification.empty()) meta["category"] = e.classification;
    meta["source"] = "ncmec";
    meta["media"] = e.media;
    if (!e.member.empty()) meta["member"] = e.member;
    if (!e.memberId.empty()) meta["member_id"] = e.memberId;
    if (!e.timestamp.empty()) meta["timestamp"] = e.timestamp;
    const std::string metaText =
        meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& [type, hash] : keys) {
      sink_(ListEntryView{hash, -1, e.id, {}, type, metaText});
      ++stats_.entries;
    }
  }

  std::string_view source_;
  const ListParseOptions& opts_;
  const ListEntrySink& sink_;
  const ListRemoveSink& remove_;
  int depth_ = 0;
  std::vector<std::string> path_;
  std::string text_;
  bool textTooLong_ = false;
  std::optional<Entry> entry_;
  uint64_t entryLine_ = 0;
};

// Exceptions (strict mode, a failing sink) must not unwind through expat's C frames: they are
// kept, the parse stopped, and rethrown after XML_Parse returns.
template <typename F>
void guarded(void* r, F&& f) {
  auto* reader = static_cast<Reader*>(r);
  try {
    f(*reader);
  } catch (...) {
    reader->thrown_ = std::current_exception();
    XML_StopParser(reader->parser_, XML_FALSE);
  }
}

extern "C" {
static void onStart(void* r, const XML_Char* name, const XML_Char** attrs) {
  guarded(r, [&](Reader& reader) { reader.start(name, attrs); });
}
static void onEnd(void* r, const XML_Char*) {
  guarded(r, [](Reader& reader) { reader.end(); });
}
static void onText(void* r, const XML_Char* s, int len) {
  guarded(r, [&](Reader& reader) { reader.text(s, len); });
}
// Any entity declaration ends the parse: hash-sharing pages declare none, and internal entities
// are how "billion laughs" documents expand.
static void onEntityDecl(void* r, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                         const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<Reader*>(r)->fail("entity declarations are refused");
}
}

struct ParserDeleter {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

}  // namespace

ListParseStats parseNcmecXml(std::istream& in, std::string_view prefix, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink,
                             const ListRemoveSink& remove) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreateNS(nullptr, '|'));
  if (!parser) throw std::runtime_error("expat: cannot create a parser");
  Reader reader(source, opts, sink, remove);
  reader.parser_ = parser.get();
  XML_SetUserData(parser.get(), &reader);
  XML_SetElementHandler(parser.get(), onStart, onEnd);
  XML_SetCharacterDataHandler(parser.get(), onText);
  XML_SetEntityDeclHandler(parser.get(), onEntityDecl);
  // No external DTD or parameter entities are ever read (no external entity handler is set).
  XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);

  auto feed = [&](const char* data, size_t len, bool last) {
    if (XML_Parse(parser.get(), data, static_cast<int>(len), last ? XML_TRUE : XML_FALSE) !=
        XML_STATUS_OK) {
      const std::string where =
          std::string(source) + ":" + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": ";
      if (reader.thrown_) std::rethrow_exception(reader.thrown_);
      if (reader.error_) throw FormatError(where + *reader.error_);
      throw FormatError(where + "not well-formed XML (" +
                        XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
    }
  };
  for (size_t at = 0; at < prefix.size(); at += kChunkBytes)
    feed(prefix.data() + at, std::min(kChunkBytes, prefix.size() - at), false);
  std::vector<char> buf(kChunkBytes);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got > 0) feed(buf.data(), got, false);
  }
  if (in.bad()) throw InputError("unreadable", std::string(source));
  feed(nullptr, 0, true);
  return reader.stats_;
}

}  // namespace hashsieve
