// Hash value types, their hex text forms and Hamming distance; shared by CPU and CUDA code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/core/hd.hpp"

namespace hashsieve {

/// PDQ's 256 bits. Bit k (k = 0 is the LSB) is DCT coefficient B[k/16][k%16] > median; it lives
/// in w[k/64] at bit k%64. The hex form is the 256-bit big-endian integer (w[3] printed first),
/// the reference's `Hash256::format()` order.
struct Hash256 {
  static constexpr int kBits = 256;
  static constexpr int kWords = 4;
  static constexpr int kHexChars = 64;
  uint64_t w[kWords] = {0, 0, 0, 0};

  HS_HD bool bit(int k) const { return (w[k >> 6] >> (k & 63)) & 1u; }
  HS_HD void setBit(int k) { w[k >> 6] |= uint64_t{1} << (k & 63); }
  HS_HD bool operator==(const Hash256& o) const {
    return w[0] == o.w[0] && w[1] == o.w[1] && w[2] == o.w[2] && w[3] == o.w[3];
  }
  HS_HD bool operator!=(const Hash256& o) const { return !(*this == o); }
  HS_HD bool operator<(const Hash256& o) const {
    for (int i = kWords - 1; i >= 0; --i)
      if (w[i] != o.w[i]) return w[i] < o.w[i];
    return false;
  }
};

/// The 64-bit pHash (imagehash variant). The first DCT coefficient in row-major order is bit 63,
/// so the hex form is simply `%016llx` of v.
struct Hash64 {
  static constexpr int kBits = 64;
  static constexpr int kHexChars = 16;
  uint64_t v = 0;
  HS_HD bool operator==(const Hash64& o) const { return v == o.v; }
  HS_HD bool operator!=(const Hash64& o) const { return v != o.v; }
  HS_HD bool operator<(const Hash64& o) const { return v < o.v; }
};

HS_HD inline int hamming(const Hash256& a, const Hash256& b) {
  return detail::popcount64(a.w[0] ^ b.w[0]) + detail::popcount64(a.w[1] ^ b.w[1]) +
         detail::popcount64(a.w[2] ^ b.w[2]) + detail::popcount64(a.w[3] ^ b.w[3]);
}
HS_HD inline int hamming(const Hash64& a, const Hash64& b) { return detail::popcount64(a.v ^ b.v); }

/// Lowercase hex, 64 chars (Hash256) or 16 chars (Hash64).
std::string toHex(const Hash256& h);
std::string toHex(const Hash64& h);
/// Accepts exactly the right number of hex digits, either case; nullopt otherwise.
std::optional<Hash256> parseHash256(std::string_view hex);
std::optional<Hash64> parseHash64(std::string_view hex);

}  // namespace hashsieve
