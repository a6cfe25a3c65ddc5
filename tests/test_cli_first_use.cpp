// What a new user meets first, end to end through the CLI (issue "first-use polish"):
// rotated copies found by default, Ctrl-C, output errors, transform names, --version, the
// bench --plot precheck, the pdq-format video count and time-based video sampling.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "tests/test_cli_support.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::test {
namespace {

namespace fs = std::filesystem;

class FirstUse : public ::testing::Test {
 protected:
  CliResult run(const std::vector<std::string>& args) { return runCli(args, dir_.path()); }
  fs::path at(const std::string& rel) const { return dir_.path() / rel; }
  ScratchDir dir_{"cli-first-use"};
};

// Item 1: `hash` then `match` finds a copy turned 90 degrees clockwise through its rot90
// variant (the query rotated 90 degrees counter-clockwise) without any flag; records made with
// --no-dihedral miss it, and match says once how many records lacked the variants.
TEST_F(FirstUse, RotatedCopiesAreFoundByDefaultAndMissingVariantsAreCounted) {
  const Image original = fakeFrame(160, 120, 7);
  writePpm(at("list/original.ppm"), original);
  writePpm(at("in/turned.ppm"), rotateClockwise(original));
  writePpm(at("in/other.ppm"), fakeFrame(90, 90, 8));
  const CliResult listRec = run({"hash", "-q", at("list/original.ppm").string()});
  ASSERT_EQ(listRec.status, 0) << listRec.err;
  const auto rec = parseJsonLines(listRec.out).at(0);
  {
    std::ofstream list(at("list.txt"));
    list << rec["pdq"].get<std::string>() << ",original\n";
  }
  ASSERT_EQ(run({"list", "build", at("list.txt").string(), "-o", at("list.hsl").string()}).status,
            0);

  const CliResult byDefault = run({"hash", "-q", "-o", at("q.jsonl").string(), at("in").string()});
  ASSERT_EQ(byDefault.status, 0) << byDefault.err;
  for (const auto& r : parseJsonLines(readText(at("q.jsonl"))))
    EXPECT_EQ(r["pdq_dihedral"].size(), size_t(kDihedralCount)) << r["path"];
  CliResult m = run({"match", "--list", at("list.hsl").string(), at("q.jsonl").string()});
  ASSERT_EQ(m.status, 0) << m.err;
  auto matches = parseJsonLines(m.out);
  ASSERT_EQ(matches.size(), 1u) << m.out;
  EXPECT_EQ(matches[0]["path"], at("in/turned.ppm").string());
  EXPECT_EQ(matches[0]["transform"], "rot90");
  EXPECT_LE(matches[0]["distance"].get<int>(), 31);
  EXPECT_EQ(m.err.find("lack pdq_dihedral"), std::string::npos) << m.err;

  const CliResult plain =
      run({"hash", "-q", "--no-dihedral", "-o", at("p.jsonl").string(), at("in").string()});
  ASSERT_EQ(plain.status, 0) << plain.err;
  for (const auto& r : parseJsonLines(readText(at("p.jsonl"))))
    EXPECT_FALSE(r.contains("pdq_dihedral"));
  m = run({"match", "--list", at("list.hsl").string(), at("p.jsonl").string()});
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_TRUE(parseJsonLines(m.out).empty()) << m.out;
  const std::string warning = "warning: 2 image records lack pdq_dihedral";
  ASSERT_NE(m.err.find(warning), std::string::npos) << m.err;
  EXPECT_EQ(m.err.find(warning, m.err.find(warning) + 1), std::string::npos) << "said twice";
}

// Item 7: SIGINT (Ctrl-C) and SIGTERM mid-run: the message, no temporary left, 128 + signal.
TEST_F(FirstUse, InterruptRemovesTheTemporaryAndSaysHowToResume) {
  // One large image given many times, hashed on one thread: a run that lasts well beyond the
  // moment its temporary output appears.
  writePpm(at("big.ppm"), fakeFrame(2400, 1800, 3));
  for (const int sig : {SIGINT, SIGTERM}) {
    SCOPED_TRACE(sig == SIGINT ? "SIGINT" : "SIGTERM");
    std::vector<std::string> args = {"hash", "--threads", "1", "-o", at("out.jsonl").string()};
    for (int i = 0; i < 400; ++i) args.push_back(at("big.ppm").string());
    const fs::path temp = at(".out.jsonl.hashsieve.tmp");
    const pid_t pid = spawnCli(args, at("spawn.stdout").string(), at("spawn.stderr").string());
    ASSERT_GT(pid, 0);
    for (int i = 0; i < 3000 && !fs::exists(temp); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(fs::exists(temp)) << "the run never opened its output";
    ::kill(pid, sig);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFEXITED(wstatus)) << "killed by the signal instead of handling it";
    EXPECT_EQ(WEXITSTATUS(wstatus), 128 + sig);
    EXPECT_NE(readText(at("spawn.stderr"))
                  .find("interrupted; rerun the same command with --journal to resume"),
              std::string::npos)
        << readText(at("spawn.stderr"));
    EXPECT_FALSE(fs::exists(temp));
    EXPECT_FALSE(fs::exists(at("out.jsonl")));
  }
  const CliResult help = run({"--help"});
  EXPECT_NE(help.out.find("130"), std::string::npos) << help.out;
}

// Item 8: the error names the file that could not be written, with the system's reason;
// --output-dir makes at most its last level.
TEST_F(FirstUse, OutputErrorsNameTheRightFileAndOutputDirMakesOneLevel) {
  writePpm(at("in/a.ppm"), fakeFrame(64, 48, 1));
  const std::string missing = at("no/such/out.jsonl").string();
  CliResult r = run({"hash", "-q", "-o", missing, at("in").string()});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("cannot write output " + missing + ": No such file or directory"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("audit"), std::string::npos) << r.err;

  const fs::path deep = at("d1/d2/vpdq");
  r = run({"hash", "-q", "--format", "vpdq", "--output-dir", deep.string(), at("in").string()});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(at("d1")));
  r = run(
      {"hash", "-q", "--format", "vpdq", "--output-dir", at("vpdq").string(), at("in").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_directory(at("vpdq")));
}

// Items 9 and 12: transform names explained in `match --help`; --version; `info` does not
// claim bit-exactness with pdqhash for the default luma.
TEST_F(FirstUse, HelpExplainsTransformsAndVersionIsPrinted) {
  const CliResult help = run({"match", "--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* s :
       {"rot90    rotated 90 degrees counter-clockwise", "rot270   rotated 90 degrees clockwise",
        "flipx    flipped top to bottom", "flipy    mirrored left to right",
        "flipp    transposed about the main diagonal",
        "flipm    transposed about the anti-diagonal"})
    EXPECT_NE(help.out.find(s), std::string::npos) << s;
  const CliResult v = run({"--version"});
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_EQ(v.out.rfind("hashsieve ", 0), 0u) << v.out;
  EXPECT_NE(v.out.find("commit"), std::string::npos) << v.out;
  const CliResult info = run({"info"});
  EXPECT_EQ(info.status, 0);
  EXPECT_EQ(info.out.find("bit-exact with pdqhash"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("--pdq-luma float64"), std::string::npos) << info.out;
}

// Item 10: without matplotlib, bench --plot stops before measuring anything.
TEST_F(FirstUse, BenchPlotChecksMatplotlibFirst) {
  const CliResult r = run({"bench", "kernel", "--synthetic", "32x32:2", "--repeat", "1", "--device",
                           "cpu", "--python", "/bin/false", "--plot", at("p.png").string()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("matplotlib"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bench: kernel"), std::string::npos) << "ran before the check";
  EXPECT_TRUE(r.out.empty()) << r.out;
}

/// Presentation times (seconds from the first frame) of every decoded frame of `video`,
/// in decode output order, from ffprobe; empty when ffprobe is missing.
std::vector<double> probeFrameTimes(const fs::path& video, const fs::path& scratch) {
  const fs::path out = scratch / "probe.txt";
  const std::string cmd =
      "ffprobe -v error -select_streams v:0 -show_entries "
      "frame=best_effort_timestamp_time -of csv=p=0 '" +
      video.string() + "' > '" + out.string() + "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  std::vector<double> t;
  std::istringstream in(readText(out));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line != "N/A") t.push_back(std::stod(line));
  for (size_t i = t.size(); i-- > 0;) t[i] -= t[0];
  return t;
}

// Items 11 and 13 on the corpus's variable-frame-rate video: --video-sampling time takes the
// first frame at or after each whole second of presentation time (ffprobe's timestamps are
// the oracle); the default keeps vPDQ's frame-number rule; --format pdq counts the video.
TEST_F(FirstUse, TimeSamplingFollowsPresentationTimestamps) {
  const auto corpus = cliCorpusDir();
  if (!corpus) GTEST_SKIP() << "no corpus (../shared/corpus/make-corpus)";
  const fs::path video = *corpus / "videos/cockatoo__vfr.mp4";
  if (!fs::exists(video)) GTEST_SKIP() << "no " << video;
  const std::vector<double> pts = probeFrameTimes(video, dir_.path());
  if (pts.empty()) GTEST_SKIP() << "no ffprobe";
  std::vector<std::pair<int64_t, double>> want;  // (frame number, t)
  double next = 0.0;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i] + 1e-9 < next) continue;
    want.emplace_back(int64_t(i), pts[i]);
    next = std::floor(pts[i] + 1e-9) + 1.0;
  }
  const CliResult r = run({"hash", "-q", "--video-sampling", "time", video.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto rec = parseJsonLines(r.out).at(0);
  ASSERT_EQ(rec["frames"].size(), want.size()) << rec["frames"].dump();
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(rec["frames"][k]["frame"], want[k].first) << k;
    EXPECT_NEAR(rec["frames"][k]["t"].get<double>(), want[k].second, 1e-3) << k;
  }
  // The default: frame numbers, vPDQ's rule, which a VFR video makes differ from the above.
  const CliResult byFrame = run({"hash", "-q", video.string()});
  ASSERT_EQ(byFrame.status, 0) << byFrame.err;
  EXPECT_NE(parseJsonLines(byFrame.out).at(0)["frames"], rec["frames"]);

  const CliResult pdq = run({"hash", "--format", "pdq", video.string()});
  EXPECT_EQ(pdq.status, 0) << pdq.err;
  EXPECT_TRUE(pdq.out.empty());
  EXPECT_NE(pdq.err.find("--format pdq lists images only: 1 videos not written"), std::string::npos)
      << pdq.err;
}

}  // namespace
}  // namespace hashsieve::test
