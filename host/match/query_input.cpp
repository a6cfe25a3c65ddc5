// Reading match queries: hash records line by line, or a list text through the list parser.
#include "host/match/query_input.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/match/prefix_streambuf.hpp"

namespace hashsieve {
namespace {

/// Bytes read ahead to see the first line.
constexpr size_t kHeadBytes = 4096;

/// Whether the first significant line of `head` starts hash records: a JSON object with
/// "path", or a line that opens an object but does not parse (reported as malformed records,
/// as before list texts were read). A lone "{" opens a pretty-printed document instead.
bool startsRecords(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find('\n', pos);
    const bool complete = end != std::string_view::npos;
    if (!complete) end = head.size();
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 1;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    line = line.substr(first);
    if (line.front() != '{') return false;
    if (!complete) return true;  // a record longer than the look-ahead
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return line.find_first_not_of(" \t\r", 1) != std::string_view::npos;
    return j.is_object() && j.contains("path");
  }
  return true;  // empty input: no queries either way
}

void readRecords(std::istream& in, const std::string& source, HashType type, const QuerySink& sink,
                 ListParseStats& stats) {
  std::string text;
  size_t lineNo = 0;
  while (std::getline(in, text)) {
    ++lineNo;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    ++stats.lines;
    try {
      sink(parseQueryRecord(text, type));
      ++stats.entries;
    } catch (const FormatError& e) {
      stats.addMalformed(source + ":" + std::to_string(lineNo) + ": " + e.what(), false);
    }
  }
  if (in.bad()) throw InputError("unreadable", source);
}

/// Gathers the entries of one list line (a CSV row may hold a PDQ and digests) into a query.
class ListQueries {
 public:
  ListQueries(HashType type, const QuerySink& sink) : type_(type), sink_(sink) {}

  void add(const ListEntryView& e) {
    if (pending_ && (e.line != line_ || (e.line == 0 && e.id != pending_->path))) flush();
    if (!pending_) {
      pending_.emplace();
      pending_->path = std::string(e.id);
      line_ = e.line;
    }
    QueryRecord& r = *pending_;
    if (!isPerceptual(e.type)) {
      (e.type == HashType::Md5 ? r.md5 : e.type == HashType::Sha1 ? r.sha1 : r.sha256) = e.hash;
      return;
    }
    if (e.type != type_) return;  // the other perceptual kind: no list to match it against
    if (e.frames.empty()) {
      QueryFrame f;
      f.hash = e.hash;
      f.quality = type_ == HashType::Pdq ? e.quality : -1;
      r.frames.push_back(f);
    }
    for (const ListVideoFrame& vf : e.frames) {
      QueryFrame f;
      f.frame = vf.frame;
      f.hash = vf.hash;
      f.quality = type_ == HashType::Pdq ? vf.quality : -1;
      r.frames.push_back(f);
    }
  }

  void flush() {
    if (!pending_) return;
    // As a hash record without the list's hash: one frame, reported as skipped.
    if (isPerceptual(type_) && pending_->frames.empty()) pending_->frames.emplace_back();
    sink_(std::move(*pending_));
    pending_.reset();
  }

 private:
  HashType type_;
  const QuerySink& sink_;
  std::optional<QueryRecord> pending_;
  size_t line_ = 0;
};

}  // namespace

QueryInputStats readQueryInput(const std::string& input, const QueryInputOptions& opts,
                               const QuerySink& sink) {
  const bool useStdin = input == "-";
  std::ifstream file;
  if (!useStdin) {
    file.open(input, std::ios::binary);
    if (!file) throw InputError("unreadable", input);
  }
  std::istream& in = useStdin ? std::cin : file;
  std::string head(kHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) throw InputError("unreadable", input);
  in.clear();  // a short input sets eof/fail; the rest is read through the joined buffer

  QueryInputStats stats;
  stats.records = startsRecords(head);
  if (stats.records) {
    PrefixStreambuf joined(std::move(head), in.rdbuf());
    std::istream stream(&joined);
    readRecords(stream, input, opts.type, sink, stats.parse);
    return stats;
  }
  ListParseOptions lo;
  lo.autoType = true;
  lo.hex64 = opts.hex64;
  // A query without an id is named by where it came from.
  const std::string source = useStdin ? "<stdin>" : input;
  lo.defaultIdPrefix = source + ":";
  ListQueries queries(opts.type, sink);
  stats.parse = parseListStream(
      in, std::move(head), source, lo, [&](const ListEntryView& e) { queries.add(e); },
      [](std::string_view, bool) {});
  queries.flush();
  return stats;
}

}  // namespace hashsieve
