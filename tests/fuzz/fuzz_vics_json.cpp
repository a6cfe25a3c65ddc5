// Fuzz target: the VICS JSON reader (nlohmann::json SAX). Properties: those of every document
// reader (fuzz_list_document.hpp), and each entry of a digest type with metadata naming source
// "vics".
#include <nlohmann/json.hpp>

#include "host/match/vics_json.hpp"
#include "tests/fuzz/fuzz_list_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  fuzz::fuzzDocument(
      fuzz::asText(data, size),
      [](std::istream& in, const ListParseOptions& opts, const ListEntrySink& sink,
         const ListRemoveSink&) { return parseVicsJson(in, "fuzz", opts, sink); },
      [](const ListEntryView& e) {
        HS_FUZZ_CHECK(!isPerceptual(e.type));
        const auto meta = nlohmann::json::parse(e.meta, nullptr, false);
        HS_FUZZ_CHECK(meta.is_object() && meta["source"] == "vics");
      });
  return 0;
}
