// MD5, SHA-1 and SHA-256 of a byte stream against the published test vectors (RFC 1321, FIPS
// 180-2: "abc" and one million 'a'), whatever the chunking of the updates.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "host/core/file_digests.hpp"

namespace hashsieve {
namespace {

std::span<const uint8_t> bytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FileDigests, Abc) {
  const FileDigests d = digestBytes(bytesOf("abc"));
  EXPECT_EQ(d.md5, "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FileDigests, MillionAInAnyChunking) {
  const std::string a(1000000, 'a');
  for (size_t chunk : {size_t{7}, size_t{16384}, size_t{50001}, a.size()}) {
    MultiDigest md;
    for (size_t off = 0; off < a.size(); off += chunk)
      md.update(bytesOf(a).subspan(off, std::min(chunk, a.size() - off)));
    const FileDigests d = md.finish();
    EXPECT_EQ(d.md5, "7707d6ae4e027c70eea2a935c2296f21") << chunk;
    EXPECT_EQ(d.sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f") << chunk;
    EXPECT_EQ(d.sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        << chunk;
  }
}

}  // namespace
}  // namespace hashsieve
