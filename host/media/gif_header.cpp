// A bounded walk over GIF blocks (header, colour tables, extensions) to the first image.
#include "host/media/gif_header.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace hashsieve::media::detail {
namespace {

constexpr size_t kHeaderBytes = 13;  // signature, logical screen descriptor
constexpr uint8_t kExtension = 0x21, kImage = 0x2C, kGraphicControl = 0xF9;
constexpr size_t kImageDescriptorBytes = 9;
constexpr size_t kFlagsOffset = 10;         // packed fields of the logical screen descriptor
constexpr uint8_t kGlobalTableFlag = 0x80;  // a global colour table follows the header
constexpr uint8_t kTableSizeBits = 0x07;    // 2^(bits + 1) entries: 7 gives 256
constexpr size_t kRampEntries = 256;
// Extensions before the first image (comments, XMP) rarely exceed a few KiB; past this the
// file is left to FFmpeg as it is.
constexpr int64_t kMaxScanBytes = 1 << 20;

// Reads through a buffer: the walk asks for a byte or a sub-block at a time, and a positional
// read (a system call, and a digest update) for each would cost more than the LZW walk itself.
class Reader {
 public:
  explicit Reader(InputFile& f) : file_(f) {}
  bool read(uint8_t* dst, size_t n) {
    if (pos_ + static_cast<int64_t>(n) > kMaxScanBytes) return false;
    if (pos_ < bufStart_ || pos_ + static_cast<int64_t>(n) > bufStart_ + bufLen_) {
      const size_t want =
          static_cast<size_t>(std::min<int64_t>(kBufferBytes, kMaxScanBytes - pos_));
      buf_.resize(kBufferBytes);
      const int64_t got = file_.readAt(pos_, buf_.data(), want);
      bufStart_ = pos_;
      bufLen_ = std::max<int64_t>(got, 0);
      if (bufLen_ < static_cast<int64_t>(n)) return false;
    }
    std::memcpy(dst, buf_.data() + (pos_ - bufStart_), n);
    pos_ += static_cast<int64_t>(n);
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
  static constexpr int64_t kBufferBytes = 64 * 1024;
  InputFile& file_;
  int64_t pos_ = 0;
  std::vector<uint8_t> buf_;
  int64_t bufStart_ = 0, bufLen_ = 0;
};

using Palette = std::array<uint8_t, 256 * 3>;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

constexpr int kMaxLzwBits = 12;  // GIF's LZW codes are at most 12 bits wide

/// How many pixels the LZW data at the reader yields (the code lengths alone; no pixels are
/// made), stopping at the end code, at `wanted` pixels, or where the data ends. nullopt when
/// the data is unreadable or longer than the scan allows: FFmpeg then judges the file alone.
std::optional<int64_t> lzwPixels(Reader& r, int64_t wanted) {
  uint8_t minCode = 0;
  if (!r.byte(minCode) || minCode < 1 || minCode > 11) return std::nullopt;
  const int clear = 1 << minCode, end = clear + 1;
  std::array<uint16_t, 1 << kMaxLzwBits> length{};
  int next = clear + 2, width = minCode + 1, prev = -1;
  const auto lengthOf = [&](int code) { return code < clear ? 1 : int{length[code]}; };
  int64_t pixels = 0;
  uint32_t bits = 0;
  int nbits = 0;
  for (uint8_t len = 0; pixels < wanted;) {
    if (!r.byte(len)) return std::nullopt;
    if (len == 0) break;  // the image's data ends
    uint8_t block[255];
    if (!r.read(block, len)) return std::nullopt;
    for (int i = 0; i < len && pixels < wanted; ++i) {
      bits |= uint32_t{block[i]} << nbits;
      nbits += 8;
      while (nbits >= width && pixels < wanted) {
        const int code = static_cast<int>(bits & ((1u << width) - 1));
        bits >>= width;
        nbits -= width;
        if (code == clear) {
          next = clear + 2, width = minCode + 1, prev = -1;
          continue;
        }
        if (code == end) return pixels;
        const bool known = code < clear || (code > end && code < next);
        if (!known && (code != next || prev < 0)) return pixels;  // a code no encoder makes
        pixels += known ? lengthOf(code) : lengthOf(prev) + 1;
        if (prev >= 0 && next < (1 << kMaxLzwBits)) {
          length[next] = static_cast<uint16_t>(lengthOf(prev) + 1);
          if (++next == (1 << width) && width < kMaxLzwBits) ++width;
        }
        prev = code;
      }
    }
  }
  return pixels;
}

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
  const bool hasGlobal = head[kFlagsOffset] & kGlobalTableFlag;
  if (hasGlobal && !readTable(r, head[kFlagsOffset], global)) return std::nullopt;
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
    // Entries past the table's size are zero (black), as Pillow's palette pads them.
    const auto argb = [&](int index) {
      const uint8_t* c = (hasLocal ? local : global).data() + 3 * index;
      return 0xFF000000u | uint32_t{c[0]} << 16 | uint32_t{c[1]} << 8 | c[2];
    };
    if (first.hasColourTable) {
      first.surroundArgb = argb(std::max(transparentIndex, 0));
      if (transparentIndex >= 0) first.transparentArgb = first.surroundArgb;
    }
    first.screenWidth = le16(head + 6);
    first.screenHeight = le16(head + 8);
    first.left = le16(desc);
    first.top = le16(desc + 2);
    first.width = le16(desc + 4);
    first.height = le16(desc + 6);
    first.pixels = int64_t{first.width} * first.height;
    first.decodablePixels = lzwPixels(r, first.pixels);
    return first;
  }
  return std::nullopt;
}

std::vector<uint8_t> withGreyColourTable(std::span<const uint8_t> gif) {
  std::vector<uint8_t> out(gif.begin(), gif.begin() + std::min(gif.size(), kHeaderBytes));
  if (out.size() < kHeaderBytes) return {gif.begin(), gif.end()};
  out[kFlagsOffset] =
      static_cast<uint8_t>((out[kFlagsOffset] & ~(kGlobalTableFlag | kTableSizeBits)) |
                           kGlobalTableFlag | kTableSizeBits);
  out.reserve(gif.size() + 3 * kRampEntries);
  for (size_t i = 0; i < kRampEntries; ++i) out.insert(out.end(), 3, static_cast<uint8_t>(i));
  out.insert(out.end(), gif.begin() + kHeaderBytes, gif.end());
  return out;
}

std::vector<uint8_t> withScreenHolding(std::vector<uint8_t> gif, const GifFirstImage& first) {
  if (gif.size() < kHeaderBytes) return gif;
  const int w = std::max(first.screenWidth, first.left + first.width);
  const int h = std::max(first.screenHeight, first.top + first.height);
  constexpr int kMaxSide = 0xFFFF;  // a 16-bit field; FFmpeg cuts what lies beyond
  gif[6] = static_cast<uint8_t>(std::min(w, kMaxSide));
  gif[7] = static_cast<uint8_t>(std::min(w, kMaxSide) >> 8);
  gif[8] = static_cast<uint8_t>(std::min(h, kMaxSide));
  gif[9] = static_cast<uint8_t>(std::min(h, kMaxSide) >> 8);
  return gif;
}

}  // namespace hashsieve::media::detail
