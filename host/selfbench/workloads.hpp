// The benchmark's workloads. Each runs its configurations (threads x batch sizes x devices)
// with the shared method and returns one record per configuration, failed or skipped ones
// included, so the report always says what was not measured and why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/backend/device.hpp"
#include "host/core/hasher.hpp"
#include "host/core/policy.hpp"
#include "host/media/media.hpp"
#include "host/selfbench/corpus.hpp"
#include "host/selfbench/method.hpp"
#include "host/selfbench/report.hpp"
#include "host/selfbench/synthetic.hpp"

namespace hashsieve::bench {

struct BenchConfig {
  Method method;
  std::optional<Corpus> corpus;        // decode, hash, scan; kernel takes its frames from here
  std::optional<FrameSpec> synthetic;  // kernel frames when given
  int64_t listSize = 1'000'000;
  int64_t queries = 1000;
  int threshold = policy::kPdqMatchThreshold;
  int maxPlanted = 3;  // planted neighbours per query at most
  std::vector<int> threads{1};
  std::vector<int> batchSizes{1};
  std::vector<Device> devices{Device::Cpu, Device::Cuda};
  media::Options media;  // videos sampled at 1 frame/s, as `hashsieve hash` does by default
  HashRequest request;   // pdq + phash
  uint64_t seed = 1;
  bool peers = false;  // --compare: also measure the configurations the peers are set against
};

struct FramePool;
struct MatchData;
struct RecordDigest;

std::vector<WorkloadResult> runDecode(const BenchConfig& cfg);
/// `reference`: the CPU backend's records of the corpus (1 thread); computed when empty and
/// kept for the scan workload and the file peer.
std::vector<WorkloadResult> runHash(const BenchConfig& cfg, std::vector<RecordDigest>& reference);
std::vector<WorkloadResult> runKernel(const BenchConfig& cfg, const FramePool& pool);
std::vector<WorkloadResult> runMatch(const BenchConfig& cfg, const MatchData& data);
std::vector<WorkloadResult> runScan(const BenchConfig& cfg, std::vector<RecordDigest>& reference);

/// Runs `body` for one record: resets the peak-RSS mark first, fills peakRssBytes after, and
/// turns a CheckError or any other exception into a "failed: ..." status.
template <typename Body>
WorkloadResult runRecord(WorkloadResult r, Body&& body);

}  // namespace hashsieve::bench

#include "host/selfbench/workloads_inl.hpp"
