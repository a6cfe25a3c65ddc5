// Hex conversion of typed list hashes.
#include "host/match/hash_keys.hpp"

#include <array>

#include "host/match/hex_words.hpp"

namespace hashsieve {

std::optional<Hash256> parseTypedHash(std::string_view hex, HashType type) {
  const size_t chars = static_cast<size_t>(hexCharsPerHash(type));
  if (hex.size() != chars) return std::nullopt;
  const int words = wordsPerHash(type);
  Hash256 h;
  if (chars == static_cast<size_t>(words) * 16) {
    if (!detail::parseHexWords(hex, h.w, words)) return std::nullopt;
    return h;
  }
  // SHA-1: 40 digits, padded with zeros to three whole words.
  std::array<char, Hash256::kHexChars> padded;
  padded.fill('0');
  hex.copy(padded.data(), chars);
  if (!detail::parseHexWords({padded.data(), static_cast<size_t>(words) * 16}, h.w, words))
    return std::nullopt;
  return h;
}

std::string typedHashHex(const Hash256& h, HashType type) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const int words = wordsPerHash(type);
  std::string s;
  s.reserve(static_cast<size_t>(words) * 16);
  for (int i = words - 1; i >= 0; --i)
    for (int shift = 60; shift >= 0; shift -= 4) s.push_back(kDigits[(h.w[i] >> shift) & 15]);
  s.resize(static_cast<size_t>(hexCharsPerHash(type)));
  return s;
}

std::optional<HashType> typeOfHexLength(size_t length, HashType ambiguous64) {
  switch (length) {
    case 16:
      return HashType::Phash;
    case 32:
      return HashType::Md5;
    case 40:
      return HashType::Sha1;
    case 64:
      return ambiguous64;
  }
  return std::nullopt;
}

}  // namespace hashsieve
