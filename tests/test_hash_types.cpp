// Hash256/Hash64 hex round trips, parsing rules and Hamming distance by construction.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "host/core/hash_types.hpp"

namespace hashsieve {
namespace {

Hash256 randomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& w : h.w) w = rng();
  return h;
}

TEST(HashTypes, HexRoundTrip256) {
  std::mt19937_64 rng(1);
  for (int i = 0; i < 1000; ++i) {
    Hash256 h = randomHash(rng);
    std::string hex = toHex(h);
    ASSERT_EQ(hex.size(), 64u);
    auto back = parseHash256(hex);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, h);
  }
}

TEST(HashTypes, BitOrderIsBigEndianInteger) {
  Hash256 h;
  h.setBit(0);  // B[0][0]: the last hex digit's low bit
  EXPECT_EQ(toHex(h), std::string(63, '0') + "1");
  Hash256 top;
  top.setBit(255);  // B[15][15]: the first hex digit's high bit
  EXPECT_EQ(toHex(top), "8" + std::string(63, '0'));
  Hash256 row1;
  row1.setBit(16);  // B[1][0]: fifth hex digit from the end
  EXPECT_EQ(toHex(row1), std::string(59, '0') + "10000");
}

TEST(HashTypes, ParseAcceptsUpperCaseRejectsJunk) {
  const std::string lower = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  std::string upper = lower;
  for (auto& c : upper) c = static_cast<char>(std::toupper(c));
  ASSERT_TRUE(parseHash256(upper));
  EXPECT_EQ(toHex(*parseHash256(upper)), lower);
  EXPECT_FALSE(parseHash256(lower.substr(1)));
  EXPECT_FALSE(parseHash256(lower + "0"));
  EXPECT_FALSE(parseHash256(std::string(63, '0') + "g"));
  EXPECT_FALSE(parseHash256(std::string(63, '0') + " "));
  EXPECT_FALSE(parseHash64("0123456789abcde"));
  EXPECT_FALSE(parseHash64("0123456789abcdeX"));
  ASSERT_TRUE(parseHash64("0123456789ABCDEF"));
  EXPECT_EQ(parseHash64("0123456789ABCDEF")->v, 0x0123456789abcdefULL);
  EXPECT_EQ(toHex(Hash64{0x0123456789abcdefULL}), "0123456789abcdef");
}

TEST(HashTypes, HammingCountsFlippedBits) {
  std::mt19937_64 rng(2);
  for (int d = 0; d <= 256; ++d) {
    Hash256 a = randomHash(rng), b = a;
    std::vector<int> idx(256);
    std::iota(idx.begin(), idx.end(), 0);
    std::shuffle(idx.begin(), idx.end(), rng);
    for (int k = 0; k < d; ++k) b.w[idx[k] / 64] ^= uint64_t{1} << (idx[k] % 64);
    EXPECT_EQ(hamming(a, b), d);
    EXPECT_EQ(hamming(b, a), d);
  }
  for (int d = 0; d <= 64; ++d) {
    uint64_t mask = d == 64 ? ~uint64_t{0} : ((uint64_t{1} << d) - 1);
    EXPECT_EQ(hamming(Hash64{0x5555}, Hash64{0x5555 ^ mask}), d);
  }
}

}  // namespace
}  // namespace hashsieve
