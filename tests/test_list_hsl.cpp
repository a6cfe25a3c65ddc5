// The .hsl binary list: round trips (PDQ, pHash, empty), the checksum (SHA-256 of the file with
// its checksum field zeroed, recomputed here with OpenSSL), and rejection of every single-byte
// corruption and every truncation with FormatError, never an out-of-bounds read.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"

namespace hashsieve {
namespace {

namespace fs = std::filesystem;

fs::path tempPath(const std::string& name) {
  return fs::path(testing::TempDir()) /
         ("hashsieve_test_list_hsl_" + std::to_string(::getpid()) + "_" + name);
}

std::vector<char> readBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct Source {
  Hash256 hash;
  int quality;
  std::string id;
};

/// Random entries, a third of them sharing a hash with an earlier one.
std::vector<Source> randomSources(HashType type, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Source> out;
  for (size_t i = 0; i < n; ++i) {
    Hash256 h;
    if (!out.empty() && rng() % 3 == 0) {
      h = out[rng() % out.size()].hash;
    } else {
      for (int j = 0; j < wordsPerHash(type); ++j) h.w[j] = rng();
    }
    out.push_back({h, static_cast<int>(rng() % 102) - 1, "id-" + std::to_string(i)});
  }
  return out;
}

fs::path writeList(HashType type, const std::vector<Source>& src, const std::string& name) {
  ListBuilder b(type);
  for (const auto& s : src) b.add(s.hash, s.quality, s.id);
  fs::path p = tempPath(name);
  hsl::writeImage(b.build(), p);
  return p;
}

void expectSameContent(const HashList& list, const std::vector<Source>& src) {
  // Expected: per distinct hash, its ids in input order and its highest known quality.
  std::map<Hash256, std::pair<std::vector<std::string>, int>> want;
  for (const auto& s : src) {
    auto& w = want[s.hash];
    if (w.first.empty()) w.second = -1;
    w.first.push_back(s.id);
    w.second = std::max(w.second, s.quality);
  }
  ASSERT_EQ(list.size(), want.size());
  size_t i = 0;
  for (const auto& [hash, w] : want) {  // std::map order = Hash256::operator< = the list's order
    EXPECT_EQ(list.hash(i), hash) << "entry " << i;
    ASSERT_EQ(list.idCountOf(i), w.first.size());
    for (size_t k = 0; k < w.first.size(); ++k) EXPECT_EQ(list.id(i, k), w.first[k]);
    EXPECT_EQ(list.quality(i), w.second < 0 ? hsl::kQualityUnknown : w.second);
    ++i;
  }
  EXPECT_EQ(list.idCount(), src.size());
}

TEST(ListHsl, RoundTripPdq) {
  const auto src = randomSources(HashType::Pdq, 1000, 1);
  const fs::path p = writeList(HashType::Pdq, src, "pdq.hsl");
  const HashList list = HashList::open(p);
  EXPECT_EQ(list.type(), HashType::Pdq);
  EXPECT_EQ(list.words(), 4);
  expectSameContent(list, src);
  fs::remove(p);
}

TEST(ListHsl, RoundTripPhashAndEmpty) {
  const auto src = randomSources(HashType::Phash, 333, 2);
  const fs::path p = writeList(HashType::Phash, src, "phash.hsl");
  const HashList list = HashList::open(p);
  EXPECT_EQ(list.type(), HashType::Phash);
  EXPECT_EQ(list.words(), 1);
  expectSameContent(list, src);
  EXPECT_EQ(list.hashHex(0).size(), 16u);
  fs::remove(p);

  const fs::path e = writeList(HashType::Pdq, {}, "empty.hsl");
  const HashList empty = HashList::open(e);
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.idCount(), 0u);
  fs::remove(e);
}

TEST(ListHsl, PackedLayoutIsBlocksOfEightWordMajor) {
  const auto src = randomSources(HashType::Pdq, 20, 3);
  const fs::path p = writeList(HashType::Pdq, src, "layout.hsl");
  const HashList list = HashList::open(p);
  const auto packed = list.packedWords();
  ASSERT_EQ(packed.size(), hsl::paddedEntries(list.size()) * 4);
  for (size_t e = 0; e < list.size(); ++e)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(packed[(e / 8 * 4 + j) * 8 + e % 8], list.hash(e).w[j]);
  for (size_t e = list.size(); e < hsl::paddedEntries(list.size()); ++e)
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(packed[(e / 8 * 4 + j) * 8 + e % 8], 0u) << "padding lane";
  fs::remove(p);
}

TEST(ListHsl, ChecksumIsSha256WithTheFieldZeroed) {
  const fs::path p = writeList(HashType::Pdq, randomSources(HashType::Pdq, 50, 4), "sum.hsl");
  std::vector<char> bytes = readBytes(p);
  std::fill(bytes.begin() + hsl::kOffChecksum,
            bytes.begin() + hsl::kOffChecksum + hsl::kChecksumBytes, 0);
  hsl::Checksum want{};
  unsigned int len = 0;
  ASSERT_EQ(EVP_Digest(bytes.data(), bytes.size(), want.data(), &len, EVP_sha256(), nullptr), 1);
  EXPECT_EQ(HashList::open(p).checksum(), want);
  fs::remove(p);
}

TEST(ListHsl, EverySingleByteCorruptionIsRejected) {
  const fs::path p = writeList(HashType::Pdq, randomSources(HashType::Pdq, 12, 5), "flip.hsl");
  const std::vector<char> good = readBytes(p);
  const fs::path bad = tempPath("flip_bad.hsl");
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<char> b = good;
    b[i] = static_cast<char>(b[i] ^ 0x5a);
    writeBytes(bad, b);
    EXPECT_THROW(HashList::open(bad), FormatError) << "byte " << i << " of " << good.size();
  }
  fs::remove(bad);
  fs::remove(p);
}

TEST(ListHsl, WithoutChecksumCorruptionNeverReadsOutOfBounds) {
  // Verification off: structure checks must still keep every id inside the file. A corrupted
  // hash or quality byte may load (that is what the checksum is for); nothing may read outside.
  const fs::path p = writeList(HashType::Pdq, randomSources(HashType::Pdq, 12, 6), "flip2.hsl");
  const std::vector<char> good = readBytes(p);
  const fs::path bad = tempPath("flip2_bad.hsl");
  size_t loaded = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<char> b = good;
    b[i] = static_cast<char>(b[i] ^ 0xff);
    writeBytes(bad, b);
    try {
      const HashList list = HashList::open(bad, {/*verifyChecksum=*/false});
      ++loaded;
      size_t ids = 0;
      for (size_t e = 0; e < list.size(); ++e) {
        ASSERT_GE(list.idCountOf(e), 1u);
        for (size_t k = 0; k < list.idCountOf(e); ++k) {
          const auto id = list.id(e, k);
          ASSERT_LE(id.size(), good.size()) << "byte " << i;
          ++ids;
        }
        (void)list.hash(e);
      }
      EXPECT_EQ(ids, list.idCount()) << "byte " << i;
    } catch (const FormatError&) {
    }
  }
  EXPECT_GT(loaded, 0u);  // flips inside hashes, qualities and id text do load
  fs::remove(bad);
  fs::remove(p);
}

TEST(ListHsl, EveryTruncationIsRejected) {
  const fs::path p = writeList(HashType::Pdq, randomSources(HashType::Pdq, 12, 7), "trunc.hsl");
  const std::vector<char> good = readBytes(p);
  const fs::path bad = tempPath("trunc_bad.hsl");
  for (size_t n = 0; n < good.size(); ++n) {
    writeBytes(bad, std::vector<char>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
    EXPECT_THROW(HashList::open(bad), FormatError) << "truncated to " << n;
    EXPECT_THROW(HashList::open(bad, {false}), FormatError)
        << "truncated to " << n << ", unverified";
  }
  // An appended byte is as wrong as a missing one.
  std::vector<char> longer = good;
  longer.push_back(0);
  writeBytes(bad, longer);
  EXPECT_THROW(HashList::open(bad), FormatError);
  fs::remove(bad);
  fs::remove(p);
}

TEST(ListHsl, ForeignFilesAndVersions) {
  const fs::path bad = tempPath("foreign.hsl");
  writeBytes(bad, std::vector<char>(4096, 'x'));
  try {
    HashList::open(bad);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("bad magic"), std::string::npos) << e.what();
  }
  const fs::path p = writeList(HashType::Pdq, randomSources(HashType::Pdq, 3, 8), "version.hsl");
  std::vector<char> b = readBytes(p);
  b[hsl::kOffVersion] = 2;
  writeBytes(bad, b);
  try {
    HashList::open(bad, {false});
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(HashList::open(tempPath("does-not-exist.hsl")), InputError);
  fs::remove(bad);
  fs::remove(p);
}

}  // namespace
}  // namespace hashsieve
