// Fuzz target: the JSONL query reader of `hashsieve match` (hash records as `hashsieve hash`
// writes them) and the match / skip / warning records written back. Each input line is read
// as a PDQ and as a pHash query. Properties: the only exception is FormatError; a record that
// is not an error has at least one frame; a frame that is matched has its hash (and, with
// pdq_dihedral, all eight variants); every record written back is one line of valid JSON whose
// path equals the query's whenever that path was valid UTF-8.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/query_records.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

// A one-entry list per type for matchRecordJson (entry 0 with two ids).
const HashList& listOf(HashType type) {
  static const auto build = [](HashType t) {
    ListBuilder b(t);
    Hash256 h;
    h.w[0] = 0x0123456789abcdefULL;
    b.add(h, 90, "list-entry-a");
    b.add(h, 80, "list-entry-b");
    return HashList::fromImage(b.build());
  };
  static const HashList pdq = build(HashType::Pdq), phash = build(HashType::Phash);
  return type == HashType::Pdq ? pdq : phash;
}

// A written record must be one JSON object on one line.
nlohmann::json checkLine(const std::string& out) {
  HS_FUZZ_CHECK(!out.empty() && out.back() == '\n');
  HS_FUZZ_CHECK(out.find('\n') == out.size() - 1);
  auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  HS_FUZZ_CHECK(!j.is_discarded() && j.is_object());
  return j;
}

bool validUtf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

void readLine(std::string_view line, HashType type) {
  QueryRecord r;
  try {
    r = parseQueryRecord(line, type);
  } catch (const FormatError&) {
    return;
  }
  if (r.error) return;
  HS_FUZZ_CHECK(!r.frames.empty());
  const HashList& list = listOf(type);
  for (const QueryFrame& f : r.frames) {
    if (f.dihedral) HS_FUZZ_CHECK(type == HashType::Pdq);
    const auto skip = skipReason(f, type, 50);
    if (skip) {
      const auto j = checkLine(skipRecordJson(r, f, *skip));
      if (validUtf8(r.path)) HS_FUZZ_CHECK(j["path"] == r.path);
      continue;
    }
    HS_FUZZ_CHECK(f.hash.has_value());
    const MatchQuery q = toMatchQuery(f, /*dihedral=*/true);
    HS_FUZZ_CHECK(q.variantMask == (f.dihedral ? 0xff : 0x01));
    if (!f.dihedral) HS_FUZZ_CHECK(q.variants[0] == *f.hash);
    const Match m{0, 0, 7, static_cast<uint8_t>(f.dihedral ? kDihedralCount - 1 : 0)};
    const auto j = checkLine(matchRecordJson(r, f, m, list));
    HS_FUZZ_CHECK(j["list_ids"].size() == 2);
    if (validUtf8(r.path)) HS_FUZZ_CHECK(j["path"] == r.path);
    checkLine(degenerateRecordJson(r, f, 123456));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::asText(data, size);
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    readLine(line, HashType::Pdq);
    readLine(line, HashType::Phash);
    pos = end + 1;
  }
  return 0;
}
