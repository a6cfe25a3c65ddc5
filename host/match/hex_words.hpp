// Table-driven hex decoding of list hashes: text lists run to millions of lines and the branchy
// per-character decoder dominated parsing. Same text form as host/core/hash_types.hpp (the
// hash is a big-endian integer, the most significant word first); tests check agreement.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace hashsieve::detail {

inline constexpr std::array<uint8_t, 256> kHexDigitValue = [] {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xff;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<uint8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<uint8_t>(c - 'A' + 10);
  return t;
}();

/// Decodes exactly words * 16 hex digits (either case) into w[words-1] (first 16 digits) ..
/// w[0]. False, with w unspecified, on a wrong length or a non-hex character.
inline bool parseHexWords(std::string_view hex, uint64_t* w, int words) {
  if (hex.size() != static_cast<size_t>(words) * 16) return false;
  uint8_t bad = 0;  // ORed high bits: one branch per hash instead of one per digit
  for (int i = 0; i < words; ++i) {
    uint64_t v = 0;
    const char* p = hex.data() + 16 * i;
    for (int k = 0; k < 16; ++k) {
      const uint8_t d = kHexDigitValue[static_cast<uint8_t>(p[k])];
      bad |= d;
      v = (v << 4) | (d & 0x0f);
    }
    w[words - 1 - i] = v;
  }
  return !(bad & 0x80);
}

}  // namespace hashsieve::detail
