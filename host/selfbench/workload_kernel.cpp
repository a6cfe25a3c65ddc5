// kernel: hashing alone, on frames already decoded into memory, N threads with a hasher each,
// `batch` frames per Hasher::hash call. Every frame's hashes are checked against the CPU's.
#include <atomic>
#include <span>
#include <string>
#include <vector>

#include "host/selfbench/backends.hpp"
#include "host/selfbench/frame_pool.hpp"
#include "host/selfbench/parallel.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {
namespace {

bool sameHashes(const FrameHash& a, const FrameHash& b, const HashRequest& req) {
  if (req.pdq && (a.pdq != b.pdq || a.pdqQuality != b.pdqQuality)) return false;
  if (req.dihedral && a.pdqDihedral != b.pdqDihedral) return false;
  return !req.phash || a.phash == b.phash;
}

struct PoolRun {
  double seconds = 0.0;
  int64_t hashed = 0;      // frames hashed
  int64_t mismatches = 0;  // frames whose hashes differ from the reference
};

/// Hashes frames[i % frames.size()] for i < count. With a reference, compares every result to
/// it; without one (the oracle pass), stores each distinct frame's hashes in `results`.
PoolRun hashPool(const std::vector<Image>& frames, int64_t count, Device backend, int threads,
                 int batch, const HashRequest& req, const std::vector<FrameHash>* reference,
                 std::vector<FrameHash>& results) {
  const size_t distinct = frames.size();
  if (!reference) results.assign(distinct, FrameHash{});
  std::vector<std::unique_ptr<Hasher>> hashers;
  for (int t = 0; t < threads; ++t) hashers.push_back(makeBenchHasher(backend));
  std::atomic<int64_t> next{0}, bad{0}, hashed{0};
  const Stopwatch wall;
  runOnThreads(threads, [&](int t) {
    std::vector<ImageView> views(static_cast<size_t>(batch));
    std::vector<FrameHash> out(static_cast<size_t>(batch));
    for (int64_t start; (start = next.fetch_add(batch)) < count;) {
      const int64_t n = std::min<int64_t>(batch, count - start);
      for (int64_t k = 0; k < n; ++k) views[k] = frames[(start + k) % distinct].view();
      hashers[static_cast<size_t>(t)]->hash(std::span(views.data(), n), req,
                                            std::span(out.data(), n));
      hashed += n;
      for (int64_t k = 0; k < n; ++k) {
        const size_t slot = static_cast<size_t>(start + k) % distinct;
        if (reference) {
          bad += !sameHashes((*reference)[slot], out[k], req);
        } else if (start + k < static_cast<int64_t>(distinct)) {
          results[slot] = out[k];  // the oracle pass: each distinct frame exactly once
        }
      }
    }
  });
  PoolRun run;
  run.seconds = wall.seconds();
  run.hashed = hashed;
  run.mismatches = bad;
  return run;
}

std::string variantOf(const HashRequest& req) {
  std::string v = req.dihedral ? "pdq8" : req.pdq ? "pdq" : "";
  if (req.phash) v += v.empty() ? "phash" : "+phash";
  return v;
}

}  // namespace

std::vector<WorkloadResult> runKernel(const BenchConfig& cfg, const FramePool& pool) {
  struct Config {
    Device backend;
    int threads, batch;
    HashRequest req;
    bool peerBaseline = false;
  };
  std::vector<Config> configs;
  for (Device b : cfg.devices)
    for (int t : cfg.threads)
      for (int batch : cfg.batchSizes) configs.push_back({b, t, batch, cfg.request, false});
  if (cfg.peers) {
    // pdqhash computes PDQ alone, one frame per call, on one thread: measure that too.
    HashRequest pdqOnly;
    pdqOnly.phash = false;
    configs.push_back({Device::Cpu, 1, 1, pdqOnly, true});
  }
  // One oracle per request: the CPU backend, one thread, each distinct frame once, untimed.
  std::vector<std::pair<HashRequest, std::vector<FrameHash>>> oracles;
  auto oracleFor = [&](const HashRequest& req) -> const std::vector<FrameHash>& {
    for (auto& [r, hashes] : oracles)
      if (r.pdq == req.pdq && r.dihedral == req.dihedral && r.phash == req.phash) return hashes;
    std::vector<FrameHash> hashes;
    hashPool(pool.frames, static_cast<int64_t>(pool.frames.size()), Device::Cpu, 1, 1, req, nullptr,
             hashes);
    oracles.emplace_back(req, std::move(hashes));
    return oracles.back().second;
  };

  std::vector<WorkloadResult> out;
  for (const Config& c : configs) {
    WorkloadResult r;
    r.workload = "kernel";
    r.backend = deviceName(c.backend);
    r.variant = variantOf(c.req);
    r.threads = c.threads;
    r.batchSize = c.batch;
    r.peerBaseline = c.peerBaseline;
    if (const std::string why = unavailableReason(c.backend); !why.empty()) {
      r.status = why;
      out.push_back(r);
      continue;
    }
    out.push_back(runRecord(r, [&](WorkloadResult& rec) {
      const std::vector<FrameHash>& oracle = oracleFor(c.req);
      std::vector<FrameHash> scratch;
      rec.seconds = measure(
          cfg.method,
          [&] {
            const PoolRun run = hashPool(pool.frames, pool.count, c.backend, c.threads, c.batch,
                                         c.req, &oracle, scratch);
            checkEqual<int64_t>("frames hashed", pool.count, run.hashed);
            checkEqual<int64_t>("frames whose hashes differ from the CPU backend's", 0,
                                run.mismatches);
            return run.seconds;
          },
          &rec.cpuSeconds);
      rec.counts.frames = pool.count;
      rec.counts.pixels = pool.pixelsPerRun();
      rec.stageShares = {{"hash", 1.0}};
      rec.check = "all " + std::to_string(pool.count) +
                  " frames' hashes equal to the CPU backend's (1 thread), counted";
      rec.note =
          pool.source +
          (c.backend == Device::Cuda ? "; frames start in host memory (upload included)" : "");
    }));
  }
  return out;
}

}  // namespace hashsieve::bench
