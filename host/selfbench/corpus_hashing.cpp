// Runs the hashing pipeline over a corpus for the hash and scan workloads.
#include "host/selfbench/corpus_hashing.hpp"

#include <algorithm>

#include "host/selfbench/backends.hpp"

namespace hashsieve::bench {

pipeline::PipelineOptions corpusPipeline(const BenchConfig& cfg, Device backend, int threads,
                                         int batch) {
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
  return opts;
}

RecordDigest digestOf(const pipeline::Record& r) {
  RecordDigest d;
  d.kind = r.kind;
  d.error = r.error;
  d.pdq = r.pdq;
  d.quality = r.pdqQuality;
  d.phash = r.phash;
  d.frames = r.frames;
  return d;
}

double pixelsOf(const pipeline::Record& r) {
  const double frames = r.kind == pipeline::RecordKind::Error ? 0.0
                        : r.frames.empty()                    ? 1.0
                                           : static_cast<double>(r.frames.size());
  return frames * r.width * r.height;
}

CorpusHashRun hashCorpus(const BenchConfig& cfg, Device backend, int threads, int batch) {
  const pipeline::PipelineOptions opts = corpusPipeline(cfg, backend, threads, batch);
  CorpusHashRun run;
  run.records.reserve(cfg.corpus->files.size());
  pipeline::LiveCounters live;
  const Stopwatch wall;
  run.stats = pipeline::runPipeline(
      opts,
      [&run](const pipeline::Record& r) {
        run.pixels += pixelsOf(r);
        run.records.push_back(digestOf(r));
      },
      live);
  run.seconds = wall.seconds();
  return run;
}

namespace {

/// What differs between two digests of one file, for the check's message.
std::string describeDifference(const RecordDigest& a, const RecordDigest& b) {
  if (a.kind != b.kind || a.error != b.error)
    return "kind or error (\"" + a.error + "\" vs \"" + b.error + "\")";
  if (a.frames.size() != b.frames.size()) {
    return std::to_string(a.frames.size()) + " vs " + std::to_string(b.frames.size()) + " frames";
  }
  for (size_t f = 0; f < a.frames.size(); ++f) {
    if (a.frames[f] == b.frames[f]) continue;
    return "frame " + std::to_string(f) + " PDQ " +
           std::to_string(hamming(a.frames[f].pdq, b.frames[f].pdq)) + " bits apart, pHash " +
           std::to_string(hamming(a.frames[f].phash, b.frames[f].phash)) + " bits";
  }
  return "PDQ " + std::to_string(hamming(a.pdq, b.pdq)) + " bits apart (quality " +
         std::to_string(a.quality) + " vs " + std::to_string(b.quality) + "), pHash " +
         std::to_string(hamming(a.phash, b.phash)) + " bits";
}

}  // namespace

void checkRecords(const std::vector<RecordDigest>& reference,
                  const std::vector<RecordDigest>& records, const Corpus& corpus,
                  const std::string& what) {
  checkEqual<size_t>("records", reference.size(), records.size());
  int64_t differ = 0;
  std::string first;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i] == records[i]) continue;
    if (differ++ == 0)
      first = corpus.files[i].path.string() + ": " + describeDifference(reference[i], records[i]);
  }
  if (differ > 0) {
    throw CheckError(std::to_string(differ) + " records differ from " + what + "; first " + first);
  }
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
