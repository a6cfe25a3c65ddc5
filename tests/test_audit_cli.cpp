// End to end: `hashsieve hash` writes its audit record beside the output (or to --audit), with
// counts that agree with the records it wrote, and refuses an unwritable --audit before work;
// `hashsieve match --audit` and `scan` name the list (count, checksum) and count matched records.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kBinary = fs::path(HASHSIEVE_BINARY_DIR) / "hashsieve";

// A 24-bit bottom-up BMP with a gradient (by construction; every decoder reads BMP the same).
void writeBmp(const fs::path& p, int w, int h) {
  const int row = (w * 3 + 3) / 4 * 4;
  const uint32_t pixelBytes = static_cast<uint32_t>(row * h), offset = 54;
  std::vector<uint8_t> f(offset + pixelBytes, 0);
  auto put16 = [&](size_t at, uint16_t v) {
    f[at] = v & 0xff;
    f[at + 1] = v >> 8;
  };
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) f[at + i] = (v >> (8 * i)) & 0xff;
  };
  f[0] = 'B';
  f[1] = 'M';
  put32(2, offset + pixelBytes);
  put32(10, offset);
  put32(14, 40);  // BITMAPINFOHEADER
  put32(18, static_cast<uint32_t>(w));
  put32(22, static_cast<uint32_t>(h));
  put16(26, 1);
  put16(28, 24);
  put32(34, pixelBytes);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &f[offset + static_cast<size_t>(y) * row + x * 3];
      px[0] = static_cast<uint8_t>(x * 4);
      px[1] = static_cast<uint8_t>(y * 5);
      px[2] = static_cast<uint8_t>((x + y) * 3);
    }
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
}

int run(const std::string& args) {
  const std::string cmd = "'" + kBinary.string() + "' " + args + " 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kBinary)) GTEST_SKIP() << "no hashsieve binary at " << kBinary;
    dir_ = fs::temp_directory_path() /
           ("hs-audit-cli-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
    writeBmp(dir_ / "in" / "a.bmp", 64, 48);
    writeBmp(dir_ / "in" / "b.bmp", 40, 30);
    std::ofstream(dir_ / "in" / "c.png") << "not an image";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AuditCliTest, RecordBesideTheOutputAgreesWithTheRecords) {
  const fs::path out = dir_ / "out.jsonl";
  const fs::path in = dir_ / "in";
  ASSERT_EQ(run("hash --quiet --threads 2 -o '" + out.string() + "' '" + in.string() + "'"), 1);

  int hashed = 0, failed = 0;
  std::istringstream lines(hashsieve::test::readText(out));
  for (std::string line; std::getline(lines, line);)
    (nlohmann::json::parse(line).contains("error") ? failed : hashed)++;
  EXPECT_EQ(hashed, 2);
  EXPECT_EQ(failed, 1);

  const fs::path auditPath = dir_ / "out.jsonl.audit.json";
  ASSERT_TRUE(fs::exists(auditPath));
  const auto a = nlohmann::json::parse(hashsieve::test::readText(auditPath));
  EXPECT_EQ(a["command"], "hash");
  EXPECT_EQ(a["counts"]["hashed"], hashed);
  EXPECT_EQ(a["counts"]["failed"], failed);
  EXPECT_FALSE(a["counts"].contains("matched"));
  EXPECT_EQ(a["exit_status"], 1);
  EXPECT_EQ(a["input_roots"], nlohmann::json::array({in.string()}));
  EXPECT_EQ(a["output"], out.string());
  EXPECT_EQ(a["settings"]["threads"], 2);
  EXPECT_EQ(a["settings"]["max_pixels"], 200000000);
  EXPECT_EQ(a["backend"], "cpu");
  EXPECT_FALSE(a["version"].get<std::string>().empty());
  EXPECT_FALSE(a["commit"].get<std::string>().empty());
  EXPECT_FALSE(a["device"].get<std::string>().empty());
  EXPECT_LE(a["start"].get<std::string>(), a["end"].get<std::string>());  // ISO 8601 sorts
  EXPECT_TRUE(a["lists"].empty());
}

TEST_F(AuditCliTest, ExplicitPathWithStdoutOutput) {
  const fs::path auditPath = dir_ / "explicit.json";
  ASSERT_EQ(run("hash --quiet --audit '" + auditPath.string() + "' '" +
                (dir_ / "in" / "a.bmp").string() + "' > /dev/null"),
            0);
  const auto a = nlohmann::json::parse(hashsieve::test::readText(auditPath));
  EXPECT_EQ(a["output"], "-");
  EXPECT_EQ(a["counts"]["hashed"], 1);
  EXPECT_EQ(a["exit_status"], 0);
}

TEST_F(AuditCliTest, UnwritableAuditFailsBeforeAnyWork) {
  const fs::path out = dir_ / "out.jsonl";
  EXPECT_EQ(run("hash --quiet -o '" + out.string() + "' --audit '" +
                (dir_ / "no" / "a.json").string() + "' '" + (dir_ / "in").string() + "'"),
            3);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(AuditCliTest, MatchRecordNamesTheListAndCountsMatchedRecords) {
  // The list holds a.bmp's own hash only: of the two hashed records exactly one matches.
  const fs::path hashes = dir_ / "hashes.jsonl", listText = dir_ / "list.txt",
                 list = dir_ / "list.hsl", auditPath = dir_ / "match.audit.json";
  ASSERT_EQ(run("hash --quiet -o '" + hashes.string() + "' '" + (dir_ / "in").string() + "'"), 1);
  std::string aHash;
  std::istringstream lines(hashsieve::test::readText(hashes));
  for (std::string line; std::getline(lines, line);) {
    const auto r = nlohmann::json::parse(line);
    if (r["path"].get<std::string>().ends_with("a.bmp")) aHash = r["pdq"];
  }
  ASSERT_EQ(aHash.size(), 64u);
  std::ofstream(listText) << aHash << ",100,known-a\n";
  ASSERT_EQ(run("list build -o '" + list.string() + "' '" + listText.string() + "'"), 0);
  ASSERT_EQ(run("match --list '" + list.string() + "' --threshold 0 --audit '" +
                auditPath.string() + "' '" + hashes.string() + "' > /dev/null"),
            0);

  const auto a = nlohmann::json::parse(hashsieve::test::readText(auditPath));
  EXPECT_EQ(a["command"], "match");
  EXPECT_EQ(a["exit_status"], 0);
  EXPECT_EQ(a["input_roots"], nlohmann::json::array({hashes.string()}));
  ASSERT_EQ(a["lists"].size(), 1u);
  EXPECT_EQ(a["lists"][0]["path"], list.string());
  EXPECT_EQ(a["lists"][0]["hash_type"], "pdq");
  EXPECT_EQ(a["lists"][0]["pdq_luma"], "unknown");  // built without --pdq-luma
  EXPECT_EQ(a["lists"][0]["count"], 1);
  EXPECT_FALSE(a["lists"][0]["checksum"].get<std::string>().empty());
  EXPECT_EQ(a["counts"]["matched"], 1);
  EXPECT_EQ(a["thresholds"]["pdq_distance"], 0);
}

TEST_F(AuditCliTest, ScanRecordBesideItsOutput) {
  // A list of a.bmp's hash: scan hashes a, b and the bad c, and exactly a matches.
  const fs::path hashes = dir_ / "hashes.jsonl", listText = dir_ / "list.txt",
                 list = dir_ / "list.hsl", out = dir_ / "scan.jsonl";
  ASSERT_EQ(
      run("hash --quiet -o '" + hashes.string() + "' '" + (dir_ / "in" / "a.bmp").string() + "'"),
      0);
  const auto aRecord = nlohmann::json::parse(hashsieve::test::readText(hashes));
  std::ofstream(listText) << aRecord["pdq"].get<std::string>() << ",100,known-a\n";
  ASSERT_EQ(run("list build -o '" + list.string() + "' '" + listText.string() + "'"), 0);
  ASSERT_EQ(run("scan --quiet --list '" + list.string() + "' --threshold 0 -o '" + out.string() +
                "' '" + (dir_ / "in").string() + "'"),
            1);  // c.png is an error record

  const auto a = nlohmann::json::parse(hashsieve::test::readText(dir_ / "scan.jsonl.audit.json"));
  EXPECT_EQ(a["command"], "scan");
  EXPECT_EQ(a["exit_status"], 1);
  EXPECT_EQ(a["output"], out.string());
  EXPECT_EQ(a["counts"]["hashed"], 2);
  EXPECT_EQ(a["counts"]["failed"], 1);
  EXPECT_EQ(a["counts"]["matched"], 1);
  ASSERT_EQ(a["lists"].size(), 1u);
  EXPECT_EQ(a["lists"][0]["count"], 1);
  EXPECT_EQ(a["thresholds"]["pdq_distance"], 0);
  EXPECT_EQ(a["thresholds"]["min_quality"], 50);
}

}  // namespace
