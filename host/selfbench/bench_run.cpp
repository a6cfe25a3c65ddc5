// The bench orchestration: which workloads run, on which backends, with which peers.
#include "host/selfbench/bench_run.hpp"

#include <algorithm>
#include <utility>

#include "host/audit/machine_info.hpp"
#include "host/selfbench/backends.hpp"
#include "host/selfbench/corpus_hashing.hpp"
#include "host/selfbench/frame_pool.hpp"
#include "host/selfbench/match_data.hpp"
#include "host/selfbench/process_stats.hpp"
#include "host/selfbench/subprocess.hpp"

namespace hashsieve::bench {
namespace {

const WorkloadResult* findRecord(const std::vector<WorkloadResult>& results,
                                 const std::string& workload, const std::string& variant,
                                 int threads) {
  for (const auto& r : results) {
    if (r.workload == workload && r.backend == "cpu" && r.variant == variant &&
        r.threads == threads)
      return &r;
  }
  return nullptr;
}

nlohmann::json reportInputs(const BenchPlan& plan) {
  const BenchConfig& cfg = plan.config;
  nlohmann::json inputs = {{"threads", cfg.threads},    {"batch_sizes", cfg.batchSizes},
                           {"device", plan.device},     {"video_fps", cfg.media.videoFps},
                           {"list_size", cfg.listSize}, {"queries", cfg.queries},
                           {"threshold", cfg.threshold}};
  if (cfg.corpus) {
    inputs["corpus"] = {{"path", cfg.corpus->root.string()},
                        {"files", cfg.corpus->files.size()},
                        {"bytes", cfg.corpus->totalBytes},
                        {"from_manifest", cfg.corpus->fromManifest}};
  }
  if (cfg.synthetic) inputs["synthetic"] = cfg.synthetic->text;
  return inputs;
}

}  // namespace

const std::vector<std::string>& workloadNames() {
  static const std::vector<std::string> names = {"decode", "hash", "kernel", "match", "scan"};
  return names;
}

Report runBenchmark(BenchPlan plan, const ResultLog& log) {
  BenchConfig& cfg = plan.config;
  Report report;
  if (plan.allDevices) {
    std::vector<Device> runnable;
    for (Device d : cfg.devices) {
      if (const std::string why = unavailableReason(d); why.empty())
        runnable.push_back(d);
      else
        report.skippedDevices.push_back(std::string(deviceName(d)) + " (" + why + ")");
    }
    cfg.devices = std::move(runnable);
  }
  std::set<std::string> want = plan.workloads;
  if (want.empty()) want.insert(workloadNames().begin(), workloadNames().end());

  report.command = plan.command;
  report.dateUtc = utcNow();
  report.machine = audit::describeMachine();
  report.loadStart = loadAverage();
  report.method = cfg.method;
  report.inputs = reportInputs(plan);

  auto add = [&](std::vector<WorkloadResult> rs) {
    for (auto& r : rs) {
      if (log) log(r);
      report.results.push_back(std::move(r));
    }
  };
  std::vector<RecordDigest> corpusReference;

  if (want.count("decode")) add(runDecode(cfg));
  if (want.count("hash")) add(runHash(cfg, corpusReference));
  if (want.count("kernel")) {
    if (!cfg.synthetic && !cfg.corpus) {
      WorkloadResult r;
      r.workload = "kernel";
      r.status = "skipped: needs --synthetic or --corpus";
      add({r});
    } else {
      const FramePool pool = makeFramePool(cfg);
      add(runKernel(cfg, pool));
      if (cfg.peers) {
        if (const auto* hs = findRecord(report.results, "kernel", "pdq", 1))
          report.peers.push_back(peerPdqFrames(plan.peers, pool, *hs));
      }
    }
  }
  if (cfg.peers && cfg.corpus && want.count("hash")) {
    std::vector<WorkloadResult> extra;
    report.peers.push_back(peerPdqFiles(plan.peers, cfg, corpusReference, extra));
    add(std::move(extra));
  }
  if (want.count("match")) {
    const MatchData data = makeMatchData(cfg);
    add(runMatch(cfg, data));
    if (cfg.peers) {
      for (int t : cfg.threads) {
        if (const auto* hs = findRecord(report.results, "match", "orig", t))
          report.peers.push_back(peerFaiss(plan.peers, data, data.plain, *hs));
      }
    }
  }
  if (want.count("scan")) add(runScan(cfg, corpusReference));
  report.loadEnd = loadAverage();
  return report;
}

int benchExitStatus(const Report& report) {
  // A check that failed is a failed benchmark: the figures it would have given are not reported.
  for (const auto& r : report.results)
    if (r.status.rfind("failed", 0) == 0) return 1;
  for (const auto& p : report.peers)
    if (p.status.rfind("failed", 0) == 0) return 1;
  return 0;
}

std::string plotUnavailableReason(const std::string& python) {
  try {
    // The import error goes to stdout, not a traceback on the user's terminal.
    const ChildResult probe = runChild({python, "-c",
                                        "try:\n import matplotlib\n print('ok')\n"
                                        "except Exception as e:\n print(repr(e))"},
                                       [](const PipeWriter&) {});
    if (probe.exitStatus == 0 && probe.out.rfind("ok", 0) == 0) return {};
    std::string why = probe.out;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    return python + " cannot import matplotlib (" +
           (why.empty() ? "status " + std::to_string(probe.exitStatus) : why) +
           "); install it there or pass --python";
  } catch (const std::exception& e) {
    return python + " cannot be run: " + e.what();
  }
}

}  // namespace hashsieve::bench
