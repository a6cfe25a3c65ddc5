// A bounded walk over GIF blocks (header, colour tables, extensions) to the first image.
#include "host/media/gif_header.hpp"

#include <array>
#include <cstring>
#include <vector>

namespace hashsieve::media::detail {
namespace {

constexpr size_t kHeaderBytes = 13;  // signature, logical screen descriptor
constexpr uint8_t kExtension = 0x21, kImage = 0x2C, kGraphicControl = 0xF9;
constexpr size_t kImageDescriptorBytes = 9;
// Extensions before the first image (comments, XMP) rarely exceed a few KiB; past this the
// file is left to FFmpeg as it is.
constexpr int64_t kMaxScanBytes = 1 << 20;

class Reader {
 public:
  explicit Reader(InputFile& f) : file_(f) {}
  bool read(uint8_t* dst, size_t n) {
    if (pos_ + static_cast<int64_t>(n) > kMaxScanBytes) return false;
    const int64_t got = file_.readAt(pos_, dst, n);
    if (got != static_cast<int64_t>(n)) return false;
    pos_ += got;
    return true;
  }
  bool byte(uint8_t& b) { return read(&b, 1); }
  bool skipSubBlocks() {
    for (uint8_t len = 0;;) {
      if (!byte(len)) return false;
      if (len == 0) return true;
      pos_ += len;
    }
  }

 private:
  InputFile& file_;
  int64_t pos_ = 0;
};

using Palette = std::array<uint8_t, 256 * 3>;

bool readTable(Reader& r, uint8_t flags, Palette& table) {
  const size_t entries = size_t{1} << ((flags & 0x07) + 1);
  return r.read(table.data(), entries * 3);
}

}  // namespace

std::optional<GifFirstImage> readGifFirstImage(InputFile& file) {
  Reader r(file);
  uint8_t head[kHeaderBytes];
  if (!r.read(head, sizeof head) || std::memcmp(head, "GIF", 3) != 0) return std::nullopt;
  Palette global{}, local{};
  const bool hasGlobal = head[10] & 0x80;
  if (hasGlobal && !readTable(r, head[10], global)) return std::nullopt;
  int transparentIndex = -1;
  for (uint8_t block = 0; r.byte(block);) {
    if (block == kExtension) {
      uint8_t label = 0;
      if (!r.byte(label)) return std::nullopt;
      if (label == kGraphicControl) {
        uint8_t gce[6];  // size 4, flags, delay (2), transparent index, terminator
        if (!r.read(gce, sizeof gce)) return std::nullopt;
        transparentIndex = (gce[1] & 0x01) ? gce[4] : -1;
        if (gce[5] != 0 && !r.skipSubBlocks()) return std::nullopt;
      } else if (!r.skipSubBlocks()) {
        return std::nullopt;
      }
      continue;
    }
    if (block != kImage) return std::nullopt;
    uint8_t desc[kImageDescriptorBytes];
    if (!r.read(desc, sizeof desc)) return std::nullopt;
    const bool hasLocal = desc[8] & 0x80;
    if (hasLocal && !readTable(r, desc[8], local)) return std::nullopt;
    GifFirstImage first;
    first.hasColourTable = hasLocal || hasGlobal;
    if (first.hasColourTable && transparentIndex >= 0) {
      // Entries past the table's size are zero (black), as Pillow's palette pads them.
      const uint8_t* c = (hasLocal ? local : global).data() + 3 * transparentIndex;
      first.transparentArgb = 0xFF000000u | uint32_t{c[0]} << 16 | uint32_t{c[1]} << 8 | c[2];
    }
    return first;
  }
  return std::nullopt;
}

}  // namespace hashsieve::media::detail
