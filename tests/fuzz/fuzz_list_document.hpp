// The properties shared by the fuzz targets of whole-document list readers (NCMEC XML, VICS
// JSON): the only exception is FormatError; every entry has a non-empty id and passes the
// reader's own check; the stats count what the sinks saw; lenient and strict runs agree
// whenever the strict one succeeds.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/match/list_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace hashsieve::fuzz {

struct DocumentRun {
  bool threw = false;
  size_t entries = 0, removals = 0;
  ListParseStats stats;
};

/// `parse(in, opts, entrySink, removeSink)` runs the reader; `checkEntry(e)` asserts its own
/// properties of each entry.
template <typename Parse, typename CheckEntry>
DocumentRun runDocument(std::string_view text, bool strict, const Parse& parse,
                        const CheckEntry& checkEntry) {
  DocumentRun run;
  ListParseOptions opts;
  opts.autoType = true;
  opts.strict = strict;
  std::istringstream in{std::string(text)};
  try {
    run.stats = parse(
        in, opts,
        [&](const ListEntryView& e) {
          HS_FUZZ_CHECK(!e.id.empty());
          checkEntry(e);
          ++run.entries;
        },
        [&](std::string_view id, bool deletion) {
          HS_FUZZ_CHECK(!id.empty());
          run.removals += deletion;
        });
  } catch (const FormatError&) {
    run.threw = true;
  }
  return run;
}

template <typename Parse, typename CheckEntry>
void fuzzDocument(std::string_view text, const Parse& parse, const CheckEntry& checkEntry) {
  const DocumentRun lenient = runDocument(text, false, parse, checkEntry);
  if (!lenient.threw) {
    HS_FUZZ_CHECK(lenient.stats.entries == lenient.entries);
    HS_FUZZ_CHECK(lenient.stats.removed == lenient.removals);
  }
  const DocumentRun strict = runDocument(text, true, parse, checkEntry);
  if (!strict.threw) {
    HS_FUZZ_CHECK(!lenient.threw && strict.entries == lenient.entries);
    HS_FUZZ_CHECK(strict.stats.malformed == 0);
  }
}

}  // namespace hashsieve::fuzz
