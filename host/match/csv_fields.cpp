// CSV field splitting for list files.
#include "host/match/csv_fields.hpp"

namespace hashsieve::detail {

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool CsvFields::split(std::string_view line) {
  fields_.clear();
  unquoted_.clear();
  if (line.find('"') == std::string_view::npos) {  // fast path: plain comma separation
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(separator_, start);
      fields_.push_back(
          trimSpaces(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      if (comma == std::string_view::npos) return true;
      start = comma + 1;
    }
  }
  size_t quotedCount = 0;
  for (char c : line) quotedCount += c == '"';
  // Quoted fields are copied (doubled quotes collapse); reserve so views stay valid.
  unquoted_.reserve(quotedCount);
  // Blanks around fields are skipped, but not the separator (a tab in TSV: empty fields stay).
  const auto blank = [&](char c) { return (c == ' ' || c == '\t') && c != separator_; };
  size_t i = 0;
  while (true) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i < line.size() && line[i] == '"') {
      std::string value;
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // unterminated
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        value.push_back(line[i++]);
      }
      while (i < line.size() && blank(line[i])) ++i;
      if (i < line.size() && line[i] != separator_) return false;  // text after the quote
      unquoted_.push_back(std::move(value));
      fields_.push_back(unquoted_.back());
    } else {
      const size_t start = i;
      while (i < line.size() && line[i] != separator_) {
        if (line[i] == '"') return false;  // a quote inside an unquoted field
        ++i;
      }
      fields_.push_back(trimSpaces(line.substr(start, i - start)));
    }
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

}  // namespace hashsieve::detail
