// MD5, SHA-1 and SHA-256 of a byte stream against the published test vectors (RFC 1321, FIPS
// 180-2: "abc" and one million 'a'), whatever the chunking of the updates, on both engines; and
// the stitched engine against OpenSSL's at every length around the block and padding edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "host/core/digests_stitched.hpp"
#include "host/core/file_digests.hpp"

namespace hashsieve {
namespace {

using Engine = MultiDigest::Engine;

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

FileDigests digestInChunks(std::span<const uint8_t> bytes, Engine engine, size_t chunk) {
  MultiDigest md(engine);
  for (size_t off = 0; off < bytes.size(); off += chunk)
    md.update(bytes.subspan(off, std::min(chunk, bytes.size() - off)));
  return md.finish();
}

class FileDigestsOnEngine : public testing::TestWithParam<Engine> {};

TEST_P(FileDigestsOnEngine, Abc) {
  const FileDigests d = digestInChunks(bytesOf("abc"), GetParam(), 3);
  EXPECT_EQ(d.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_P(FileDigestsOnEngine, Empty) {
  const FileDigests d = MultiDigest(GetParam()).finish();
  EXPECT_EQ(d.md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(d.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(d.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_P(FileDigestsOnEngine, MillionAInAnyChunking) {
  const std::string a(1000000, 'a');
  for (size_t chunk : {size_t{7}, size_t{64}, size_t{16384}, size_t{50001}, a.size()}) {
    const FileDigests d = digestInChunks(bytesOf(a), GetParam(), chunk);
    EXPECT_EQ(d.md5, "7707d6ae4e027c70eea2a935c2296f21") << chunk;
    EXPECT_EQ(d.sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f") << chunk;
    EXPECT_EQ(d.sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        << chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, FileDigestsOnEngine,
                         testing::Values(Engine::kFastest, Engine::kOpenSsl), [](const auto& info) {
                           return info.param == Engine::kFastest ? "Fastest" : "OpenSsl";
                         });

// Every length from 0 to 300 bytes (one and two padding blocks, each tail length) and a few large
// ones, fed in random chunk sizes: the stitched engine equals OpenSSL's.
TEST(FileDigests, StitchedEqualsOpenSslAtEveryLength) {
  if (!detail::stitchedDigestsAvailable()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::mt19937 rng(20261203);
  std::vector<uint8_t> bytes(3 << 20);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (size_t n : {size_t{4095}, size_t{65536 + 55}, size_t{(1 << 20) + 56}, bytes.size()})
    lengths.push_back(n);
  for (size_t n : lengths) {
    const std::span<const uint8_t> input(bytes.data(), n);
    MultiDigest fast(Engine::kFastest);
    for (size_t off = 0; off < n;) {
      const size_t chunk = std::min<size_t>(n - off, 1 + rng() % (n < 1000 ? 97 : 70000));
      fast.update(input.subspan(off, chunk));
      off += chunk;
    }
    const FileDigests got = fast.finish();
    const FileDigests want = digestInChunks(input, Engine::kOpenSsl, n + 1);
    ASSERT_EQ(got.md5, want.md5) << n;
    ASSERT_EQ(got.sha1, want.sha1) << n;
    ASSERT_EQ(got.sha256, want.sha256) << n;
  }
}

}  // namespace
}  // namespace hashsieve
