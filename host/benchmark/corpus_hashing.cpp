// Runs the hashing pipeline over a corpus for the hash and scan workloads.
#include "host/benchmark/corpus_hashing.hpp"

#include <algorithm>

#include "host/benchmark/backends.hpp"
#include "host/pipeline/pipeline.hpp"

namespace hashsieve::bench {

CorpusHashRun hashCorpus(const BenchConfig& cfg, BackendKind backend, int threads, int batch) {
  pipeline::PipelineOptions opts;
  opts.roots.reserve(cfg.corpus->files.size());
  for (const CorpusFile& f : cfg.corpus->files) opts.roots.push_back(f.path.string());
  opts.media = cfg.media;
  opts.request = cfg.request;
  opts.threads = threads;
  opts.decode = media::decodeFile;
  opts.makeHasher = [backend] { return makeBenchHasher(backend); };
  opts.batched = batch > 0;
  if (batch > 0) opts.batcher.batchFrames = static_cast<size_t>(batch);
  opts.backgroundCount = false;  // no progress line to feed; a second walk would be noise

  CorpusHashRun run;
  run.records.reserve(cfg.corpus->files.size());
  pipeline::LiveCounters live;
  const Stopwatch wall;
  run.stats = pipeline::runPipeline(
      opts,
      [&run](const pipeline::Record& r) {
        RecordDigest d;
        d.kind = r.kind;
        d.error = r.error;
        d.pdq = r.pdq;
        d.quality = r.pdqQuality;
        d.phash = r.phash;
        d.frames = r.frames;
        const double frames = r.kind == pipeline::RecordKind::Error ? 0.0
                              : r.frames.empty()                    ? 1.0
                                                                    : static_cast<double>(r.frames.size());
        run.pixels += frames * r.width * r.height;
        run.records.push_back(std::move(d));
      },
      live);
  run.seconds = wall.seconds();
  return run;
}

void checkAgainst(const std::vector<RecordDigest>& reference, const CorpusHashRun& run,
                  const std::string& what) {
  checkEqual<size_t>("records", reference.size(), run.records.size());
  int64_t differ = 0;
  for (size_t i = 0; i < reference.size(); ++i) differ += !(reference[i] == run.records[i]);
  checkEqual<int64_t>("records whose hashes or error differ from " + what, 0, differ);
}

Counts countsOf(const CorpusHashRun& run, const Corpus& corpus) {
  Counts c;
  c.files = static_cast<int64_t>(run.records.size());
  c.failedFiles = static_cast<int64_t>(run.stats.errors);
  c.frames = static_cast<int64_t>(run.stats.frames);
  c.pixels = run.pixels;
  c.bytes = corpus.totalBytes;
  return c;
}

std::vector<std::pair<std::string, double>> stageSharesOf(const CorpusHashRun& run, int threads,
                                                          bool batched) {
  const double workerWall = run.seconds * threads;
  if (workerWall <= 0) return {};
  const pipeline::RunStats& s = run.stats;
  std::vector<std::pair<std::string, double>> shares = {{"read", s.readSeconds / run.seconds},
                                                        {"decode", s.decodeSeconds / workerWall}};
  // Batched: one hasher thread beside the workers, so its share is of wall time alone.
  shares.emplace_back(batched ? "hash(thread)" : "hash",
                      s.hashSeconds / (batched ? run.seconds : workerWall));
  shares.emplace_back("write", s.writeSeconds / run.seconds);
  return shares;
}

}  // namespace hashsieve::bench
