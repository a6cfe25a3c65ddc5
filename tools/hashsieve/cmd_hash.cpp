// `hashsieve hash`: bulk hashing of files and directories into jsonl/csv/pdq/vpdq records.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/pipeline/interrupt.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/progress.hpp"
#include "host/pipeline/record_format.hpp"
#include "host/pipeline/vpdq_writer.hpp"
#include "host/scan/vics_case.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"
#include "tools/hashsieve/run_options.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;

struct HashArgs : RunArgs {
  std::string format = "jsonl";
  std::string outputDir;
  bool dihedral = true;  // --no-dihedral opts out
};

constexpr const char* kHashFooter =
    R"(Records are written in input order (directories walked depth-first, entries in byte
order), byte-identical whatever --threads is. Errors become records ({"path","error","detail"})
and the run goes on.

Memory is bounded whatever the size of the backlog: at most --threads files decode at once,
each holding its decoder's buffers and one RGB frame (at most --max-pixels x 3 bytes; WebP files
are read whole, at most --max-file-bytes); at most 4 x threads + 16 finished records wait for
output; with the CUDA backend at most 512 MiB of frames queue for the GPU. A --journal costs
24 bytes per journalled file and a --files-from list is held in memory (with --shard, only
the shard's share of it).

Privacy: decoded pixels stay in memory; no temporary files, no network.

Exit status: 0 every input hashed, 1 some inputs failed (error records written),
2 usage error, 3 fatal error (output, journal or stats file not writable),
130 interrupted by Ctrl-C (143 by SIGTERM): the unfinished output is removed; with --journal,
rerunning the same command resumes.)";

/// Everything that changes a record, so a journal is only reused by the same command.
std::string journalFingerprint(const HashArgs& a) {
  return "hash; dihedral=" + std::to_string(a.dihedral) + "; " + runFingerprint(a);
}

int runHash(HashArgs a) {
  const auto started = std::chrono::system_clock::now();
  const std::optional<pl::ShardSpec> shard = applyShard(a);
  // vics: a VICS JSON case file (scan/vics_case.hpp), one JSON document around the records.
  const bool vics = a.format == "vics";
  if (vics && !a.journal.empty())
    throw UsageError(
        "--format vics writes one JSON document and cannot be resumed; drop --journal");
  if (vics && shard)
    throw UsageError(
        "--format vics writes one JSON document and cannot be sharded; shard with "
        "--format jsonl, merge, then convert");
  const pl::OutputFormat format = vics ? pl::OutputFormat::Jsonl : pl::parseOutputFormat(a.format);
  if (format == pl::OutputFormat::Vpdq && a.outputDir.empty())
    throw UsageError("--format vpdq needs --output-dir DIR (one file per video)");
  if (format != pl::OutputFormat::Vpdq && !a.outputDir.empty())
    throw UsageError("--output-dir only applies to --format vpdq");
  pl::PipelineOptions opts = pipelineOptions(a, "hash", shard);
  opts.request.dihedral = a.dihedral;
  opts.shard = shard;

  // Everything that can fail for want of a writable place fails now, before any work.
  RunOutputs io = openRunOutputs(a, journalFingerprint(a), opts);
  std::optional<pl::VpdqDirectoryWriter> vpdq;
  if (format == pl::OutputFormat::Vpdq) vpdq.emplace(a.outputDir);

  const auto formatter = pl::makeFormatter(format, a.dihedral);
  pl::ShardRecorder out(*io.out, shard.has_value());
  scan::VicsCaseWriter vicsWriter;
  out.header(vics ? vicsWriter.header() : formatter->header());
  std::string text;
  uint64_t videosNotWritten = 0;  // --format pdq has no line for them: say so at the end
  const pl::RecordSink sink = [&](const pl::Record& r) {
    if (vics) return io.out->write(vicsWriter.media(r, {}, {}));
    if (format == pl::OutputFormat::Pdq && r.kind == pl::RecordKind::Video) ++videosNotWritten;
    text.clear();
    formatter->append(r, text);
    out.record(text);
    if (vpdq) vpdq->write(r);
  };

  pl::LiveCounters live;
  std::optional<pl::ProgressReporter> progress;
  if (!a.quiet) progress.emplace(live, stderr, ::isatty(STDERR_FILENO) == 1);
  const pl::RunStats result = pl::runPipeline(opts, sink, live);
  if (progress) progress->stop();
  if (vics) io.out->write(vicsWriter.footer());
  io.out->commit();
  if (io.stats) {
    io.stats->write(pl::statsJson(result));
    io.stats->commit();
  }
  if (!a.quiet) {
    std::fputs(pl::statsSummary(result).c_str(), stderr);
    if (format == pl::OutputFormat::Pdq && videosNotWritten > 0)
      std::fprintf(stderr,
                   "hashsieve: --format pdq lists images only: %llu videos not written (use "
                   "jsonl, csv or vpdq for their frames)\n",
                   static_cast<unsigned long long>(videosNotWritten));
  }
  const int status = result.errors > 0 ? 1 : 0;
  if (io.auditPath) {
    audit::AuditRecord r =
        hashAuditRecord(opts, a.output, result, started, std::chrono::system_clock::now(), status);
    noteShard(r, shard, a.plan);
    audit::writeAuditRecord(r, *io.auditPath);
  }
  if (shard) {
    pl::ShardIndex index = out.finish(result.ordinals);
    index.command = "hash";
    index.fingerprint = shardFingerprint(a, journalFingerprint(a), "format=" + a.format, opts);
    writeRunShardIndex(std::move(index), a, *shard, result.walked, io.auditPath);
  }
  return status;
}

}  // namespace

void addHashCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "Hash image and video files (PDQ, pHash, MD5/SHA-1/SHA-256; vPDQ-style video frames)");
  cmd->footer(kHashFooter);
  cmd->add_option(
         "--format", args->format,
         "jsonl (default), csv, pdq (reference `hash,quality,path` lines, images only), "
         "vpdq (one reference vPDQ file per video in --output-dir; jsonl on the main output), "
         "vics (a Project VIC VICS JSON case file: MD5/SHA-1, name, path, size per file)")
      ->capture_default_str();
  cmd->add_option("--output-dir", args->outputDir, "Directory for --format vpdq files");
  cmd->add_flag("--dihedral,!--no-dihedral", args->dihedral,
                "pdq_dihedral: the eight rotations/flips of each image's PDQ, so `match` finds "
                "rotated and flipped copies (default on; --no-dihedral leaves them out)")
      ->capture_default_str();
  cmd->add_option("--stats-json", args->statsJson,
                  "Write run statistics (counts, rates, stage times, peak memory) as JSON");
  addRunOptions(cmd, *args, "Decode threads (default: all cores)");
  cmd->callback([args, &exitCode] {
    // A closed stdout must surface as a write error (exit 3), not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    pl::installInterruptHandler("hashsieve hash");
    exitCode = runHash(*args);
  });
}

}  // namespace hashsieve::cli
