// `hashsieve bench`: throughput of decode, hash, kernel, match and scan, with the method, machine
// and checks recorded; optional peers side by side, JSON and a plot.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "host/benchmark/corpus_hashing.hpp"
#include "host/benchmark/frame_pool.hpp"
#include "host/benchmark/helper_paths.hpp"
#include "host/benchmark/match_data.hpp"
#include "host/benchmark/peers.hpp"
#include "host/benchmark/process_stats.hpp"
#include "host/benchmark/subprocess.hpp"
#include "host/benchmark/workloads.hpp"
#include "host/core/errors.hpp"
#include "tools/hashsieve/commands.hpp"

namespace hashsieve::cli {
namespace {

namespace fs = std::filesystem;
using hashsieve::Device;

const std::vector<std::string> kWorkloads = {"decode", "hash", "kernel", "match", "scan"};

struct BenchArgs {
  std::vector<std::string> workloads;
  std::string corpus, synthetic;
  int64_t listSize = 1'000'000, queries = 1000;
  std::string threads, batchSizes = "1,64";
  std::string device = "all";
  int repeat = 5, warmup = 1;
  double videoFps = 1.0;
  std::string json, plot;
  bool compare = false;
  std::string python;
};

std::vector<int> parseIntList(const std::string& text, const char* flag) {
  std::vector<int> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    try {
      size_t used = 0;
      const int v = std::stoi(item, &used);
      if (used != item.size() || v < 1) throw std::invalid_argument(item);
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    } catch (const std::exception&) {
      throw UsageError(std::string(flag) + ": want a comma-separated list of positive integers, got '" +
                       text + "'");
    }
  }
  if (out.empty()) throw UsageError(std::string(flag) + ": empty list");
  return out;
}

/// The command line as run, from /proc (argv is not passed to subcommands).
std::string commandLine() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  bool first = true;
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (first) arg = "hashsieve";
    if (arg.find_first_of(" \t'\"") != std::string::npos) arg = "'" + arg + "'";
    out += (first ? "" : " ") + arg;
    first = false;
    start = end + 1;
  }
  return out;
}

const bench::WorkloadResult* findRecord(const std::vector<bench::WorkloadResult>& results,
                                        const std::string& workload, const std::string& variant,
                                        int threads) {
  for (const auto& r : results) {
    if (r.workload == workload && r.backend == "cpu" && r.variant == variant && r.threads == threads)
      return &r;
  }
  return nullptr;
}

int runBench(const BenchArgs& a) {
  bench::BenchConfig cfg;
  cfg.method.repeat = a.repeat;
  cfg.method.warmup = a.warmup;
  if (!a.corpus.empty()) cfg.corpus = bench::loadCorpus(a.corpus);
  if (!a.synthetic.empty()) cfg.synthetic = bench::parseFrameSpec(a.synthetic);
  cfg.listSize = a.listSize;
  cfg.queries = a.queries;
  const int cpus = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  cfg.threads = parseIntList(a.threads.empty() ? "1," + std::to_string(cpus) : a.threads, "--threads");
  cfg.batchSizes = parseIntList(a.batchSizes, "--batch-size");
  cfg.devices.clear();
  if (a.device == "cpu" || a.device == "all") cfg.devices.push_back(Device::Cpu);
  if (a.device == "cuda" || a.device == "all") cfg.devices.push_back(Device::Cuda);
  cfg.media.videoFps = a.videoFps;
  cfg.peers = a.compare;

  std::set<std::string> want(a.workloads.begin(), a.workloads.end());
  if (want.empty()) want.insert(kWorkloads.begin(), kWorkloads.end());

  bench::Report report;
  report.command = commandLine();
  report.dateUtc = bench::utcNow();
  report.machine = audit::describeMachine();
  report.loadStart = bench::loadAverage();
  report.method = cfg.method;
  report.inputs = {{"threads", cfg.threads},
                   {"batch_sizes", cfg.batchSizes},
                   {"device", a.device},
                   {"video_fps", cfg.media.videoFps},
                   {"list_size", cfg.listSize},
                   {"queries", cfg.queries},
                   {"threshold", cfg.threshold}};
  if (cfg.corpus) {
    report.inputs["corpus"] = {{"path", cfg.corpus->root.string()},
                               {"files", cfg.corpus->files.size()},
                               {"bytes", cfg.corpus->totalBytes},
                               {"from_manifest", cfg.corpus->fromManifest}};
  }
  if (cfg.synthetic) report.inputs["synthetic"] = cfg.synthetic->text;

  bench::PeerSetup peers{bench::helperPython(a.python), bench::helperScript("compare_peers.py"),
                         cfg.method};
  auto add = [&report](std::vector<bench::WorkloadResult> rs) {
    for (auto& r : rs) {
      std::fprintf(stderr, "bench: %s %s %s threads=%d batch=%d: %s\n", r.workload.c_str(),
                   r.backend.c_str(), r.variant.c_str(), r.threads, r.batchSize, r.status.c_str());
      report.results.push_back(std::move(r));
    }
  };
  std::vector<bench::RecordDigest> corpusReference;

  if (want.count("decode")) add(bench::runDecode(cfg));
  if (want.count("hash")) add(bench::runHash(cfg, corpusReference));
  if (want.count("kernel")) {
    if (!cfg.synthetic && !cfg.corpus) {
      bench::WorkloadResult r;
      r.workload = "kernel";
      r.status = "skipped: needs --synthetic or --corpus";
      add({r});
    } else {
      const bench::FramePool pool = bench::makeFramePool(cfg);
      add(bench::runKernel(cfg, pool));
      if (a.compare) {
        const auto* hs = findRecord(report.results, "kernel", "pdq", 1);
        if (hs) report.peers.push_back(bench::peerPdqFrames(peers, pool, *hs));
      }
    }
  }
  if (a.compare && cfg.corpus && want.count("hash")) {
    std::vector<bench::WorkloadResult> extra;
    report.peers.push_back(bench::peerPdqFiles(peers, cfg, corpusReference, extra));
    add(std::move(extra));
  }
  if (want.count("match")) {
    const bench::MatchData data = bench::makeMatchData(cfg);
    add(bench::runMatch(cfg, data));
    if (a.compare) {
      for (int t : cfg.threads) {
        if (const auto* hs = findRecord(report.results, "match", "orig", t))
          report.peers.push_back(bench::peerFaiss(peers, data, data.plain, *hs));
      }
    }
  }
  if (want.count("scan")) add(bench::runScan(cfg, corpusReference));

  report.loadEnd = bench::loadAverage();
  bench::printTable(report, std::cout);
  const nlohmann::json doc = bench::toJson(report);
  std::string jsonPath = a.json;
  if (jsonPath.empty() && !a.plot.empty()) {
    jsonPath = (fs::temp_directory_path() / ("hashsieve-bench-" + std::to_string(getpid()) + ".json")).string();
  }
  if (!jsonPath.empty()) {
    std::ofstream out(jsonPath);
    out << doc.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + jsonPath);
  }
  if (!a.plot.empty()) {
    const bench::ChildResult plot = bench::runChild(
        {peers.python, bench::helperScript("plot_bench.py"), jsonPath, a.plot}, [](const bench::PipeWriter&) {});
    if (a.json.empty()) fs::remove(jsonPath);
    std::cout << plot.out;
    if (plot.exitStatus != 0) {
      std::fprintf(stderr, "hashsieve: bench: plot_bench.py failed (status %d)\n", plot.exitStatus);
      return 3;
    }
  }
  // A check that failed is a failed benchmark: the figures it would have given are not reported.
  for (const auto& r : report.results)
    if (r.status.rfind("failed", 0) == 0) return 1;
  for (const auto& p : report.peers)
    if (p.status.rfind("failed", 0) == 0) return 1;
  return 0;
}

}  // namespace

void addBenchCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure throughput: decode, hash (decode+hash), kernel (hash only), match, scan");
  cmd->add_option("workloads", args->workloads, "Workloads to run (default: all)")
      ->check(CLI::IsMember(kWorkloads));
  cmd->add_option("--corpus", args->corpus, "Directory of media (e.g. made by make-corpus)");
  cmd->add_option("--synthetic", args->synthetic,
                  "Generated frames for the kernel workload, SIZE:COUNT (1080p:5000, 640x480:100)");
  cmd->add_option("--list-size", args->listSize, "Hash-list entries for match and scan")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
  cmd->add_option("--queries", args->queries, "Query hashes for match")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 24));
  cmd->add_option("--threads", args->threads, "Thread counts to sweep, e.g. 1,2,4 (default 1,<cpus>)");
  cmd->add_option("--batch-size", args->batchSizes, "Frames per hash call to sweep (kernel; CUDA hash)")
      ->capture_default_str();
  cmd->add_option("--device", args->device, "Backends: cpu, cuda or all")
      ->check(CLI::IsMember({"cpu", "cuda", "all"}))
      ->capture_default_str();
  cmd->add_option("--repeat", args->repeat, "Timed runs per configuration (median reported)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--warmup", args->warmup, "Untimed (but checked) runs first")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_option("--video-fps", args->videoFps, "Video frames hashed per second of media")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_option("--json", args->json, "Write the report as JSON");
  cmd->add_option("--plot", args->plot, "Write a PNG of throughput vs threads and batch size");
  cmd->add_flag("--compare", args->compare,
                "Also time pdqhash (frames, files) and faiss-cpu IndexBinaryFlat on the same input");
  cmd->add_option("--python", args->python,
                  "Python with pdqhash/faiss/matplotlib (default $HASHSIEVE_PYTHON, else ./.venv)");
  cmd->callback([args, &exitCode] { exitCode = runBench(*args); });
}

}  // namespace hashsieve::cli
