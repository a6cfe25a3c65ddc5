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
#include <vector>

#include "host/backend/matcher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/core/policy.hpp"
#include "host/match/exact_index.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/hsl_format.hpp"
#include "host/match/list_set.hpp"
#include "host/pipeline/interrupt.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/progress.hpp"
#include "host/scan/scan_csv.hpp"
#include "host/scan/scan_record.hpp"
#include "host/scan/scan_stage.hpp"
#include "host/scan/vics_case.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"
#include "tools/hashsieve/run_options.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;
using Clock = std::chrono::steady_clock;

struct ScanArgs : RunArgs {
  std::string list;
  int threshold = -1;
  bool thresholdGiven = false;
  int minQuality = scan::kDefaultMinQuality;
  int topK = 0;
  size_t degenerate = kDegenerateMatches;
  std::string format = "jsonl";
  bool verify = true;
};

constexpr const char* kScanFooter =
    R"(Each input gets one record, in input order, byte-identical whatever --threads is: the
record `hashsieve hash` writes (variants included), plus "matches" (possibly []), each
{transform, distance, list_id, [list_ids], list_hash}, with "frame" and "t" for video frames.
Images are matched with all eight dihedral variants (transform says which one matched: orig,
rot90, rot180, rot270, flipx, flipy, flipp, flipm; `hashsieve match --help` says which pixel
operation each is); video frames as they are. A match is distance <= --threshold (inclusive). Images and frames of PDQ quality below --min-quality are
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
2 usage error, 3 fatal error (output, journal or stats file not writable, bad list),
130 interrupted by Ctrl-C (143 by SIGTERM): the unfinished output is removed; with --journal,
rerunning the same command resumes.)";

/// Everything that changes a journalled record (the list does not: matches are not journalled).
std::string journalFingerprint(const ScanArgs& a) {
  return "scan; dihedral=1; " + runFingerprint(a);
}

std::string scanStatsJson(const pl::RunStats& run, const scan::ScanStats& s, const ScanArgs& a,
                          const ListSet& lists, const std::string& matcherName,
                          double loadSeconds) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(pl::statsJson(run));
  nlohmann::ordered_json m;
  m["list"] = a.list;
  std::string types;
  size_t videos = 0;
  for (const HashList& l : lists.lists()) {
    types += (types.empty() ? "" : "+") + std::string(hashTypeName(l.type()));
    videos += l.videoCount();
  }
  m["list_type"] = types;
  m["list_entries"] = lists.totalEntries();
  m["list_videos"] = videos;
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

/// A PDQ list declared as hashed with the other luma rounding still matches, but tiny or
/// near-flat pictures can land further away (README, "PDQ"): say so rather than miss silently.
void warnIfLumaDiffers(const HashList& list, const std::string& path, const std::string& luma) {
  if (list.type() != HashType::Pdq || list.pdqLuma() == hsl::PdqLuma::Unknown) return;
  const std::string listLuma = hsl::pdqLumaName(list.pdqLuma());
  if (listLuma == luma) return;
  std::fprintf(stderr,
               "hashsieve scan: warning: list %s was hashed with --pdq-luma %s and this run uses "
               "%s; pictures under ~26 px a side or near-flat may differ by a few bits. Add "
               "--pdq-luma %s to hash as the list did\n",
               path.c_str(), listLuma.c_str(), luma.c_str(), listLuma.c_str());
}

/// What else changes a scan's output bytes: format, the list (by checksum) and the matching.
std::string scanOutputFingerprint(const ScanArgs& a, const ListSet& lists,
                                  const scan::ScanSettings& s) {
  std::string sums;
  for (const HashList& l : lists.lists())
    sums += (sums.empty() ? "" : "+") + hsl::checksumHex(l.checksum());
  return "format=" + a.format + "; list=" + sums +
         "; threshold=" + (s.threshold ? std::to_string(*s.threshold) : "none") +
         "; min_quality=" + std::to_string(s.minQuality) + "; top_k=" + std::to_string(s.topK) +
         "; degenerate=" + std::to_string(s.degenerate);
}

int runScan(ScanArgs a) {
  if (a.format != "jsonl" && a.format != "csv" && a.format != "vics")
    throw UsageError("scan writes --format jsonl, csv or vics, not " + a.format);
  const bool csv = a.format == "csv";
  const bool vics = a.format == "vics";
  // A VICS case file is one JSON document: a resumed run cannot append to it.
  if (vics && !a.journal.empty())
    throw UsageError(
        "--format vics writes one JSON document and cannot be resumed; drop --journal");
  const auto started = std::chrono::system_clock::now();
  const std::optional<pl::ShardSpec> shard = applyShard(a);
  if (vics && shard)
    throw UsageError(
        "--format vics writes one JSON document and cannot be sharded; shard with "
        "--format jsonl, merge, then convert");
  pl::PipelineOptions opts = pipelineOptions(a, "scan", shard);
  opts.request.dihedral = true;  // scan matches every image with its eight variants
  opts.shard = shard;

  const auto t0 = Clock::now();
  const ListSet lists = ListSet::open(a.list, {a.verify});
  const HashList* perceptual = lists.perceptual();
  if (perceptual) warnIfLumaDiffers(*perceptual, a.list, a.pdqLuma);
  std::vector<ExactIndex> exact;
  for (const HashList& l : lists.lists())
    if (!isPerceptual(l.type())) exact.emplace_back(l);
  const HashType listType = perceptual ? perceptual->type() : lists.lists()[0].type();
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  scan::ScanSettings settings;
  settings.topK = a.topK;
  settings.minQuality = a.minQuality;
  settings.degenerate = a.degenerate;
  // Range search always has a threshold; top-k applies one only when asked to.
  if (a.thresholdGiven || a.topK == 0)
    settings.threshold = a.thresholdGiven ? a.threshold : defaultThreshold(listType);
  if (settings.threshold) checkThreshold(*settings.threshold);
  if (a.topK != 0) checkTopK(a.topK);

  MatcherOptions matcherOpts;
  matcherOpts.cpu.threads = opts.threads;
  std::unique_ptr<Matcher> matcher;
  if (perceptual) matcher = makeMatcher(parseDeviceSpec(a.device), *perceptual, matcherOpts);
  const std::string matcherName = matcher ? matcher->name() : std::string("exact");
  scan::ScanMatcher scanMatcher(perceptual, matcher.get(), exact, settings);

  // Everything that can fail for want of a writable place fails now, before any work.
  RunOutputs io = openRunOutputs(a, journalFingerprint(a), opts);

  pl::ShardRecorder out(*io.out, shard.has_value());
  if (csv) out.header(scan::scanCsvHeader());
  scan::VicsCaseWriter vicsWriter;
  if (vics) out.header(vicsWriter.header());
  std::string rows;
  scan::ScanStage stage(scanMatcher, [&](const pl::Record& r, scan::ScanResult&& res) {
    if (vics) {
      const auto [categories, comments] = scan::matchedCategories(res, scanMatcher);
      return io.out->write(vicsWriter.media(r, categories, comments));
    }
    if (!csv) return out.record(scan::scanRecordLine(std::move(res), scanMatcher));
    rows.clear();
    scan::appendScanCsv(r, res, scanMatcher, rows);
    out.record(rows);
  });
  const pl::RecordSink sink = [&](const pl::Record& r) { stage.push(r); };

  pl::LiveCounters live;
  std::optional<pl::ProgressReporter> progress;
  if (!a.quiet) progress.emplace(live, stderr, ::isatty(STDERR_FILENO) == 1);
  const pl::RunStats result = pl::runPipeline(opts, sink, live);
  const scan::ScanStats scanStats = stage.finish();
  if (progress) progress->stop();
  if (vics) io.out->write(vicsWriter.footer());
  io.out->commit();
  if (io.stats) {
    io.stats->write(scanStatsJson(result, scanStats, a, lists, matcherName, loadSeconds));
    io.stats->commit();
  }
  if (!a.quiet) {
    std::fputs(pl::statsSummary(result).c_str(), stderr);
    std::fprintf(stderr,
                 "scan: list %s (%zu entries, %zu videos, load %.3f s), matcher %s: %llu query "
                 "frames, %llu matches, %llu records with matches, match %.3f s in %llu batches\n",
                 a.list.c_str(), lists.totalEntries(),
                 perceptual ? perceptual->videoCount() : size_t{0}, loadSeconds,
                 matcherName.c_str(), static_cast<unsigned long long>(scanStats.queryFrames),
                 static_cast<unsigned long long>(scanStats.matches),
                 static_cast<unsigned long long>(scanStats.recordsWithMatches),
                 scanStats.matchSeconds, static_cast<unsigned long long>(scanStats.batches));
  }
  const int status = result.errors > 0 ? 1 : 0;
  if (io.auditPath) {
    audit::AuditRecord r =
        hashAuditRecord(opts, a.output, result, started, std::chrono::system_clock::now(), status);
    r.command = "scan";
    r.algorithms["matching"] = a.topK > 0 ? "exact top-k (Hamming)" : "exact range (Hamming)";
    if (!exact.empty()) r.algorithms["digest_matching"] = "equality (MD5/SHA-1/SHA-256)";
    for (const HashList& l : lists.lists()) r.lists.push_back(listAuditInfo(a.list, l));
    if (listType == HashType::Pdq) {
      r.thresholds.pdqDistance = settings.threshold;
      r.thresholds.minQuality = a.minQuality;
    } else if (listType == HashType::Phash) {
      r.thresholds.phashDistance = settings.threshold;
    }
    r.settings["top_k"] = a.topK;
    r.settings["checksum_verified"] = a.verify;
    r.counts.matched = static_cast<int64_t>(scanStats.recordsWithMatches);
    noteShard(r, shard, a.plan);
    audit::writeAuditRecord(r, *io.auditPath);
  }
  if (shard) {
    pl::ShardIndex index = out.finish(result.ordinals);
    index.command = "scan";
    index.fingerprint =
        shardFingerprint(a, journalFingerprint(a), scanOutputFingerprint(a, lists, settings), opts);
    writeRunShardIndex(std::move(index), a, *shard, result.walked, io.auditPath);
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
  c->add_option("--list", a->list, "The .hsl list (see `hashsieve list build`)")
      ->required()
      ->check(CLI::ExistingFile);
  CLI::Option* threshold = c->add_option(
      "--threshold", a->threshold,
      "Match when distance <= N (default " + std::to_string(policy::kPdqMatchThreshold) +
          " for PDQ, " + std::to_string(policy::kPhashMatchThreshold) +
          " for pHash; with --top-k: none)");
  c->add_option("--min-quality", a->minQuality,
                "PDQ images and frames below this quality are not matched")
      ->capture_default_str();
  c->add_option("--top-k", a->topK, "Report the K nearest entries per hash instead (K <= 1024)");
  c->add_option("--degenerate-matches", a->degenerate,
                "Warn when one hash matches more list entries than this")
      ->capture_default_str();
  c->add_option("--format", a->format,
                "jsonl (default), or csv: one row per (hash, list id) match, one per list video "
                "matched, one for a file with neither (its hashes, or its error); or vics: a "
                "Project VIC VICS JSON case file (MD5/SHA-1, name, path, size, matched category)")
      ->check(CLI::IsMember({"jsonl", "csv", "vics"}))
      ->capture_default_str();
  c->add_option("--stats-json", a->statsJson,
                "Write run statistics (hashing as in `hashsieve hash`, plus a \"scan\" object)");
  c->add_flag("!--no-verify", a->verify, "Skip the list checksum verification on load");
  addRunOptions(c, *a, "Decode and CPU matcher threads (default: all cores)");
  c->callback([a, threshold, &exitCode] {
    a->thresholdGiven = threshold->count() > 0;
    // A closed stdout must surface as a write error (exit 3), not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    pl::installInterruptHandler("hashsieve scan");
    exitCode = runScan(*a);
  });
}

}  // namespace hashsieve::cli
