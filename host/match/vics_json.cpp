// Streaming VICS JSON reader: a SAX handler that keeps one frame per open object or array and
// collects the scalar fields of media objects.
#include "host/match/vics_json.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_keys.hpp"

namespace hashsieve {
namespace {

/// Case files nest four levels (document, value, case, Media); anything far deeper is hostile.
constexpr size_t kMaxDepth = 64;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class VicsHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  VicsHandler(std::string_view source, const ListParseOptions& opts, const ListEntrySink& sink)
      : source_(source), opts_(opts), sink_(sink) {
    stats_.format = ListTextFormat::VicsJson;
  }

  bool null() override { return scalar(std::nullopt); }
  bool boolean(bool v) override { return scalar(v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return scalar(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) override { return scalar(s); }
  bool string(string_t& v) override { return scalar(v); }
  bool binary(binary_t&) override { return scalar(std::nullopt); }

  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.media) finishMedia(f);
    return true;
  }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }
  bool key(string_t& k) override {
    frames_.back().key = lower(k);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error_ = "not valid JSON at byte " + std::to_string(position) + " (" + e.what() + ")";
    return false;
  }

  std::optional<std::string> error_;
  bool sawValue_ = false;
  ListParseStats stats_;

 private:
  struct Frame {
    bool object = false;
    bool media = false;
    std::string key;  // objects: the key whose value comes next
    std::vector<std::pair<std::string, std::string>> fields;  // media: lower-case key -> text
  };

  bool open(bool object) {
    if (frames_.size() >= kMaxDepth) {
      error_ = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    Frame f;
    f.object = object;
    if (object && frames_.size() >= 2) {
      // A media object sits directly in an array that is the value of "value" (VICS 1.x) or
      // "media" (VICS 2.0 cases).
      const Frame& array = frames_.back();
      const Frame& owner = frames_[frames_.size() - 2];
      f.media = !array.object && owner.object &&
                ((owner.key == "value" && frames_.size() == 2) || owner.key == "media");
    }
    if (!object && frames_.size() == 1 && frames_.back().key == "value") sawValue_ = true;
    frames_.push_back(std::move(f));
    return true;
  }

  bool scalar(std::optional<std::string> v) {
    if (!frames_.empty() && frames_.back().media && v)
      frames_.back().fields.emplace_back(frames_.back().key, std::move(*v));
    return true;
  }

  const std::string* field(const Frame& f, std::string_view name) const {
    for (const auto& [k, v] : f.fields)
      if (k == name) return &v;
    return nullptr;
  }

  void finishMedia(const Frame& f) {
    ++media_;
    ++stats_.lines;
    const std::string* mediaId = field(f, "mediaid");
    const std::string id = mediaId ? *mediaId : std::to_string(media_);
    if (field(f, "photodna")) stats_.countUnusable("PhotoDNA");
    std::vector<std::pair<HashType, Hash256>> keys;
    for (HashType t : {HashType::Md5, HashType::Sha1, HashType::Sha256}) {
      const std::string* v = field(f, hashTypeName(t));
      if (!v || v->empty()) continue;
      const auto h = parseTypedHash(*v, t);
      if (!h) {
        stats_.addMalformed(std::string(source_) + ": media " + id + ": " + hashTypeName(t) +
                                " is not a " + std::to_string(hexCharsPerHash(t)) +
                                "-hex digest: \"" + v->substr(0, 80) + "\"",
                            opts_.strict);
        return;
      }
      if (opts_.autoType || t == opts_.type)
        keys.emplace_back(t, *h);
      else
        ++stats_.ignored;
    }
    if (keys.empty()) {
      ++stats_.ignored;  // no digest hashsieve uses (PhotoDNA only, or none)
      return;
    }
    nlohmann::ordered_json meta;
    if (const std::string* c = field(f, "category")) meta["category"] = *c;
    meta["source"] = "vics";
    const std::string metaText =
        meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& [type, hash] : keys) {
      sink_(ListEntryView{hash, -1, id, {}, type, metaText});
      ++stats_.entries;
    }
  }

  std::string_view source_;
  const ListParseOptions& opts_;
  const ListEntrySink& sink_;
  std::vector<Frame> frames_;
  size_t media_ = 0;
};

}  // namespace

ListParseStats parseVicsJson(std::istream& in, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink) {
  VicsHandler handler(source, opts, sink);
  const bool ok = nlohmann::json::sax_parse(in, &handler, nlohmann::json::input_format_t::json,
                                            /*strict=*/true);
  if (!ok || handler.error_)
    throw FormatError(std::string(source) + ": " +
                      handler.error_.value_or("not a VICS JSON document"));
  if (!handler.sawValue_)
    throw FormatError(std::string(source) +
                      ": not a VICS (OData) document: no top-level \"value\" array");
  return handler.stats_;
}

}  // namespace hashsieve
