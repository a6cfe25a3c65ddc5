// `hashsieve bench`: options in, report out (table, JSON, plot); the run itself is
// bench::runBenchmark (host/selfbench/bench_run.hpp).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/selfbench/bench_run.hpp"
#include "host/selfbench/helper_paths.hpp"
#include "host/selfbench/subprocess.hpp"
#include "tools/hashsieve/commands.hpp"

namespace hashsieve::cli {
namespace {

namespace fs = std::filesystem;
using hashsieve::Device;

struct BenchArgs {
  std::vector<std::string> workloads;
  std::string corpus, synthetic;
  int64_t listSize = 1'000'000, queries = 1000;
  std::string threads, batchSizes = "1,64";
  std::string device = "all";
  int repeat = 5, warmup = 1;
  double videoFps = policy::kVideoFps;
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
      throw UsageError(std::string(flag) +
                       ": want a comma-separated list of positive integers, got '" + text + "'");
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

int runBench(const BenchArgs& a) {
  const std::string python = bench::helperPython(a.python);
  // A missing plotter must not cost a whole bench run first.
  if (!a.plot.empty()) {
    if (const std::string why = bench::plotUnavailableReason(python); !why.empty())
      throw UsageError("bench --plot: " + why);
  }
  bench::BenchPlan plan;
  bench::BenchConfig& cfg = plan.config;
  cfg.method.repeat = a.repeat;
  cfg.method.warmup = a.warmup;
  if (!a.corpus.empty()) cfg.corpus = bench::loadCorpus(a.corpus);
  if (!a.synthetic.empty()) cfg.synthetic = bench::parseFrameSpec(a.synthetic);
  cfg.listSize = a.listSize;
  cfg.queries = a.queries;
  const int cpus = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  cfg.threads =
      parseIntList(a.threads.empty() ? "1," + std::to_string(cpus) : a.threads, "--threads");
  cfg.batchSizes = parseIntList(a.batchSizes, "--batch-size");
  cfg.devices.clear();
  if (a.device == "cpu" || a.device == "all") cfg.devices.push_back(Device::Cpu);
  if (a.device == "cuda" || a.device == "all") cfg.devices.push_back(Device::Cuda);
  cfg.media.videoFps = a.videoFps;
  cfg.peers = a.compare;
  plan.workloads = {a.workloads.begin(), a.workloads.end()};
  plan.allDevices = a.device == "all";
  plan.device = a.device;
  plan.command = commandLine();
  plan.peers = {python, bench::helperScript("compare_peers.py"), cfg.method};

  const bench::Report report = bench::runBenchmark(std::move(plan), [](const auto& r) {
    std::fprintf(stderr, "bench: %s %s %s threads=%d per-call=%d: %s\n", r.workload.c_str(),
                 r.backend.c_str(), r.variant.c_str(), r.threads, r.batchSize, r.status.c_str());
  });
  bench::printTable(report, std::cout);
  const nlohmann::json doc = bench::toJson(report);
  std::string jsonPath = a.json;
  if (jsonPath.empty() && !a.plot.empty()) {
    jsonPath =
        (fs::temp_directory_path() / ("hashsieve-bench-" + std::to_string(getpid()) + ".json"))
            .string();
  }
  if (!jsonPath.empty()) {
    std::ofstream out(jsonPath);
    out << doc.dump(2) << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + jsonPath + ": " + std::strerror(errno));
  }
  if (!a.plot.empty()) {
    const bench::ChildResult plot =
        bench::runChild({python, bench::helperScript("plot_bench.py"), jsonPath, a.plot},
                        [](const bench::PipeWriter&) {});
    if (a.json.empty()) fs::remove(jsonPath);
    std::cout << plot.out;
    if (plot.exitStatus != 0) {
      std::fprintf(stderr, "hashsieve: bench: plot_bench.py failed (status %d)\n", plot.exitStatus);
      return 3;
    }
  }
  return bench::benchExitStatus(report);
}

}  // namespace

void addBenchCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Measure throughput: decode, hash (decode+hash), kernel (hash only), match, scan");
  cmd->add_option("workloads", args->workloads, "Workloads to run (default: all)")
      ->check(CLI::IsMember(bench::workloadNames()));
  cmd->add_option("--corpus", args->corpus, "Directory of media (e.g. made by make-corpus)");
  cmd->add_option("--synthetic", args->synthetic,
                  "Generated frames for the kernel workload, SIZE:COUNT (1080p:5000, 640x480:100)");
  cmd->add_option("--list-size", args->listSize, "Hash-list entries for match and scan")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
  cmd->add_option("--queries", args->queries, "Query hashes for match")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 24));
  cmd->add_option("--threads", args->threads,
                  "Thread counts to sweep, e.g. 1,2,4 (default 1,<cpus>)");
  cmd->add_option("--batch-size", args->batchSizes,
                  "Frames per hash call to sweep (kernel; CUDA hash)")
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
  cmd->add_flag(
      "--compare", args->compare,
      "Also time pdqhash (frames, files) and faiss-cpu IndexBinaryFlat on the same input");
  cmd->add_option("--python", args->python,
                  "Python with pdqhash/faiss/matplotlib (default $HASHSIEVE_PYTHON, else ./.venv)");
  cmd->callback([args, &exitCode] { exitCode = runBench(*args); });
}

}  // namespace hashsieve::cli
