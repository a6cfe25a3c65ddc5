// Hex formatting and parsing of hash values.
#include "host/core/hash_types.hpp"

namespace hashsieve {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void appendWordHex(std::string& out, uint64_t word) {
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHexDigits[(word >> shift) & 0xf]);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<uint64_t> parseWordHex(std::string_view hex) {
  uint64_t word = 0;
  for (char c : hex) {
    int v = hexValue(c);
    if (v < 0) return std::nullopt;
    word = (word << 4) | static_cast<uint64_t>(v);
  }
  return word;
}

}  // namespace

std::string toHex(const Hash256& h) {
  std::string out;
  out.reserve(Hash256::kHexChars);
  for (int i = Hash256::kWords - 1; i >= 0; --i) appendWordHex(out, h.w[i]);
  return out;
}

std::string toHex(const Hash64& h) {
  std::string out;
  out.reserve(Hash64::kHexChars);
  appendWordHex(out, h.v);
  return out;
}

std::optional<Hash256> parseHash256(std::string_view hex) {
  if (hex.size() != Hash256::kHexChars) return std::nullopt;
  Hash256 h;
  for (int i = 0; i < Hash256::kWords; ++i) {
    auto word = parseWordHex(hex.substr(16 * (Hash256::kWords - 1 - i), 16));
    if (!word) return std::nullopt;
    h.w[i] = *word;
  }
  return h;
}

std::optional<Hash64> parseHash64(std::string_view hex) {
  if (hex.size() != Hash64::kHexChars) return std::nullopt;
  auto word = parseWordHex(hex);
  if (!word) return std::nullopt;
  return Hash64{*word};
}

}  // namespace hashsieve
