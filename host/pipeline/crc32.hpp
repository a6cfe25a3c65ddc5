// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32): the per-line checksum
// that lets the journal tell a torn last line from a committed one.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace hashsieve::pipeline {

namespace detail {
constexpr std::array<uint32_t, 256> makeCrc32Table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
inline constexpr std::array<uint32_t, 256> kCrc32Table = makeCrc32Table();
}  // namespace detail

/// `previous`: the CRC of the bytes before these, to checksum a stream piece by piece.
inline uint32_t crc32(std::string_view bytes, uint32_t previous = 0) {
  uint32_t c = previous ^ 0xFFFFFFFFu;
  for (char ch : bytes) c = detail::kCrc32Table[(c ^ static_cast<uint8_t>(ch)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace hashsieve::pipeline
