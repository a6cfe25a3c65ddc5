// Magic numbers of the archive and compression formats hashsieve opens with libarchive.
#include "host/archive/archive_sniff.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "host/core/errors.hpp"
#include "host/media/input_file.hpp"

namespace hashsieve::archive {
namespace {

constexpr size_t kTarMagicOffset = 257;  // POSIX ustar header: magic field

struct Magic {
  size_t offset;
  std::string_view bytes;
};

using namespace std::string_view_literals;
constexpr std::array kMagics{
    Magic{0, "PK\x03\x04"sv},          // ZIP local file header
    Magic{0, "PK\x05\x06"sv},          // ZIP: empty archive (end of central directory)
    Magic{0, "PK\x07\x08"sv},          // ZIP: spanned-archive marker
    Magic{0, "7z\xBC\xAF\x27\x1C"sv},  // 7z
    Magic{0, "Rar!\x1A\x07"sv},        // RAR 4 and 5
    Magic{0, "070701"sv},              // CPIO new ASCII
    Magic{0, "070702"sv},              // CPIO new ASCII with CRC
    Magic{0, "070707"sv},              // CPIO old ASCII (odc)
    Magic{0, "\x1F\x8B\x08"sv},        // gzip (deflate)
    Magic{0,
          "\xFD"
          "7zXZ\x00"sv},                // xz
    Magic{0, "\x28\xB5\x2F\xFD"sv},     // zstd frame
    Magic{kTarMagicOffset, "ustar"sv},  // POSIX and GNU tar ("ustar\0" / "ustar  ")
};

bool has(std::span<const uint8_t> head, const Magic& m) {
  return head.size() >= m.offset + m.bytes.size() &&
         std::memcmp(head.data() + m.offset, m.bytes.data(), m.bytes.size()) == 0;
}

bool isBzip2(std::span<const uint8_t> head) {
  // "BZh" + block size '1'..'9' + the first block's magic (pi): too weak without the last part.
  constexpr std::string_view kBlockMagic = "\x31\x41\x59\x26\x53\x59"sv;
  return head.size() >= 10 && std::memcmp(head.data(), "BZh", 3) == 0 && head[3] >= '1' &&
         head[3] <= '9' && std::memcmp(head.data() + 4, kBlockMagic.data(), 6) == 0;
}

}  // namespace

bool looksLikeArchive(std::span<const uint8_t> head, std::span<const uint8_t> isoMagic) {
  if (std::any_of(kMagics.begin(), kMagics.end(), [&](const Magic& m) { return has(head, m); }))
    return true;
  if (isBzip2(head)) return true;
  return isoMagic.size() == 5 && std::memcmp(isoMagic.data(), "CD001", 5) == 0;
}

bool bytesLookLikeArchive(std::span<const uint8_t> bytes) {
  const auto head = bytes.first(std::min(bytes.size(), kSniffHeadBytes));
  std::span<const uint8_t> iso;
  if (bytes.size() >= kIsoMagicOffset + 5) iso = bytes.subspan(kIsoMagicOffset, 5);
  return looksLikeArchive(head, iso);
}

bool fileLooksLikeArchive(const std::string& path) {
  try {
    media::Limits limits;
    limits.maxFileBytes = INT64_MAX;  // the size limit is the decoder's to report
    media::detail::InputFile file(path, limits);
    std::array<uint8_t, kSniffHeadBytes> head{};
    const int64_t n = file.readAt(0, head.data(), head.size());
    if (n <= 0) return false;
    std::array<uint8_t, 5> iso{};
    const bool hasIso = file.readAt(kIsoMagicOffset, iso.data(), iso.size()) == 5;
    return looksLikeArchive(std::span(head.data(), static_cast<size_t>(n)),
                            hasIso ? std::span<const uint8_t>(iso) : std::span<const uint8_t>());
  } catch (const InputError&) {
    return false;  // the decoder reports the problem as for any other file
  }
}

}  // namespace hashsieve::archive
