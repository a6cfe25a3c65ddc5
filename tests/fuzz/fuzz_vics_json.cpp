// Fuzz target: the VICS JSON reader (nlohmann::json SAX). Properties: the only exception is
// FormatError; every entry has an id, a digest type and metadata naming source "vics"; lenient
// and strict runs agree whenever the strict one succeeds.
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/match/vics_json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

struct Run {
  bool threw = false;
  size_t entries = 0;
  ListParseStats stats;
};

Run parse(std::string_view text, bool strict) {
  Run run;
  ListParseOptions opts;
  opts.autoType = true;
  opts.strict = strict;
  std::istringstream in{std::string(text)};
  try {
    run.stats = parseVicsJson(in, "fuzz", opts, [&](const ListEntryView& e) {
      HS_FUZZ_CHECK(!e.id.empty());
      HS_FUZZ_CHECK(!isPerceptual(e.type));
      const auto meta = nlohmann::json::parse(e.meta, nullptr, false);
      HS_FUZZ_CHECK(meta.is_object() && meta["source"] == "vics");
      ++run.entries;
    });
  } catch (const FormatError&) {
    run.threw = true;
  }
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  const Run lenient = parse(text, false);
  if (!lenient.threw) HS_FUZZ_CHECK(lenient.stats.entries == lenient.entries);
  const Run strict = parse(text, true);
  if (!strict.threw) {
    HS_FUZZ_CHECK(!lenient.threw && strict.entries == lenient.entries);
    HS_FUZZ_CHECK(strict.stats.malformed == 0);
  }
  return 0;
}
