// Input walker: deterministic order, symlink handling and loops, special files, --files-from.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "host/pipeline/files_from.hpp"
#include "host/pipeline/input_walker.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::pipeline {
namespace {

using test::ScratchDir;
using test::writeText;

std::vector<InputItem> walk(const std::vector<std::string>& roots, bool follow = false) {
  std::vector<InputItem> items;
  WalkOptions opts;
  opts.followSymlinks = follow;
  walkInputs(roots, opts, [&](InputItem&& item) {
    items.push_back(std::move(item));
    return true;
  });
  return items;
}

std::string describe(const std::vector<InputItem>& items, const std::string& base) {
  std::string out;
  for (const auto& i : items) {
    std::string p = i.path;
    if (p.compare(0, base.size(), base) == 0) p = p.substr(base.size());
    out += p + (i.ok ? "" : " !" + i.error) + "\n";
  }
  return out;
}

TEST(Walker, DirectoriesInByteOrderDepthFirst) {
  ScratchDir dir("walker-order");
  // Created out of order; upper case sorts before lower case in byte order, '.' before '/'.
  for (const char* f : {"b/2.jpg", "a.jpg", "b/1.jpg", "B.jpg", "a/z.jpg", "a/y/x.jpg", "b.c"})
    writeText(dir.path() / f, "x");
  const auto items = walk({dir.path().string()});
  EXPECT_EQ(describe(items, dir.path().string() + "/"),
            "B.jpg\na/y/x.jpg\na/z.jpg\na.jpg\nb/1.jpg\nb/2.jpg\nb.c\n");
  for (const auto& i : items) {
    EXPECT_TRUE(i.ok);
    EXPECT_EQ(i.size, 1);
    EXPECT_GT(i.mtimeNs, 0);
  }
}

TEST(Walker, RootsKeepCommandLineOrderAndMissingRootIsAnError) {
  ScratchDir dir("walker-roots");
  writeText(dir.path() / "z.jpg", "x");
  writeText(dir.path() / "a.jpg", "x");
  const auto items = walk({dir / "z.jpg", dir / "missing.jpg", dir / "a.jpg"});
  EXPECT_EQ(describe(items, dir.path().string() + "/"), "z.jpg\nmissing.jpg !not found\na.jpg\n");
}

TEST(Walker, SymlinkLoopIsAnErrorWhenFollowedAndNotFollowedByDefault) {
  ScratchDir dir("walker-loop");
  writeText(dir.path() / "loop/inside.jpg", "x");
  std::filesystem::create_directories(dir.path() / "loop/sub");
  std::filesystem::create_directory_symlink("..", dir.path() / "loop/sub/parent");
  writeText(dir.path() / "target.jpg", "x");
  std::filesystem::create_symlink("../target.jpg", dir.path() / "loop/file-link.jpg");

  const std::string base = dir.path().string() + "/";
  EXPECT_EQ(describe(walk({dir / "loop"}), base),
            "loop/file-link.jpg !symlink not followed\nloop/inside.jpg\n"
            "loop/sub/parent !symlink not followed\n");
  EXPECT_EQ(describe(walk({dir / "loop"}, true), base),
            "loop/file-link.jpg\nloop/inside.jpg\nloop/sub/parent !directory loop\n");
}

TEST(Walker, SymlinkedRootIsFollowedAndBrokenLinkIsAnError) {
  ScratchDir dir("walker-rootlink");
  writeText(dir.path() / "real/a.jpg", "x");
  std::filesystem::create_directory_symlink("real", dir.path() / "link");
  std::filesystem::create_symlink("nowhere.jpg", dir.path() / "real/broken.jpg");
  const std::string base = dir.path().string() + "/";
  EXPECT_EQ(describe(walk({dir / "link"}), base),
            "link/a.jpg\nlink/broken.jpg !symlink not followed\n");
  EXPECT_EQ(describe(walk({dir / "link"}, true), base),
            "link/a.jpg\nlink/broken.jpg !broken symlink\n");
}

TEST(Walker, FifoAndSocketAreErrorsAndNeverOpened) {
  ScratchDir dir("walker-fifo");
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0644), 0);
  writeText(dir.path() / "z.jpg", "x");
  // Opening a FIFO for reading without a writer blocks: finishing at all shows it was not opened.
  const auto items = walk({dir.path().string()});
  ASSERT_EQ(items.size(), 2u);
  EXPECT_FALSE(items[0].ok);
  EXPECT_EQ(items[0].error, "not a regular file");
  EXPECT_EQ(items[0].detail, "fifo");
  EXPECT_TRUE(items[1].ok);
  // A FIFO named directly on the command line too.
  const auto direct = walk({dir / "pipe"});
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].error, "not a regular file");
  // A character device.
  const auto dev = walk({"/dev/null"});
  ASSERT_EQ(dev.size(), 1u);
  EXPECT_EQ(dev[0].detail, "character device");
}

TEST(Walker, UnreadableDirectoryIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads mode-000 directories";
  ScratchDir dir("walker-perm");
  writeText(dir.path() / "locked/a.jpg", "x");
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::none);
  const auto items = walk({dir.path().string()});
  std::filesystem::permissions(dir.path() / "locked", std::filesystem::perms::owner_all);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error, "unreadable");
}

TEST(Walker, SinkCanStopTheWalk) {
  ScratchDir dir("walker-stop");
  for (int i = 0; i < 10; ++i) writeText(dir.path() / test::numbered("f", i), "x");
  int seen = 0;
  EXPECT_FALSE(walkInputs({dir.path().string()}, {}, [&](InputItem&&) { return ++seen < 3; }));
  EXPECT_EQ(seen, 3);
}

TEST(FilesFrom, NewlineAndNulSeparatedLists) {
  std::istringstream lines("a.jpg\n\nb c.jpg\nd\r\n");
  EXPECT_EQ(readPathList(lines, false), (std::vector<std::string>{"a.jpg", "b c.jpg", "d\r"}));
  const std::string nul("x\ny.jpg\0z.jpg\0\0", 15);
  std::istringstream nuls(nul);
  EXPECT_EQ(readPathList(nuls, true), (std::vector<std::string>{"x\ny.jpg", "z.jpg"}));
}

TEST(FilesFrom, MissingListIsAUsageError) {
  EXPECT_THROW(readPathList("/nonexistent/list.txt", false), UsageError);
}

}  // namespace
}  // namespace hashsieve::pipeline
