// Fuzz target: hex parsing of PDQ (64 hex) and pHash (16 hex) hashes, the entry point of every
// list and query format. Property: a parse succeeds exactly when the text is all hex digits of
// the right length, and formats back to the same text in lower case.
#include <algorithm>
#include <cctype>
#include <string>

#include "host/core/hash_types.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

bool allHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hashsieve;
  const std::string_view text = fuzz::asText(data, size);

  const auto h256 = parseHash256(text);
  HS_FUZZ_CHECK(h256.has_value() == (text.size() == Hash256::kHexChars && allHex(text)));
  if (h256) HS_FUZZ_CHECK(toHex(*h256) == lower(text));

  const auto h64 = parseHash64(text);
  HS_FUZZ_CHECK(h64.has_value() == (text.size() == Hash64::kHexChars && allHex(text)));
  if (h64) HS_FUZZ_CHECK(toHex(*h64) == lower(text));
  return 0;
}
