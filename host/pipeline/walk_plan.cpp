// Writing and reading `hashsieve plan` chunks; see walk_plan.hpp.
#include "host/pipeline/walk_plan.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "host/core/errors.hpp"
#include "host/pipeline/fatal_error.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr const char* kPlanFormat = "hashsieve-plan-1";

std::string planJsonPath(const std::string& dir) { return dir + "/plan.json"; }

void appendTo(const std::string& path, const std::string& text, bool truncate) {
  std::ofstream out(path, std::ios::binary | (truncate ? std::ios::trunc : std::ios::app));
  out << text;
  out.flush();
  if (!out) throw FatalError("plan: cannot write " + path + ": " + std::strerror(errno));
}

bool parseU64(std::string_view s, uint64_t& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

/// One chunk record; throws FormatError naming `path`.
std::pair<uint64_t, InputItem> parseRecord(const std::string& rec, const std::string& path) {
  const auto bad = [&] { return FormatError(path + ": malformed plan entry"); };
  const size_t t1 = rec.find('\t');
  const size_t t2 = t1 == std::string::npos ? t1 : rec.find('\t', t1 + 1);
  const size_t t3 = t2 == std::string::npos ? t2 : rec.find('\t', t2 + 1);
  uint64_t ordinal = 0;
  if (t3 == std::string::npos || !parseU64(std::string_view(rec).substr(0, t1), ordinal))
    throw bad();
  InputItem item;
  const std::string tag = rec.substr(t1 + 1, t2 - t1 - 1);
  item.ok = tag == "ok";
  if (!item.ok) item.error = tag;
  item.detail = rec.substr(t2 + 1, t3 - t2 - 1);
  item.path = rec.substr(t3 + 1);
  if (item.path.empty() || tag.empty()) throw bad();
  return {ordinal, std::move(item)};
}

}  // namespace

std::string planChunkPath(const std::string& dir, uint32_t index) {
  return dir + "/chunk-" + std::to_string(index) + ".txt";
}

PlanSummary writeWalkPlan(const RootSource& roots, const WalkOptions& walk, uint32_t chunks,
                          const std::string& dir, size_t bufferBytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw FatalError("plan: cannot create " + dir + ": " + ec.message());
  std::filesystem::remove(planJsonPath(dir));  // a stale plan must not pass for this one
  PlanSummary plan;
  plan.chunks = chunks;
  plan.followSymlinks = walk.followSymlinks;
  plan.inputs.assign(chunks, 0);
  plan.bytes.assign(chunks, 0);
  for (uint32_t i = 0; i < chunks; ++i) appendTo(planChunkPath(dir, i), "", true);
  // Chunk text waits here and is appended in rounds: a plan of 100k chunks never holds 100k
  // files open.
  std::vector<std::string> pending(chunks);
  size_t buffered = 0;
  const auto flush = [&] {
    for (uint32_t i = 0; i < chunks; ++i) {
      if (pending[i].empty()) continue;
      appendTo(planChunkPath(dir, i), pending[i], false);
      std::string().swap(pending[i]);
    }
    buffered = 0;
  };
  std::string root;
  while (roots(root)) {
    ++plan.roots;
    plan.rootsFnv = fnv1a64(root, plan.rootsFnv);
    plan.rootsFnv = fnv1a64(std::string_view("\0", 1), plan.rootsFnv);
    walkInputs({root}, walk, [&](InputItem&& item) {
      const uint32_t chunk = shardOf(shardKey(root, item.path), chunks);
      std::string& text = pending[chunk];
      const size_t before = text.size();
      text += std::to_string(plan.walked++);
      text += '\t';
      text += item.ok ? std::string("ok") : item.error;
      text += '\t';
      text += item.detail;
      text += '\t';
      text += item.path;
      text += '\0';
      ++plan.inputs[chunk];
      if (item.ok) plan.bytes[chunk] += static_cast<uint64_t>(item.size);
      buffered += text.size() - before;
      if (buffered > bufferBytes) flush();
      return true;
    });
  }
  flush();
  nlohmann::ordered_json j;
  j["format"] = kPlanFormat;
  j["chunks"] = plan.chunks;
  j["walked"] = plan.walked;
  j["roots"] = plan.roots;
  j["roots_fnv"] = plan.rootsFnv;
  j["follow_symlinks"] = plan.followSymlinks;
  j["inputs"] = plan.inputs;
  j["bytes"] = plan.bytes;
  const std::string tmp = planJsonPath(dir) + ".tmp";
  appendTo(tmp, j.dump() + "\n", true);
  std::filesystem::rename(tmp, planJsonPath(dir), ec);
  if (ec) throw FatalError("plan: cannot write " + planJsonPath(dir) + ": " + ec.message());
  return plan;
}

PartialWalk readWalkPlanChunk(const std::string& dir, ShardSpec shard, bool followSymlinks) {
  const std::string json = planJsonPath(dir);
  std::ifstream in(json, std::ios::binary);
  if (!in) throw FormatError(json + ": no plan (run `hashsieve plan`; it writes this file last)");
  PartialWalk partial;
  partial.planned = true;
  uint32_t chunks = 0;
  uint64_t expected = 0;
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.value("format", "") != kPlanFormat) throw FormatError(json + ": not a hashsieve plan");
    chunks = j.at("chunks").get<uint32_t>();
    partial.walked = j.at("walked").get<uint64_t>();
    partial.roots = j.at("roots").get<uint64_t>();
    partial.rootsFnv = j.at("roots_fnv").get<uint64_t>();
    if (j.at("follow_symlinks").get<bool>() != followSymlinks)
      throw UsageError("--plan " + dir + ": the plan was made " +
                       (followSymlinks ? "without" : "with") +
                       " --follow-symlinks; give the same walk options");
    if (chunks == shard.count) expected = j.at("inputs").at(shard.index).get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(json + ": unreadable plan: " + e.what());
  }
  if (chunks != shard.count)
    throw UsageError("--plan " + dir + " has " + std::to_string(chunks) + " chunks; run it as " +
                     "--shard I/" + std::to_string(chunks));
  const std::string path = planChunkPath(dir, shard.index);
  std::ifstream chunk(path, std::ios::binary);
  if (!chunk) throw FormatError(path + ": " + std::strerror(errno));
  std::string rec;
  while (std::getline(chunk, rec, '\0')) {
    if (chunk.eof()) throw FormatError(path + ": truncated (no NUL after the last entry)");
    auto entry = parseRecord(rec, path);
    if (entry.first >= partial.walked ||
        (!partial.inputs.empty() && entry.first <= partial.inputs.back().first))
      throw FormatError(path + ": plan entries out of order");
    partial.inputs.push_back(std::move(entry));
  }
  if (partial.inputs.size() != expected)
    throw FormatError(path + ": " + std::to_string(partial.inputs.size()) +
                      " entries, the plan says " + std::to_string(expected) +
                      " (truncated or changed)");
  return partial;
}

}  // namespace hashsieve::pipeline
