// EXIF orientation (tag 0x0112 of IFD0) from the places image formats keep it.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace hashsieve::media::detail {

/// Reads exactly dst.size() bytes at `offset` of some byte source; false if not available.
using ReadAtFn = std::function<bool(uint64_t offset, std::span<uint8_t> dst)>;

/// Orientation of a TIFF structure ("II*\0" or "MM\0*") starting at `base`: 1..8, or 0 when
/// absent or malformed. Used for TIFF files, JPEG APP1, PNG eXIf and WebP EXIF payloads.
int tiffOrientation(const ReadAtFn& read, uint64_t base);

/// The same over a memory block; an "Exif\0\0" prefix (JPEG APP1, some WebP writers) is skipped.
int exifBlockOrientation(std::span<const uint8_t> block);

/// Orientation from the first APP1 EXIF segment of a JPEG file in memory (markers before SOS);
/// 0 when it has none.
int jpegOrientation(std::span<const uint8_t> file);
/// Orientation from the eXIf chunk of a PNG file of `fileSize` bytes; 0 when it has none.
int pngOrientation(const ReadAtFn& read, uint64_t fileSize);

}  // namespace hashsieve::media::detail
