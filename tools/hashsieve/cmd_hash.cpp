// `hashsieve hash`: bulk hashing of files and directories into jsonl/csv/pdq/vpdq records.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/backend/backend.hpp"
#include "host/core/errors.hpp"
#include "host/core/hasher.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/files_from.hpp"
#include "host/pipeline/journal.hpp"
#include "host/pipeline/output_stream.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/progress.hpp"
#include "host/pipeline/record_format.hpp"
#include "host/pipeline/vpdq_writer.hpp"
#include "tools/hashsieve/commands.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {
namespace {

namespace pl = hashsieve::pipeline;

struct HashArgs {
  std::vector<std::string> paths;
  std::string format = "jsonl";
  std::string output = "-";
  std::string outputDir;
  bool dihedral = false;
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
  std::string audit;  // --audit FILE; default OUTPUT.audit.json beside a file output
  int batchFrames = 64;
};

constexpr const char* kHashFooter =
    R"(Records are written in input order (directories walked depth-first, entries in byte
order), byte-identical whatever --threads is. Errors become records ({"path","error","detail"})
and the run goes on.

Memory is bounded whatever the size of the backlog: at most --threads files decode at once,
each holding its decoder's buffers and one RGB frame (at most --max-pixels x 3 bytes; WebP files
are read whole, at most --max-file-bytes); at most 4 x threads + 16 finished records wait for
output; with the CUDA backend at most 512 MiB of frames queue for the GPU. A --journal costs
24 bytes per journalled file and a --files-from list is held in memory.

Privacy: decoded pixels stay in memory; no temporary files, no network.

Exit status: 0 every input hashed, 1 some inputs failed (error records written),
2 usage error, 3 fatal error (output, journal or stats file not writable).)";

int defaultThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

/// Everything that changes a record, so a journal is only reused by the same command.
std::string journalFingerprint(const HashArgs& a) {
  std::ostringstream s;
  s.precision(17);
  s << "hashsieve " << HASHSIEVE_VERSION << "; dihedral=" << a.dihedral
    << "; video_fps=" << a.videoFps << "; all_frames=" << a.allFrames
    << "; apply_orientation=" << a.applyOrientation << "; max_pixels=" << a.limits.maxPixels
    << "; max_file_bytes=" << a.limits.maxFileBytes
    << "; max_video_seconds=" << a.limits.maxVideoSeconds << "; timeout=" << a.limits.timeoutSeconds
    << "; follow_symlinks=" << a.followSymlinks;
  return s.str();
}

/// The hasher for --device. The CPU backend hashes inline in the decode workers (one hasher per
/// worker, no frame copies); any other backend is one shared instance fed large batches.
struct BackendChoice {
  pl::HasherFactory factory;
  bool batched = false;
};

BackendChoice chooseBackend(const std::string& device) {
  std::unique_ptr<Hasher> probe = makeHasher(parseBackend(device));
  if (probe->name() == "cpu") return BackendChoice{[] { return makeHasher(Backend::Cpu); }, false};
  // The batched pipeline asks for exactly one instance: hand over the one just made.
  auto shared = std::make_shared<std::unique_ptr<Hasher>>(std::move(probe));
  return BackendChoice{[shared] { return std::move(*shared); }, true};
}

int runHash(const HashArgs& a) {
  const auto started = std::chrono::system_clock::now();
  if (a.paths.empty() && a.filesFrom.empty())
    throw UsageError("hash: give files or directories, or --files-from FILE");
  if (a.nul && a.filesFrom.empty()) throw UsageError("-0 only applies to --files-from");
  const pl::OutputFormat format = pl::parseOutputFormat(a.format);
  if (format == pl::OutputFormat::Vpdq && a.outputDir.empty())
    throw UsageError("--format vpdq needs --output-dir DIR (one file per video)");
  if (format != pl::OutputFormat::Vpdq && !a.outputDir.empty())
    throw UsageError("--output-dir only applies to --format vpdq");

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
  opts.request.dihedral = a.dihedral;
  opts.threads = a.threads > 0 ? a.threads : defaultThreads();
  opts.decode = media::decodeFile;
  BackendChoice backend = chooseBackend(a.device);
  opts.makeHasher = backend.factory;
  opts.batched = backend.batched;
  opts.batcher.batchFrames = static_cast<size_t>(a.batchFrames);

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
  std::optional<pl::VpdqDirectoryWriter> vpdq;
  if (format == pl::OutputFormat::Vpdq) vpdq.emplace(a.outputDir);

  const auto formatter = pl::makeFormatter(format, a.dihedral);
  out->write(formatter->header());
  std::string text;
  const pl::RecordSink sink = [&](const pl::Record& r) {
    text.clear();
    formatter->append(r, text);
    out->write(text);
    if (vpdq) vpdq->write(r);
  };

  pl::LiveCounters live;
  std::optional<pl::ProgressReporter> progress;
  if (!a.quiet) progress.emplace(live, stderr, ::isatty(STDERR_FILENO) == 1);
  const pl::RunStats result = pl::runPipeline(opts, sink, live);
  if (progress) progress->stop();
  out->commit();
  if (stats) {
    stats->write(pl::statsJson(result));
    stats->commit();
  }
  if (!a.quiet) std::fputs(pl::statsSummary(result).c_str(), stderr);
  const int status = result.errors > 0 ? 1 : 0;
  if (auditPath)
    audit::writeAuditRecord(
        hashAuditRecord(opts, a.output, result, started, std::chrono::system_clock::now(), status),
        *auditPath);
  return status;
}

}  // namespace

void addHashCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "Hash image and video files (PDQ, pHash, MD5/SHA-1/SHA-256; vPDQ-style video frames)");
  cmd->footer(kHashFooter);
  cmd->add_option("paths", args->paths,
                  "Files and directories (directories are walked recursively)");
  cmd->add_option(
         "--format", args->format,
         "jsonl (default), csv, pdq (reference `hash,quality,path` lines, images only), "
         "vpdq (one reference vPDQ file per video in --output-dir; jsonl on the main output)")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output,
                  "Output file (written to a temporary beside it, renamed at the end); - = stdout")
      ->capture_default_str();
  cmd->add_option("--output-dir", args->outputDir, "Directory for --format vpdq files");
  cmd->add_flag("--dihedral", args->dihedral,
                "Add pdq_dihedral: the eight rotations/flips of each image's PDQ");
  cmd->add_option("--threads", args->threads, "Decode threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--device", args->device,
                  "Hashing backend: auto (CUDA when a device is present, else CPU), cpu, cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--video-fps", args->videoFps,
                  "Video frames hashed per second of media time (vPDQ sampling); 0 = every frame")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_flag("--all-frames", args->allFrames,
                "Animated images (GIF, APNG, WebP): hash every frame, not only the first");
  cmd->add_flag("--apply-orientation", args->applyOrientation,
                "Rotate by EXIF orientation / display matrix before hashing (default: pixels as "
                "stored, as the references do)");
  cmd->add_option("--max-pixels", args->limits.maxPixels,
                  "Refuse frames larger than this many pixels, before allocating")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", args->limits.maxFileBytes, "Refuse larger files")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-video-seconds", args->limits.maxVideoSeconds,
                  "Refuse videos longer than this (media time)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--timeout", args->limits.timeoutSeconds, "Wall-clock seconds per file")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--follow-symlinks", args->followSymlinks,
                "Follow symlinks inside directories (never into a loop); without it each one is "
                "an error record. Paths given as arguments are always followed");
  cmd->add_option("--files-from", args->filesFrom,
                  "Read more input paths from FILE (- = stdin), one per line");
  cmd->add_flag("-0,--null", args->nul, "--files-from entries are NUL-separated");
  cmd->add_option("--journal", args->journal,
                  "Resume journal: finished records are committed here (fsync'd); rerunning the "
                  "same command skips them and writes the same output");
  cmd->add_option("--stats-json", args->statsJson,
                  "Write run statistics (counts, rates, stage times, peak memory) as JSON");
  cmd->add_option("--batch-frames", args->batchFrames,
                  "Frames per GPU batch (batched backends only)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No progress line and no summary on stderr");
  cmd->add_option(
      "--audit", args->audit,
      "Write the run's audit record (JSON: version, backend, settings, roots, counts, "
      "times; hashes and paths only) here; default OUTPUT.audit.json when -o is a file");
  cmd->callback([args, &exitCode] {
    // A closed stdout must surface as a write error (exit 3), not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    exitCode = runHash(*args);
  });
}

}  // namespace hashsieve::cli
