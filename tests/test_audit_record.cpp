// The audit record: every field written as given, fixed key set (nothing beyond hashes, paths,
// settings and counts), exact bytes of non-UTF-8 paths kept, atomic write, typed failure.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "host/audit/audit_record.hpp"
#include "tests/test_support.hpp"

namespace hashsieve::audit {
namespace {

using namespace std::chrono;
namespace fs = std::filesystem;

AuditRecord sampleRecord() {
  AuditRecord r;
  r.command = "scan";
  r.version = "0.1.0";
  r.commit = "abc1234";
  r.backend = "cpu";
  r.device = "x86_64, 2 threads";
  r.algorithms["pdq"] = "Meta reference, library path";
  r.algorithms["phash"] = "imagehash.phash(hash_size=8, highfreq_factor=4)";
  r.settings["max_pixels"] = 200000000;
  r.settings["video_fps"] = 1.0;
  r.thresholds.pdqDistance = 31;
  r.thresholds.minQuality = 50;
  r.lists.push_back({"lists/known.hsl", "pdq", 12345, "0123456789abcdef"});
  r.inputRoots = {"/data/case-1", "reports"};
  r.output = "out.jsonl";
  r.counts = {.hashed = 10, .failed = 2, .matched = 3};
  // 2024-05-01T12:00:00.123Z = 1714564800 s since the epoch (date -u -d @1714564800).
  r.start = system_clock::time_point(milliseconds(1714564800123LL));
  r.end = r.start + milliseconds(61500);
  r.exitStatus = 1;
  return r;
}

std::set<std::string> keysOf(const nlohmann::ordered_json& j) {
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  return keys;
}

TEST(AuditRecord, EveryFieldAsGiven) {
  const nlohmann::ordered_json j = toJson(sampleRecord());
  EXPECT_EQ(j["audit_schema"], kAuditSchemaVersion);
  EXPECT_EQ(j["tool"], "hashsieve");
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["commit"], "abc1234");
  EXPECT_EQ(j["command"], "scan");
  EXPECT_EQ(j["backend"], "cpu");
  EXPECT_EQ(j["device"], "x86_64, 2 threads");
  EXPECT_EQ(j["algorithms"]["pdq"], "Meta reference, library path");
  EXPECT_EQ(j["settings"]["max_pixels"], 200000000);
  EXPECT_EQ(j["thresholds"]["pdq_distance"], 31);
  EXPECT_EQ(j["thresholds"]["min_quality"], 50);
  EXPECT_FALSE(j["thresholds"].contains("phash_distance"));
  ASSERT_EQ(j["lists"].size(), 1u);
  EXPECT_EQ(j["lists"][0]["path"], "lists/known.hsl");
  EXPECT_EQ(j["lists"][0]["hash_type"], "pdq");
  EXPECT_EQ(j["lists"][0]["count"], 12345);
  EXPECT_EQ(j["lists"][0]["checksum"], "0123456789abcdef");
  EXPECT_EQ(j["input_roots"], nlohmann::ordered_json({"/data/case-1", "reports"}));
  EXPECT_FALSE(j.contains("input_roots_hex"));
  EXPECT_EQ(j["output"], "out.jsonl");
  EXPECT_EQ(j["counts"]["hashed"], 10);
  EXPECT_EQ(j["counts"]["failed"], 2);
  EXPECT_EQ(j["counts"]["matched"], 3);
  EXPECT_EQ(j["start"], "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(j["end"], "2024-05-01T12:01:01.623Z");
  EXPECT_DOUBLE_EQ(j["elapsed_seconds"].get<double>(), 61.5);
  EXPECT_EQ(j["exit_status"], 1);
}

// The record's top-level keys are exactly these: nothing that could carry pixels or file
// contents can appear without this test changing.
TEST(AuditRecord, FixedKeySet) {
  const std::set<std::string> expected = {
      "audit_schema", "tool",       "version",  "commit",     "command",         "backend",
      "device",       "algorithms", "settings", "thresholds", "lists",           "input_roots",
      "output",       "counts",     "start",    "end",        "elapsed_seconds", "exit_status"};
  EXPECT_EQ(keysOf(toJson(sampleRecord())), expected);
}

// Why CUDA was not used is recorded beside the device when the build has CUDA.
TEST(AuditRecord, CudaStatusIsWrittenWhenSet) {
  AuditRecord r = sampleRecord();
  r.cuda = "no NVIDIA driver found";
  const auto j = toJson(r);
  EXPECT_EQ(j["cuda"], "no NVIDIA driver found");
  EXPECT_EQ(keysOf(j).size(), keysOf(toJson(sampleRecord())).size() + 1);
}

TEST(AuditRecord, HashCommandOmitsMatchFields) {
  AuditRecord r = sampleRecord();
  r.command = "hash";
  r.thresholds = {};
  r.lists.clear();
  r.counts.matched.reset();
  const auto j = toJson(r);
  EXPECT_TRUE(j["thresholds"].empty());
  EXPECT_TRUE(j["lists"].empty());
  EXPECT_FALSE(j["counts"].contains("matched"));
}

TEST(AuditRecord, NonUtf8PathsKeepTheirBytes) {
  AuditRecord r = sampleRecord();
  const std::string bad = std::string("case/\xff\xfe-name");  // not UTF-8
  r.inputRoots = {"ok-root", bad};
  r.lists[0].path = bad;
  r.output = bad;
  const auto j = toJson(r);
  // Hex by construction: "case/" = 63 61 73 65 2f, then ff fe, then "-name" = 2d 6e 61 6d 65.
  const std::string hex = "636173652ffffe2d6e616d65";
  ASSERT_TRUE(j.contains("input_roots_hex"));
  EXPECT_TRUE(j["input_roots_hex"][0].is_null());
  EXPECT_EQ(j["input_roots_hex"][1], hex);
  EXPECT_EQ(j["lists"][0]["path_hex"], hex);
  EXPECT_EQ(j["output_hex"], hex);
  // The readable form is valid JSON text (dump would throw otherwise) and keeps the ASCII parts.
  const std::string text = j.dump();
  EXPECT_NE(j["input_roots"][1].get<std::string>().find("-name"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text)["output_hex"], hex);
}

TEST(AuditRecord, TimesBeforeTheEpochAndWholeSeconds) {
  EXPECT_EQ(isoUtc(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(isoUtc(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}

class AuditFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hs-audit-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AuditFileTest, WritesParseableRecordAndNoTemporary) {
  const fs::path out = dir_ / "run.audit.json";
  writeAuditRecord(sampleRecord(), out);
  const auto parsed = nlohmann::ordered_json::parse(test::readText(out));
  EXPECT_EQ(parsed, toJson(sampleRecord()));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);  // the temporary was renamed away
}

TEST_F(AuditFileTest, ReplacesAnEarlierRecord) {
  const fs::path out = dir_ / "run.audit.json";
  AuditRecord r = sampleRecord();
  writeAuditRecord(r, out);
  r.counts.hashed = 99;
  writeAuditRecord(r, out);
  EXPECT_EQ(nlohmann::json::parse(test::readText(out))["counts"]["hashed"], 99);
}

TEST_F(AuditFileTest, UnwritablePlaceThrowsNamingThePath) {
  const fs::path out = dir_ / "no-such-dir" / "run.audit.json";
  try {
    writeAuditRecord(sampleRecord(), out);
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
}

TEST_F(AuditFileTest, ProbeLeavesNothingBehindAndFailsWhereWritingWould) {
  EXPECT_NO_THROW(probeWritable(dir_ / "run.audit.json"));
  EXPECT_TRUE(fs::is_empty(dir_));
  EXPECT_THROW(probeWritable(dir_ / "missing" / "run.audit.json"), std::runtime_error);
}

TEST(AuditRecord, DefaultPathSitsBesideTheOutput) {
  EXPECT_EQ(defaultAuditPath("results/out.jsonl"), fs::path("results/out.jsonl.audit.json"));
  EXPECT_EQ(defaultAuditPath("out"), fs::path("out.audit.json"));
}

}  // namespace
}  // namespace hashsieve::audit
