// Fuzz target: the text hash-list parsers (plain hex, hash,quality,path, CSV with a header,
// ThreatExchange lines, JSONL/StopNCII), for PDQ and pHash lists, lenient and strict, and the
// list builder and loader behind them. Properties checked on every input:
//  - the counts add up: every significant line is an entry, malformed, ignored or the header;
//  - entries are in range (quality -1..100, pHash hashes in w[0] only, ids never empty);
//  - strict mode throws exactly when lenient mode counted a malformed line, else agrees;
//  - the .hsl built from the entries loads (checksum verified) and holds, per distinct hash,
//    the highest quality and every distinct id (computed here independently with std::map).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

struct Entry {
  Hash256 hash;
  int quality;
  std::string id;
};

struct Parsed {
  ListParseStats stats;
  std::vector<Entry> entries;
  bool threw = false;
};

Parsed parse(std::string_view text, HashType type, bool strict) {
  Parsed p;
  ListParseOptions opts;
  opts.type = type;
  opts.strict = strict;
  opts.defaultIdPrefix = "line-";
  try {
    p.stats = parseListText(text, "fuzz", opts, [&](const ListEntryView& e) {
      p.entries.push_back({e.hash, e.quality, std::string(e.id)});
    });
  } catch (const FormatError&) {
    p.threw = true;
  }
  return p;
}

bool sameEntries(const std::vector<Entry>& a, const std::vector<Entry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].hash != b[i].hash || a[i].quality != b[i].quality || a[i].id != b[i].id) return false;
  return true;
}

void checkBuiltList(const std::vector<Entry>& entries, HashType type) {
  // The oracle: per distinct hash, the highest known quality and the set of ids.
  struct Expected {
    int quality = -1;
    std::set<std::string> ids;
  };
  std::map<Hash256, Expected> expected;
  ListBuilder builder(type);
  for (const Entry& e : entries) {
    builder.add(e.hash, e.quality, e.id);
    Expected& x = expected[e.hash];
    x.quality = std::max(x.quality, e.quality);
    x.ids.insert(e.id);
  }
  ListBuilder::Summary summary;
  HashList list = HashList::fromImage(builder.build(&summary));
  HS_FUZZ_CHECK(list.size() == expected.size());
  HS_FUZZ_CHECK(summary.entries == expected.size());
  size_t i = 0;
  for (const auto& [hash, x] : expected) {  // the list is sorted by hash, like the map
    HS_FUZZ_CHECK(list.hash(i) == hash);
    const int q = list.quality(i) == hsl::kQualityUnknown ? -1 : list.quality(i);
    HS_FUZZ_CHECK(q == x.quality);
    std::set<std::string> ids;
    for (size_t j = 0; j < list.idCountOf(i); ++j) ids.emplace(list.id(i, j));
    HS_FUZZ_CHECK(ids == x.ids);
    HS_FUZZ_CHECK(list.idCountOf(i) == x.ids.size());
    ++i;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  for (const HashType type : {HashType::Pdq, HashType::Phash}) {
    const Parsed lenient = parse(text, type, /*strict=*/false);
    const Parsed strict = parse(text, type, /*strict=*/true);
    if (lenient.threw) {  // only a CSV header naming no hash column throws in lenient mode
      HS_FUZZ_CHECK(strict.threw);
      continue;
    }
    const ListParseStats& s = lenient.stats;
    const size_t header = s.format == ListTextFormat::Csv ? 1 : 0;
    HS_FUZZ_CHECK(s.entries == lenient.entries.size());
    HS_FUZZ_CHECK(s.lines == s.entries + s.malformed + s.ignored + header);
    HS_FUZZ_CHECK(s.malformedSamples.size() <= s.malformed);
    for (const Entry& e : lenient.entries) {
      HS_FUZZ_CHECK(e.quality >= -1 && e.quality <= 100);
      HS_FUZZ_CHECK(!e.id.empty());
      if (type == HashType::Phash)
        HS_FUZZ_CHECK(e.hash.w[1] == 0 && e.hash.w[2] == 0 && e.hash.w[3] == 0);
    }
    HS_FUZZ_CHECK(strict.threw == (s.malformed > 0));
    if (!strict.threw) HS_FUZZ_CHECK(sameEntries(strict.entries, lenient.entries));
    checkBuiltList(lenient.entries, type);
  }
  return 0;
}
