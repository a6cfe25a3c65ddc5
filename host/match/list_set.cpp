// Bundles of .hsl lists: writing the container and validating it before any embedded list is
// read (every offset and size checked against the file, then each list's own validation).
#include "host/match/list_set.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "host/core/errors.hpp"

namespace hashsieve {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw FormatError("corrupt .hsl bundle: " + what);
}

template <typename T>
T get(std::span<const std::byte> in, size_t off) {
  T v;
  std::memcpy(&v, in.data() + off, sizeof(T));
  return v;
}
template <typename T>
void put(std::span<std::byte> out, size_t off, T v) {
  std::memcpy(out.data() + off, &v, sizeof(T));
}

// SHA-256 of the header with the checksum field read as zeros (the lists carry their own).
hsl::Checksum headerChecksum(std::span<const std::byte> file) {
  std::array<std::byte, hsl::kHeaderBytes> header;
  std::memcpy(header.data(), file.data(), header.size());
  std::fill_n(header.begin() + hsl::kOffBundleChecksum, hsl::kChecksumBytes, std::byte{0});
  hsl::Checksum out{};
  unsigned int len = 0;
  if (EVP_Digest(header.data(), header.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != hsl::kChecksumBytes)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

bool hasMagic(std::span<const std::byte> file, const std::array<uint8_t, 8>& magic) {
  return file.size() >= magic.size() && std::memcmp(file.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

namespace hsl {

Image bundleImages(std::span<const Image> images) {
  if (images.empty() || images.size() > kMaxBundleLists)
    throw std::logic_error("bundleImages: 1.." + std::to_string(kMaxBundleLists) + " lists");
  if (images.size() == 1) return images[0];
  std::vector<SectionRef> refs;
  uint64_t offset = kHeaderBytes;
  for (const Image& im : images) {
    offset = (offset + kSectionAlign - 1) / kSectionAlign * kSectionAlign;
    refs.push_back({offset, im.bytes});
    offset += im.bytes;
  }
  Image out;
  out.bytes = offset;
  out.storage.assign((offset + 7) / 8, 0);
  const std::span<std::byte> file = out.view();
  std::memcpy(file.data(), kBundleMagic.data(), kBundleMagic.size());
  put<uint32_t>(file, 8, kBundleVersion);
  put<uint32_t>(file, 12, static_cast<uint32_t>(images.size()));
  put<uint64_t>(file, 16, offset);
  for (size_t i = 0; i < images.size(); ++i) {
    put<uint64_t>(file, kOffBundleLists + 16 * i, refs[i].offset);
    put<uint64_t>(file, kOffBundleLists + 16 * i + 8, refs[i].size);
    std::memcpy(file.data() + refs[i].offset, images[i].view().data(), images[i].bytes);
  }
  const Checksum c = headerChecksum(file);
  std::memcpy(file.data() + kOffBundleChecksum, c.data(), c.size());
  return out;
}

}  // namespace hsl

ListSet ListSet::open(const std::filesystem::path& path, const ListLoadOptions& opts) {
  auto mapping = std::make_shared<MappedFile>(path);
  const std::span<const std::byte> file = mapping->bytes();
  ListSet set;
  try {
    if (hasMagic(file, hsl::kBundleMagic)) {
      set.openBundle(mapping, file, opts);
    } else {
      set.lists_.push_back(HashList::fromMapping(mapping, file, opts));
      set.checksum_ = set.lists_[0].checksum();
    }
  } catch (const FormatError& e) {
    throw FormatError(path.string() + ": " + e.what());
  }
  set.fileBytes_ = file.size();
  return set;
}

ListSet ListSet::fromImage(hsl::Image image, const ListLoadOptions& opts) {
  ListSet set;
  if (hasMagic(image.view(), hsl::kBundleMagic)) {
    set.image_ = std::move(image);
    set.openBundle(nullptr, set.image_.view(), opts);
    set.fileBytes_ = set.image_.bytes;
  } else {
    set.fileBytes_ = image.bytes;
    set.lists_.push_back(HashList::fromImage(std::move(image), opts));
    set.checksum_ = set.lists_[0].checksum();
  }
  return set;
}

void ListSet::openBundle(const std::shared_ptr<MappedFile>& mapping,
                         std::span<const std::byte> file, const ListLoadOptions& opts) {
  if (file.size() < hsl::kHeaderBytes) fail("shorter than its header");
  const auto version = get<uint32_t>(file, 8);
  if (version != hsl::kBundleVersion)
    throw FormatError("unsupported .hsl bundle version " + std::to_string(version));
  const auto count = get<uint32_t>(file, 12);
  if (count < 2 || count > hsl::kMaxBundleLists) fail("list count out of range");
  if (get<uint64_t>(file, 16) != file.size()) fail("header size differs from the file's");
  hsl::Checksum stored;
  std::memcpy(stored.data(), file.data() + hsl::kOffBundleChecksum, stored.size());
  if (headerChecksum(file) != stored) fail("header checksum mismatch");
  uint64_t prevEnd = hsl::kHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    const auto offset = get<uint64_t>(file, hsl::kOffBundleLists + 16 * i);
    const auto size = get<uint64_t>(file, hsl::kOffBundleLists + 16 * i + 8);
    if (offset % hsl::kSectionAlign != 0 || offset < prevEnd) fail("list misplaced");
    if (offset > file.size() || size > file.size() - offset) fail("list runs past the end");
    // No checksum covers the alignment gaps: they must be zero, as written.
    for (uint64_t k = prevEnd; k < offset; ++k)
      if (file[k] != std::byte{0}) fail("non-zero bytes between lists");
    prevEnd = offset + size;
    HashList list = HashList::fromMapping(mapping, file.subspan(offset, size), opts);
    if (!lists_.empty() && list.type() <= lists_.back().type())
      fail("lists out of type order or repeated");
    lists_.push_back(std::move(list));
  }
  if (prevEnd != file.size()) fail("bytes after the last list");
  bundle_ = true;
  checksum_ = stored;
}

const HashList* ListSet::find(HashType type) const {
  for (const HashList& l : lists_)
    if (l.type() == type) return &l;
  return nullptr;
}

const HashList* ListSet::perceptual() const {
  if (const HashList* l = find(HashType::Pdq)) return l;
  return find(HashType::Phash);
}

}  // namespace hashsieve
