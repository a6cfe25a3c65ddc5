// One `hashsieve bench` run: the workloads asked for, in order, with their peers, into one
// Report. The CLI parses options and writes the report; the orchestration lives here.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "host/selfbench/peers.hpp"
#include "host/selfbench/report.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

/// The workloads `hashsieve bench` knows, in the order they run.
const std::vector<std::string>& workloadNames();

struct BenchPlan {
  BenchConfig config;
  std::set<std::string> workloads;  // of workloadNames(); empty = all
  /// The backends asked for only by "all": those that cannot run here are dropped and listed
  /// once in Report::skippedDevices instead of filling the table with skipped rows.
  bool allDevices = false;
  std::string device;   // as given (recorded in the report's inputs)
  std::string command;  // the command line, for the report
  PeerSetup peers;      // used with config.peers (--compare)
};

/// Called with each result as it is added (progress on the terminal).
using ResultLog = std::function<void(const WorkloadResult&)>;

/// Runs the plan. Workload failures are records in the report, not exceptions.
Report runBenchmark(BenchPlan plan, const ResultLog& log);

/// 1 when a result or peer check failed (its figures are not to be trusted), else 0.
int benchExitStatus(const Report& report);

/// Empty when `python` can import matplotlib; otherwise why not (checked before a --plot run).
std::string plotUnavailableReason(const std::string& python);

}  // namespace hashsieve::bench
