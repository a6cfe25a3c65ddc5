// The `!/` member-path notation (escaping and splitting) and archive sniffing by content.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/archive/archive_sniff.hpp"
#include "host/archive/member_path.hpp"

namespace hashsieve::archive {
namespace {

using Parts = std::vector<std::string>;

TEST(MemberPath, PlainNamesAreUnchanged) {
  EXPECT_EQ(escapeName("dir/photo.jpg"), "dir/photo.jpg");
  EXPECT_EQ(escapeName("wow!.jpg"), "wow!.jpg");  // '!' before other characters stays single
  EXPECT_EQ(joinMember("outer.zip", "dir/inner.zip"), "outer.zip!/dir/inner.zip");
}

TEST(MemberPath, BangBeforeSlashBangOrEndIsDoubled) {
  EXPECT_EQ(escapeName("a!/b"), "a!!/b");
  EXPECT_EQ(escapeName("a!!x"), "a!!!x");  // the first '!' is followed by '!', the second not
  EXPECT_EQ(escapeName("end!"), "end!!");
}

struct SplitCase {
  Parts parts;  // outer path then member names, as they really are
};

class MemberPathRoundTrip : public ::testing::TestWithParam<SplitCase> {};

TEST_P(MemberPathRoundTrip, JoinThenSplitGivesTheNamesBack) {
  const Parts& parts = GetParam().parts;
  std::string path = escapeName(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) path = joinMember(path, parts[i]);
  EXPECT_EQ(splitMemberPath(path), parts) << path;
}

INSTANTIATE_TEST_SUITE_P(Names, MemberPathRoundTrip,
                         ::testing::Values(SplitCase{{"outer.zip", "dir/inner.zip", "photo.jpg"}},
                                           SplitCase{{"a!/x.zip", "we!rd!/n.jpg"}},
                                           SplitCase{{"x!", "!", "!!/"}},
                                           SplitCase{{"t.tar", "../../etc/passwd"}},
                                           SplitCase{{"t.tar", "/abs"}},
                                           SplitCase{{"z.zip", "wow!.jpg"}}));

TEST(MemberPath, APathWithoutSeparatorIsOnePartAsGiven) {
  EXPECT_EQ(splitMemberPath("dir/a!!b"), Parts{"dir/a!!b"});
}

std::vector<uint8_t> bytesOf(std::string_view s, size_t pad = 0) {
  std::vector<uint8_t> v(s.begin(), s.end());
  v.resize(v.size() + pad);
  return v;
}

TEST(ArchiveSniff, MagicNumbers) {
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("PK\x03\x04", 20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("7z\xBC\xAF\x27\x1C", 20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("Rar!\x1A\x07\x01\x00", 20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("\x1F\x8B\x08", 20)));
  EXPECT_TRUE(
      bytesLookLikeArchive(bytesOf("\xFD"
                                   "7zXZ",
                                   20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("\x28\xB5\x2F\xFD", 20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("070701", 20)));
  EXPECT_TRUE(bytesLookLikeArchive(bytesOf("BZh91AY&SY", 20)));
  std::vector<uint8_t> tar(512);
  std::copy_n("ustar", 5, tar.begin() + 257);
  EXPECT_TRUE(bytesLookLikeArchive(tar));
  std::vector<uint8_t> iso(kIsoMagicOffset + 5);
  std::copy_n("CD001", 5, iso.begin() + kIsoMagicOffset);
  EXPECT_TRUE(bytesLookLikeArchive(iso));
}

TEST(ArchiveSniff, ImagesAndTextAreNotArchives) {
  EXPECT_FALSE(bytesLookLikeArchive(bytesOf("\xFF\xD8\xFF\xE0", 100)));   // JPEG
  EXPECT_FALSE(bytesLookLikeArchive(bytesOf("\x89PNG\r\n\x1A\n", 100)));  // PNG
  EXPECT_FALSE(bytesLookLikeArchive(bytesOf("BZh9 not bzip2 data")));     // no block magic
  EXPECT_FALSE(bytesLookLikeArchive(bytesOf("plain text\n")));
  EXPECT_FALSE(bytesLookLikeArchive({}));
}

}  // namespace
}  // namespace hashsieve::archive
