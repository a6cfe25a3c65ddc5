// `hashsieve merge`: the shard outputs of one sharded run, interleaved back into the order of
// the unsharded run by their shard indexes (shard_index.hpp), byte for byte.
#pragma once

#include <string>
#include <vector>

#include "host/pipeline/output_stream.hpp"
#include "host/pipeline/shard_index.hpp"

namespace hashsieve::pipeline {

/// The checked set: indexes[k] belongs to outputs[k], both in shard order.
struct ShardSet {
  std::vector<std::string> outputs;
  std::vector<ShardIndex> indexes;
};

/// Reads every output's index and checks that they are the N shards of one run: same command,
/// fingerprint, shard count and walk; each index exactly once. Throws UsageError naming the
/// files (different options, duplicate or missing shard) or FormatError (unreadable index).
ShardSet checkShardSet(const std::vector<std::string>& outputs);

/// Verifies every output against its index (size, CRC-32, common header; truncated or modified
/// files are named, FormatError) and that the records cover the whole walk exactly once
/// (UsageError otherwise), then writes the merged output to `out`. Returns the record count.
uint64_t mergeShardOutputs(const ShardSet& set, OutputStream& out);

}  // namespace hashsieve::pipeline
