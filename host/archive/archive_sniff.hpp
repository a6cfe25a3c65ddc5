// Recognising archives and compressed streams by content (magic numbers), before libarchive.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace hashsieve::archive {

/// Bytes of the head that looksLikeArchive needs; ISO 9660 also needs kIsoMagicOffset + 5.
inline constexpr size_t kSniffHeadBytes = 512;
/// ISO 9660: the primary volume descriptor's "CD001" at sector 16 (2048-byte sectors) + 1.
inline constexpr int64_t kIsoMagicOffset = 16 * 2048 + 1;

/// True for ZIP, TAR (ustar/GNU magic), 7z, RAR 4/5, CPIO (ASCII: newc, crc, odc), gzip, bzip2,
/// xz, zstd and, given `isoMagic` (the 5 bytes at kIsoMagicOffset, or empty), ISO 9660.
/// Not recognised: a v7 tar without the "ustar" magic (it has none) and the obsolete binary
/// cpio (a 2-byte magic that random and media files would match too often).
bool looksLikeArchive(std::span<const uint8_t> head, std::span<const uint8_t> isoMagic);

/// looksLikeArchive over a buffer holding the whole input.
bool bytesLookLikeArchive(std::span<const uint8_t> bytes);

/// looksLikeArchive over a file's head. False when the file cannot be read (the decoder then
/// reports the problem as for any other file).
bool fileLooksLikeArchive(const std::string& path);

}  // namespace hashsieve::archive
