// The shard index: a small file written beside each sharded output (OUTPUT.shard) that lets
// `hashsieve merge` rebuild, byte for byte, the output one unsharded run would have written.
//
// Why a sidecar: the unsharded order cannot be recomputed from the records (--files-from lists
// are in any order; roots may overlap), so each shard records, for every record it wrote, its
// ordinal in the full walk (every shard walks every input) and its byte length in the output.
// Merge then writes the common header once and the records by ordinal, whatever the format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/pipeline/output_stream.hpp"

namespace hashsieve::pipeline {

/// Layout: line 1 is a JSON object (format "hashsieve-shard-1", command, fingerprint, shard,
/// shards, walked, header_bytes, output_bytes, output_crc32, records, stats, audit); then one
/// "ORDINAL BYTES" line per record in output order; then "end RECORDS". A file without the end
/// line or with another count is truncated.
struct ShardIndex {
  std::string command;      // "hash", "scan"
  std::string fingerprint;  // everything that changes the output bytes, roots included
  uint32_t shard = 0, shards = 1;
  uint64_t walked = 0;       // inputs in the whole walk (all shards)
  uint64_t headerBytes = 0;  // before the first record (the CSV header)
  uint64_t outputBytes = 0;
  uint32_t outputCrc32 = 0;
  struct Entry {
    uint64_t ordinal = 0;
    uint64_t bytes = 0;
  };
  std::vector<Entry> records;  // output order = increasing ordinal
  std::string stats, audit;    // absolute paths of the shard's --stats-json and audit; "" = none
};

/// OUTPUT + ".shard".
std::string shardIndexPath(const std::string& output);

/// Writes atomically (temporary beside it, fsync, rename). Throws FatalError.
void writeShardIndex(const ShardIndex& index, const std::string& path);

/// Reads and checks the framing. Throws FormatError naming `path` (missing, not an index,
/// truncated).
ShardIndex readShardIndex(const std::string& path);

/// Writes the header and the records of a sharded run to `out` and measures them for its index.
class ShardRecorder {
 public:
  /// `measure`: keep each record's length (a sharded run); otherwise only write.
  ShardRecorder(OutputStream& out, bool measure) : out_(out), measure_(measure) {}
  void header(std::string_view text);
  /// One record's whole rendering (possibly empty: e.g. a pdq line for a video).
  void record(std::string_view text);

  /// The index of the finished run; `ordinals` from RunStats, one per record
  /// (consecutive records of one input share an ordinal and become one entry). Throws
  /// std::logic_error when the counts differ.
  ShardIndex finish(const std::vector<uint64_t>& ordinals) const;

 private:
  OutputStream& out_;
  bool measure_;
  uint64_t headerBytes_ = 0, bytes_ = 0;
  uint32_t crc_ = 0;
  std::vector<uint64_t> lengths_;
};

}  // namespace hashsieve::pipeline
