// decode: FFmpeg/media-layer decoding alone (digests included, as decodeFile computes them),
// files shared out to N threads. Frames are counted, never copied or kept.
#include <atomic>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/selfbench/parallel.hpp"
#include "host/selfbench/process_stats.hpp"
#include "host/selfbench/workloads.hpp"

namespace hashsieve::bench {
namespace {

/// What one file gave: frames emitted, or the reason it was refused.
struct FileOutcome {
  int64_t frames = -1;
  double pixels = 0.0;
  std::string error;
  bool operator==(const FileOutcome& o) const { return frames == o.frames && error == o.error; }
};

struct DecodeRun {
  std::vector<FileOutcome> outcomes;
  double seconds = 0.0;
  double busySeconds = 0.0;  // summed over threads
};

DecodeRun decodeAll(const Corpus& corpus, const media::Options& opts, int threads) {
  DecodeRun run;
  run.outcomes.resize(corpus.files.size());
  std::atomic<size_t> next{0};
  std::vector<double> busy(static_cast<size_t>(threads), 0.0);
  const Stopwatch wall;
  runOnThreads(threads, [&](int t) {
    for (size_t i; (i = next.fetch_add(1)) < corpus.files.size();) {
      const Stopwatch sw;
      FileOutcome& o = run.outcomes[i];
      o.frames = 0;
      try {
        media::decodeFile(corpus.files[i].path, opts,
                          [&o](const ImageView& f, const media::FrameInfo&) {
                            ++o.frames;
                            o.pixels += static_cast<double>(f.width) * f.height;
                          });
      } catch (const InputError& e) {
        o.error = e.reason();
      }
      busy[static_cast<size_t>(t)] += sw.seconds();
    }
  });
  run.seconds = wall.seconds();
  for (double b : busy) run.busySeconds += b;
  return run;
}

}  // namespace

std::vector<WorkloadResult> runDecode(const BenchConfig& cfg) {
  std::vector<WorkloadResult> out;
  WorkloadResult base;
  base.workload = "decode";
  base.backend = "cpu";
  base.variant = "media";
  if (!cfg.corpus) {
    base.status = "skipped: needs --corpus";
    out.push_back(base);
    return out;
  }
  // The first run of all establishes each file's outcome; every later run, at any thread
  // count, must reproduce it exactly (same frames per file, same refusals).
  std::vector<FileOutcome> reference;
  for (int threads : cfg.threads) {
    WorkloadResult r = base;
    r.threads = threads;
    out.push_back(runRecord(r, [&](WorkloadResult& rec) {
      double busy = 0.0;
      rec.seconds = measure(
          cfg.method,
          [&] {
            DecodeRun run = decodeAll(*cfg.corpus, cfg.media, threads);
            if (reference.empty()) reference = run.outcomes;
            int64_t mismatched = 0;
            for (size_t i = 0; i < reference.size(); ++i)
              mismatched += !(run.outcomes[i] == reference[i]);
            checkEqual<int64_t>("files whose frame count or refusal changed between runs", 0,
                                mismatched);
            Counts c;
            for (const FileOutcome& o : run.outcomes) {
              ++c.files;
              if (!o.error.empty()) ++c.failedFiles;
              c.frames += o.frames > 0 ? o.frames : 0;
              c.pixels += o.pixels;
            }
            c.bytes = cfg.corpus->totalBytes;
            checkEqual<int64_t>("files attempted", static_cast<int64_t>(cfg.corpus->files.size()),
                                c.files);
            rec.counts = c;
            busy = run.busySeconds / (run.seconds * threads);
            return run.seconds;
          },
          &rec.cpuSeconds);
      rec.stageShares = {{"decode", busy}, {"idle", 1.0 - busy}};
      rec.check = "every file's frame count and refusal reason identical to the first run";
    }));
  }
  return out;
}

}  // namespace hashsieve::bench
