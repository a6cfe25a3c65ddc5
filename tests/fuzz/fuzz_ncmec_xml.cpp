// Fuzz target: the NCMEC hash-sharing XML reader (expat). Properties: the only exceptions are
// FormatError (and InputError for a failing stream); every entry it reports has a non-empty id,
// metadata that is a JSON object naming source "ncmec", and a hash of a digest or PDQ type;
// lenient and strict runs agree whenever the strict one succeeds; deletions are counted.
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/match/ncmec_xml.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

struct Run {
  bool threw = false;
  size_t entries = 0, removals = 0;
  ListParseStats stats;
};

Run parse(std::string_view text, bool strict) {
  Run run;
  ListParseOptions opts;
  opts.autoType = true;
  opts.strict = strict;
  std::istringstream in{std::string(text)};
  try {
    run.stats = parseNcmecXml(
        in, {}, "fuzz", opts,
        [&](const ListEntryView& e) {
          HS_FUZZ_CHECK(!e.id.empty());
          HS_FUZZ_CHECK(e.frames.empty());
          const auto meta = nlohmann::json::parse(e.meta, nullptr, false);
          HS_FUZZ_CHECK(meta.is_object() && meta["source"] == "ncmec");
          HS_FUZZ_CHECK(e.type != HashType::Phash);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  const Run lenient = parse(text, false);
  if (!lenient.threw) {
    HS_FUZZ_CHECK(lenient.stats.entries == lenient.entries);
    HS_FUZZ_CHECK(lenient.stats.removed == lenient.removals);
  }
  const Run strict = parse(text, true);
  if (!strict.threw) {
    HS_FUZZ_CHECK(!lenient.threw && strict.entries == lenient.entries);
    HS_FUZZ_CHECK(strict.stats.malformed == 0);
  }
  return 0;
}
