// Text form of list hashes of every type: hex of the most significant word first (the form of
// host/core/hash_types.hpp for PDQ/pHash, the digest's bytes in order for MD5/SHA-1/SHA-256).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host/core/hash_types.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {

/// Exactly hexCharsPerHash(type) hex digits (either case) -> the hash in the list layout
/// (words w[words-1]..w[0]; SHA-1's last word holds its final 32 bits in the high half).
std::optional<Hash256> parseTypedHash(std::string_view hex, HashType type);
/// The inverse: lower-case hex, hexCharsPerHash(type) digits.
std::string typedHashHex(const Hash256& h, HashType type);
/// The type a bare hex string of this length names, when only one does: 16 pHash, 32 MD5,
/// 40 SHA-1. 64 is PDQ or SHA-256 and returns `ambiguous64`.
std::optional<HashType> typeOfHexLength(size_t length, HashType ambiguous64);

}  // namespace hashsieve
