// The bulk hashing pipeline: reader (walk) -> decoder pool -> [batcher] -> hasher -> ordered
// writer, every queue bounded. Records reach the sink in input order whatever the thread count.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/archive/archive_expander.hpp"
#include "host/core/hasher.hpp"
#include "host/media/media.hpp"
#include "host/pipeline/hash_stage.hpp"
#include "host/pipeline/input_walker.hpp"
#include "host/pipeline/journal.hpp"
#include "host/pipeline/record.hpp"
#include "host/pipeline/run_stats.hpp"
#include "host/pipeline/shard.hpp"

namespace hashsieve::pipeline {

/// media::decodeFile's signature; injectable so tests can run the pipeline on fake decoders.
using DecodeFn = std::function<media::MediaInfo(const std::filesystem::path&, const media::Options&,
                                                const media::FrameCallback&)>;
/// media::decodeMemory's signature: archive members, decoded from memory.
using MemoryDecodeFn = std::function<media::MediaInfo(
    std::span<const uint8_t>, const media::Options&, const media::FrameCallback&)>;
using HasherFactory = std::function<std::unique_ptr<Hasher>()>;
/// Receives every record once, in input order, on one thread. May throw FatalError.
using RecordSink = std::function<void(const Record&)>;

struct PipelineOptions {
  std::vector<std::string> roots;  // files and directories, in order
  WalkOptions walk;
  media::Options media;
  HashRequest request;  // pdq + phash; dihedral with --dihedral
  int threads = 1;      // decode workers (>= 1)
  DecodeFn decode;      // required
  /// Archives found in the walk (by content) are expanded by the reader, members in archive
  /// order; each member is one input decoded from memory by `decodeMemory` (required unless
  /// the mode is None). A root "a.zip!/m.jpg" that is not a file names one member.
  archive::ArchiveOptions archives;
  MemoryDecodeFn decodeMemory;
  HasherFactory makeHasher;  // required; called once per worker (inline) or once (batched)
  bool batched = false;      // one shared hasher fed by a FrameBatcher (CUDA)
  BatcherConfig batcher;
  /// Finished records waiting for an earlier one; 0 = 4 x threads + 16.
  uint64_t reorderWindow = 0;
  Journal* journal = nullptr;  // optional; committed every journalBatch records and at the end
  size_t journalBatch = 64;
  double journalMaxSeconds = 1.0;  // and at least this often while records arrive
  bool backgroundCount = true;     // count the inputs in a second walk for the progress total
  /// Only this shard's inputs become records (shard.hpp); the walk still visits every input, so
  /// RunStats::walked and ::ordinals say where each record stands in the unsharded run.
  std::optional<ShardSpec> shard;
  /// The roots are part of a larger walk (a shard's share of --files-from, a plan chunk):
  /// ordinals and RunStats::walked count the whole; a plan chunk's inputs are all this shard's.
  std::optional<PartialWalk> partial;
};

/// Runs to completion. Per-file problems become error records; a FatalError from the sink, the
/// journal or the hasher stops the run and is rethrown here after every thread has joined.
RunStats runPipeline(const PipelineOptions& opts, const RecordSink& sink, LiveCounters& live);

/// The error record for an input that was not decoded.
Record errorRecord(const std::string& path, const std::string& reason, const std::string& detail);

}  // namespace hashsieve::pipeline
