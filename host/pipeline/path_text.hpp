// Paths are byte strings on POSIX; JSON needs valid UTF-8. These helpers give a readable UTF-8
// form (invalid bytes percent-escaped, as the corpus manifest does) and the exact bytes in hex.
#pragma once

#include <string>
#include <string_view>

namespace hashsieve::pipeline {

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool isValidUtf8(std::string_view s);

/// `s` with each byte that is not part of a well-formed UTF-8 sequence written as %XX
/// (upper-case hex). Valid input is returned unchanged (a literal '%' stays as it is, so this is
/// for display; `bytesToHex` is the exact form).
std::string utf8Display(std::string_view s);

/// Lower-case hex of every byte.
std::string bytesToHex(std::string_view s);

/// Inverse of bytesToHex; throws std::invalid_argument on odd length or a non-hex digit.
std::string hexToBytes(std::string_view hex);

}  // namespace hashsieve::pipeline
