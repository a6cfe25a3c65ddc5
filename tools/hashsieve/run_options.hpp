// The options `hash` and `scan` share: inputs, media limits, hashing backend, journal and outputs.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/core/policy.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/journal.hpp"
#include "host/pipeline/output_stream.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/shard_index.hpp"

namespace hashsieve::cli {

struct RunArgs {
  std::vector<std::string> paths;
  std::string output = "-";
  int threads = 0;  // 0 = all cores
  std::string device = "auto";
  std::string decoder = "cpu";  // --decoder cpu|gpu|auto (images through nvImageCodec)
  double videoFps = policy::kVideoFps;
  std::string videoSampling = "frame";  // frame (vPDQ) or time (presentation timestamps)
  bool allFrames = false;
  bool applyOrientation = false;
  std::string pdqLuma = "reference";
  media::Limits limits;
  bool followSymlinks = false;
  std::string filesFrom;
  bool nul = false;
  std::string journal;
  std::string statsJson;
  bool quiet = false;
  std::string audit;  // --audit FILE; default OUTPUT.audit.json beside a file output
  int batchFrames = 0;
  std::string archives = "nested";  // --archives none|top|nested
  archive::ArchiveOptions archiveLimits;
  std::string shard;  // --shard I/N | auto | auto/N
  std::string plan;   // --plan DIR: this shard's chunk of a `hashsieve plan`
};

/// Registers the shared options on `cmd`; `threadsHelp` says what --threads drives.
void addRunOptions(CLI::App* cmd, RunArgs& a, const std::string& threadsHelp);

/// Pipeline options from the shared arguments: roots (with --files-from), walk, media, luma,
/// threads, decoder and hasher. With `shard`, only the shard's part of a --files-from list is
/// kept (files_from.hpp) and --plan is read. Throws UsageError on inconsistent inputs.
pipeline::PipelineOptions pipelineOptions(const RunArgs& a, const std::string& command,
                                          const std::optional<pipeline::ShardSpec>& shard = {});

/// Everything shared that changes a record, so a journal is only reused by the same command.
std::string runFingerprint(const RunArgs& a);

/// --shard: the spec (nullopt without it). Expands %i in -o, --journal, --stats-json, --audit
/// and --files-from; with more than one shard each given file name must hold %i, and -o must
/// be a file (its shard index goes beside it). Throws UsageError.
std::optional<pipeline::ShardSpec> applyShard(RunArgs& a);

/// What a shard index fingerprints: the command's journal fingerprint, `extra` (format, list,
/// thresholds) and the roots (count and FNV-1a of their bytes, of the whole walk when the run
/// has part of it), so merge refuses other runs.
std::string shardFingerprint(const RunArgs& a, const std::string& journalFingerprint,
                             const std::string& extra, const pipeline::PipelineOptions& opts);

/// Writes OUTPUT.shard for a finished sharded run (last, so that it marks a complete shard).
/// `index` carries the command, fingerprint and records; the shard and the walk size are set here.
void writeRunShardIndex(pipeline::ShardIndex index, const RunArgs& a,
                        const pipeline::ShardSpec& shard, uint64_t walked,
                        const std::optional<std::filesystem::path>& auditPath);

/// The run's writable places, all opened before any work so that a bad path fails first.
struct RunOutputs {
  std::optional<std::filesystem::path> auditPath;  // probed writable
  std::unique_ptr<pipeline::OutputStream> out;
  std::unique_ptr<pipeline::OutputStream> stats;  // --stats-json, when given
  std::unique_ptr<pipeline::Journal> journal;     // --journal, when given; set in opts
};
RunOutputs openRunOutputs(const RunArgs& a, const std::string& journalFingerprint,
                          pipeline::PipelineOptions& opts);

}  // namespace hashsieve::cli
