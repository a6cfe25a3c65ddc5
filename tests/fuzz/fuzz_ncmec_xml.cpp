// Fuzz target: the NCMEC hash-sharing XML reader (expat). Properties: those of every document
// reader (fuzz_list_document.hpp), deletions counted, and each entry's metadata a JSON object
// naming source "ncmec", its hash of a digest or PDQ type.
#include <nlohmann/json.hpp>

#include "host/match/ncmec_xml.hpp"
#include "tests/fuzz/fuzz_list_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  fuzz::fuzzDocument(
      fuzz::asText(data, size),
      [](std::istream& in, const ListParseOptions& opts, const ListEntrySink& sink,
         const ListRemoveSink& remove) {
        return parseNcmecXml(in, {}, "fuzz", opts, sink, remove);
      },
      [](const ListEntryView& e) {
        HS_FUZZ_CHECK(e.frames.empty());
        const auto meta = nlohmann::json::parse(e.meta, nullptr, false);
        HS_FUZZ_CHECK(meta.is_object() && meta["source"] == "ncmec");
        HS_FUZZ_CHECK(e.type != HashType::Phash);
      });
  return 0;
}
