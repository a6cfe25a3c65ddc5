// Fills the audit record of a CLI run from its options and statistics.
#include "tools/hashsieve/run_audit.hpp"

#include <fstream>
#include <sstream>

#include "host/audit/build_stamp.hpp"
#include "host/audit/machine_info.hpp"
#include "host/backend/gpu_status.hpp"
#include "host/media/batch_decoder.hpp"

namespace hashsieve::cli {

std::optional<std::filesystem::path> auditPathFor(const std::string& auditArg,
                                                  const std::string& output) {
  if (!auditArg.empty()) return std::filesystem::path(auditArg);
  if (output.empty() || output == "-") return std::nullopt;
  return audit::defaultAuditPath(output);
}

std::string deviceDescription(const std::string& backend) {
  if (backend.rfind("cuda", 0) == 0) return gpuStatus().description;
  std::ifstream in("/proc/cpuinfo");
  std::stringstream text;
  text << in.rdbuf();
  const audit::CpuInfo cpu = audit::parseCpuInfo(text.str());
  return (cpu.model.empty() ? std::string("unknown CPU") : cpu.model) + ", " +
         std::to_string(cpu.logicalCpus) + " logical CPUs";
}

void noteShard(audit::AuditRecord& r, const std::optional<pipeline::ShardSpec>& shard,
               const std::string& plan) {
  if (shard)
    r.settings["shard"] = std::to_string(shard->index) + "/" + std::to_string(shard->count);
  if (!plan.empty()) r.settings["plan"] = plan;
}

audit::AuditRecord startAuditRecord(const std::string& command, const std::string& backend) {
  audit::AuditRecord r;
  r.command = command;
  r.version = HASHSIEVE_VERSION;
  r.commit = audit::buildCommit();  // stamped at build time, "+dirty" with local changes
  r.backend = backend;
  r.device = deviceDescription(backend);
  if (const GpuStatus gpu = gpuStatus(); gpu.built) r.cuda = gpu.usable() ? "usable" : gpu.reason;
  return r;
}

audit::ListInfo listAuditInfo(const std::string& path, const HashList& list) {
  return {path, hashTypeName(list.type()), static_cast<int64_t>(list.size()),
          hsl::checksumHex(list.checksum()),
          list.type() == HashType::Pdq ? hsl::pdqLumaName(list.pdqLuma()) : ""};
}

audit::AuditRecord hashAuditRecord(const pipeline::PipelineOptions& opts, const std::string& output,
                                   const pipeline::RunStats& stats,
                                   std::chrono::system_clock::time_point start,
                                   std::chrono::system_clock::time_point end, int exitStatus) {
  audit::AuditRecord r = startAuditRecord("hash", stats.backend);
  // The variants `hashsieve info` describes in full.
  r.algorithms["pdq"] = opts.request.pdqLuma == pdq::LumaMode::Float64
                            ? "Meta PDQ, float64 luma (bit-exact with the pdqhash binding)"
                            : "Meta PDQ, library path (bit-exact with Meta's C++ reference)";
  if (opts.request.dihedral) r.algorithms["pdq_dihedral"] = "8 variants from one DCT";
  r.algorithms["phash"] = "imagehash.phash(hash_size=8, highfreq_factor=4)";
  r.algorithms["video"] =
      opts.media.videoSampling == media::VideoSampling::Time
          ? "time sampling: the first frame at or after each k / video_fps s of presentation time"
          : "vPDQ sampling: frame n hashed when n % int(avg fps / video_fps) == 0";
  r.algorithms["digests"] = "md5, sha1, sha256 of the file bytes";
  const media::Options& m = opts.media;
  r.settings["threads"] = opts.threads;
  r.settings["decoder"] = opts.media.batchDecoder ? opts.media.batchDecoder->name() : "cpu";
  r.settings["video_fps"] = m.videoFps;
  r.settings["video_sampling"] = m.videoSampling == media::VideoSampling::Time ? "time" : "frame";
  r.settings["all_frames"] = m.allFrames;
  r.settings["apply_orientation"] = m.applyOrientation;
  r.settings["pdq_luma"] = opts.request.pdqLuma == pdq::LumaMode::Float64 ? "float64" : "reference";
  r.settings["follow_symlinks"] = opts.walk.followSymlinks;
  r.settings["max_pixels"] = m.limits.maxPixels;
  r.settings["max_file_bytes"] = m.limits.maxFileBytes;
  r.settings["max_video_seconds"] = m.limits.maxVideoSeconds;
  r.settings["timeout_seconds"] = m.limits.timeoutSeconds;
  r.settings["journal"] = opts.journal != nullptr;
  r.inputRoots = opts.roots;
  r.output = output;
  r.counts.hashed = static_cast<int64_t>(stats.inputs - stats.errors);
  r.counts.failed = static_cast<int64_t>(stats.errors);
  r.start = start;
  r.end = end;
  r.exitStatus = exitStatus;
  return r;
}

}  // namespace hashsieve::cli
