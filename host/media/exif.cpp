// Minimal, bounds-checked TIFF/EXIF walking: only IFD0's orientation entry is read.
#include "host/media/exif.hpp"

#include <array>
#include <cstring>

namespace hashsieve::media::detail {
namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTypeShort = 3;
constexpr int kMaxIfdEntries = 4096;      // far above real files; bounds a hostile count
constexpr int kMaxPngChunks = 1'000'000;  // bounds a walk over a hostile PNG

uint16_t get16(const uint8_t* p, bool le) {
  return le ? static_cast<uint16_t>(p[0] | p[1] << 8) : static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t* p, bool le) {
  return le ? (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24)
            : (uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]});
}

}  // namespace

int tiffOrientation(const ReadAtFn& read, uint64_t base) {
  std::array<uint8_t, 8> hdr{};
  if (!read(base, hdr)) return 0;
  bool le;
  if (hdr[0] == 'I' && hdr[1] == 'I')
    le = true;
  else if (hdr[0] == 'M' && hdr[1] == 'M')
    le = false;
  else
    return 0;
  if (get16(&hdr[2], le) != 42) return 0;
  const uint64_t ifd = base + get32(&hdr[4], le);
  std::array<uint8_t, 2> cnt{};
  if (!read(ifd, cnt)) return 0;
  const int n = get16(cnt.data(), le);
  if (n > kMaxIfdEntries) return 0;
  for (int i = 0; i < n; ++i) {
    std::array<uint8_t, 12> e{};
    if (!read(ifd + 2 + 12 * static_cast<uint64_t>(i), e)) return 0;
    if (get16(&e[0], le) != kOrientationTag) continue;
    if (get16(&e[2], le) != kTypeShort || get32(&e[4], le) < 1) return 0;
    const int v = get16(&e[8], le);  // a SHORT value sits left-justified in the value field
    return (v >= 1 && v <= 8) ? v : 0;
  }
  return 0;
}

int exifBlockOrientation(std::span<const uint8_t> block) {
  static constexpr uint8_t kExifPrefix[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (block.size() >= 6 && std::memcmp(block.data(), kExifPrefix, 6) == 0) block = block.subspan(6);
  const ReadAtFn read = [block](uint64_t off, std::span<uint8_t> dst) {
    if (off > block.size() || dst.size() > block.size() - off) return false;
    std::memcpy(dst.data(), block.data() + off, dst.size());
    return true;
  };
  return tiffOrientation(read, 0);
}

int jpegOrientation(std::span<const uint8_t> file) {
  constexpr uint8_t kApp1 = 0xE1, kSos = 0xDA, kEoi = 0xD9;
  size_t off = 2;  // after SOI
  while (off + 4 <= file.size()) {
    if (file[off] != 0xFF) return 0;
    const uint8_t marker = file[off + 1];
    if (marker == 0xFF) {  // fill byte
      ++off;
      continue;
    }
    if (marker == kSos || marker == kEoi) return 0;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // TEM, RSTn: no length
      off += 2;
      continue;
    }
    const size_t len = get16(&file[off + 2], false);
    if (len < 2 || off + 2 + len > file.size()) return 0;
    // Like the libjpeg path: the first APP1 that yields an orientation.
    if (marker == kApp1) {
      if (const int code = exifBlockOrientation(file.subspan(off + 4, len - 2)); code != 0)
        return code;
    }
    off += 2 + len;
  }
  return 0;
}

int pngOrientation(const ReadAtFn& read, uint64_t fileSize) {
  constexpr uint64_t kSignatureBytes = 8;
  uint64_t off = kSignatureBytes;
  for (int i = 0; i < kMaxPngChunks && off + 8 <= fileSize; ++i) {
    std::array<uint8_t, 8> head{};
    if (!read(off, head)) return 0;
    const uint64_t len = get32(head.data(), false);
    if (std::memcmp(&head[4], "eXIf", 4) == 0) {
      if (off + 8 + len > fileSize) return 0;
      return tiffOrientation(read, off + 8);
    }
    if (std::memcmp(&head[4], "IEND", 4) == 0) return 0;
    off += 12 + len;  // length, type, data, CRC
  }
  return 0;
}

}  // namespace hashsieve::media::detail
