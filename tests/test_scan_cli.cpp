// `hashsieve scan` end to end on files made here: a listed image found at distance 0 (orig), a
// rotated copy found through the dihedral variant the CPU hasher says (rot90/rot270), an
// unrelated image with no matches, a bad file as an error record (exit 1), videos (lossless
// FFV1, made with the ffmpeg CLI when present) at 100%/100% and 50%/50% against lists built
// from `hash` records and from vPDQ files; records equal to `hash --dihedral`'s, matches equal
// to `match`'s, bytes identical across --threads 1/2 and through a --journal resume.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "tests/test_cli_support.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// Keys scan adds to a hash record.
const std::set<std::string> kScanKeys = {"matches", "skipped", "skipped_frames", "warnings",
                                         "video_matches"};

/// Random 8x8-pixel blocks: high PDQ quality, and unrelated seeds hash ~128 bits apart.
Image blocks(int w, int h, uint32_t seed) {
  Image img(w, h, PixelFormat::Rgb8);
  std::mt19937 rng(seed);
  const int bw = (w + 7) / 8;
  std::vector<uint8_t> colours(static_cast<size_t>(bw * ((h + 7) / 8) * 3));
  for (auto& c : colours) c = uint8_t(rng());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int ch = 0; ch < 3; ++ch)
        img.row(y)[3 * x + ch] =
            colours[static_cast<size_t>((y / 8) * bw + x / 8) * 3 + static_cast<size_t>(ch)];
  return img;
}

FrameHash cpuHash(const Image& img) {
  auto hasher = makeCpuHasher();
  const ImageView v = img.view();
  FrameHash h;
  HashRequest req;
  req.dihedral = true;
  hasher->hash({&v, 1}, req, {&h, 1});
  return h;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

bool haveFfmpeg() {
  static const bool have = std::system("ffmpeg -version >/dev/null 2>&1") == 0;
  return have;
}

/// A lossless FFV1 video at 1 fps of the given frames (each hashed at --video-fps 1).
bool makeVideo(const fs::path& out, const std::vector<Image>& frames, const fs::path& scratch) {
  const fs::path dir = scratch / ("frames-" + out.stem().string());
  for (size_t i = 0; i < frames.size(); ++i)
    writePpm(dir / numbered("f", long(i), ".ppm"), frames[i]);
  fs::create_directories(out.parent_path());
  const std::string cmd = "ffmpeg -nostdin -loglevel error -y -framerate 1 -i " +
                          quote((dir / "f%d.ppm").string()) + " -c:v ffv1 " + quote(out.string());
  return std::system(cmd.c_str()) == 0;
}

/// A record without the keys scan adds: what `hashsieve hash` would have written.
json hashPart(json rec) {
  for (const auto& k : kScanKeys) rec.erase(k);
  return rec;
}

class ScanCli : public testing::Test {
 protected:
  void SetUp() override {
    listed_ = blocks(160, 120, 1);
    writePpm(dir_.path() / "in/a-listed.ppm", listed_);
    writePpm(dir_.path() / "in/b-rotated.ppm", rotateClockwise(listed_));
    writePpm(dir_.path() / "in/c-unrelated.ppm", blocks(150, 100, 7));
    writeText(dir_.path() / "in/d-bad.jpg", "not an image at all");
  }
  std::string in(const std::string& rel = "") const { return (dir_.path() / "in" / rel).string(); }
  CliResult run(const std::vector<std::string>& args) { return runCli(args, dir_.path()); }

  /// Lists the files' `hash` records (plus 1000 random entries) as LIST.hsl.
  std::string buildList(const std::vector<std::string>& files, const std::string& name) {
    std::vector<std::string> args = {"hash", "-q", "-o", dir_ / (name + ".jsonl")};
    args.insert(args.end(), files.begin(), files.end());
    CliResult r = run(args);
    EXPECT_EQ(r.status, 0) << r.err;
    std::mt19937_64 rng(5);
    std::string noise;
    for (int i = 0; i < 1000; ++i) {
      Hash256 h;
      for (auto& w : h.w) w = rng();
      noise += toHex(h) + ",noise" + std::to_string(i) + "\n";
    }
    writeText(dir_.path() / (name + "-noise.txt"), noise);
    // PDQ only: these tests are about perceptual matching (digest lists: test_list_digests_cli).
    r = run({"list", "build", "--type", "pdq", dir_ / (name + ".jsonl"),
             dir_ / (name + "-noise.txt"), "-o", dir_ / (name + ".hsl")});
    EXPECT_EQ(r.status, 0) << r.err;
    return dir_ / (name + ".hsl");
  }
  std::map<std::string, json> byName(const std::string& out) {
    std::map<std::string, json> m;
    for (const json& r : parseJsonLines(out))
      m[fs::path(r["path"].get<std::string>()).filename().string()] = r;
    return m;
  }

  ScratchDir dir_{"cli-scan"};
  Image listed_;
};

TEST_F(ScanCli, ImagesRotationsUnrelatedAndBadFiles) {
  const std::string list = buildList({in("a-listed.ppm")}, "images");
  const CliResult r = run({"scan", "-q", "--threads", "1", "--list", list, in()});
  EXPECT_EQ(r.status, 1) << r.err;  // d-bad.jpg failed
  const auto recs = parseJsonLines(r.out);
  ASSERT_EQ(recs.size(), 4u);
  auto m = byName(r.out);

  const json& a = m["a-listed.ppm"];
  ASSERT_EQ(a["matches"].size(), 1u) << a.dump();
  EXPECT_EQ(a["matches"][0]["transform"], "orig");
  EXPECT_EQ(a["matches"][0]["distance"], 0);
  EXPECT_EQ(a["matches"][0]["list_id"], in("a-listed.ppm"));

  // The rotated copy: the expected transform and distance are those of the CPU hasher's
  // dihedral variants of the rotated pixels against the listed hash (lowest variant on ties).
  const FrameHash listedHash = cpuHash(listed_), rotated = cpuHash(rotateClockwise(listed_));
  int bestV = 0, bestD = 257;
  for (int v = 0; v < kDihedralCount; ++v)
    if (const int d = hamming(rotated.pdqDihedral[v], listedHash.pdq); d < bestD)
      bestD = d, bestV = v;
  ASSERT_LE(bestD, 31);
  EXPECT_TRUE(bestV == 1 || bestV == 3) << kDihedralNames[bestV];  // rot90 or rot270
  const json& b = m["b-rotated.ppm"];
  ASSERT_EQ(b["matches"].size(), 1u) << b.dump();
  EXPECT_EQ(b["matches"][0]["transform"], kDihedralNames[bestV]);
  EXPECT_EQ(b["matches"][0]["distance"], bestD);
  EXPECT_GT(hamming(rotated.pdq, listedHash.pdq), 31);  // found only through the variant

  const json& c = m["c-unrelated.ppm"];
  ASSERT_GT(hamming(cpuHash(blocks(150, 100, 7)).pdq, listedHash.pdq), 31);
  EXPECT_TRUE(c["matches"].is_array());
  EXPECT_TRUE(c["matches"].empty());

  const json& d = m["d-bad.jpg"];
  EXPECT_EQ(d["error"], "unsupported format");
  EXPECT_FALSE(d.contains("matches"));
}

/// CSV rows split on commas (the test's paths and ids hold no commas or quotes).
std::vector<std::vector<std::string>> csvRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
      row.push_back(line.substr(start, comma - start));
    row.push_back(line.substr(start));
    rows.push_back(row);
  }
  return rows;
}

TEST_F(ScanCli, CsvHasOneRowPerMatchOrFile) {
  const std::string list = buildList({in("a-listed.ppm")}, "images");
  const CliResult r = run({"scan", "-q", "--format", "csv", "--list", list, in()});
  EXPECT_EQ(r.status, 1) << r.err;
  const auto rows = csvRows(r.out);
  ASSERT_EQ(rows.size(), 5u);  // header, a (1 match), b (1 match), c (no match), d (error)
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  const auto col = [&](const std::string& name) {
    return size_t(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
  };
  EXPECT_EQ(rows[1][col("path")], in("a-listed.ppm"));
  EXPECT_EQ(rows[1][col("transform")], "orig");
  EXPECT_EQ(rows[1][col("distance")], "0");
  EXPECT_EQ(rows[1][col("list_id")], in("a-listed.ppm"));
  EXPECT_EQ(rows[1][col("hash")], toHex(cpuHash(listed_).pdq));
  EXPECT_EQ(rows[2][col("path")], in("b-rotated.ppm"));
  EXPECT_NE(rows[2][col("transform")], "");
  EXPECT_EQ(rows[3][col("path")], in("c-unrelated.ppm"));
  EXPECT_EQ(rows[3][col("transform")], "");
  EXPECT_EQ(rows[3][col("hash")], toHex(cpuHash(blocks(150, 100, 7)).pdq));
  EXPECT_EQ(rows[4][col("kind")], "error");
  EXPECT_EQ(rows[4][col("error")], "unsupported format");
}

TEST_F(ScanCli, RecordsAreHashRecordsAndMatchesAreMatchRecords) {
  const std::string list = buildList({in("a-listed.ppm")}, "images");
  const CliResult s = run({"scan", "-q", "--list", list, in()});
  const CliResult h = run({"hash", "-q", "--dihedral", "-o", dir_ / "h.jsonl", in()});
  ASSERT_EQ(h.status, 1) << h.err;
  const CliResult mt = run({"match", "--list", list, dir_ / "h.jsonl"});
  ASSERT_EQ(mt.status, 0) << mt.err;
  const auto scanned = parseJsonLines(s.out);
  const auto hashed = parseJsonLines(readText(dir_.path() / "h.jsonl"));
  ASSERT_EQ(scanned.size(), hashed.size());
  std::vector<json> fromScan;
  for (size_t i = 0; i < scanned.size(); ++i) {
    EXPECT_EQ(hashPart(scanned[i]), hashed[i]) << i;
    for (const json& mm : scanned[i].value("matches", json::array())) {
      json rec = {{"path", scanned[i]["path"]}};
      for (auto it = mm.begin(); it != mm.end(); ++it) rec[it.key()] = it.value();
      fromScan.push_back(rec);
    }
  }
  const auto fromMatch = parseJsonLines(mt.out);
  EXPECT_EQ(json(fromScan), json(fromMatch));
}

TEST_F(ScanCli, OutputIsIdenticalAcrossThreadsAndThroughAJournal) {
  const std::string list = buildList({in("a-listed.ppm")}, "images");
  const CliResult one = run({"scan", "-q", "--threads", "1", "--list", list, in()});
  const CliResult two = run({"scan", "-q", "--threads", "2", "--list", list, in()});
  EXPECT_EQ(one.status, 1);
  EXPECT_EQ(one.out, two.out);
  const std::string journal = dir_ / "scan.journal";
  const CliResult first = run({"scan", "-q", "--journal", journal, "--list", list, in()});
  const CliResult again = run({"scan", "-q", "--journal", journal, "--stats-json",
                               dir_ / "stats.json", "--list", list, in()});
  EXPECT_EQ(first.out, one.out);
  EXPECT_EQ(again.out, one.out);
  const json stats = json::parse(readText(dir_.path() / "stats.json"));
  EXPECT_EQ(stats["resumed"], 4) << stats.dump();  // every input, the error record too
  EXPECT_EQ(stats["scan"]["records_with_matches"], 2);
  EXPECT_EQ(stats["scan"]["list_entries"], 1001);
  // A journal from another command (hash) is refused, not misread.
  const CliResult h = run({"hash", "-q", "--journal", dir_ / "hash.journal", in()});
  const CliResult mixed =
      run({"scan", "-q", "--journal", dir_ / "hash.journal", "--list", list, in()});
  EXPECT_EQ(mixed.status, 2) << mixed.err;
}

TEST_F(ScanCli, KilledRunsResumeToTheSameOutput) {
  // Enough files that kills land all through the run.
  for (int i = 0; i < 120; ++i)
    writePpm(dir_.path() / "in/many" / numbered("m", i, ".ppm"), blocks(240, 180, 1000 + i));
  const std::string list = buildList({in("a-listed.ppm"), in("many/m7.ppm")}, "images");
  const std::vector<std::string> base = {"scan", "-q", "--threads", "2", "--list", list, in()};
  const auto t0 = std::chrono::steady_clock::now();
  const CliResult ref = run(base);
  const double full = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(ref.status, 1) << ref.err;

  std::vector<std::string> resumable = base;
  const std::string out = dir_ / "resumed.jsonl";
  resumable.insert(resumable.end(), {"--journal", dir_ / "scan.journal", "-o", out});
  std::mt19937 rng(4242);
  int kills = 0;
  for (int attempt = 0; attempt < 6; ++attempt) {
    const pid_t pid = spawnCli(resumable);
    ASSERT_GT(pid, 0);
    // Kill at a random point of what an uninterrupted run takes (resumed runs are shorter).
    const double delay = full * std::uniform_real_distribution<double>(0.1, 0.8)(rng);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ++kills;
      // The output is renamed into place only when complete: absent, or an earlier run's.
      if (fs::exists(out)) {
        EXPECT_EQ(readText(out), ref.out) << "a partial output in place";
      }
    }
  }
  const CliResult last = run(resumable);
  EXPECT_EQ(last.status, 1) << last.err;
  EXPECT_EQ(readText(out), ref.out);  // nothing lost, nothing duplicated, same bytes
  EXPECT_GE(kills, 1) << "no kill landed mid-run; the test did not test resuming";
  RecordProperty("kills", kills);
}

TEST_F(ScanCli, VideosReportVpdqPercentages) {
  if (!haveFfmpeg()) GTEST_SKIP() << "the ffmpeg CLI is absent; no test video can be made";
  std::vector<Image> frames;
  for (uint32_t i = 0; i < 4; ++i) frames.push_back(blocks(128, 96, 100 + i));
  // The half copy shares frames 0 and 1, then has two frames of its own.
  const std::vector<Image> half = {frames[0], frames[1], blocks(128, 96, 200),
                                   blocks(128, 96, 201)};
  ASSERT_TRUE(makeVideo(dir_.path() / "v/clip.mkv", frames, dir_.path()));
  ASSERT_TRUE(makeVideo(dir_.path() / "q/half.mkv", half, dir_.path()));
  const std::string clip = dir_ / "v/clip.mkv", halfPath = dir_ / "q/half.mkv";

  // A list from `hash` records (the video named by its path) ...
  const std::string list = buildList({in("a-listed.ppm"), clip}, "videos");
  // ... and one from the vPDQ file `hash --format vpdq` writes (named by the file's path).
  CliResult r = run({"hash", "-q", "--format", "vpdq", "--output-dir", dir_ / "vp", "-o",
                     dir_ / "vp.jsonl", clip});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> vpdqFiles;
  for (const auto& e : fs::directory_iterator(dir_.path() / "vp")) vpdqFiles.push_back(e.path());
  ASSERT_EQ(vpdqFiles.size(), 1u);
  r = run({"list", "build", vpdqFiles[0], "-o", dir_ / "vp.hsl"});
  ASSERT_EQ(r.status, 0) << r.err;

  for (const auto& [hsl, name] :
       {std::pair{list, clip}, std::pair{dir_ / "vp.hsl", vpdqFiles[0]}}) {
    SCOPED_TRACE(hsl);
    r = run({"scan", "-q", "--list", hsl, clip, halfPath});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto recs = parseJsonLines(r.out);
    ASSERT_EQ(recs.size(), 2u);
    ASSERT_EQ(recs[0]["kind"], "video");
    ASSERT_EQ(recs[0]["frames"].size(), 4u);
    ASSERT_EQ(recs[0]["video_matches"].size(), 1u) << recs[0].dump();
    const json& same = recs[0]["video_matches"][0];
    EXPECT_EQ(same["list_id"], name);
    EXPECT_EQ(same["query_match_percent"], 100.0);
    EXPECT_EQ(same["compared_match_percent"], 100.0);
    EXPECT_EQ(same["list_frames"], 4);
    EXPECT_EQ(recs[0]["matches"].size(), 4u);  // every frame at distance 0
    for (const json& m : recs[0]["matches"]) EXPECT_EQ(m["distance"], 0);
    ASSERT_EQ(recs[1]["video_matches"].size(), 1u) << recs[1].dump();
    const json& halfMatch = recs[1]["video_matches"][0];
    EXPECT_EQ(halfMatch["query_match_percent"], 50.0);
    EXPECT_EQ(halfMatch["compared_match_percent"], 50.0);
  }
  // The CSV form: a row per list video matched, with the same percentages.
  r = run({"scan", "-q", "--format", "csv", "--list", list, halfPath});
  const auto rows = csvRows(r.out);
  ASSERT_GE(rows.size(), 2u);
  const auto& last = rows.back();  // the video row follows the frame rows
  EXPECT_EQ(last[12], clip);       // list_id
  EXPECT_EQ(last[14], "50.0");     // query_match_percent
  EXPECT_EQ(last[15], "50.0");     // compared_match_percent
  // An image-only list: videos still get frame matches, but no video_matches key.
  const std::string images = buildList({in("a-listed.ppm")}, "images");
  r = run({"scan", "-q", "--list", images, clip});
  EXPECT_FALSE(parseJsonLines(r.out)[0].contains("video_matches"));
}

TEST_F(ScanCli, AListHashedWithTheOtherLumaIsSaidOnce) {
  buildList({in("a-listed.ppm")}, "images");  // images.jsonl, hashed with the reference luma
  const std::string f64 = dir_ / "f64.hsl";
  CliResult r = run({"list", "build", "--type", "pdq", "--pdq-luma", "float64",
                     dir_ / "images.jsonl", "-o", f64});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string warning = "was hashed with --pdq-luma float64 and this run uses reference";
  r = run({"scan", "-q", "--list", f64, in("a-listed.ppm")});
  ASSERT_EQ(r.status, 0) << r.err;
  const size_t at = r.err.find(warning);
  EXPECT_NE(at, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(warning, at + 1), std::string::npos) << r.err;  // once, not per file
  r = run({"scan", "-q", "--pdq-luma", "float64", "--list", f64, in("a-listed.ppm")});
  EXPECT_EQ(r.err.find("--pdq-luma"), std::string::npos) << r.err;
  // Undeclared (unknown) luma: nothing to compare against, nothing said.
  r = run({"scan", "-q", "--list", dir_ / "images.hsl", in("a-listed.ppm")});
  EXPECT_EQ(r.err.find("--pdq-luma"), std::string::npos) << r.err;
}

TEST_F(ScanCli, UsageAndFatalErrors) {
  const std::string list = buildList({in("a-listed.ppm")}, "images");
  EXPECT_EQ(run({"scan", in()}).status, 2);            // no --list
  EXPECT_EQ(run({"scan", "--list", list}).status, 2);  // no inputs
  EXPECT_EQ(run({"scan", "--list", list, "--format", "pdq", in()}).status, 2);
  EXPECT_EQ(run({"scan", "--list", list, "--threshold", "300", in()}).status, 2);
  EXPECT_EQ(run({"scan", "--list", list, "--top-k", "5000", in()}).status, 2);
  writeText(dir_.path() / "not-a-list.hsl", "garbage");
  EXPECT_EQ(run({"scan", "--list", dir_ / "not-a-list.hsl", in()}).status, 3);
  const CliResult help = run({"scan", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("python-threatexchange"), std::string::npos);
  EXPECT_NE(help.out.find("<= --threshold"), std::string::npos);
}

}  // namespace
}  // namespace hashsieve::test
