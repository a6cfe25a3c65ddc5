// Opening a list input (file, `-`, a pipe) and choosing its reader from the first bytes: NCMEC
// XML and VICS JSON stream; text formats are mapped (files) or read whole (pipes).
#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "host/core/errors.hpp"
#include "host/match/list_parser.hpp"
#include "host/match/ncmec_xml.hpp"
#include "host/match/prefix_streambuf.hpp"
#include "host/match/vics_json.hpp"

namespace hashsieve {
namespace {

/// Bytes read ahead to choose the reader.
constexpr size_t kSniffBytes = 4096;

enum class Document { Text, Xml, Vics };

Document sniff(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const size_t start = head.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Document::Text;
  head.remove_prefix(start);
  if (head.front() == '<') return Document::Xml;
  if (head.front() != '{') return Document::Text;
  // JSON lines put one object per line; a VICS document is one object, pretty-printed (its
  // first line is the bare brace) or on one line with its OData keys.
  const std::string_view first = head.substr(0, head.find('\n'));
  if (first.find_first_not_of(" \t\r", 1) == std::string_view::npos) return Document::Vics;
  if (first.find("\"value\"") != std::string_view::npos ||
      first.find("odata.") != std::string_view::npos)
    return Document::Vics;
  return Document::Text;
}

}  // namespace

ListParseStats parseListInput(const std::string& input, const ListParseOptions& opts,
                              const ListEntrySink& sink, const ListRemoveSink& remove) {
  const bool useStdin = input == "-";
  const std::string source = useStdin ? "<stdin>" : input;
  std::error_code ec;
  const bool regular = !useStdin && std::filesystem::is_regular_file(input, ec);
  std::ifstream file;
  if (!useStdin) {
    file.open(input, std::ios::binary);
    if (!file) throw InputError("unreadable", input);
  }
  std::istream& in = useStdin ? std::cin : file;
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (in.bad()) throw InputError("unreadable", source);
  if (regular && sniff(head) == Document::Text) {
    file.close();
    return parseListFile(input, opts, sink);  // mapped, not copied
  }
  return parseListStream(in, std::move(head), source, opts, sink, remove);
}

ListParseStats parseListStream(std::istream& in, std::string head, const std::string& source,
                               const ListParseOptions& opts, const ListEntrySink& sink,
                               const ListRemoveSink& remove) {
  switch (sniff(head)) {
    case Document::Xml:
      return parseNcmecXml(in, head, source, opts, sink, remove);
    case Document::Vics: {
      PrefixStreambuf joined(std::move(head), in.rdbuf());
      std::istream stream(&joined);
      return parseVicsJson(stream, source, opts, sink);
    }
    case Document::Text:
      break;
  }
  std::string text = std::move(head);
  text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError("unreadable", source);
  return parseListText(text, source, opts, sink);
}

}  // namespace hashsieve
