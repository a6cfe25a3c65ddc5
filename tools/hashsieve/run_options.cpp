#include "tools/hashsieve/run_options.hpp"

#include <algorithm>
#include <memory>
#include <sstream>
#include <thread>

#include "host/backend/hasher_factory.hpp"
#include "host/core/errors.hpp"
#include "host/core/hasher.hpp"
#include "host/pipeline/files_from.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {

void addRunOptions(CLI::App* cmd, RunArgs& a, const std::string& threadsHelp) {
  cmd->add_option("paths", a.paths, "Files and directories (directories are walked recursively)");
  cmd->add_option("-o,--output", a.output,
                  "Output file (written to a temporary beside it, renamed at the end); - = stdout")
      ->capture_default_str();
  cmd->add_option("--threads", a.threads, threadsHelp)->check(CLI::Range(1, 1024));
  cmd->add_option("--device", a.device,
                  "Hashing backend: auto (CUDA when a device is present, else CPU), cpu, cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--video-fps", a.videoFps,
                  "Video frames hashed per second of media time (vPDQ sampling); 0 = every frame")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_flag("--all-frames", a.allFrames,
                "Animated images (GIF, APNG, WebP): every frame, not only the first");
  cmd->add_flag("--apply-orientation", a.applyOrientation,
                "Rotate by EXIF orientation / display matrix before hashing (default: pixels as "
                "stored, as the references do)");
  cmd->add_option("--pdq-luma", a.pdqLuma,
                  "PDQ luma rounding: reference (Meta's C++ library, float) or float64 (the "
                  "pdqhash Python binding used by python-threatexchange/HMA; differs from "
                  "reference by a few bits on near-flat images only)")
      ->check(CLI::IsMember({"reference", "float64"}))
      ->capture_default_str();
  cmd->add_option("--max-pixels", a.limits.maxPixels,
                  "Refuse frames larger than this many pixels, before allocating")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-file-bytes", a.limits.maxFileBytes, "Refuse larger files")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-video-seconds", a.limits.maxVideoSeconds,
                  "Refuse videos longer than this (media time)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--timeout", a.limits.timeoutSeconds, "Wall-clock seconds per file")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--follow-symlinks", a.followSymlinks,
                "Follow symlinks inside directories (never into a loop); without it each one is "
                "an error record. Paths given as arguments are always followed");
  cmd->add_option("--files-from", a.filesFrom,
                  "Read more input paths from FILE (- = stdin), one per line");
  cmd->add_flag("-0,--null", a.nul, "--files-from entries are NUL-separated");
  cmd->add_option("--journal", a.journal,
                  "Resume journal: finished records are committed here (fsync'd); rerunning the "
                  "same command skips them and writes the same output");
  cmd->add_option("--batch-frames", a.batchFrames, "Frames per GPU batch (batched backends only)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", a.quiet, "No progress line and no summary on stderr");
  cmd->add_option("--audit", a.audit,
                  "Write the run's audit record (JSON: version, backend, settings, lists, "
                  "roots, counts, times; hashes and paths only) here; default "
                  "OUTPUT.audit.json when -o is a file");
}

pipeline::PipelineOptions pipelineOptions(const RunArgs& a, const std::string& command) {
  if (a.paths.empty() && a.filesFrom.empty())
    throw UsageError(command + ": give files or directories, or --files-from FILE");
  if (a.nul && a.filesFrom.empty()) throw UsageError("-0 only applies to --files-from");

  pipeline::PipelineOptions opts;
  opts.roots = a.paths;
  if (!a.filesFrom.empty()) {
    auto listed = pipeline::readPathList(a.filesFrom, a.nul);
    opts.roots.insert(opts.roots.end(), listed.begin(), listed.end());
  }
  opts.walk.followSymlinks = a.followSymlinks;
  opts.media.limits = a.limits;
  opts.media.applyOrientation = a.applyOrientation;
  opts.media.allFrames = a.allFrames;
  opts.media.videoFps = a.videoFps;
  opts.request.pdqLuma = a.pdqLuma == "float64" ? pdq::LumaMode::Float64 : pdq::LumaMode::Reference;
  opts.threads = a.threads > 0 ? a.threads
                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opts.decode = media::decodeFile;
  opts.batcher.batchFrames = static_cast<size_t>(a.batchFrames);

  // The CPU hasher runs inline in the decode workers (one per worker, no frame copies); any
  // other backend is one shared instance fed large batches: hand over the probe itself.
  std::unique_ptr<Hasher> probe = makeHasher(parseDevice(a.device));
  if (probe->name() == "cpu") {
    opts.makeHasher = [] { return makeHasher(Device::Cpu); };
  } else {
    auto shared = std::make_shared<std::unique_ptr<Hasher>>(std::move(probe));
    opts.makeHasher = [shared] { return std::move(*shared); };
    opts.batched = true;
  }
  return opts;
}

std::string runFingerprint(const RunArgs& a) {
  std::ostringstream s;
  s.precision(17);
  s << "hashsieve " << HASHSIEVE_VERSION << "; video_fps=" << a.videoFps
    << "; all_frames=" << a.allFrames << "; apply_orientation=" << a.applyOrientation
    << "; max_pixels=" << a.limits.maxPixels << "; max_file_bytes=" << a.limits.maxFileBytes
    << "; max_video_seconds=" << a.limits.maxVideoSeconds << "; timeout=" << a.limits.timeoutSeconds
    << "; follow_symlinks=" << a.followSymlinks;
  // Appended only when not the default, so journals written before the option still resume.
  if (a.pdqLuma != "reference") s << "; pdq_luma=" << a.pdqLuma;
  return s.str();
}

RunOutputs openRunOutputs(const RunArgs& a, const std::string& journalFingerprint,
                          pipeline::PipelineOptions& opts) {
  RunOutputs o;
  o.auditPath = auditPathFor(a.audit, a.output);
  if (o.auditPath) audit::probeWritable(*o.auditPath);
  o.out = pipeline::OutputStream::open(a.output);
  if (!a.statsJson.empty()) o.stats = pipeline::OutputStream::open(a.statsJson);
  if (!a.journal.empty()) {
    o.journal = std::make_unique<pipeline::Journal>(a.journal, journalFingerprint);
    opts.journal = o.journal.get();
  }
  return o;
}

}  // namespace hashsieve::cli
