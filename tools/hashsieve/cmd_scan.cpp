// `hashsieve scan PATH... --list LIST.hsl`: hash and match in one streaming pass. The bulk
// pipeline hashes (with dihedral variants), a scan stage matches its records in batches and
// writes each one with its matches, in input order.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/matcher_factory.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/files_from.hpp"
#include "host/pipeline/journal.hpp"
#include "host/pipeline/output_stream.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/progress.hpp"
#include "host/scan/scan_csv.hpp"
#include "host/scan/scan_record.hpp"
#include "host/scan/scan_stage.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;
using Clock = std::chrono::steady_clock;

struct ScanArgs {
  std::vector<std::string> paths;
  std::string list;
  int threshold = -1;
  bool thresholdGiven = false;
  int minQuality = scan::kDefaultMinQuality;
  int topK = 0;
  size_t degenerate = kDegenerateMatches;
  std::string format = "jsonl";
  std::string output = "-";
  int threads = 0;
  std::string device = "auto";
  double videoFps = 1.0;
  bool allFrames = false;
  bool applyOrientation = false;
  media::Limits limits;
  bool followSymlinks = false;
  std::string filesFrom;
  bool nul = false;
  std::string journal;
  std::string statsJson;
  bool quiet = false;
  bool verify = true;
  int batchFrames = 64;
  std::string audit;  // --audit FILE; default OUTPUT.audit.json beside a file output
};

constexpr const char* kScanFooter =
    R"(Each input gets one record, in input order, byte-identical whatever --threads is: the
record `hashsieve hash --dihedral` writes, plus "matches" (possibly []), each
{transform, distance, list_id, [list_ids], list_hash}, with "frame" and "t" for video frames.
Images are matched with all eight dihedral variants (transform says which one matched: orig,
rot90, rot180, rot270, flipx, flipy, flipp, flipm); video frames as they are. A match is
distance <= --threshold (inclusive). Images and frames of PDQ quality below --min-quality are
not matched ("skipped": "low quality"; "skipped_frames": n for videos). More than
--degenerate-matches matches for one hash adds a "warnings" entry; all matches are reported.
Errors are records ({"path","error","detail"}) as in `hashsieve hash`, and the run goes on.
--format csv: one row per (hash, list id) match, one per list video matched, one for a file
with neither (its hashes, or its error).

Videos against a list with video frames (built from vPDQ frame files or `hashsieve hash`
video records) also get "video_matches": per list video with a matched frame, the vPDQ
percentages as python-threatexchange computes them: on each side frames of quality below
--min-quality (default 50) are dropped, then exact-duplicate frame hashes deduped; a frame
matches when a frame of the other side is within distance <= --threshold (default 31,
inclusive; the C++ vPDQ matcher's strict < and missing dedupe are not used);
query_match_percent = matched query frames / query frames, compared_match_percent = matched
list-video frames / list-video frames (x 100). Not computed with --top-k.

--journal resumes as in `hashsieve hash`: it keeps hash records (not matches), so a rerun
matches every record against the list given then.

Privacy: decoded pixels stay in memory; no temporary files, no network.

Exit status: 0 every input hashed, 1 some inputs failed (error records written),
2 usage error, 3 fatal error (output, journal or stats file not writable, bad list).)";

int defaultThreads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

/// Everything that changes a journalled record (the list does not: matches are not journalled).
std::string journalFingerprint(const ScanArgs& a) {
  std::ostringstream s;
  s.precision(17);
  s << "hashsieve scan " << HASHSIEVE_VERSION << "; dihedral=1; video_fps=" << a.videoFps
    << "; all_frames=" << a.allFrames << "; apply_orientation=" << a.applyOrientation
    << "; max_pixels=" << a.limits.maxPixels << "; max_file_bytes=" << a.limits.maxFileBytes
    << "; max_video_seconds=" << a.limits.maxVideoSeconds << "; timeout=" << a.limits.timeoutSeconds
    << "; follow_symlinks=" << a.followSymlinks;
  return s.str();
}

/// The CPU hasher runs inline in the decode workers; any other backend is one shared instance
/// fed batches (as in `hashsieve hash`).
void chooseHasher(const std::string& device, pl::PipelineOptions& opts) {
  std::unique_ptr<Hasher> probe = makeHasher(parseBackend(device));
  if (probe->name() == "cpu") {
    opts.makeHasher = [] { return makeHasher(Backend::Cpu); };
    return;
  }
  auto shared = std::make_shared<std::unique_ptr<Hasher>>(std::move(probe));
  opts.makeHasher = [shared] { return std::move(*shared); };
  opts.batched = true;
}

std::string scanStatsJson(const pl::RunStats& run, const scan::ScanStats& s, const ScanArgs& a,
                          const HashList& list, const std::string& matcherName,
                          double loadSeconds) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(pl::statsJson(run));
  nlohmann::ordered_json m;
  m["list"] = a.list;
  m["list_type"] = hashTypeName(list.type());
  m["list_entries"] = list.size();
  m["list_videos"] = list.videoCount();
  m["list_load_seconds"] = loadSeconds;
  m["matcher"] = matcherName;
  m["records"] = s.records;
  m["query_frames"] = s.queryFrames;
  m["matches"] = s.matches;
  m["records_with_matches"] = s.recordsWithMatches;
  m["match_batches"] = s.batches;
  m["match_seconds"] = s.matchSeconds;
  m["output_seconds"] = s.emitSeconds;
  j["scan"] = std::move(m);
  return j.dump(2) + "\n";
}

int runScan(ScanArgs a) {
  if (a.paths.empty() && a.filesFrom.empty())
    throw UsageError("scan: give files or directories, or --files-from FILE");
  if (a.nul && a.filesFrom.empty()) throw UsageError("-0 only applies to --files-from");
  if (a.format != "jsonl" && a.format != "csv")
    throw UsageError("scan writes --format jsonl or csv, not " + a.format);
  const bool csv = a.format == "csv";
  const auto started = std::chrono::system_clock::now();

  const auto t0 = Clock::now();
  const HashList list = HashList::open(a.list, {a.verify});
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  scan::ScanSettings settings;
  settings.topK = a.topK;
  settings.minQuality = a.minQuality;
  settings.degenerate = a.degenerate;
  // Range search always has a threshold; top-k applies one only when asked to.
  if (a.thresholdGiven || a.topK == 0)
    settings.threshold = a.thresholdGiven ? a.threshold : defaultThreshold(list.type());
  if (settings.threshold) checkThreshold(*settings.threshold);
  if (a.topK != 0) checkTopK(a.topK);

  pl::PipelineOptions opts;
  opts.roots = a.paths;
  if (!a.filesFrom.empty()) {
    auto listed = pl::readPathList(a.filesFrom, a.nul);
    opts.roots.insert(opts.roots.end(), listed.begin(), listed.end());
  }
  opts.walk.followSymlinks = a.followSymlinks;
  opts.media.limits = a.limits;
  opts.media.applyOrientation = a.applyOrientation;
  opts.media.allFrames = a.allFrames;
  opts.media.videoFps = a.videoFps;
  opts.request.dihedral = true;  // scan matches every image with its eight variants
  opts.threads = a.threads > 0 ? a.threads : defaultThreads();
  opts.decode = media::decodeFile;
  chooseHasher(a.device, opts);
  opts.batcher.batchFrames = static_cast<size_t>(a.batchFrames);

  MatcherOptions matcherOpts;
  matcherOpts.cpu.threads = opts.threads;
  auto matcher = makeMatcher(parseMatchDevice(a.device), list, matcherOpts);
  scan::ScanMatcher scanMatcher(list, *matcher, settings);

  // Everything that can fail for want of a writable place fails now, before any work.
  const auto auditPath = auditPathFor(a.audit, a.output);
  if (auditPath) audit::probeWritable(*auditPath);
  auto out = pl::OutputStream::open(a.output);
  std::unique_ptr<pl::OutputStream> stats;
  if (!a.statsJson.empty()) stats = pl::OutputStream::open(a.statsJson);
  std::optional<pl::Journal> journal;
  if (!a.journal.empty()) {
    journal.emplace(a.journal, journalFingerprint(a));
    opts.journal = &*journal;
  }

  if (csv) out->write(scan::scanCsvHeader());
  std::string rows;
  scan::ScanStage stage(scanMatcher, [&](const pl::Record& r, scan::ScanResult&& res) {
    if (!csv) return out->write(scan::scanRecordLine(std::move(res), scanMatcher));
    rows.clear();
    scan::appendScanCsv(r, res, scanMatcher, rows);
    out->write(rows);
  });
  const pl::RecordSink sink = [&](const pl::Record& r) { stage.push(r); };

  pl::LiveCounters live;
  std::optional<pl::ProgressReporter> progress;
  if (!a.quiet) progress.emplace(live, stderr, ::isatty(STDERR_FILENO) == 1);
  const pl::RunStats result = pl::runPipeline(opts, sink, live);
  const scan::ScanStats scanStats = stage.finish();
  if (progress) progress->stop();
  out->commit();
  if (stats) {
    stats->write(scanStatsJson(result, scanStats, a, list, matcher->name(), loadSeconds));
    stats->commit();
  }
  if (!a.quiet) {
    std::fputs(pl::statsSummary(result).c_str(), stderr);
    std::fprintf(stderr,
                 "scan: list %s (%zu entries, %zu videos, load %.3f s), matcher %s: %llu query "
                 "frames, %llu matches, %llu records with matches, match %.3f s in %llu batches\n",
                 a.list.c_str(), list.size(), list.videoCount(), loadSeconds,
                 matcher->name().c_str(), static_cast<unsigned long long>(scanStats.queryFrames),
                 static_cast<unsigned long long>(scanStats.matches),
                 static_cast<unsigned long long>(scanStats.recordsWithMatches),
                 scanStats.matchSeconds, static_cast<unsigned long long>(scanStats.batches));
  }
  const int status = result.errors > 0 ? 1 : 0;
  if (auditPath) {
    audit::AuditRecord r =
        hashAuditRecord(opts, a.output, result, started, std::chrono::system_clock::now(), status);
    r.command = "scan";
    r.algorithms["matching"] = a.topK > 0 ? "exact top-k (Hamming)" : "exact range (Hamming)";
    r.lists.push_back(listAuditInfo(a.list, list));
    if (list.type() == HashType::Pdq) {
      r.thresholds.pdqDistance = settings.threshold;
      r.thresholds.minQuality = a.minQuality;
    } else {
      r.thresholds.phashDistance = settings.threshold;
    }
    r.settings["top_k"] = a.topK;
    r.settings["checksum_verified"] = a.verify;
    r.counts.matched = static_cast<int64_t>(scanStats.recordsWithMatches);
    audit::writeAuditRecord(r, *auditPath);
  }
  return status;
}

}  // namespace

void addScanCommand(CLI::App& app, int& exitCode) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* c = app.add_subcommand(
      "scan",
      "Hash files and match them against a .hsl list in one pass: one record per input with its "
      "hashes and its matches (vPDQ percentages for videos against a list with videos)");
  c->footer(kScanFooter);
  c->add_option("paths", a->paths, "Files and directories (directories are walked recursively)");
  c->add_option("--list", a->list, "The .hsl list (see `hashsieve list build`)")
      ->required()
      ->check(CLI::ExistingFile);
  CLI::Option* threshold = c->add_option(
      "--threshold", a->threshold,
      "Match when distance <= N (default 31 for PDQ, 10 for pHash; with --top-k: none)");
  c->add_option("--min-quality", a->minQuality,
                "PDQ images and frames below this quality are not matched")
      ->capture_default_str();
  c->add_option("--top-k", a->topK, "Report the K nearest entries per hash instead (K <= 1024)");
  c->add_option("--degenerate-matches", a->degenerate,
                "Warn when one hash matches more list entries than this")
      ->capture_default_str();
  c->add_option("--format", a->format,
                "jsonl (default), or csv: one row per (hash, list id) match, one per list video "
                "matched, one for a file with neither (its hashes, or its error)")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  c->add_option("-o,--output", a->output,
                "Output file (written to a temporary beside it, renamed at the end); - = stdout")
      ->capture_default_str();
  c->add_option("--threads", a->threads, "Decode and CPU matcher threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  c->add_option("--device", a->device,
                "Hashing and matching backend: auto (CUDA when a device is present, else CPU), "
                "cpu, cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  c->add_option("--video-fps", a->videoFps,
                "Video frames hashed per second of media time (vPDQ sampling); 0 = every frame")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  c->add_flag("--all-frames", a->allFrames,
              "Animated images (GIF, APNG, WebP): hash and match every frame, not only the first");
  c->add_flag("--apply-orientation", a->applyOrientation,
              "Rotate by EXIF orientation / display matrix before hashing (default: pixels as "
              "stored, as the references do)");
  c->add_option("--max-pixels", a->limits.maxPixels,
                "Refuse frames larger than this many pixels, before allocating")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--max-file-bytes", a->limits.maxFileBytes, "Refuse larger files")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--max-video-seconds", a->limits.maxVideoSeconds,
                "Refuse videos longer than this (media time)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--timeout", a->limits.timeoutSeconds, "Wall-clock seconds per file")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_flag("--follow-symlinks", a->followSymlinks,
              "Follow symlinks inside directories (never into a loop)");
  c->add_option("--files-from", a->filesFrom,
                "Read more input paths from FILE (- = stdin), one per line");
  c->add_flag("-0,--null", a->nul, "--files-from entries are NUL-separated");
  c->add_option("--journal", a->journal,
                "Resume journal (as in `hashsieve hash`): rerunning the same command skips the "
                "files already hashed and writes the same output");
  c->add_option("--stats-json", a->statsJson,
                "Write run statistics (hashing as in `hashsieve hash`, plus a \"scan\" object)");
  c->add_option("--batch-frames", a->batchFrames, "Frames per GPU hashing batch (batched backends)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  c->add_flag("-q,--quiet", a->quiet, "No progress line and no summary on stderr");
  c->add_flag("!--no-verify", a->verify, "Skip the list checksum verification on load");
  c->add_option("--audit", a->audit,
                "Write the run's audit record (JSON: version, backend, settings, list path/count/"
                "checksum, thresholds, roots, counts, times; hashes and paths only) here; default "
                "OUTPUT.audit.json when -o is a file");
  c->callback([a, threshold, &exitCode] {
    a->thresholdGiven = threshold->count() > 0;
    // A closed stdout must surface as a write error (exit 3), not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    exitCode = runScan(*a);
  });
}

}  // namespace hashsieve::cli
