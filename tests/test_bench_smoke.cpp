// Smoke test of `hashsieve bench`: every workload at a tiny size on a generated corpus, checking
// the report's JSON fields and the checks' outcomes (never the times). The peers and the plot run
// only when the project venv is there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "host/selfbench/synthetic.hpp"

namespace hashsieve::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kBinary = fs::path(HASHSIEVE_BINARY_DIR) / "hashsieve";
const fs::path kVenvPython = fs::path(HASHSIEVE_SOURCE_DIR) / ".venv/bin/python";

class BenchSmoke : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("hs_bench_smoke_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "corpus");
    // Synthetic pictures (no user data) as binary PPM, one grey PGM and one file that is no image.
    for (int i = 0; i < 5; ++i) {
      const Image img = makeSyntheticFrame(96 + 16 * i, 72, static_cast<uint64_t>(i));
      std::ofstream out(dir_ / "corpus" / ("pic" + std::to_string(i) + ".ppm"), std::ios::binary);
      out << "P6\n" << img.width << " " << img.height << "\n255\n";
      out.write(reinterpret_cast<const char*>(img.pixels.data()),
                static_cast<std::streamsize>(img.pixels.size()));
    }
    std::ofstream(dir_ / "corpus" / "notes.txt") << "not an image\n";
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  /// Runs hashsieve bench with `args` plus --json; returns the parsed report.
  static json bench(const std::string& args, int expectStatus = 0) {
    const fs::path out = dir_ / "report.json";
    fs::remove(out);
    const std::string cmd = kBinary.string() + " bench " + args + " --json " + out.string() +
                            " > " + (dir_ / "stdout.txt").string() + " 2>&1";
    const int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc)) << cmd;
    EXPECT_EQ(WEXITSTATUS(rc), expectStatus) << cmd << "\n" << readAll(dir_ / "stdout.txt");
    return json::parse(readAll(out));
  }
  static std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  static std::string tinyArgs() {
    return "--corpus " + (dir_ / "corpus").string() +
           " --synthetic 80x60:7 --list-size 3000 --queries 12 --threads 1,2 --batch-size 1,3"
           " --repeat 2 --warmup 1";
  }
  static fs::path dir_;
};
fs::path BenchSmoke::dir_;

bool isCudaSkip(const json& r) {
  const std::string s = r["status"];
  return s == "skipped: no CUDA device" || s == "skipped: built without CUDA";
}

TEST_F(BenchSmoke, EveryWorkloadReportsCheckedFigures) {
  const json rep = bench(tinyArgs());
  EXPECT_EQ(rep["schema"], "hashsieve-bench/1");
  EXPECT_NE(rep["command"].get<std::string>().find("hashsieve bench"), std::string::npos);
  for (const char* key : {"cpu_model", "logical_cpus", "physical_cores", "cpus_usable",
                          "mem_total_bytes", "build_type", "commit", "compiler", "gpu"})
    EXPECT_TRUE(rep["machine"].contains(key)) << key;
  EXPECT_EQ(rep["method"]["repeat"], 2);
  EXPECT_EQ(rep["load_average"]["start"].size(), 3u);
  EXPECT_EQ(rep["load_average"]["end"].size(), 3u);
  EXPECT_EQ(rep["inputs"]["corpus"]["files"], 6);

  std::set<std::string> seen;
  for (const json& r : rep["results"]) {
    const std::string w = r["workload"];
    SCOPED_TRACE(w + " " + r["backend"].get<std::string>() + " " + r["variant"].get<std::string>());
    if (r["backend"] == "cuda" && r["status"] != "ok") {
      EXPECT_TRUE(isCudaSkip(r)) << r["status"];
      continue;
    }
    ASSERT_EQ(r["status"], "ok");
    seen.insert(w);
    EXPECT_EQ(r["seconds"]["runs"].size(), 2u);
    EXPECT_EQ(r["cpu_seconds"]["runs"].size(), 2u);
    EXPECT_LE(r["seconds"]["min"].get<double>(), r["seconds"]["median"].get<double>());
    EXPECT_GT(r["peak_rss_bytes"].get<int64_t>(), 0);
    EXPECT_FALSE(r["check"].get<std::string>().empty());
    EXPECT_FALSE(r["stage_shares"].empty());
    const json& c = r["counts"];
    if (w == "decode" || w == "hash" || w == "scan") {
      if (r["variant"] == "pdq") continue;  // the still-image record set against a peer
      EXPECT_EQ(c["files"], 6);
      EXPECT_EQ(c["failed_files"], 1);  // notes.txt
      EXPECT_EQ(c["frames"], 5);
      EXPECT_EQ(c["pixels"], 72.0 * (96 + 112 + 128 + 144 + 160));
      EXPECT_GT(r["rates"]["files_per_s"]["median"].get<double>(), 0);
      EXPECT_GT(r["rates"]["mp_per_s"]["median"].get<double>(), 0);
    }
    if (w == "kernel") {
      EXPECT_EQ(c["frames"], 7);
      EXPECT_EQ(c["pixels"], 7.0 * 80 * 60);
      EXPECT_GT(r["rates"]["frames_per_s"]["median"].get<double>(), 0);
    }
    if (w == "match") {
      // Query q has q % 4 planted neighbours: 3 x (0+1+2+3) = 18 pairs with dihedral; without,
      // only plant j of query q sits near variant 0, where (q + j) % 8 == 0.
      const bool dihedral = r["variant"] == "dihedral";
      EXPECT_EQ(c["comparisons"], 12.0 * 3000 * (dihedral ? 8 : 1));
      int64_t orig = 0;
      for (int q = 0; q < 12; ++q)
        for (int j = 0; j < q % 4; ++j) orig += (q + j) % 8 == 0;
      EXPECT_EQ(c["matches"], dihedral ? 18 : orig);
      EXPECT_GT(r["rates"]["comparisons_per_s"]["median"].get<double>(), 0);
    }
    if (w == "scan") EXPECT_GT(c["comparisons"].get<double>(), 0);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"decode", "hash", "kernel", "match", "scan"}));
  // The table's per-call column: frames per hash call, or the match call's 12 queries ("12q").
  const std::string table = readAll(dir_ / "stdout.txt");
  EXPECT_NE(table.find(" call "), std::string::npos) << table;
  EXPECT_NE(table.find("   12q  "), std::string::npos) << table;
}

TEST_F(BenchSmoke, SelectsWorkloadsAndSkipsWhatLacksInput) {
  const json rep =
      bench("decode kernel --synthetic 32x32:2 --repeat 1 --warmup 0 --threads 1 --batch-size 1");
  // --device all (the default): a device that cannot run here is listed once, not per row.
  const json& skipped = rep["skipped_devices"];
  const bool cudaRuns = skipped.empty();
  if (!cudaRuns) {
    ASSERT_EQ(skipped.size(), 1u);
    const std::string s = skipped[0];
    EXPECT_TRUE(s == "cuda (skipped: no CUDA device)" || s == "cuda (skipped: built without CUDA)")
        << s;
    EXPECT_NE(readAll(dir_ / "stdout.txt").find("skipped devices: " + s), std::string::npos);
  }
  ASSERT_EQ(rep["results"].size(), cudaRuns ? 3u : 2u);  // decode skipped, kernel per device
  EXPECT_EQ(rep["results"][0]["workload"], "decode");
  EXPECT_EQ(rep["results"][0]["status"], "skipped: needs --corpus");
  EXPECT_EQ(rep["results"][1]["status"], "ok");
  if (cudaRuns) EXPECT_EQ(rep["results"][2]["status"], "ok");
}

TEST_F(BenchSmoke, PeersAndPlotWithTheVenv) {
  if (!fs::exists(kVenvPython)) GTEST_SKIP() << "no " << kVenvPython << ": peers not timed";
  const fs::path png = dir_ / "plot.png";
  const json rep =
      bench("hash kernel match --device cpu --compare --plot " + png.string() + " " + tinyArgs());
  ASSERT_EQ(rep["peers"].size(), 4u);  // frames, files, faiss x 2 thread counts
  for (const json& p : rep["peers"]) {
    SCOPED_TRACE(p["peer"].get<std::string>() + " on " + p["input"].get<std::string>());
    ASSERT_EQ(p["status"], "ok");
    EXPECT_GT(p["ratio_hashsieve_over_peer"].get<double>(), 0);
    EXPECT_GT(p["rate"]["median"].get<double>(), 0);
  }
  EXPECT_EQ(rep["peers"][0]["input"], "frames");
  // Same frames, the reference PDQ in both: bit-identical hashes.
  EXPECT_NE(rep["peers"][0]["check"].get<std::string>().find("7/7 bit-identical"),
            std::string::npos)
      << rep["peers"][0]["check"];
  const std::string head = readAll(png).substr(0, 8);
  EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace hashsieve::bench
