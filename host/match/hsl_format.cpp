// Header encoding, decoding and the whole-file checksum of .hsl lists.
#include "host/match/hsl_format.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "host/core/errors.hpp"

namespace hashsieve {

const char* hashTypeName(HashType t) {
  switch (t) {
    case HashType::Pdq:
      return "pdq";
    case HashType::Phash:
      return "phash";
    case HashType::Md5:
      return "md5";
    case HashType::Sha1:
      return "sha1";
    case HashType::Sha256:
      return "sha256";
  }
  return "?";
}

bool parseHashTypeName(std::string_view name, HashType& out) {
  for (HashType t : kAllHashTypes) {
    const std::string_view n = hashTypeName(t);
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      out = t;
      return true;
    }
  }
  return false;
}

namespace hsl {
namespace {

// The format is little-endian; so is every machine we build for (x86-64, aarch64).
static_assert(std::endian::native == std::endian::little, ".hsl I/O assumes little-endian");

template <typename T>
void put(std::span<std::byte> out, size_t off, T v) {
  std::memcpy(out.data() + off, &v, sizeof(T));
}
template <typename T>
T get(std::span<const std::byte> in, size_t off) {
  T v;
  std::memcpy(&v, in.data() + off, sizeof(T));
  return v;
}

void putSection(std::span<std::byte> out, size_t off, const SectionRef& s) {
  put<uint64_t>(out, off, s.offset);
  put<uint64_t>(out, off + 8, s.size);
}
SectionRef getSection(std::span<const std::byte> in, size_t off) {
  return {get<uint64_t>(in, off), get<uint64_t>(in, off + 8)};
}

}  // namespace

void encodeHeader(const Header& h, std::span<std::byte> out) {
  if (out.size() < kHeaderBytes) throw std::logic_error("encodeHeader: buffer too small");
  std::fill(out.begin(), out.begin() + kHeaderBytes, std::byte{0});
  std::memcpy(out.data() + kOffMagic, kMagic.data(), kMagic.size());
  put<uint32_t>(out, kOffVersion, h.version);
  put<uint32_t>(out, kOffType, static_cast<uint32_t>(h.type));
  put<uint64_t>(out, kOffFileSize, h.fileSize);
  put<uint64_t>(out, kOffEntryCount, h.entryCount);
  put<uint64_t>(out, kOffIdCount, h.idCount);
  put<uint32_t>(out, kOffWords, h.words);
  put<uint32_t>(out, kOffBlock, h.blockEntries);
  for (int s = 0; s < kSectionCount; ++s) {
    put<uint64_t>(out, kOffSections + 16 * s, h.sections[s].offset);
    put<uint64_t>(out, kOffSections + 16 * s + 8, h.sections[s].size);
  }
  std::memcpy(out.data() + kOffChecksum, h.checksum.data(), kChecksumBytes);
  put<uint64_t>(out, kOffVideoSection, h.videoSection.offset);
  put<uint64_t>(out, kOffVideoSection + 8, h.videoSection.size);
  put<uint64_t>(out, kOffVideoCount, h.videoCount);
  putSection(out, kOffMetaIndex, h.metaIndex);
  putSection(out, kOffMetaOffsets, h.metaOffsets);
  putSection(out, kOffMetaData, h.metaData);
  put<uint64_t>(out, kOffMetaCount, h.metaCount);
  put<uint32_t>(out, kOffPdqLuma, static_cast<uint32_t>(h.pdqLuma));
}

const char* pdqLumaName(PdqLuma l) {
  switch (l) {
    case PdqLuma::Reference:
      return "reference";
    case PdqLuma::Float64:
      return "float64";
    case PdqLuma::Unknown:
      break;
  }
  return "unknown";
}

Header decodeHeader(std::span<const std::byte> file) {
  if (file.size() < kHeaderBytes)
    throw FormatError("not a .hsl list: " + std::to_string(file.size()) +
                      " bytes, shorter than the header");
  if (std::memcmp(file.data() + kOffMagic, kMagic.data(), kMagic.size()) != 0)
    throw FormatError("not a .hsl list: bad magic");
  Header h;
  h.version = get<uint32_t>(file, kOffVersion);
  h.type = static_cast<HashType>(get<uint32_t>(file, kOffType));
  h.fileSize = get<uint64_t>(file, kOffFileSize);
  h.entryCount = get<uint64_t>(file, kOffEntryCount);
  h.idCount = get<uint64_t>(file, kOffIdCount);
  h.words = get<uint32_t>(file, kOffWords);
  h.blockEntries = get<uint32_t>(file, kOffBlock);
  for (int s = 0; s < kSectionCount; ++s) {
    h.sections[s].offset = get<uint64_t>(file, kOffSections + 16 * s);
    h.sections[s].size = get<uint64_t>(file, kOffSections + 16 * s + 8);
  }
  std::memcpy(h.checksum.data(), file.data() + kOffChecksum, kChecksumBytes);
  h.videoSection.offset = get<uint64_t>(file, kOffVideoSection);
  h.videoSection.size = get<uint64_t>(file, kOffVideoSection + 8);
  h.videoCount = get<uint64_t>(file, kOffVideoCount);
  h.metaIndex = getSection(file, kOffMetaIndex);
  h.metaOffsets = getSection(file, kOffMetaOffsets);
  h.metaData = getSection(file, kOffMetaData);
  h.metaCount = get<uint64_t>(file, kOffMetaCount);
  const uint32_t luma = get<uint32_t>(file, kOffPdqLuma);
  h.pdqLuma = luma <= static_cast<uint32_t>(PdqLuma::Float64) ? static_cast<PdqLuma>(luma)
                                                              : PdqLuma::Unknown;
  return h;
}

Checksum fileChecksum(std::span<const std::byte> file) {
  if (file.size() < kHeaderBytes) throw std::logic_error("fileChecksum: shorter than a header");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const std::array<std::byte, kChecksumBytes> zeros{};
  Checksum out{};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), file.data(), kOffChecksum) != 1 ||
      EVP_DigestUpdate(ctx.get(), zeros.data(), zeros.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), file.data() + kOffChecksum + kChecksumBytes,
                       file.size() - kOffChecksum - kChecksumBytes) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != kChecksumBytes)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

std::string checksumHex(const Checksum& c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * c.size());
  for (uint8_t b : c) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

void writeImage(const Image& image, const std::filesystem::path& path) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("unwritable", tmp.string());
    const auto bytes = image.view();
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw InputError("unwritable", tmp.string() + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError("unwritable", path.string() + ": " + ec.message());
  }
}

}  // namespace hsl
}  // namespace hashsieve
