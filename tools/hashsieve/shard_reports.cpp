// Combining shard statistics and audit records; see shard_reports.hpp.
#include "tools/hashsieve/shard_reports.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace hashsieve::cli {
namespace {

using Json = nlohmann::ordered_json;

bool keepsMaximum(const std::string& key) {
  return key == "threads" || key == "wall_seconds" || key.rfind("peak_", 0) == 0;
}

/// Adds `add` into `into`, key by key (objects recursively).
void accumulate(Json& into, const Json& add) {
  for (auto it = add.begin(); it != add.end(); ++it) {
    const std::string& k = it.key();
    if (!into.contains(k)) {
      into[k] = *it;
    } else if (it->is_object() && into[k].is_object()) {
      accumulate(into[k], *it);
    } else if (it->is_number_unsigned() || it->is_number_integer()) {
      into[k] = keepsMaximum(k) ? std::max(into[k].get<int64_t>(), it->get<int64_t>())
                                : into[k].get<int64_t>() + it->get<int64_t>();
    } else if (it->is_number_float()) {
      into[k] = keepsMaximum(k) ? std::max(into[k].get<double>(), it->get<double>())
                                : into[k].get<double>() + it->get<double>();
    }
  }
}

void dropRates(Json& j) {
  for (auto it = j.begin(); it != j.end();) {
    if (it.key().find("_per_second") != std::string::npos) {
      it = j.erase(it);
    } else {
      if (it->is_object()) dropRates(*it);
      ++it;
    }
  }
}

/// Parses isoUtc()'s "YYYY-MM-DDTHH:MM:SS.mmmZ" into ms since the epoch; -1 when malformed.
int64_t isoMillis(const std::string& s) {
  std::tm tm{};
  std::istringstream in(s);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  int ms = 0;
  char dot = 0;
  if (in.fail() || !(in >> dot >> ms) || dot != '.') return -1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

}  // namespace

Json mergeStatsJson(const std::vector<Json>& shards) {
  Json merged = Json::object();
  for (const Json& s : shards) accumulate(merged, s);
  dropRates(merged);
  merged["shards"] = shards;
  return merged;
}

Json mergeAuditJson(const std::vector<Json>& shards, const std::string& output) {
  Json merged = shards.front();
  Json counts = Json::object();
  Json list = Json::array();
  std::string start = merged.value("start", ""), end = merged.value("end", "");
  int exitStatus = 0;
  for (size_t i = 0; i < shards.size(); ++i) {
    const Json& s = shards[i];
    accumulate(counts, s.value("counts", Json::object()));
    // isoUtc strings of one format order as their times do.
    start = std::min(start, s.value("start", start));
    end = std::max(end, s.value("end", end));
    exitStatus = std::max(exitStatus, s.value("exit_status", 0));
    Json e;
    e["shard"] = i;
    for (const char* k : {"device", "backend", "output", "counts", "start", "end",
                          "elapsed_seconds", "exit_status"})
      if (s.contains(k)) e[k] = s[k];
    list.push_back(std::move(e));
  }
  merged["output"] = output;
  merged.erase("output_hex");
  merged["counts"] = counts;
  merged["start"] = start;
  merged["end"] = end;
  const int64_t a = isoMillis(start), b = isoMillis(end);
  if (a >= 0 && b >= a) merged["elapsed_seconds"] = double(b - a) / 1000.0;
  merged["exit_status"] = exitStatus;
  if (merged.contains("settings")) merged["settings"].erase("shard");
  merged["shards"] = std::move(list);
  return merged;
}

}  // namespace hashsieve::cli
