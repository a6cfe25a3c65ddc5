// The benchmark's own machinery: statistics, the measurement method, machine parsing, synthetic
// inputs (counts by construction vs brute force), match checks, the report schema, the pipe to
// peer processes and corpus listing. No timings are asserted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "host/audit/machine_info.hpp"
#include "host/core/errors.hpp"
#include "host/match/cpu_matcher.hpp"
#include "host/selfbench/corpus.hpp"
#include "host/selfbench/match_data.hpp"
#include "host/selfbench/method.hpp"
#include "host/selfbench/process_stats.hpp"
#include "host/selfbench/report.hpp"
#include "host/selfbench/stats.hpp"
#include "host/selfbench/subprocess.hpp"
#include "host/selfbench/synthetic.hpp"

namespace hashsieve::bench {
namespace {

namespace fs = std::filesystem;
using audit::CpuInfo;
using audit::describeMachine;
using audit::MachineInfo;
using audit::parseCpuInfo;

TEST(BenchStats, MedianMinMaxOddAndEven) {
  const Summary odd = summarize({3.0, 1.0, 2.0});
  EXPECT_EQ(odd.median, 2.0);
  EXPECT_EQ(odd.min, 1.0);
  EXPECT_EQ(odd.max, 3.0);
  EXPECT_EQ(odd.runs, (std::vector<double>{3.0, 1.0, 2.0}));  // measured order kept
  EXPECT_EQ(summarize({4.0, 1.0, 2.0, 3.0}).median, 2.5);
  EXPECT_EQ(summarize({}).median, 0.0);
}

TEST(BenchStats, RateOfSwapsMinAndMax) {
  const Summary r = rateOf(summarize({2.0, 4.0, 1.0}), 8.0);
  EXPECT_EQ(r.median, 4.0);  // 8 / 2
  EXPECT_EQ(r.min, 2.0);     // slowest run
  EXPECT_EQ(r.max, 8.0);     // fastest run
}

TEST(BenchMethod, WarmupUntimedRepeatTimedAndChecksPropagate) {
  Method m;
  m.warmup = 2;
  m.repeat = 3;
  int calls = 0;
  const Summary s = measure(m, [&] { return static_cast<double>(++calls); });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(s.runs, (std::vector<double>{3.0, 4.0, 5.0}));  // warm-up results dropped
  Summary cpu;
  measure(
      m, [] { return 1.0; }, &cpu);
  EXPECT_EQ(cpu.runs.size(), 3u);
  EXPECT_GE(cpu.min, 0.0);
  EXPECT_THROW(measure(m, []() -> double { throw CheckError("bad count"); }), CheckError);
  EXPECT_THROW(checkEqual<int>("x", 1, 2), CheckError);
  EXPECT_NO_THROW(checkEqual<int>("x", 2, 2));
}

TEST(BenchMachine, ParsesCpuInfo) {
  const std::string text =
      "processor\t: 0\nmodel name\t: Test CPU @ 3GHz\nphysical id\t: 0\ncore id\t: 0\n"
      "flags\t\t: fpu sse4_2 avx2 fma\n\n"
      "processor\t: 1\nmodel name\t: Test CPU @ 3GHz\nphysical id\t: 0\ncore id\t: 0\n\n"
      "processor\t: 2\nmodel name\t: Test CPU @ 3GHz\nphysical id\t: 0\ncore id\t: 1\n\n";
  const CpuInfo c = parseCpuInfo(text);
  EXPECT_EQ(c.model, "Test CPU @ 3GHz");
  EXPECT_EQ(c.logicalCpus, 3);
  EXPECT_EQ(c.physicalCores, 2);  // two hyperthreads share core 0
  EXPECT_EQ(c.flagsOfNote, "sse4_2 avx2 fma");
  // Virtual machines often omit topology: cores then equal logical CPUs.
  EXPECT_EQ(parseCpuInfo("processor : 0\nprocessor : 1\n").physicalCores, 2);
}

TEST(BenchMachine, DescribesThisMachine) {
  const MachineInfo m = describeMachine();
  EXPECT_GT(m.cpu.logicalCpus, 0);
  EXPECT_GT(m.onlineCpus, 0);
  EXPECT_GT(m.memTotalBytes, 0);
  EXPECT_FALSE(m.commit.empty());
  EXPECT_FALSE(m.buildType.empty());
  EXPECT_FALSE(m.gpu.empty());  // the devices, or why CUDA is not used
  const std::vector<double> load = loadAverage();
  ASSERT_EQ(load.size(), 3u);
  for (double l : load) EXPECT_GE(l, 0.0);
}

TEST(BenchSynthetic, FrameSpecs) {
  const FrameSpec s = parseFrameSpec("1080p:5000");
  EXPECT_EQ(s.width, 1920);
  EXPECT_EQ(s.height, 1080);
  EXPECT_EQ(s.count, 5000);
  const FrameSpec w = parseFrameSpec("640x480:3");
  EXPECT_EQ(w.width, 640);
  EXPECT_EQ(w.height, 480);
  EXPECT_EQ(w.count, 3);
  for (const char* bad : {"1080p", "1080p:0", "1080p:x", "huge:3", "0x10:1", "10x:1", "1080p:5k"})
    EXPECT_THROW(parseFrameSpec(bad), UsageError) << bad;
}

TEST(BenchSynthetic, FramesAreDeterministicAndDistinct) {
  const Image a = makeSyntheticFrame(64, 48, 1), b = makeSyntheticFrame(64, 48, 1),
              c = makeSyntheticFrame(64, 48, 2);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_NE(a.pixels, c.pixels);
  EXPECT_EQ(makeFramePool(parseFrameSpec("32x32:100")).size(), size_t(kSyntheticPoolFrames));
  EXPECT_EQ(makeFramePool(parseFrameSpec("32x32:3")).size(), 3u);
}

TEST(BenchSynthetic, FlipBitsGivesExactDistance) {
  uint64_t rng = 7;
  const Hash256 h{{1, 2, 3, 4}};
  for (int d : {0, 1, 31, 128, 256}) EXPECT_EQ(hamming(h, flipBits(h, d, rng)), d) << "seed 7";
}

// The planted counts (by construction) against an independent brute-force count.
TEST(BenchSynthetic, PlantedCountsMatchBruteForce) {
  const PlantedHashSet s = makePlantedHashSet(5000, 40, kDihedralCount, 31, 3, 11);
  int64_t orig = 0, all = 0;
  for (int64_t q = 0; q < s.queryCount(); ++q) {
    for (const Hash256& e : s.list) {
      int best = 257;
      for (int v = 0; v < s.variants; ++v) {
        const int d = hamming(s.queries[q * s.variants + v], e);
        if (v == 0 && d <= 31) ++orig;
        best = std::min(best, d);
      }
      all += best <= 31;
    }
  }
  // 40 queries, q % 4 planted each: 10 x (0+1+2+3) = 60 pairs in all.
  EXPECT_EQ(s.expectedAll, 60);
  EXPECT_EQ(all, s.expectedAll);
  EXPECT_EQ(orig, s.expectedOrig);
  EXPECT_GT(s.expectedOrig, 0);
  EXPECT_LT(s.expectedOrig, s.expectedAll);
}

// The match check accepts the CPU matcher's answer and rejects a doctored one.
TEST(BenchMatch, CheckAcceptsTrueResultRejectsAlteredOnes) {
  BenchConfig cfg;
  cfg.listSize = 4000;
  cfg.queries = 24;
  const MatchData d = makeMatchData(cfg);
  for (const MatchMode* mode : {&d.plain, &d.dihedral}) {
    CpuMatcherOptions opts;
    opts.threads = 2;
    const auto matcher = makeCpuMatcher(*d.list, opts);
    std::vector<Match> got = matcher->range(mode->queries, cfg.threshold);
    EXPECT_NO_THROW(checkMatches(*mode, got)) << (mode->dihedral ? "dihedral" : "orig");
    ASSERT_FALSE(got.empty());
    std::vector<Match> dropped(got.begin() + 1, got.end());
    EXPECT_THROW(checkMatches(*mode, dropped), CheckError);
    std::vector<Match> moved = got;
    moved.front().distance ^= 1;  // same count, one distance wrong in a recounted query
    EXPECT_THROW(checkMatches(*mode, moved), CheckError);
  }
  EXPECT_EQ(d.plain.comparisonsPerRun, 24.0 * 4000);
  EXPECT_EQ(d.dihedral.comparisonsPerRun, 24.0 * 8 * 4000);
}

TEST(BenchReport, JsonHasRatesOnlyWhereTheyApply) {
  Report rep;
  rep.machine = describeMachine();
  WorkloadResult k;
  k.workload = "kernel";
  k.backend = "cpu";
  k.seconds = summarize({2.0, 1.0, 4.0});
  k.counts.frames = 10;
  k.counts.pixels = 4e6;
  WorkloadResult skipped;
  skipped.workload = "kernel";
  skipped.backend = "cuda";
  skipped.status = "skipped: no CUDA device";
  rep.results = {k, skipped};
  const auto j = toJson(rep);
  EXPECT_EQ(j["schema"], kReportSchema);
  const auto& r0 = j["results"][0];
  EXPECT_EQ(r0["rates"]["frames_per_s"]["median"], 5.0);
  EXPECT_EQ(r0["rates"]["mp_per_s"]["median"], 2.0);
  EXPECT_TRUE(r0["rates"]["files_per_s"].is_null());
  EXPECT_TRUE(r0["rates"]["comparisons_per_s"].is_null());
  EXPECT_TRUE(j["results"][1]["seconds"].is_null());
  EXPECT_EQ(j["results"][1]["status"], "skipped: no CUDA device");
  for (const char* key : {"cpu_model", "logical_cpus", "build_type", "commit", "gpu"})
    EXPECT_TRUE(j["machine"].contains(key)) << key;
}

TEST(BenchSubprocess, RoundTripsMoreThanAPipeBuffer) {
  std::string data(3 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 + 7);
  const ChildResult r =
      runChild({"cat"}, [&](const PipeWriter& w) { w(data.data(), data.size()); });
  EXPECT_EQ(r.exitStatus, 0);
  EXPECT_EQ(r.out, data);
  EXPECT_EQ(runChild({"sh", "-c", "exit 3"}, [](const PipeWriter&) {}).exitStatus, 3);
  EXPECT_THROW(runChild({"/nonexistent/helper"}, [](const PipeWriter&) {}), std::runtime_error);
}

TEST(BenchCorpus, ManifestOrderElseSortedWalk) {
  const fs::path dir = fs::temp_directory_path() / ("hs_bench_corpus_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  for (const char* name : {"b.jpg", "a.png", "sub/c.gif"}) std::ofstream(dir / name) << "xx";
  const Corpus walked = loadCorpus(dir);
  ASSERT_EQ(walked.files.size(), 3u);
  EXPECT_EQ(walked.files[0].path.filename(), "a.png");
  EXPECT_EQ(walked.files[2].path.filename(), "c.gif");
  EXPECT_EQ(walked.totalBytes, 6);
  std::ofstream(dir / "manifest.jsonl") << "{\"path\":\"sub/c.gif\"}\n{\"path\":\"gone.jpg\"}\n"
                                        << "{\"path\":\"b.jpg\"}\n";
  const Corpus listed = loadCorpus(dir);
  EXPECT_TRUE(listed.fromManifest);
  ASSERT_EQ(listed.files.size(), 2u);  // missing entries left out, manifest order kept
  EXPECT_EQ(listed.files[0].path.filename(), "c.gif");
  fs::remove_all(dir);
  EXPECT_THROW(loadCorpus(dir), UsageError);
}

}  // namespace
}  // namespace hashsieve::bench
