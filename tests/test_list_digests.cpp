// File-digest lists (MD5/SHA-1/SHA-256) and bundles: the hex form of every type, exact look-up
// against a brute-force set on random lists (single and batched), entry metadata, bundles of
// several types in one file, and rejection of every single-byte corruption and truncation of a
// bundle with FormatError.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/bundle_builder.hpp"
#include "host/match/exact_index.hpp"
#include "host/match/hash_keys.hpp"
#include "host/match/list_builder.hpp"
#include "host/match/list_set.hpp"

namespace hashsieve {
namespace {

// A digest of `type` as OpenSSL computes it over `text`, in hex.
std::string digestHex(const std::string& text, HashType type) {
  const EVP_MD* md = type == HashType::Md5    ? EVP_md5()
                     : type == HashType::Sha1 ? EVP_sha1()
                                              : EVP_sha256();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), out, &len, md, nullptr);
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[out[i] >> 4];
    hex += kDigits[out[i] & 15];
  }
  return hex;
}

Hash256 randomKey(std::mt19937_64& rng, HashType type) {
  // Random bytes through the hex form, so SHA-1's padding is what parseTypedHash makes.
  std::string hex;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < hexCharsPerHash(type); ++i) hex += kDigits[rng() & 15];
  return *parseTypedHash(hex, type);
}

class DigestTypes : public testing::TestWithParam<HashType> {};

TEST_P(DigestTypes, HexRoundTripAndLength) {
  const HashType t = GetParam();
  const std::string hex = digestHex("hashsieve", t);
  ASSERT_EQ(hex.size(), static_cast<size_t>(hexCharsPerHash(t)));
  const auto h = parseTypedHash(hex, t);
  ASSERT_TRUE(h);
  EXPECT_EQ(typedHashHex(*h, t), hex);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(parseTypedHash(upper, t), h);
  EXPECT_FALSE(parseTypedHash(hex.substr(1), t));
  EXPECT_FALSE(parseTypedHash(hex + "0", t));
  std::string bad = hex;
  bad[3] = 'g';
  EXPECT_FALSE(parseTypedHash(bad, t));
  EXPECT_EQ(typeOfHexLength(hex.size(), HashType::Sha256), t);
}

TEST_P(DigestTypes, ExactLookupAgreesWithASetSingleAndBatched) {
  const HashType t = GetParam();
  for (size_t n : {0u, 1u, 2u, 3u, 100u, 5000u}) {
    std::mt19937_64 rng(42 + n);
    ListBuilder b(t);
    std::set<std::string> present;
    std::vector<Hash256> keys;
    for (size_t i = 0; i < n; ++i) {
      const Hash256 k = randomKey(rng, t);
      b.add(k, -1, "id" + std::to_string(i));
      present.insert(typedHashHex(k, t));
      keys.push_back(k);
    }
    const HashList list = HashList::fromImage(b.build());
    ASSERT_EQ(list.type(), t);
    ASSERT_EQ(list.size(), present.size());
    const ExactIndex index(list);
    // Queries: every listed key, and as many random ones (almost surely absent).
    std::vector<Hash256> queries = keys;
    for (size_t i = 0; i < n + 10; ++i) queries.push_back(randomKey(rng, t));
    std::vector<int64_t> batched(queries.size());
    index.findBatch(queries, batched);
    for (size_t q = 0; q < queries.size(); ++q) {
      const int64_t e = index.find(queries[q]);
      EXPECT_EQ(e, batched[q]) << "n=" << n << " q=" << q;
      const std::string hex = typedHashHex(queries[q], t);
      if (present.count(hex)) {
        ASSERT_GE(e, 0) << "n=" << n << " q=" << q;
        EXPECT_EQ(list.hashHex(static_cast<size_t>(e)), hex);
      } else {
        EXPECT_EQ(e, -1) << "n=" << n << " q=" << q;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, DigestTypes,
                         testing::Values(HashType::Md5, HashType::Sha1, HashType::Sha256),
                         [](const auto& info) { return std::string(hashTypeName(info.param)); });

TEST(ListMetadata, KeptPerIdAndDeduplicated) {
  ListBuilder b(HashType::Md5);
  const Hash256 k = *parseTypedHash(digestHex("a", HashType::Md5), HashType::Md5);
  const Hash256 k2 = *parseTypedHash(digestHex("b", HashType::Md5), HashType::Md5);
  b.add(k, -1, "n1", R"({"category":"A1"})");
  b.add(k, -1, "n2", R"({"category":"B1"})");
  b.add(k2, -1, "n3", R"({"category":"A1"})");
  b.add(k2, -1, "n4");
  const HashList list = HashList::fromImage(b.build());
  ASSERT_TRUE(list.hasMeta());
  EXPECT_EQ(list.metaCount(), 3u);  // "", A1, B1
  const ExactIndex index(list);
  const int64_t e = index.find(k);
  ASSERT_GE(e, 0);
  ASSERT_EQ(list.idCountOf(e), 2u);
  EXPECT_EQ(list.id(e, 0), "n1");
  EXPECT_EQ(list.meta(e, 0), R"({"category":"A1"})");
  EXPECT_EQ(list.meta(e, 1), R"({"category":"B1"})");
  const int64_t e2 = index.find(k2);
  EXPECT_EQ(list.meta(e2, 0), R"({"category":"A1"})");
  EXPECT_EQ(list.meta(e2, 1), "");
}

TEST(ListMetadata, ListsWithoutMetadataKeepTheVersionOneLayout) {
  // No metadata: header bytes 184..255 stay zero, so readers that predate them load the list.
  ListBuilder b(HashType::Pdq);
  b.add(Hash256{{1, 2, 3, 4}}, 80, "x");
  const hsl::Image image = b.build();
  const auto bytes = image.view();
  for (size_t i = hsl::kOffMetaIndex; i < hsl::kHeaderBytes; ++i)
    EXPECT_EQ(bytes[i], std::byte{0}) << i;
  EXPECT_FALSE(HashList::fromImage(image).hasMeta());
}

TEST(ListBuilderRemoval, DropsEarlierEntriesOfAnIdOnly) {
  ListBuilder b(HashType::Md5);
  const Hash256 k1 = *parseTypedHash(digestHex("1", HashType::Md5), HashType::Md5);
  const Hash256 k2 = *parseTypedHash(digestHex("2", HashType::Md5), HashType::Md5);
  b.add(k1, -1, "gone");
  b.add(k2, -1, "kept");
  b.removeId("gone");
  b.add(k2, -1, "gone");  // re-added after the removal: stays
  ListBuilder::Summary s;
  const HashList list = HashList::fromImage(b.build(&s));
  EXPECT_EQ(s.removed, 1u);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.idCountOf(0), 2u);
  EXPECT_EQ(list.id(0, 0), "kept");
  EXPECT_EQ(list.id(0, 1), "gone");
}

hsl::Image sampleBundle() {
  BundleBuilder b;
  const std::string meta = R"({"category":"A1","source":"test"})";
  for (int i = 0; i < 20; ++i) {
    const std::string text = "file" + std::to_string(i), id = "e" + std::to_string(i);
    for (HashType t : {HashType::Md5, HashType::Sha1}) {
      ListEntryView v;
      v.hash = *parseTypedHash(digestHex(text, t), t);
      v.type = t;
      v.id = id;
      v.meta = meta;
      b.add(v);
    }
    ListEntryView p;
    p.hash = Hash256{{uint64_t(i), 7, 7, 7}};
    p.quality = 90;
    p.type = HashType::Pdq;
    p.id = id;
    b.add(p);
  }
  return b.build();
}

TEST(ListBundle, RoundTripHoldsEveryTypeWithSharedIds) {
  const ListSet set = ListSet::fromImage(sampleBundle());
  ASSERT_TRUE(set.isBundle());
  ASSERT_EQ(set.lists().size(), 3u);
  EXPECT_EQ(set.lists()[0].type(), HashType::Pdq);
  EXPECT_EQ(set.perceptual(), &set.lists()[0]);
  const HashList* md5 = set.find(HashType::Md5);
  const HashList* sha1 = set.find(HashType::Sha1);
  ASSERT_TRUE(md5 && sha1);
  EXPECT_EQ(set.find(HashType::Sha256), nullptr);
  EXPECT_EQ(set.totalEntries(), 60u);
  const int64_t e =
      ExactIndex(*sha1).find(*parseTypedHash(digestHex("file7", HashType::Sha1), HashType::Sha1));
  ASSERT_GE(e, 0);
  EXPECT_EQ(sha1->id(e), "e7");
  EXPECT_EQ(sha1->meta(e), R"({"category":"A1","source":"test"})");
}

TEST(ListBundle, OneTypeIsAPlainList) {
  BundleBuilder b;
  ListEntryView v;
  v.hash = *parseTypedHash(digestHex("x", HashType::Sha256), HashType::Sha256);
  v.type = HashType::Sha256;
  v.id = "x";
  b.add(v);
  const ListSet set = ListSet::fromImage(b.build());
  EXPECT_FALSE(set.isBundle());
  ASSERT_EQ(set.lists().size(), 1u);
  EXPECT_EQ(set.lists()[0].type(), HashType::Sha256);
  EXPECT_EQ(set.perceptual(), nullptr);
}

TEST(ListBundle, EveryByteFlipAndTruncationIsAFormatError) {
  const hsl::Image good = sampleBundle();
  // Bytes whose change no check can see: none. Every flip must fail, as every truncation.
  for (size_t i = 0; i < good.bytes; ++i) {
    hsl::Image bad = good;
    bad.view()[i] ^= std::byte{0x01};
    EXPECT_THROW(ListSet::fromImage(std::move(bad)), FormatError) << "byte " << i;
  }
  for (size_t n = 0; n < good.bytes; n += 7) {
    hsl::Image cut = good;
    cut.bytes = n;
    EXPECT_THROW(ListSet::fromImage(std::move(cut)), FormatError) << "length " << n;
  }
}

}  // namespace
}  // namespace hashsieve
