// Splitting one CSV (or TSV) line into fields (RFC 4180 quoting: "a,b" and "" for a quote), without
// allocating for the common unquoted case.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hashsieve::detail {

class CsvFields {
 public:
  /// Splits `line` (no line break inside). False on an unterminated or misplaced quote.
  bool split(std::string_view line);
  /// ',' (CSV, the default) or '\t' (TSV).
  void setSeparator(char c) { separator_ = c; }
  size_t size() const { return fields_.size(); }
  /// Field i with surrounding spaces trimmed and quotes removed.
  std::string_view operator[](size_t i) const { return fields_[i]; }

 private:
  std::vector<std::string_view> fields_;
  std::vector<std::string> unquoted_;  // storage for fields that had quotes
  char separator_ = ',';
};

std::string_view trimSpaces(std::string_view s);

}  // namespace hashsieve::detail
