#include "tools/hashsieve/run_options.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "host/backend/gpu_status.hpp"
#include "host/backend/nvdec_factory.hpp"
#include "host/backend/pipeline_hasher.hpp"
#include "host/core/errors.hpp"
#include "host/core/hasher.hpp"
#include "host/media/batch_decoder.hpp"
#include "host/pipeline/files_from.hpp"
#include "host/pipeline/shard.hpp"
#include "host/pipeline/walk_plan.hpp"
#include "tools/hashsieve/run_audit.hpp"

namespace hashsieve::cli {

namespace {

void addArchiveOptions(CLI::App* cmd, RunArgs& a) {
  archive::ArchiveOptions& o = a.archiveLimits;
  cmd->add_option("--archives", a.archives,
                  "Archives (ZIP, TAR, 7z, RAR, ISO 9660, CPIO, gzip/bzip2/xz/zstd streams; found "
                  "by content) are read in memory and every member hashed as "
                  "ARCHIVE!/MEMBER: none (archives are files), top (members of the archives "
                  "found), nested (archives inside archives too)")
      ->check(CLI::IsMember({"none", "top", "nested"}))
      ->capture_default_str();
  cmd->add_option("--max-archive-depth", o.maxDepth,
                  "Archive levels opened with --archives nested (the outermost is 1)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_option("--max-member-bytes", o.maxMemberBytes,
                  "Larger archive members are not decoded (an error record with their digests)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-archive-bytes", o.maxArchiveBytes,
                  "Uncompressed bytes read from one archive, all levels together (zip bombs)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-archive-ratio", o.maxRatio,
                  "Uncompressed / compressed bytes of one archive level, checked past 64 MiB "
                  "(zip bombs)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

archive::ArchiveMode archiveMode(const std::string& name) {
  if (name == "none") return archive::ArchiveMode::None;
  return name == "top" ? archive::ArchiveMode::Top : archive::ArchiveMode::Nested;
}

}  // namespace

void addRunOptions(CLI::App* cmd, RunArgs& a, const std::string& threadsHelp) {
  cmd->add_option("paths", a.paths, "Files and directories (directories are walked recursively)");
  cmd->add_option("-o,--output", a.output,
                  "Output file (written to a temporary beside it, renamed at the end); - = stdout")
      ->capture_default_str();
  cmd->add_option("--threads", a.threads, threadsHelp)->check(CLI::Range(1, 1024));
  cmd->add_option("--device", a.device,
                  "Hashing backend: auto (CUDA when a device is present, else CPU), cpu, cuda "
                  "(device 0), cuda:all (every device), cuda:0,2 (these devices)")
      ->check([](const std::string& s) { return deviceSpecError(s); })
      ->capture_default_str();
  cmd->add_option("--video-fps", a.videoFps,
                  "Video frames hashed per second of media time (vPDQ sampling); 0 = every frame")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  cmd->add_option("--video-sampling", a.videoSampling,
                  "Which video frames --video-fps picks: frame (vPDQ's rule, by frame number: "
                  "compatible with vPDQ lists) or time (by presentation timestamp: steadier on "
                  "variable-frame-rate video; t is then the timestamp)")
      ->check(CLI::IsMember({"frame", "time"}))
      ->capture_default_str();
  cmd->add_flag("--all-frames", a.allFrames,
                "Animated images (GIF, APNG, WebP): every frame, not only the first");
  cmd->add_flag("--apply-orientation", a.applyOrientation,
                "Rotate by EXIF orientation / display matrix before hashing (default: pixels as "
                "stored, as the references do; a TIFF is turned by its Orientation tag, as Pillow "
                "turns it)");
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
  cmd->add_option("--decoder", a.decoder,
                  "Image decoder: cpu (libjpeg-turbo/libwebp/libtiff/FFmpeg, bit-exact with the "
                  "references), gpu (nvImageCodec for JPEG, PNG, TIFF, JPEG 2000, in batches, on "
                  "the device or its CPU backends without one; other files and files it rejects "
                  "fall back to cpu), auto (gpu when the CUDA backend is active)")
      ->check(CLI::IsMember({"cpu", "gpu", "auto"}))
      ->capture_default_str();
  cmd->add_option("--batch-frames", a.batchFrames,
                  "Frames per GPU batch at most (batched backends only); 0: as many as the "
                  "device holds")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  addArchiveOptions(cmd, a);
  cmd->add_flag("-q,--quiet", a.quiet, "No progress line and no summary on stderr");
  cmd->add_option("--shard", a.shard,
                  "Process only shard I of N of the inputs (I/N), or take I and N from a Slurm "
                  "job array or a Kubernetes Indexed Job (auto, auto/N); %i in -o, --journal, "
                  "--stats-json, --audit, --files-from becomes I. `hashsieve merge` joins the "
                  "shards into the unsharded output");
  cmd->add_option("--plan", a.plan,
                  "Read the inputs from chunk I of a `hashsieve plan` in DIR (with --shard I/N, "
                  "N = its chunks) instead of walking PATHs or a --files-from list");
  cmd->add_option("--audit", a.audit,
                  "Write the run's audit record (JSON: version, backend, settings, lists, "
                  "roots, counts, times; hashes and paths only) here; default "
                  "OUTPUT.audit.json when -o is a file");
}

pipeline::PipelineOptions pipelineOptions(const RunArgs& a, const std::string& command,
                                          const std::optional<pipeline::ShardSpec>& shard) {
  if (!a.plan.empty() && (!a.paths.empty() || !a.filesFrom.empty()))
    throw UsageError(command + ": --plan DIR holds the inputs; drop PATHs and --files-from");
  if (!a.plan.empty() && !shard)
    throw UsageError(command + ": --plan needs --shard I/N (I: the chunk to read)");
  if (a.paths.empty() && a.filesFrom.empty() && a.plan.empty())
    throw UsageError(command + ": give files or directories, or --files-from FILE");
  if (a.nul && a.filesFrom.empty()) throw UsageError("-0 only applies to --files-from");

  pipeline::PipelineOptions opts;
  opts.roots = a.paths;
  if (!a.plan.empty()) {
    opts.partial = pipeline::readWalkPlanChunk(a.plan, *shard, a.followSymlinks);
  } else if (!a.filesFrom.empty() && shard) {
    // A shard keeps only its share of the list: a backlog's list need not fit in every task.
    opts.partial = pipeline::readShardPathList(a.filesFrom, a.nul, *shard, a.paths, opts.roots);
  } else if (!a.filesFrom.empty()) {
    auto listed = pipeline::readPathList(a.filesFrom, a.nul);
    opts.roots.insert(opts.roots.end(), listed.begin(), listed.end());
  }
  opts.walk.followSymlinks = a.followSymlinks;
  opts.media.limits = a.limits;
  opts.media.applyOrientation = a.applyOrientation;
  opts.media.allFrames = a.allFrames;
  opts.media.videoFps = a.videoFps;
  opts.media.videoSampling =
      a.videoSampling == "time" ? media::VideoSampling::Time : media::VideoSampling::FrameNumber;
  opts.request.pdqLuma = a.pdqLuma == "float64" ? pdq::LumaMode::Float64 : pdq::LumaMode::Reference;
  opts.threads = a.threads > 0
                     ? a.threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opts.decode = media::decodeFile;
  opts.archives = a.archiveLimits;
  opts.archives.mode = archiveMode(a.archives);
  opts.decodeMemory = media::decodeMemory;
  opts.batcher.batchFrames = static_cast<size_t>(a.batchFrames);

  std::shared_ptr<DeviceFramePool> deviceFrames =
      setPipelineHasher(opts, parseDeviceSpec(a.device));
  if (a.decoder == "gpu" || (a.decoder == "auto" && opts.batched)) {
    // Without a device nvImageCodec runs on its CPU backends, through the same code. With the
    // CUDA hasher, decoded frames stay in its device memory (deviceFrames) up to the kernels.
    const bool cpuOnly = !gpuStatus().usable();
    if (cpuOnly) deviceFrames.reset();
    const auto workers = static_cast<size_t>(opts.threads);
    opts.media.batchDecoder = std::make_shared<media::BatchQueue>(
        media::makeNvimgcodecDecoder(cpuOnly, opts.threads, deviceFrames), workers, workers);
    opts.media.nvdecConvert = makeNvdecFrameConverter();  // videos: empty without a device
    opts.media.deviceFrames = deviceFrames;
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
  // Member records depend on how archives are read; the defaults are left out as above.
  if (a.archives != "nested") s << "; archives=" << a.archives;
  if (a.videoSampling != "frame") s << "; video_sampling=" << a.videoSampling;
  if (a.decoder != "cpu") s << "; decoder=" << a.decoder;
  return s.str();
}

std::optional<pipeline::ShardSpec> applyShard(RunArgs& a) {
  if (a.shard.empty()) return std::nullopt;
  const pipeline::ShardSpec spec = pipeline::parseShard(a.shard);
  if (a.output.empty() || a.output == "-")
    throw UsageError("--shard needs -o FILE (merge reads each shard's file and its index)");
  for (std::string* name : {&a.output, &a.journal, &a.statsJson, &a.audit, &a.filesFrom}) {
    if (name->empty() || *name == "-") continue;
    if (spec.count > 1 && name->find("%i") == std::string::npos && name != &a.filesFrom)
      throw UsageError("--shard: '" + *name +
                       "' would be shared by every shard; put %i (the shard index) in it");
    *name = pipeline::expandShardTemplate(*name, spec.index);
  }
  // A stale index beside an output about to be rewritten must not outlive it.
  std::filesystem::remove(pipeline::shardIndexPath(a.output));
  return spec;
}

std::string shardFingerprint(const RunArgs& a, const std::string& journalFingerprint,
                             const std::string& extra, const pipeline::PipelineOptions& opts) {
  uint64_t count = opts.roots.size(), digest = pipeline::kFnv1a64Offset;
  if (opts.partial) {
    count = opts.partial->roots;
    digest = opts.partial->rootsFnv;
  } else {
    for (const auto& r : opts.roots) digest = pipeline::fnv1a64(r + '\0', digest);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
  return journalFingerprint + "; " + extra + "; roots=" + std::to_string(count) + ":" + hex;
}

void writeRunShardIndex(pipeline::ShardIndex index, const RunArgs& a,
                        const pipeline::ShardSpec& shard, uint64_t walked,
                        const std::optional<std::filesystem::path>& auditPath) {
  namespace fs = std::filesystem;
  index.shard = shard.index;
  index.shards = shard.count;
  index.walked = walked;
  if (!a.statsJson.empty() && a.statsJson != "-") index.stats = fs::absolute(a.statsJson).string();
  if (auditPath) index.audit = fs::absolute(*auditPath).string();
  pipeline::writeShardIndex(index, pipeline::shardIndexPath(a.output));
}

RunOutputs openRunOutputs(const RunArgs& a, const std::string& journalFingerprint,
                          pipeline::PipelineOptions& opts) {
  RunOutputs o;
  // The output first: an audit record beside an unwritable output would otherwise take the blame.
  o.out = pipeline::OutputStream::open(a.output);
  o.auditPath = auditPathFor(a.audit, a.output);
  if (o.auditPath) audit::probeWritable(*o.auditPath);
  if (!a.statsJson.empty()) o.stats = pipeline::OutputStream::open(a.statsJson);
  if (!a.journal.empty()) {
    o.journal = std::make_unique<pipeline::Journal>(a.journal, journalFingerprint);
    opts.journal = o.journal.get();
  }
  return o;
}

}  // namespace hashsieve::cli
