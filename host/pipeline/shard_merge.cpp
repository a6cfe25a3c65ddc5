// Checks a set of shard outputs and interleaves them by ordinal; see shard_merge.hpp.
#include "host/pipeline/shard_merge.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>

#include "host/core/errors.hpp"
#include "host/pipeline/crc32.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr uint32_t kNoShard = std::numeric_limits<uint32_t>::max();
constexpr size_t kCopyBlock = 1 << 20;

std::unique_ptr<std::ifstream> openShard(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) throw FormatError(path + ": cannot open the shard output");
  return in;
}

/// Reads exactly `n` bytes into `buf`; FormatError naming `path` when the file ends early.
void readExactly(std::ifstream& in, uint64_t n, std::string& buf, const std::string& path) {
  buf.resize(n);
  if (n && !in.read(buf.data(), static_cast<std::streamsize>(n)))
    throw FormatError(path + ": truncated (ends inside a record)");
}

void verifyOutput(const std::string& path, const ShardIndex& x) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw FormatError(path + ": missing shard output (" + ec.message() + ")");
  if (size != x.outputBytes)
    throw FormatError(path + ": truncated or modified: " + std::to_string(size) +
                      " bytes, its shard index says " + std::to_string(x.outputBytes));
  uint64_t sum = x.headerBytes;
  for (const auto& e : x.records) sum += e.bytes;
  if (sum != x.outputBytes) throw FormatError(path + ".shard: record lengths do not add up");
  auto in = openShard(path);
  std::string block(kCopyBlock, '\0');
  uint32_t crc = 0;
  while (in->read(block.data(), static_cast<std::streamsize>(block.size())) || in->gcount() > 0)
    crc = crc32(std::string_view(block.data(), static_cast<size_t>(in->gcount())), crc);
  if (crc != x.outputCrc32)
    throw FormatError(path + ": modified or damaged (CRC-32 differs from its shard index)");
}

}  // namespace

ShardSet checkShardSet(const std::vector<std::string>& outputs) {
  if (outputs.empty()) throw UsageError("merge: give the shard outputs");
  std::vector<ShardIndex> read;
  for (const auto& o : outputs) read.push_back(readShardIndex(shardIndexPath(o)));
  const ShardIndex& first = read.front();
  for (size_t k = 1; k < read.size(); ++k) {
    const ShardIndex& x = read[k];
    const std::string pair = outputs[k] + " and " + outputs[0];
    if (x.command != first.command || x.fingerprint != first.fingerprint)
      throw UsageError("merge: " + pair + " were made with different options:\n  " + x.command +
                       ": " + x.fingerprint + "\n  " + first.command + ": " + first.fingerprint);
    if (x.shards != first.shards)
      throw UsageError("merge: " + pair + " are shards of " + std::to_string(x.shards) +
                       " and of " + std::to_string(first.shards));
    if (x.walked != first.walked)
      throw UsageError("merge: " + pair + " walked " + std::to_string(x.walked) + " and " +
                       std::to_string(first.walked) +
                       " inputs: the inputs changed between shards; rerun the shards");
  }
  ShardSet set;
  set.outputs.resize(first.shards);
  set.indexes.resize(first.shards);
  std::vector<bool> seen(first.shards, false);
  for (size_t k = 0; k < read.size(); ++k) {
    const uint32_t i = read[k].shard;
    if (i >= first.shards) throw FormatError(outputs[k] + ".shard: shard index out of range");
    if (seen[i])
      throw UsageError("merge: duplicate shard " + std::to_string(i) + ": " + set.outputs[i] +
                       " and " + outputs[k]);
    seen[i] = true;
    set.outputs[i] = outputs[k];
    set.indexes[i] = std::move(read[k]);
  }
  for (uint32_t i = 0; i < first.shards; ++i)
    if (!seen[i])
      throw UsageError("merge: shard " + std::to_string(i) + " of " + std::to_string(first.shards) +
                       " is missing");
  return set;
}

uint64_t mergeShardOutputs(const ShardSet& set, OutputStream& out) {
  const size_t n = set.outputs.size();
  const uint64_t walked = set.indexes.front().walked;
  for (size_t s = 0; s < n; ++s) verifyOutput(set.outputs[s], set.indexes[s]);

  // Which shard holds each input of the walk: every input gives exactly one record.
  std::vector<uint32_t> owner(walked, kNoShard);
  for (size_t s = 0; s < n; ++s) {
    for (const auto& e : set.indexes[s].records) {
      if (e.ordinal >= walked)
        throw FormatError(set.outputs[s] + ".shard: input #" + std::to_string(e.ordinal) +
                          " is beyond the walk");
      if (owner[e.ordinal] != kNoShard)
        throw UsageError("merge: " + set.outputs[owner[e.ordinal]] + " and " + set.outputs[s] +
                         " both hold input #" + std::to_string(e.ordinal));
      owner[e.ordinal] = static_cast<uint32_t>(s);
    }
  }
  for (uint64_t g = 0; g < walked; ++g)
    if (owner[g] == kNoShard)
      throw UsageError("merge: input #" + std::to_string(g) + " of " + std::to_string(walked) +
                       " is in no shard");

  std::vector<std::unique_ptr<std::ifstream>> in;
  std::string header, buf;
  for (size_t s = 0; s < n; ++s) {
    in.push_back(openShard(set.outputs[s]));
    readExactly(*in[s], set.indexes[s].headerBytes, buf, set.outputs[s]);
    if (s == 0) header = buf;
    if (buf != header)
      throw UsageError("merge: " + set.outputs[s] + " and " + set.outputs[0] +
                       " start with different headers (different formats)");
  }
  out.write(header);
  std::vector<size_t> next(n, 0);
  for (uint64_t g = 0; g < walked; ++g) {
    const uint32_t s = owner[g];
    readExactly(*in[s], set.indexes[s].records[next[s]++].bytes, buf, set.outputs[s]);
    out.write(buf);
  }
  return walked;
}

}  // namespace hashsieve::pipeline
