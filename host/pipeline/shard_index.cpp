// Shard index files (OUTPUT.shard); see shard_index.hpp.
#include "host/pipeline/shard_index.hpp"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "host/core/errors.hpp"
#include "host/pipeline/crc32.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr const char* kFormat = "hashsieve-shard-1";

bool parseU64(std::string_view s, uint64_t& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

std::string shardIndexPath(const std::string& output) { return output + ".shard"; }

void writeShardIndex(const ShardIndex& x, const std::string& path) {
  nlohmann::ordered_json j;
  j["format"] = kFormat;
  j["command"] = x.command;
  j["fingerprint"] = x.fingerprint;
  j["shard"] = x.shard;
  j["shards"] = x.shards;
  j["walked"] = x.walked;
  j["header_bytes"] = x.headerBytes;
  j["output_bytes"] = x.outputBytes;
  j["output_crc32"] = x.outputCrc32;
  j["records"] = x.records.size();
  j["stats"] = x.stats;
  j["audit"] = x.audit;
  // Paths in the fingerprint may be any bytes: replace, do not throw.
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  for (const auto& e : x.records)
    text += std::to_string(e.ordinal) + " " + std::to_string(e.bytes) + "\n";
  text += "end " + std::to_string(x.records.size()) + "\n";
  writeFileAtomically(path, text);
}

ShardIndex readShardIndex(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw FormatError(path +
                      ": no shard index (the shard did not finish, or -o was not "
                      "written by a --shard run)");
  const auto bad = [&](const std::string& why) { return FormatError(path + ": " + why); };
  std::string line;
  ShardIndex x;
  uint64_t count = 0;
  try {
    if (!std::getline(in, line)) throw bad("empty shard index");
    const auto j = nlohmann::json::parse(line);
    if (j.value("format", "") != kFormat) throw bad("not a hashsieve shard index");
    x.command = j.at("command").get<std::string>();
    x.fingerprint = j.at("fingerprint").get<std::string>();
    x.shard = j.at("shard").get<uint32_t>();
    x.shards = j.at("shards").get<uint32_t>();
    x.walked = j.at("walked").get<uint64_t>();
    x.headerBytes = j.at("header_bytes").get<uint64_t>();
    x.outputBytes = j.at("output_bytes").get<uint64_t>();
    x.outputCrc32 = j.at("output_crc32").get<uint32_t>();
    count = j.at("records").get<uint64_t>();
    x.stats = j.value("stats", "");
    x.audit = j.value("audit", "");
  } catch (const nlohmann::json::exception& e) {
    throw bad(std::string("unreadable shard index header: ") + e.what());
  }
  if (count > x.walked) throw bad("more records than inputs walked");
  x.records.reserve(count);
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) throw bad("malformed line '" + line + "'");
    const std::string_view first = std::string_view(line).substr(0, space);
    const std::string_view second = std::string_view(line).substr(space + 1);
    uint64_t n = 0;
    if (first == "end") {
      if (!parseU64(second, n) || n != count || x.records.size() != count)
        throw bad("truncated shard index");
      return x;
    }
    ShardIndex::Entry e;
    if (!parseU64(first, e.ordinal) || !parseU64(second, e.bytes))
      throw bad("malformed line '" + line + "'");
    if (!x.records.empty() && e.ordinal <= x.records.back().ordinal)
      throw bad("ordinals out of order");
    x.records.push_back(e);
  }
  throw bad("truncated shard index (no end line)");
}

void ShardRecorder::header(std::string_view text) {
  out_.write(text);
  if (!measure_) return;
  headerBytes_ += text.size();
  bytes_ += text.size();
  crc_ = crc32(text, crc_);
}

void ShardRecorder::record(std::string_view text) {
  out_.write(text);
  if (!measure_) return;
  lengths_.push_back(text.size());
  bytes_ += text.size();
  crc_ = crc32(text, crc_);
}

ShardIndex ShardRecorder::finish(const std::vector<uint64_t>& ordinals) const {
  if (ordinals.size() != lengths_.size())
    throw std::logic_error("shard index: " + std::to_string(lengths_.size()) + " records but " +
                           std::to_string(ordinals.size()) + " ordinals");
  ShardIndex x;
  x.headerBytes = headerBytes_;
  x.outputBytes = bytes_;
  x.outputCrc32 = crc_;
  x.records.reserve(ordinals.size());
  for (size_t i = 0; i < ordinals.size(); ++i) {
    // Records of one walked input (an archive's members, then the archive) stay together.
    if (!x.records.empty() && x.records.back().ordinal == ordinals[i])
      x.records.back().bytes += lengths_[i];
    else
      x.records.push_back({ordinals[i], lengths_[i]});
  }
  return x;
}

}  // namespace hashsieve::pipeline
