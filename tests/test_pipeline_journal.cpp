// Journal: entries survive a reopen; a torn or corrupted tail is detected, discarded and
// truncated away; foreign files and other options are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/core/errors.hpp"
#include "host/pipeline/crc32.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/journal.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::pipeline {
namespace {

using test::ScratchDir;

JournalKey key(int i) {
  return JournalKey{"dir/file-" + std::to_string(i) + ".jpg", 100 + i, 1000 + i};
}
std::string record(int i) {
  return "{\"path\":\"dir/file-" + std::to_string(i) + ".jpg\",\"n\":" + std::to_string(i) + "}";
}

void appendRaw(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

TEST(Crc32, KnownVector) {
  // The standard check value of CRC-32/ISO-HDLC.
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

TEST(Journal, EntriesSurviveReopen) {
  ScratchDir dir("journal-reopen");
  const std::string path = dir / "j";
  {
    Journal j(path, "opts");
    EXPECT_EQ(j.entriesLoaded(), 0u);
    for (int i = 0; i < 10; ++i) j.append(key(i), record(i));
    j.commit();
  }
  Journal j(path, "opts");
  EXPECT_EQ(j.entriesLoaded(), 10u);
  EXPECT_EQ(j.bytesDiscarded(), 0u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(j.lookup(key(i)), record(i));
  // Same path, other size or mtime: a changed file is not skipped.
  JournalKey changed = key(3);
  changed.mtimeNs += 1;
  EXPECT_FALSE(j.lookup(changed));
  changed = key(3);
  changed.size += 1;
  EXPECT_FALSE(j.lookup(changed));
}

TEST(Journal, UncommittedEntriesAreNotThere) {
  ScratchDir dir("journal-uncommitted");
  const std::string path = dir / "j";
  {
    Journal j(path, "opts");
    j.append(key(1), record(1));
    j.commit();
    j.append(key(2), record(2));  // never committed: lost, as with kill -9
  }
  Journal j(path, "opts");
  EXPECT_EQ(j.entriesLoaded(), 1u);
  EXPECT_FALSE(j.lookup(key(2)));
}

TEST(Journal, TornLastLineIsDiscardedAndTruncated) {
  ScratchDir dir("journal-torn");
  const std::string path = dir / "j";
  {
    Journal j(path, "opts");
    for (int i = 0; i < 5; ++i) j.append(key(i), record(i));
    j.commit();
  }
  const auto goodSize = std::filesystem::file_size(path);
  // Every prefix of a real next line is a torn write; none may be accepted.
  std::string fullLine;
  {
    ScratchDir other("journal-torn-line");
    Journal j(other / "j", "opts");
    j.append(key(5), record(5));
    j.commit();
    std::ifstream in(other / "j", std::ios::binary);
    std::string header;
    std::getline(in, header);
    std::getline(in, fullLine);
    fullLine += "\n";
  }
  for (size_t cut = 1; cut < fullLine.size(); cut += 7) {
    std::filesystem::resize_file(path, goodSize);
    appendRaw(path, fullLine.substr(0, cut));
    Journal j(path, "opts");
    EXPECT_EQ(j.entriesLoaded(), 5u) << "cut " << cut;
    EXPECT_EQ(j.bytesDiscarded(), cut);
    EXPECT_FALSE(j.lookup(key(5)));
    EXPECT_EQ(std::filesystem::file_size(path), goodSize);
  }
  // The whole line is accepted, and appends after a recovery land on a clean boundary.
  std::filesystem::resize_file(path, goodSize);
  appendRaw(path, fullLine.substr(0, 20));
  {
    Journal j(path, "opts");
    j.append(key(6), record(6));
    j.commit();
  }
  Journal j(path, "opts");
  EXPECT_EQ(j.entriesLoaded(), 6u);
  EXPECT_EQ(j.lookup(key(6)), record(6));
}

TEST(Journal, CorruptedLineEndsTheValidPrefix) {
  ScratchDir dir("journal-corrupt");
  const std::string path = dir / "j";
  {
    Journal j(path, "opts");
    for (int i = 0; i < 4; ++i) j.append(key(i), record(i));
    j.commit();
  }
  // Flip one byte inside the third entry's record: its checksum fails; it and all after go.
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto pos = text.find("\"n\":2");
  ASSERT_NE(pos, std::string::npos);
  text[pos + 4] = '7';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  Journal j(path, "opts");
  EXPECT_EQ(j.entriesLoaded(), 2u);
  EXPECT_TRUE(j.lookup(key(1)));
  EXPECT_FALSE(j.lookup(key(2)));
  EXPECT_FALSE(j.lookup(key(3)));
}

TEST(Journal, OtherOptionsAreRefused) {
  ScratchDir dir("journal-opts");
  const std::string path = dir / "j";
  { Journal j(path, "video_fps=1"); }
  EXPECT_THROW(Journal(path, "video_fps=2"), UsageError);
  EXPECT_NO_THROW(Journal(path, "video_fps=1"));
  try {
    Journal j(path, "video_fps=2");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("journal: video_fps=1; this run: video_fps=2"),
              std::string::npos)
        << e.what();
  }
}

TEST(Journal, OptionChangeNamesTheItemsThatDiffer) {
  EXPECT_EQ(describeOptionChange("hash; dihedral=0; video_fps=1; all_frames=0",
                                 "hash; dihedral=1; video_fps=1; all_frames=0"),
            "journal: dihedral=0; this run: dihedral=1");
  EXPECT_EQ(describeOptionChange("a=1; b=2", "a=1; b=2; pdq_luma=float64"),
            "journal: -; this run: pdq_luma=float64");
  EXPECT_EQ(describeOptionChange("a=1; b=2; c=3", "a=2; b=2; c=4"),
            "journal: a=1, c=3; this run: a=2, c=4");
}

TEST(Journal, ForeignFileIsRefusedAndLeftAlone) {
  ScratchDir dir("journal-foreign");
  const std::string path = dir / "notes.txt";
  test::writeText(path, "my precious notes\nsecond line\n");
  EXPECT_THROW(Journal(path, "opts"), UsageError);
  EXPECT_EQ(test::readText(path), "my precious notes\nsecond line\n");
}

TEST(Journal, TornHeaderStartsAFreshJournal) {
  ScratchDir dir("journal-torn-header");
  const std::string path = dir / "j";
  { Journal j(path, "opts"); }
  const std::string header = test::readText(path);
  test::writeText(path, header.substr(0, header.size() / 2));
  Journal j(path, "opts");
  EXPECT_EQ(j.entriesLoaded(), 0u);
  EXPECT_EQ(test::readText(path), header);
}

TEST(Journal, OneWriterAtATime) {
  ScratchDir dir("journal-lock");
  const std::string path = dir / "j";
  {
    Journal first(path, "opts");
    EXPECT_THROW(Journal(path, "opts"), FatalError);
  }
  EXPECT_NO_THROW(Journal(path, "opts"));  // released with the first
}

TEST(Journal, PathsWithAnyBytes) {
  ScratchDir dir("journal-bytes");
  const std::string path = dir / "j";
  const JournalKey odd{std::string("caf\xe9 \n\x01 x.jpg", 13), 5, 6};
  {
    Journal j(path, "opts");
    j.append(odd, "{}");
    j.commit();
  }
  Journal j(path, "opts");
  EXPECT_EQ(j.lookup(odd), "{}");
}

}  // namespace
}  // namespace hashsieve::pipeline
