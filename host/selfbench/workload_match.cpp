// match: Q queries x M list entries, range search at the PDQ threshold, without and with the
// dihedral variants, on each matcher backend; every run's matches checked.
#include <string>
#include <vector>

#include "host/selfbench/backends.hpp"
#include "host/selfbench/match_data.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {

std::vector<WorkloadResult> runMatch(const BenchConfig& cfg, const MatchData& data) {
  std::vector<WorkloadResult> out;
  for (Device backend : cfg.devices) {
    for (const MatchMode* mode : {&data.plain, &data.dihedral}) {
      for (int threads : cfg.threads) {
        WorkloadResult r;
        r.workload = "match";
        r.backend = deviceName(backend);
        r.variant = mode->dihedral ? "dihedral" : "orig";
        r.threads = threads;
        r.batchSize = static_cast<int>(mode->queries.size());
        if (const std::string why = unavailableReason(backend); !why.empty()) {
          r.status = why;
          out.push_back(r);
          continue;
        }
        out.push_back(runRecord(r, [&](WorkloadResult& rec) {
          const std::unique_ptr<Matcher> matcher = makeBenchMatcher(backend, *data.list, threads);
          rec.seconds = measure(
              cfg.method,
              [&] {
                const Stopwatch sw;
                const std::vector<Match> got = matcher->range(mode->queries, data.set.threshold);
                const double s = sw.seconds();
                checkMatches(*mode, got);
                return s;
              },
              &rec.cpuSeconds);
          rec.counts.comparisons = mode->comparisonsPerRun;
          rec.counts.matches = mode->expected;
          rec.stageShares = {{"scan", 1.0}};
          rec.check = std::to_string(mode->expected) +
                      " matches (planted by construction) and the first " +
                      std::to_string(mode->recount.size()) +
                      " queries' matches equal to a brute-force scalar recount";
          rec.note = matcher->name() + "; list " + std::to_string(data.list->size()) + " x " +
                     std::to_string(mode->queries.size()) + " queries, threshold " +
                     std::to_string(data.set.threshold);
        }));
      }
    }
  }
  return out;
}

}  // namespace hashsieve::bench
