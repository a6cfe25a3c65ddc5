// `hashsieve plan`: the inputs walked once and split into N chunk files by the shard assignment
// (shard.hpp), so that each shard, or each task of a size-capped job array taking several chunks
// in turn, reads only its own inputs (`hash|scan --plan DIR --shard I/N`) instead of walking,
// or listing, the whole backlog.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/pipeline/input_walker.hpp"
#include "host/pipeline/shard.hpp"

namespace hashsieve::pipeline {

/// DIR/plan.json (written last: a plan without it is incomplete).
struct PlanSummary {
  uint32_t chunks = 0;
  uint64_t walked = 0;  // inputs of the whole walk
  uint64_t roots = 0;   // as PartialWalk: count and digest of the roots given
  uint64_t rootsFnv = kFnv1a64Offset;
  bool followSymlinks = false;
  std::vector<uint64_t> inputs, bytes;  // per chunk: inputs, and bytes of the regular files
};

/// Gives the next root in `root`; false at the end.
using RootSource = std::function<bool(std::string& root)>;

/// Walks the roots once and writes DIR/chunk-I.txt (I = 0..chunks-1; every file exists, some may
/// be empty) and DIR/plan.json. A chunk file holds, per input and in walk order,
/// "ORDINAL TAB ok|ERROR-TAG TAB DETAIL TAB PATH NUL". Memory: at most `bufferBytes` of chunk
/// text waits before it is appended to the files. Throws FatalError when DIR cannot be written.
PlanSummary writeWalkPlan(const RootSource& roots, const WalkOptions& walk, uint32_t chunks,
                          const std::string& dir, size_t bufferBytes = size_t{32} << 20);

/// Chunk `shard.index` of the plan in `dir`, as the inputs of a run: throws UsageError when the
/// plan has another chunk count or other walk options, FormatError naming the file when it is
/// incomplete, truncated or malformed.
PartialWalk readWalkPlanChunk(const std::string& dir, ShardSpec shard, bool followSymlinks);

std::string planChunkPath(const std::string& dir, uint32_t index);

}  // namespace hashsieve::pipeline
