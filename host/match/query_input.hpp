// The queries of `hashsieve match`: hash records (JSON lines with "path", as `hashsieve hash`
// and `hashsieve scan` write them), or any list text `hashsieve list build` reads (CSV, plain
// hex lines, ThreatExchange `pdq <hex>` lines, {"pdq": ...} JSON lines, vPDQ frame files),
// detected as list build detects them. Each line of a list text is one query.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "host/core/hash_types.hpp"
#include "host/match/list_parser.hpp"
#include "host/match/query_records.hpp"

namespace hashsieve {

struct QueryInputOptions {
  /// The perceptual list's type (records get frames of it), or the first digest list's.
  HashType type = HashType::Pdq;
  /// What a bare 64-hex value in a list text is (PDQ, or SHA-256 against digest lists only).
  HashType hex64 = HashType::Pdq;
};

struct QueryInputStats {
  bool records = true;  // hash records; else a list text (its format in parse.format)
  /// Malformed lines (count and the first few, "source:line: reason"); list texts: all counts.
  ListParseStats parse;
};

using QuerySink = std::function<void(QueryRecord)>;

/// Reads `input` (a file, or "-" for standard input), passing each query to `sink` in input
/// order. Hash records stream line by line; a list text's query is named by its id column, else
/// "source:line". Throws InputError when the input cannot be read.
QueryInputStats readQueryInput(const std::string& input, const QueryInputOptions& opts,
                               const QuerySink& sink);

}  // namespace hashsieve
