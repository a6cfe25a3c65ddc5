// scan: the corpus hashed by the pipeline, then every hashed frame matched against a list,
// timed end to end. The list is random entries plus neighbours planted near a quarter of the
// corpus's frames, so real matches occur; the count is checked against a brute-force recount.
#include <string>
#include <vector>

#include "host/benchmark/backends.hpp"
#include "host/benchmark/corpus_hashing.hpp"
#include "host/benchmark/match_data.hpp"
#include "host/benchmark/workloads.hpp"
#include "host/match/list_builder.hpp"

namespace hashsieve::bench {
namespace {

/// PDQ hashes below this quality are not matched (ALGORITHMS.md, thresholds).
constexpr int kMinMatchQuality = 50;

/// Every hashed frame of quality >= kMinMatchQuality, in record order, as an orig-only query.
std::vector<MatchQuery> queriesOf(const std::vector<RecordDigest>& records) {
  std::vector<MatchQuery> out;
  auto add = [&out](const Hash256& h, int quality) {
    if (quality < kMinMatchQuality) return;
    MatchQuery q;
    q.variants[0] = h;
    out.push_back(q);
  };
  for (const RecordDigest& r : records) {
    if (r.kind == pipeline::RecordKind::Error) continue;
    if (r.frames.empty()) {
      add(r.pdq, r.quality);
    } else {
      for (const pipeline::FrameRecord& f : r.frames) add(f.pdq, f.quality);
    }
  }
  return out;
}

struct ScanList {
  std::optional<HashList> list;
  std::vector<std::vector<Match>> recount;  // per query
  int64_t expected = 0;
};

ScanList makeScanList(const BenchConfig& cfg, const std::vector<MatchQuery>& queries) {
  PlantedHashSet random = makePlantedHashSet(cfg.listSize, 0, 1, cfg.threshold, 0, cfg.seed + 1);
  uint64_t rng = cfg.seed * 31 + 7;
  for (size_t q = 0; q < queries.size() && q * 4 < random.list.size(); q += 4) {
    const int d = static_cast<int>(splitmix64(rng) % static_cast<uint64_t>(cfg.threshold + 1));
    random.list[q * 4] = flipBits(queries[q].variants[0], d, rng);
  }
  ListBuilder builder(HashType::Pdq);
  for (const Hash256& h : random.list) builder.add(h, -1, {});
  ListLoadOptions load;
  load.verifyChecksum = false;
  ScanList s;
  s.list.emplace(HashList::fromImage(builder.build(), load));
  s.recount = bruteForce(*s.list, queries, cfg.threshold);
  for (const auto& m : s.recount) s.expected += static_cast<int64_t>(m.size());
  return s;
}

}  // namespace

std::vector<WorkloadResult> runScan(const BenchConfig& cfg, std::vector<RecordDigest>& reference) {
  std::vector<WorkloadResult> out;
  WorkloadResult base;
  base.workload = "scan";
  base.variant = "hash+match";
  if (!cfg.corpus) {
    base.backend = "any";
    base.status = "skipped: needs --corpus";
    out.push_back(base);
    return out;
  }
  std::vector<MatchQuery> queries;
  std::optional<ScanList> scanList;
  for (BackendKind backend : cfg.backends) {
    for (int threads : cfg.threads) {
      WorkloadResult r = base;
      r.backend = backendName(backend);
      r.threads = threads;
      r.batchSize = backend == BackendKind::Cuda ? cfg.batchSizes.back() : 1;
      if (const std::string why = unavailableReason(backend); !why.empty()) {
        r.status = why;
        out.push_back(r);
        continue;
      }
      out.push_back(runRecord(r, [&](WorkloadResult& rec) {
        if (!scanList) {
          if (reference.empty()) reference = hashCorpus(cfg, BackendKind::Cpu, 1, 0).records;
          queries = queriesOf(reference);
          scanList.emplace(makeScanList(cfg, queries));
        }
        const std::unique_ptr<Matcher> matcher = makeBenchMatcher(backend, *scanList->list, threads);
        CorpusHashRun last;
        double matchSeconds = 0.0;
        rec.seconds = measure(cfg.method, [&] {
          const Stopwatch sw;
          last = hashCorpus(cfg, backend, threads, backend == BackendKind::Cuda ? rec.batchSize : 0);
          const Stopwatch matchWatch;
          const std::vector<Match> got = matcher->range(queriesOf(last.records), cfg.threshold);
          matchSeconds = matchWatch.seconds();
          const double s = sw.seconds();
          checkAgainst(reference, last, "the CPU backend's (1 thread)");
          checkEqual<int64_t>("matches vs the brute-force recount", scanList->expected,
                              static_cast<int64_t>(got.size()));
          size_t i = 0;
          for (size_t q = 0; q < scanList->recount.size(); ++q) {
            for (const Match& m : scanList->recount[q]) {
              if (i >= got.size() || got[i] != m) throw CheckError("scan matches differ from the recount");
              ++i;
            }
          }
          return s;
        }, &rec.cpuSeconds);
        rec.counts = countsOf(last, *cfg.corpus);
        rec.counts.comparisons = static_cast<double>(queries.size()) * scanList->list->size();
        rec.counts.matches = scanList->expected;
        const double hashWall = last.seconds;
        const double total = hashWall + matchSeconds;
        rec.stageShares = stageSharesOf(last, threads, backend == BackendKind::Cuda);
        for (auto& [name, share] : rec.stageShares) share *= hashWall / total;
        rec.stageShares.emplace_back("match", matchSeconds / total);
        rec.check = "records equal to the CPU backend's; all " + std::to_string(scanList->expected) +
                    " matches equal to a brute-force recount of every query";
        rec.note = "pipeline scan not available: hash then match; " + std::to_string(queries.size()) +
                   " frames of quality >= 50 x list " + std::to_string(scanList->list->size()) +
                   "; stage shares from the last timed run";
      }));
    }
  }
  return out;
}

}  // namespace hashsieve::bench
