// One benchmark run's results: per-workload records, peer comparisons, machine and method;
// written as JSON (the schema bench/plot_bench.py reads) and as a table for the terminal.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "host/audit/machine_info.hpp"
#include "host/selfbench/method.hpp"
#include "host/selfbench/stats.hpp"

namespace hashsieve::bench {

inline constexpr const char* kReportSchema = "hashsieve-bench/1";

/// Work done by one run (every timed run does the same work; the check makes sure of it).
struct Counts {
  int64_t files = 0;         // inputs attempted
  int64_t failedFiles = 0;   // inputs refused by the decoder (still part of the work)
  int64_t frames = 0;        // frames decoded or hashed
  double pixels = 0.0;       // over all frames
  int64_t bytes = 0;         // file bytes read
  double comparisons = 0.0;  // hash pairs compared (match)
  int64_t matches = 0;       // pairs within the threshold
};

struct WorkloadResult {
  std::string workload;       // decode | hash | kernel | match | scan
  std::string backend;        // cpu | cuda | ffmpeg
  std::string variant;        // what was computed, e.g. "pdq+phash", "pdq", "dihedral"
  std::string status = "ok";  // "ok", "skipped: ...", "failed: ..."
  int threads = 1;
  int batchSize = 1;
  Summary seconds;
  Summary cpuSeconds;  // process CPU time of each timed run
  Counts counts;
  int64_t peakRssBytes = 0;
  int64_t gpuMemBytes = -1;                                 // -1: not measured
  std::vector<std::pair<std::string, double>> stageShares;  // share of thread wall time
  std::string check;  // what each timed run's output was checked against
  std::string timer = "steady_clock wall time";
  std::string note;
  bool peerBaseline = false;  // measured only to be set against a peer (not part of the sweep)

  bool ok() const { return status == "ok"; }
};

/// A peer tool measured in the same run on the same input, with the ratio hashsieve/peer.
struct PeerResult {
  std::string peer;   // "pdqhash 0.2.8", "faiss-cpu 1.x IndexBinaryFlat"
  std::string input;  // "frames" | "files" | "list"
  std::string status = "ok";
  int threads = 1;
  Summary seconds;
  double work = 0.0;  // units per run (frames, files, comparisons)
  std::string unit;   // "frames/s", "files/s", "comparisons/s"
  Summary rate;
  double hashsieveRate = 0.0;  // the matching hashsieve configuration's median rate
  std::string hashsieveConfig;
  double ratio = 0.0;  // hashsieveRate / rate.median
  std::string check;
  std::string note;
};

struct Report {
  std::string command;
  std::string dateUtc;  // ISO 8601
  audit::MachineInfo machine;
  Method method;
  nlohmann::json inputs = nlohmann::json::object();
  std::vector<WorkloadResult> results;
  std::vector<PeerResult> peers;
  std::vector<double> loadStart, loadEnd;   // 1/5/15-minute load averages around the run
  std::vector<std::string> skippedDevices;  // "cuda (skipped: no CUDA device)", with --device all
};

/// The rates of a result (median/min/max), null where the workload has no such unit.
nlohmann::json ratesJson(const WorkloadResult& r);
nlohmann::json toJson(const Report& report);
/// Human-readable table of every record and peer.
void printTable(const Report& report, std::ostream& out);

/// "2026-01-02T03:04:05Z"
std::string utcNow();

}  // namespace hashsieve::bench
