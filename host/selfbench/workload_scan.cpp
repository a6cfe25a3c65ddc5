// scan: `hashsieve scan` end to end minus output formatting: the pipeline hashes the corpus with
// dihedral variants and the scan stage (its own thread) matches the records in batches against
// a list. The list is random entries plus neighbours planted near a quarter of the corpus's
// frames, so real matches occur. The first run's matches are recounted by brute force; every
// later run must reproduce them and the CPU reference's hashes.
#include <bit>
#include <optional>
#include <string>
#include <vector>

#include "host/match/list_builder.hpp"
#include "host/match/query_records.hpp"
#include "host/scan/scan_matcher.hpp"
#include "host/scan/scan_stage.hpp"
#include "host/selfbench/backends.hpp"
#include "host/selfbench/corpus_hashing.hpp"
#include "host/selfbench/match_data.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {
namespace {

/// Every 4th frame hash of the reference (quality >= the scan's floor) gets a neighbour planted
/// in the list, at a distance <= threshold.
HashList makeScanList(const BenchConfig& cfg, const std::vector<RecordDigest>& reference) {
  std::vector<Hash256> planted;
  auto add = [&](const Hash256& h, int quality) {
    if (quality >= scan::kDefaultMinQuality) planted.push_back(h);
  };
  for (const RecordDigest& r : reference) {
    if (r.kind == pipeline::RecordKind::Error) continue;
    if (r.frames.empty()) add(r.pdq, r.quality);
    for (const pipeline::FrameRecord& f : r.frames) add(f.pdq, f.quality);
  }
  PlantedHashSet random = makePlantedHashSet(cfg.listSize, 0, 1, cfg.threshold, 0, cfg.seed + 1);
  uint64_t rng = cfg.seed * 31 + 7;
  for (size_t q = 0; q < planted.size() && q < random.list.size(); q += 4) {
    const int d = static_cast<int>(splitmix64(rng) % static_cast<uint64_t>(cfg.threshold + 1));
    random.list[q] = flipBits(planted[q], d, rng);
  }
  ListBuilder builder(HashType::Pdq);
  for (const Hash256& h : random.list) builder.add(h, -1, {});
  ListLoadOptions load;
  load.verifyChecksum = false;  // built here, in memory
  return HashList::fromImage(builder.build(), load);
}

/// One frame's matches as the scan reported them (Match::query is meaningless there).
using FrameMatches = std::vector<Match>;

struct ScanRun {
  std::vector<RecordDigest> records;
  std::vector<std::optional<FrameMatches>> frames;  // every query frame; nullopt = skipped
  std::vector<MatchQuery> queries;                  // of the frames not skipped, in order
  int64_t matches = 0;
  double pixels = 0.0;
  pipeline::RunStats stats;
  scan::ScanStats scanStats;
  double seconds = 0.0;
};

ScanRun scanCorpus(const BenchConfig& cfg, Device backend, int threads, int batch,
                   scan::ScanMatcher& matcher, bool keepQueries) {
  pipeline::PipelineOptions opts = corpusPipeline(cfg, backend, threads, batch);
  opts.request.dihedral = true;  // scan matches images with all eight variants
  ScanRun run;
  const Stopwatch wall;
  scan::ScanStage stage(matcher, [&](const pipeline::Record& r, scan::ScanResult&& res) {
    run.records.push_back(digestOf(r));
    run.pixels += pixelsOf(r);
    for (size_t f = 0; f < res.frames.size(); ++f) {
      if (res.frames[f].skip) {
        run.frames.emplace_back();
        continue;
      }
      FrameMatches m = std::move(res.frames[f].matches);
      for (Match& x : m) x.query = 0;
      run.matches += static_cast<int64_t>(m.size());
      run.frames.emplace_back(std::move(m));
      if (keepQueries) run.queries.push_back(toMatchQuery(res.query.frames[f], /*dihedral=*/true));
    }
  });
  pipeline::LiveCounters live;
  run.stats = pipeline::runPipeline(
      opts, [&stage](const pipeline::Record& r) { stage.push(r); }, live);
  run.scanStats = stage.finish();
  run.seconds = wall.seconds();
  return run;
}

/// Brute-force recount of every matched frame of `run` (the scan's own queries).
void recount(const HashList& list, const ScanRun& run, int threshold) {
  size_t q = 0;
  for (const auto& frame : run.frames) {
    if (!frame) continue;
    const std::vector<Match> expect =
        bruteForce(list, std::span(&run.queries[q++], 1), threshold)[0];
    if (*frame != expect) {
      throw CheckError("scan frame " + std::to_string(q - 1) + ": " +
                       std::to_string(frame->size()) + " matches, brute force finds " +
                       std::to_string(expect.size()));
    }
  }
}

}  // namespace

std::vector<WorkloadResult> runScan(const BenchConfig& cfg, std::vector<RecordDigest>& reference) {
  std::vector<WorkloadResult> out;
  WorkloadResult base;
  base.workload = "scan";
  base.variant = "hash8+match";
  if (!cfg.corpus) {
    base.backend = "any";
    base.status = "skipped: needs --corpus";
    out.push_back(base);
    return out;
  }
  std::optional<HashList> list;
  std::optional<ScanRun> first;  // the recounted run every later one must equal
  for (Device backend : cfg.devices) {
    for (int threads : cfg.threads) {
      WorkloadResult r = base;
      r.backend = deviceName(backend);
      r.threads = threads;
      const bool batched = backend == Device::Cuda;
      r.batchSize = batched ? cfg.batchSizes.back() : 1;
      if (const std::string why = unavailableReason(backend); !why.empty()) {
        r.status = why;
        out.push_back(r);
        continue;
      }
      out.push_back(runRecord(r, [&](WorkloadResult& rec) {
        if (reference.empty()) reference = hashCorpus(cfg, Device::Cpu, 1, 0).records;
        if (!list) list.emplace(makeScanList(cfg, reference));
        const std::unique_ptr<Matcher> matcher = makeBenchMatcher(backend, *list, threads);
        scan::ScanSettings settings;
        settings.threshold = cfg.threshold;
        scan::ScanMatcher scanMatcher(*list, *matcher, settings);
        ScanRun last;
        rec.seconds = measure(
            cfg.method,
            [&] {
              last = scanCorpus(cfg, backend, threads, batched ? rec.batchSize : 0, scanMatcher,
                                !first);
              checkRecords(reference, last.records, *cfg.corpus, "the CPU backend's (1 thread)");
              if (!first) {
                recount(*list, last, cfg.threshold);
                first = std::move(last);
                last = *first;
              } else if (last.frames != first->frames) {
                throw CheckError("scan matches differ from the recounted first run");
              }
              return last.seconds;
            },
            &rec.cpuSeconds);
        rec.counts.files = static_cast<int64_t>(last.records.size());
        rec.counts.failedFiles = static_cast<int64_t>(last.stats.errors);
        rec.counts.frames = static_cast<int64_t>(last.stats.frames);
        rec.counts.pixels = last.pixels;
        rec.counts.bytes = cfg.corpus->totalBytes;
        rec.counts.matches = last.matches;
        double rows = 0;  // query variants compared with every list entry
        for (const MatchQuery& q : first->queries) rows += std::popcount(q.variantMask);
        rec.counts.comparisons = rows * static_cast<double>(list->size());
        rec.stageShares = {
            {"decode", last.stats.decodeSeconds / (last.seconds * threads)},
            {batched ? "hash(thread)" : "hash",
             last.stats.hashSeconds / (batched ? last.seconds : last.seconds * threads)},
            {"match(thread)", last.scanStats.matchSeconds / last.seconds}};
        rec.check = "records equal to the CPU backend's; the first run's " +
                    std::to_string(first->matches) + " matches of " +
                    std::to_string(first->queries.size()) +
                    " frames recounted by brute force (all 8 variants), later runs equal to it";
        rec.note = "pipeline + scan stage (" + matcher->name() + "), output not formatted; list " +
                   std::to_string(list->size()) +
                   " entries; a comparison is one query variant against one entry; stage shares "
                   "from the last timed run";
      }));
    }
  }
  return out;
}

}  // namespace hashsieve::bench
