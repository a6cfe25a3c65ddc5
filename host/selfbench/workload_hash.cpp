// hash: decode + hash through the real pipeline (`hashsieve hash` minus output formatting),
// CPU inline in each worker, CUDA batched; every run checked against the CPU's records.
#include <string>
#include <vector>

#include "host/selfbench/backends.hpp"
#include "host/selfbench/corpus_hashing.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

std::vector<WorkloadResult> runHash(const BenchConfig& cfg, std::vector<RecordDigest>& reference) {
  std::vector<WorkloadResult> out;
  WorkloadResult base;
  base.workload = "hash";
  base.variant = cfg.request.dihedral ? "pdq8+phash" : "pdq+phash";
  if (!cfg.corpus) {
    base.backend = "any";
    base.status = "skipped: needs --corpus";
    out.push_back(base);
    return out;
  }
  // The oracle: the CPU backend on one thread, untimed. Every timed run, whatever its backend,
  // thread count or batch size, must give the same record for every file.
  auto ensureReference = [&] {
    if (reference.empty()) reference = hashCorpus(cfg, Device::Cpu, 1, 0).records;
  };
  for (Device backend : cfg.devices) {
    const bool batched = backend == Device::Cuda;
    // The CPU hashes inline (no batches), so a batch sweep means nothing there.
    const std::vector<int> batches = batched ? cfg.batchSizes : std::vector<int>{1};
    for (int threads : cfg.threads) {
      for (int batch : batches) {
        WorkloadResult r = base;
        r.backend = deviceName(backend);
        r.threads = threads;
        r.batchSize = batch;
        if (const std::string why = unavailableReason(backend); !why.empty()) {
          r.status = why;
          out.push_back(r);
          continue;
        }
        out.push_back(runRecord(r, [&](WorkloadResult& rec) {
          // The oracle's own configuration lets its (untimed) warm-up run be the reference.
          const bool isOracle = backend == Device::Cpu && threads == 1 && cfg.method.warmup > 0;
          if (!isOracle) ensureReference();
          CorpusHashRun last;
          rec.seconds = measure(
              cfg.method,
              [&] {
                last = hashCorpus(cfg, backend, threads, batched ? batch : 0);
                if (reference.empty()) {
                  reference = last.records;  // first warm-up run of the oracle configuration
                } else {
                  checkRecords(reference, last.records, *cfg.corpus,
                               "the CPU backend's (1 thread)");
                }
                return last.seconds;
              },
              &rec.cpuSeconds);
          rec.counts = countsOf(last, *cfg.corpus);
          rec.stageShares = stageSharesOf(last, threads, batched);
          rec.check =
              "every file's record (PDQ, quality, pHash, video frames, refusal) equal to "
              "the CPU backend's on 1 thread";
          rec.note = "stage shares from the last timed run";
        }));
      }
    }
  }
  return out;
}

}  // namespace hashsieve::bench
