// `hashsieve list build/info` and `hashsieve match` end to end, on lists and query records made
// here with known distances (flip exactly d bits): record contents and order, the threshold
// edge, dihedral transforms, quality skips, videos, top-k, stdin, warnings and exit statuses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "host/match/hash_list.hpp"
#include "tests/match/match_test_data.hpp"
#include "tests/test_cli_support.hpp"

namespace hashsieve::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class MatchCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("hashsieve_match_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::mt19937_64 rng(31);
    q_ = randomHash(rng, HashType::Pdq);
    for (auto& v : variants_) v = randomHash(rng, HashType::Pdq);
    variants_[0] = q_;
    other_ = randomHash(rng, HashType::Pdq);
    d31_ = flipBits(q_, 31, HashType::Pdq, rng);
    const Hash256 d32 = flipBits(q_, 32, HashType::Pdq, rng);
    nearRot90_ = flipBits(variants_[1], 5, HashType::Pdq, rng);
    std::string text = "# planted list\r\n" + toHex(q_) + ",exact\r\n" + toHex(d31_) + ",d31\r\n" +
                       toHex(d32) + ",d32\r\nnot-a-hash,x\r\n" + toHex(nearRot90_) +
                       ",near-rot90\r\n";
    for (int i = 0; i < 100; ++i)
      text += toHex(randomHash(rng, HashType::Pdq)) + ",r" + std::to_string(i) + "\r\n";
    write("list.txt", text);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  CliResult run(const std::vector<std::string>& args, const std::string& stdinFile = "") {
    CliOptions o;
    o.stdinFile = stdinFile;
    return runCli(args, dir_, o);
  }
  fs::path buildList() {
    // list.txt has one malformed line (its own test below).
    const CliResult r = run({"list", "build", "--allow-malformed", (dir_ / "list.txt").string(),
                             "-o", (dir_ / "list.hsl").string()});
    EXPECT_EQ(r.status, 0) << r.err;
    return dir_ / "list.hsl";
  }
  std::string queries() {
    json dihedral;
    for (int v = 0; v < kDihedralCount; ++v) dihedral[kDihedralNames[v]] = toHex(variants_[v]);
    const json video = {{"path", "v.mp4"},
                        {"kind", "video"},
                        {"frames",
                         {{{"frame", 0}, {"t", 0.0}, {"pdq", toHex(q_)}, {"quality", 80}},
                          {{"frame", 15}, {"t", 0.5}, {"pdq", toHex(other_)}, {"quality", 80}}}}};
    return json{{"path", "a.jpg"}, {"pdq", toHex(q_)}, {"pdq_quality", 90}}.dump() + "\n" +
           json{{"path", "b.jpg"},
                {"pdq", toHex(q_)},
                {"pdq_quality", 90},
                {"pdq_dihedral", dihedral}}
               .dump() +
           "\n" + json{{"path", "c.jpg"}, {"pdq", toHex(q_)}, {"pdq_quality", 20}}.dump() + "\n" +
           json{{"path", "d.jpg"}, {"error", "decode failed"}, {"detail", "x"}}.dump() + "\n" +
           video.dump() + "\n";
  }
  /// Records reduced to what the tests compare: path[#frame] and then the match or the skip.
  static std::vector<std::string> summary(const std::string& out) {
    std::vector<std::string> s;
    for (const json& r : parseJsonLines(out)) {
      std::string key = r["path"].get<std::string>() +
                        (r.contains("frame") ? "#" + std::to_string(r["frame"].get<int>()) : "");
      if (r.contains("skipped"))
        s.push_back(key + " skipped " + r["skipped"].get<std::string>());
      else if (r.contains("warning"))
        s.push_back(key + " warning " + std::to_string(r["matches"].get<int>()));
      else
        s.push_back(key + " " + r["list_id"].get<std::string>() + " " +
                    r["transform"].get<std::string>() + " " +
                    std::to_string(r["distance"].get<int>()));
    }
    return s;
  }

  fs::path dir_;
  Hash256 q_, other_, d31_, nearRot90_;
  std::array<Hash256, kDihedralCount> variants_;
};

TEST_F(MatchCli, ListBuildCountsMalformedLinesAndStrictNamesThem) {
  // Skipped lines: the list is written, and the exit status says so unless allowed.
  const CliResult skipped =
      run({"list", "build", (dir_ / "list.txt").string(), "-o", (dir_ / "list.hsl").string()});
  EXPECT_EQ(skipped.status, 1) << skipped.err;
  EXPECT_TRUE(fs::exists(dir_ / "list.hsl"));
  const CliResult ok = run({"list", "build", "--allow-malformed", (dir_ / "list.txt").string(),
                            "-o", (dir_ / "list.hsl").string()});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.err.find("1 malformed"), std::string::npos) << ok.err;
  EXPECT_NE(ok.err.find("list.txt:5:"), std::string::npos) << ok.err;
  const CliResult strict = run(
      {"list", "build", "--strict", (dir_ / "list.txt").string(), "-o", (dir_ / "s.hsl").string()});
  EXPECT_NE(strict.status, 0);
  EXPECT_NE(strict.err.find("list.txt:5:"), std::string::npos) << strict.err;
  EXPECT_FALSE(fs::exists(dir_ / "s.hsl"));
}

TEST_F(MatchCli, ListInfo) {
  const fs::path list = buildList();
  const CliResult r = run({"list", "info", list.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("type: pdq"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("entries: 104"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sha256: " + hsl::checksumHex(HashList::open(list).checksum())),
            std::string::npos)
      << r.out;
  const CliResult j = run({"list", "info", "--json", list.string()});
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_EQ(json::parse(j.out)["ids"], 104);
}

TEST_F(MatchCli, ListInfoShowsTheDeclaredPdqLuma) {
  const fs::path list = buildList();  // built without --pdq-luma
  CliResult r = run({"list", "info", list.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("pdq luma: unknown"), std::string::npos) << r.out;
  for (const std::string luma : {"float64", "reference"}) {
    const fs::path out = dir_ / (luma + ".hsl");
    r = run({"list", "build", "--allow-malformed", "--pdq-luma", luma, (dir_ / "list.txt").string(),
             "-o", out.string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(HashList::open(out).pdqLuma(),
              luma == "float64" ? hsl::PdqLuma::Float64 : hsl::PdqLuma::Reference);
    r = run({"list", "info", out.string()});
    EXPECT_NE(r.out.find("pdq luma: " + luma + "\n"), std::string::npos) << r.out;
    r = run({"list", "info", "--json", out.string()});
    EXPECT_EQ(json::parse(r.out)["pdq_luma"], luma) << r.out;
  }
  r = run({"list", "build", "--pdq-luma", "float32", (dir_ / "list.txt").string(), "-o",
           (dir_ / "bad.hsl").string()});
  EXPECT_NE(r.status, 0);
}

TEST_F(MatchCli, MatchRecordsInInputOrderWithTheThresholdEdge) {
  const fs::path list = buildList();
  const fs::path q = write("queries.jsonl", queries());
  const CliResult r = run({"match", "--list", list.string(), q.string(), "--device", "cpu"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(summary(r.out),
            (std::vector<std::string>{
                "a.jpg exact orig 0", "a.jpg d31 orig 31",  // d32 is just outside
                "b.jpg exact orig 0", "b.jpg near-rot90 rot90 5", "b.jpg d31 orig 31",
                "c.jpg skipped low quality",  // d.jpg, an error record, is passed over
                "v.mp4#0 exact orig 0", "v.mp4#0 d31 orig 31"}));
  const auto records = parseJsonLines(r.out);
  EXPECT_EQ(records[0]["list_hash"], toHex(q_));
  EXPECT_EQ(records[6]["t"], 0.0);

  const CliResult t32 =
      run({"match", "--list", list.string(), q.string(), "--threshold", "32", "--no-dihedral"});
  ASSERT_EQ(t32.status, 0) << t32.err;
  EXPECT_EQ(summary(t32.out), (std::vector<std::string>{
                                  "a.jpg exact orig 0", "a.jpg d31 orig 31", "a.jpg d32 orig 32",
                                  "b.jpg exact orig 0", "b.jpg d31 orig 31", "b.jpg d32 orig 32",
                                  "c.jpg skipped low quality", "v.mp4#0 exact orig 0",
                                  "v.mp4#0 d31 orig 31", "v.mp4#0 d32 orig 32"}));
}

TEST_F(MatchCli, TopKStdinQualityAndWarnings) {
  const fs::path list = buildList();
  const fs::path q = write("queries.jsonl", queries());
  const CliResult top = run(
      {"match", "--list", list.string(), "-", "--top-k", "2", "--min-quality", "10"}, q.string());
  ASSERT_EQ(top.status, 0) << top.err;
  const auto s = summary(top.out);
  ASSERT_EQ(s.size(), 10u);  // 2 per matched frame: a, b, c (quality 20 >= 10 now), v#0, v#15
  EXPECT_EQ(s[2], "b.jpg exact orig 0");
  EXPECT_EQ(s[3], "b.jpg near-rot90 rot90 5");
  EXPECT_EQ(s[4], "c.jpg exact orig 0");

  const CliResult warn =
      run({"match", "--list", list.string(), q.string(), "--degenerate-matches", "2"});
  ASSERT_EQ(warn.status, 0) << warn.err;
  EXPECT_EQ(summary(warn.out)[2], "b.jpg warning 3");

  const fs::path bad = write("bad.jsonl", queries() + "{not json\n");
  const CliResult malformed = run({"match", "--list", list.string(), bad.string()});
  EXPECT_EQ(malformed.status, 1);
  EXPECT_NE(malformed.err.find("bad.jsonl:6:"), std::string::npos) << malformed.err;
  EXPECT_EQ(summary(malformed.out).size(), 8u);  // the good records are still matched
}

TEST_F(MatchCli, ListTextQueriesAreReadAsListBuildReadsThem) {
  const fs::path list = buildList();
  const std::string q = toHex(q_);
  // One file per format: CSV with a header, plain hex lines (named file:line), ThreatExchange
  // lines (an MD5 line has no PDQ to match: skipped), {"pdq": ...} JSON lines.
  const fs::path csv = write("q.csv", "path,pdq,quality\nx.jpg," + q + ",90\ny.jpg," + q + ",20\n");
  const fs::path plain = write("q.pdq", q + "\n");
  const fs::path te = write("q.te", "pdq " + q + "\nmd5 " + std::string(32, 'a') + "\n");
  const fs::path jsonl = write(
      "q.jsonl", json{{"pdq", q}, {"id", "j"}}.dump() + "\n" + json{{"pdq", q}}.dump() + "\n");
  const std::vector<std::pair<fs::path, std::vector<std::string>>> cases = {
      {csv, {"x.jpg exact orig 0", "x.jpg d31 orig 31", "y.jpg skipped low quality"}},
      {plain, {plain.string() + ":1 exact orig 0", plain.string() + ":1 d31 orig 31"}},
      {te,
       {te.string() + ":1 exact orig 0", te.string() + ":1 d31 orig 31",
        te.string() + ":2 skipped no pdq hash"}},
      {jsonl,
       {"j exact orig 0", "j d31 orig 31", jsonl.string() + ":2 exact orig 0",
        jsonl.string() + ":2 d31 orig 31"}}};
  for (const auto& [file, expected] : cases) {
    const CliResult r = run({"match", "--list", list.string(), file.string()});
    EXPECT_EQ(r.status, 0) << file << r.err;
    EXPECT_EQ(summary(r.out), expected) << file;
    // List texts carry no dihedral variants: said once, with the count.
    EXPECT_NE(r.err.find("carry no dihedral variants"), std::string::npos) << r.err;
  }
  // Standard input too.
  const CliResult in = run({"match", "--list", list.string(), "-"}, csv.string());
  EXPECT_EQ(summary(in.out), cases[0].second) << in.err;
}

TEST_F(MatchCli, FormatTeWritesEachMatchedListEntryOnce) {
  const fs::path list = buildList();
  const fs::path q = write("queries.jsonl", queries());
  const CliResult r =
      run({"match", "--format", "te", "--list", list.string(), q.string(), "--device", "cpu"});
  ASSERT_EQ(r.status, 0) << r.err;
  // a.jpg: exact, d31; b.jpg: exact, near-rot90 (through rot90), d31; v.mp4: exact, d31.
  EXPECT_EQ(r.out,
            "pdq " + toHex(q_) + "\npdq " + toHex(d31_) + "\npdq " + toHex(nearRot90_) + "\n");
  // The lines build a list again (as python-threatexchange reads them).
  const fs::path te = write("hits.te", r.out);
  EXPECT_EQ(run({"list", "build", te.string(), "-o", (dir_ / "hits.hsl").string()}).status, 0);
}

TEST_F(MatchCli, UsageErrors) {
  const fs::path list = buildList();
  const fs::path q = write("queries.jsonl", queries());
  EXPECT_EQ(run({"match", "--list", list.string(), q.string(), "--threshold", "300"}).status, 2);
  EXPECT_EQ(run({"match", "--list", list.string(), q.string(), "--top-k", "5000"}).status, 2);
  const fs::path corrupt = write("corrupt.hsl", "not a list");
  EXPECT_EQ(run({"match", "--list", corrupt.string(), q.string()}).status, 3);
}

}  // namespace
}  // namespace hashsieve::test
